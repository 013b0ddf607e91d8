"""Mail and jobs leave only after the commit; Huey runs on Redis when REDIS_URL is set."""

from __future__ import annotations

import socket

import pytest
from huey import MemoryHuey, RedisHuey

from governance import jobs, mail
from governance.extensions import db


def test_mail_is_written_only_when_the_transaction_commits(ctx, outbox):
    mail.send("someone@example.org", "Hello", "Body")
    assert not list(outbox.glob("*.eml"))
    db.session.rollback()
    db.session.commit()
    assert not list(outbox.glob("*.eml"))  # the rolled-back mail is gone for good

    mail.send("someone@example.org", "Hello", "https://example.org/" + "x" * 120)
    db.session.commit()
    [written] = outbox.glob("*.eml")
    text = written.read_text()
    assert "Subject: Hello" in text
    assert "https://example.org/" + "x" * 120 in text  # long links are not wrapped


def test_mail_goes_by_smtp_when_a_server_is_configured(app, ctx, monkeypatch, outbox):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            sent.append(("starttls",))

        def login(self, user, password):
            sent.append(("login", user))

        def send_message(self, message):
            sent.append(("send", message["To"], message["Subject"]))

    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "roundtable")
    mail.send("someone@example.org", "Hello", "Body")
    db.session.commit()
    assert sent == [
        ("connect", "smtp.example.org", 587),
        ("starttls",),
        ("login", "roundtable"),
        ("send", "someone@example.org", "Hello"),
    ]
    assert not list(outbox.glob("*.eml"))


def test_without_redis_url_jobs_run_in_process(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    huey = jobs._make_huey()
    assert isinstance(huey, MemoryHuey) and huey.immediate


def _redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_is_up(), reason="needs Redis on 127.0.0.1:6379 (.ci/run starts it)")
def test_with_redis_url_jobs_are_queued_on_redis(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/15")
    huey = jobs._make_huey()
    assert isinstance(huey, RedisHuey) and not huey.immediate
    huey.storage.flush_queue()

    @huey.task()
    def add(a, b):
        return a + b

    try:
        result = add(2, 3)
        assert huey.pending_count() == 1
        task = huey.dequeue()
        huey.execute(task)
        assert result.get() == 5
    finally:
        huey.storage.flush_results()
        huey.storage.conn.connection_pool.disconnect()


def test_the_worker_entry_point_knows_every_task():
    import worker

    names = set(worker.huey._registry._registry)
    assert any(name.endswith("outbox.run") for name in names)
    assert any(name.endswith("hand_on_outbox") for name in names)
    assert any(name.endswith("close_due_votes") for name in names)


def test_a_consumers_tasks_share_one_app_even_when_they_start_at_once(monkeypatch, tmp_path):
    """`huey_consumer worker.huey` runs tasks outside any app, in worker threads: each task made an app of
    its own, and two at once registered the API's blueprints (a module-level flask-smorest object) on
    each other's app, so a task failed with 'The name ... is already registered'."""
    import threading

    from flask import current_app

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setattr(jobs, "_consumer_app", [])
    barrier, apps, errors = threading.Barrier(3), [], []

    def task() -> None:
        barrier.wait()
        try:
            with jobs.app_context():
                apps.append(current_app._get_current_object())
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=task) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(apps) == 3 and apps[0] is apps[1] is apps[2]
