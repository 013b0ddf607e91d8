"""The outbox: nothing is lost when Redis or the mail server fails, nothing is sent twice, and failures
stay visible to the instance's admin, who can retry them."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from huey import RedisHuey

from governance import jobs, mail
from governance import outbox as queue
from governance.extensions import db
from governance.outbox import OutboxItem, OutboxState
from governance.types import utcnow
from tests.factories import sign_in


def _rows() -> list[OutboxItem]:
    return db.session.scalars(sa.select(OutboxItem).order_by(OutboxItem.id)).all()


def test_mail_is_a_row_of_the_transaction_and_is_sent_once_after_the_commit(ctx, outbox):
    mail.send("someone@example.org", "Hello", "Body")
    [row] = _rows()
    assert row.state == OutboxState.WAITING and not list(outbox.glob("*.eml"))
    db.session.commit()
    db.session.refresh(row)
    assert row.state == OutboxState.DONE and row.attempts == 1
    assert len(list(outbox.glob("*.eml"))) == 1
    assert outbox_run_again(row.id) is False  # a second run (a retried task, a second consumer) sends nothing
    assert len(list(outbox.glob("*.eml"))) == 1


def outbox_run_again(item_id: int) -> bool:
    return queue.run(item_id)


def test_with_redis_down_a_committed_mail_waits_and_the_periodic_hand_on_sends_it(ctx, outbox, monkeypatch):
    dead = RedisHuey("roundtable-dead", url="redis://127.0.0.1:9/0", utc=True)  # nothing listens on port 9
    monkeypatch.setattr(queue, "run_task", dead.task(name="outbox.run")(queue.run))
    mail.send("someone@example.org", "Hello", "Body")
    db.session.commit()  # the commit stands: the dead queue is logged, not raised
    [row] = _rows()
    assert row.state == OutboxState.WAITING and not list(outbox.glob("*.eml"))
    assert queue.hand_on_due() == 1
    assert len(list(outbox.glob("*.eml"))) == 1
    db.session.refresh(row)
    assert row.state == OutboxState.DONE


class BrokenSMTP:
    def __init__(self, *args, **kwargs):
        raise ConnectionRefusedError("the mail server is down")


def test_a_failing_mail_server_keeps_the_mail_with_its_error_and_retries_it_later(
    app, ctx, monkeypatch, outbox
):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setattr(mail.smtplib, "SMTP", BrokenSMTP)
    mail.send("someone@example.org", "Hello", "Body")
    db.session.commit()
    [row] = _rows()
    assert row.state == OutboxState.WAITING and "mail server is down" in row.last_error
    assert row.next_attempt_at > utcnow()
    assert queue.hand_on_due() == 0  # not due yet: retries wait, longer each time
    for day in range(1, queue.MAX_ATTEMPTS):
        queue.hand_on_due(now=utcnow() + timedelta(days=day))
    db.session.refresh(row)
    assert row.state == OutboxState.FAILED and row.attempts == queue.MAX_ATTEMPTS
    assert queue.hand_on_due(now=utcnow() + timedelta(days=30)) == 0  # given up: only an admin retries


def test_the_instance_admin_sees_failed_mail_and_retries_it(app, client, world, monkeypatch, outbox):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setattr(mail.smtplib, "SMTP", BrokenSMTP)
    mail.send("someone@example.org", "Your invitation", "Body")
    db.session.commit()
    [row] = _rows()
    row.failed_at = utcnow()
    db.session.commit()
    sign_in(client, world.admin)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "Mail to someone@example.org: Your invitation" in page and "mail server is down" in page
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)  # the server is fixed: the outbox folder works
    response = client.post(f"/admin/outbox/{row.id}/retry", follow_redirects=True)
    assert "sent" in response.get_data(as_text=True)
    assert len(list(outbox.glob("*.eml"))) == 1


@pytest.mark.parametrize("who", ["steward", "delegate"])
def test_nobody_but_the_instance_admin_sees_the_outbox(client, world, who):
    someone = world.steward if who == "steward" else world.delegates[0]
    sign_in(client, someone)
    assert client.get("/admin/outbox").status_code == 403


def test_in_immediate_mode_a_failed_job_is_retried_by_the_periodic_hand_on(ctx):
    calls = []

    def flaky(n):
        calls.append(n)
        if len(calls) == 1:
            raise RuntimeError("the first try fails")

    import tests.governance.test_outbox as here

    here.flaky = flaky
    jobs.after_commit(db.session(), flaky, 7)
    db.session.commit()
    assert calls == [7]
    [row] = _rows()
    assert row.state == OutboxState.WAITING and "first try fails" in row.last_error
    queue.hand_on_due(now=utcnow() + timedelta(hours=1))
    assert calls == [7, 7]
    db.session.refresh(row)
    assert row.state == OutboxState.DONE


def test_a_long_address_does_not_lose_its_mail(ctx, outbox):
    address = "a" * 60 + "@" + ("b" * 60 + ".") * 3 + "example"
    mail.send(address, "Hello", "Body")
    db.session.commit()
    [written] = outbox.glob("*.eml")
    assert f"To: {address}" in written.read_text()


def _faulty_app(tmp_path, *, commit_first: bool):
    from governance import create_app
    from tests.conftest import TEST_SETTINGS

    app = create_app(
        {
            **TEST_SETTINGS,
            "TESTING": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'faulty.db'}",
            "SCHEDULER_SECONDS": 0,
        }
    )

    @app.get("/api/v1/fault")
    @app.get("/fault")
    def fault():
        if commit_first:
            db.session.commit()
        raise RuntimeError("a bug")

    return app


@pytest.mark.parametrize("commit_first", [False, True])
def test_a_fault_says_truthfully_whether_the_change_was_saved(tmp_path, monkeypatch, commit_first):
    from governance import api

    monkeypatch.setattr(api, "PUBLIC_PATHS", {*api.PUBLIC_PATHS, "/api/v1/fault"})
    app = _faulty_app(tmp_path, commit_first=commit_first)
    with app.test_client() as client:
        page = client.get("/fault")
        api = client.get("/api/v1/fault")
    said = "Your change was saved" if commit_first else "nothing was saved"
    assert page.status_code == 500 and said in page.get_data(as_text=True)
    assert api.status_code == 500 and said in api.get_json()["message"]
    with app.app_context():
        db.engine.dispose()


def test_a_signed_in_person_gets_the_error_page_when_the_database_is_gone(tmp_path, monkeypatch):
    from flask_migrate import upgrade

    from tests import factories

    app = _faulty_app(tmp_path, commit_first=False)
    with app.app_context():
        upgrade()
        factories.person("Dana Delegate", email="dana@example.org")
        db.session.commit()
        db.session.remove()

    def no_database(*args, **kwargs):
        raise sa.exc.OperationalError("connect", {}, Exception("the database is gone"))

    with app.test_client() as client:
        factories.sign_in(client, SimpleNamespace(email="dana@example.org"))
        with app.app_context():
            db.engine.dispose()
            monkeypatch.setattr(db.engine.pool, "_do_get", no_database)
        page = client.get("/fault")
    assert page.status_code == 500 and "Something went wrong on our side" in page.get_data(as_text=True)
