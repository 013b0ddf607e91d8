"""The audit log: a hash chain that `audit verify` checks, pointing at the first event that does not hold."""

from __future__ import annotations

import itertools
import threading

import pytest
import sqlalchemy as sa

from governance import audit
from governance.extensions import db
from tests.conftest import fresh_database

SQLITE_TRIGGERS = [
    f"{t}_no_{op}" for t in ("audit_events", "audit_event_networks") for op in ("update", "delete")
]


def _untrigger(session) -> None:
    """Tamper as an attacker with the database's files or its owner's password would: past the append-only
    triggers (on SQLite by dropping them inside the test's transaction, which is rolled back after it)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL session_replication_role = replica"))
    else:
        for name in SQLITE_TRIGGERS:
            session.execute(sa.text(f"DROP TRIGGER {name}"))


def _events(session):
    return session.scalars(sa.select(audit.AuditEvent).order_by(audit.AuditEvent.seq)).all()


def test_events_chain_each_hash_to_the_one_before(world, session):
    events = _events(session)
    assert events[0].prev_hash == audit.GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
        assert after.seq == before.seq + 1
    assert audit.verify().is_intact


def test_event_hash_covers_its_content(world, session):
    event = _events(session)[3]
    assert event.compute_hash() == event.hash
    event.data = {**event.data, "name": "something else"}
    assert event.compute_hash() != event.hash
    session.expire(event)


def test_verify_command_says_ok_with_the_count(app, world, session):
    count = len(_events(session))
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert result.output.strip() == f"ok {count} events"


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param('UPDATE audit_events SET data = \'{"name": "Forged"}\' WHERE seq = 4', id="changed"),
        pytest.param(
            "UPDATE audit_events SET actor_label = 'Someone else' WHERE seq = 4", id="changed-actor"
        ),
        pytest.param(
            "UPDATE audit_events SET at = at + INTERVAL '1 second' WHERE seq = 4", id="changed-time"
        ),
        pytest.param(
            "DELETE FROM audit_event_networks WHERE event_id = (SELECT id FROM audit_events WHERE seq = 4)",
            id="changed-networks",
        ),
    ],
)
def test_verify_command_points_at_the_first_tampered_event(app, world, session, tamper, is_postgres):
    if "INTERVAL" in tamper and not is_postgres:
        tamper = "UPDATE audit_events SET at = datetime(at, '+1 second') WHERE seq = 4"
    _untrigger(session)
    session.execute(sa.text(tamper))
    session.expire_all()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert result.output.startswith("bad event 4:")


def test_deleted_event_is_reported_at_the_gap(world, session):
    _untrigger(session)
    session.execute(
        sa.text(
            "DELETE FROM audit_event_networks WHERE event_id = (SELECT id FROM audit_events WHERE seq = 4)"
        )
    )
    session.execute(sa.text("DELETE FROM audit_events WHERE seq = 4"))
    session.expire_all()
    result = audit.verify()
    assert not result.is_intact
    assert result.bad_seq == 5
    assert "missing" in result.reason


def test_reordered_events_are_reported(world, session):
    _untrigger(session)
    session.execute(sa.text("UPDATE audit_events SET seq = -1 WHERE seq = 4"))
    session.execute(sa.text("UPDATE audit_events SET seq = 4 WHERE seq = 5"))
    session.execute(sa.text("UPDATE audit_events SET seq = 5 WHERE seq = -1"))
    session.expire_all()
    result = audit.verify()
    assert (result.is_intact, result.bad_seq) == (False, 4)


def test_inserted_event_is_reported(world, session):
    _untrigger(session)
    last = _events(session)[-1].seq
    session.execute(sa.text("UPDATE audit_events SET seq = seq + 1000 WHERE seq > 4"))
    forged = audit.AuditEvent(
        seq=5,
        at=_events(session)[0].at,
        actor_id=None,
        actor_label="Forger",
        action="network.created",
        subject_type="networks",
        subject_id=1,
        data={},
        prev_hash=_events(session)[3].hash,
        summary="",
    )
    forged.hash = forged.compute_hash()
    session.add(forged)
    session.flush()
    session.execute(sa.text("UPDATE audit_events SET seq = seq - 999 WHERE seq > 1000"))
    session.expire_all()
    assert _events(session)[-1].seq == last + 1
    result = audit.verify()
    assert (result.is_intact, result.bad_seq) == (False, 6)
    assert "does not chain" in result.reason


def _cli(app, *args: str):
    return app.test_cli_runner().invoke(args=["audit", *args])


def test_head_is_the_last_events_sequence_number_and_hash(app, world, session):
    last = _events(session)[-1]
    assert audit.head() == (last.seq, last.hash)
    result = _cli(app, "head")
    assert (result.exit_code, result.output) == (0, f"{last.seq}:{last.hash}\n")


def test_head_moves_with_each_new_event(world, session):
    seq, _ = audit.head()
    event = audit.record("test.append", actor=None, subject_type="test")
    assert audit.head() == (seq + 1, event.hash)


def test_an_empty_log_holds_only_the_genesis_head():
    assert audit.verify_events([], expect=(0, audit.GENESIS)).is_intact
    result = audit.verify_events([], expect=(3, "a" * 64))
    assert (result.is_intact, result.bad_seq) == (False, 3)
    assert result.reason.startswith("the log is empty, but event 3")


def test_verify_holds_an_earlier_head_while_the_log_grows(app, world, session):
    kept = _cli(app, "head").output.strip()
    audit.record("test.append", actor=None, subject_type="test")
    result = _cli(app, "verify", "--expect", kept)
    assert result.exit_code == 0
    assert result.output == f"ok {len(_events(session))} events, and it holds event {kept}\n"


def test_verify_with_a_kept_head_catches_a_deleted_tail(app, world, session):
    seq, hash_ = audit.head()
    _untrigger(session)
    for gone in (seq, seq - 1):
        session.execute(
            sa.text(
                "DELETE FROM audit_event_networks WHERE event_id = (SELECT id FROM audit_events WHERE seq = :s)"
            ),
            {"s": gone},
        )
        session.execute(sa.text("DELETE FROM audit_events WHERE seq = :s"), {"s": gone})
    session.expire_all()
    assert audit.verify().is_intact  # what is left still chains: only the kept head shows the loss
    result = _cli(app, "verify", "--expect", f"{seq}:{hash_}")
    assert result.exit_code == 1
    assert result.output == (
        f"bad event {seq}: the log ends at event {seq - 2}, but event {seq} with hash {hash_} was expected: "
        "its tail was deleted\n"
    )


def test_verify_with_a_kept_head_catches_a_rewritten_log(app, world, session):
    seq, hash_ = audit.head()
    _untrigger(session)
    events = _events(session)
    events[3].data = {**events[3].data, "name": "Forged"}
    for before, event in itertools.pairwise(events[2:]):  # re-chained, so the chain alone holds
        event.prev_hash = before.hash
        event.hash = event.compute_hash()
    session.flush()
    session.expire_all()
    assert audit.verify().is_intact
    result = _cli(app, "verify", "--expect", f"{seq}:{hash_}")
    assert result.exit_code == 1
    assert result.output.startswith(f"bad event {seq}: its hash is ")
    assert f"not the expected {hash_}: the log was rewritten at or before this event" in result.output


@pytest.mark.parametrize(
    "given",
    [
        "12",
        "x:" + "a" * 64,
        "3:" + "a" * 63,
        "3:" + "g" * 64,
        "-3:" + "a" * 64,
        "0:" + "a" * 64,
        "٣:" + "a" * 64,
    ],
)
def test_verify_refuses_a_head_it_cannot_read(app, world, given):
    result = _cli(app, "verify", "--expect", given)
    assert result.exit_code == 2
    assert "is not a head: give SEQ:HASH" in result.output or "the empty log's head is 0:" in result.output


def test_audit_page_filters_by_network_action_and_actor(client, world):
    from tests.factories import sign_in

    sign_in(client, world.admin)
    page = client.get("/audit?network=othernet").get_data(as_text=True)
    assert "<code>network.created</code>" in page and "<code>coop.admitted</code>" not in page
    page = client.get("/audit?action=coop.admitted").get_data(as_text=True)
    assert page.count("<code>coop.admitted</code>") == 3
    page = client.get("/audit?actor=nobody-at-all").get_data(as_text=True)
    assert "No events match." in page


def test_audit_page_names_a_bad_date_instead_of_ignoring_it(client, world):
    from tests.factories import sign_in

    sign_in(client, world.admin)
    response = client.get("/audit?since=yesterday")
    assert response.status_code == 400
    assert "must be a date like" in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["steward", "delegate", "outsider"])
def test_audit_page_is_for_admins_only(client, world, who):
    from tests.factories import sign_in

    person = {"steward": world.steward, "delegate": world.delegates[0], "outsider": world.outsider}[who]
    sign_in(client, person)
    assert client.get("/audit").status_code == 403


@pytest.mark.postgres
def test_concurrent_appends_on_postgres_never_fork_the_chain(app, database_url, tmp_path):
    """Eight threads append at once in their own transactions; the chain stays one line."""
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL")
    with fresh_database(tmp_path, "chain") as url:
        _hammer(url)


def _hammer(url: str, threads: int = 8, per_thread: int = 25) -> None:
    from flask_migrate import upgrade

    from governance import create_app
    from tests.conftest import TEST_SETTINGS

    scratch = create_app(
        {
            **TEST_SETTINGS,
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": threads, "max_overflow": 0},
        }
    )
    with scratch.app_context():
        upgrade()
        db.session.remove()
    barrier = threading.Barrier(threads)
    failures: list[BaseException] = []

    def work(n: int) -> None:
        try:
            with scratch.app_context():
                barrier.wait()
                for i in range(per_thread):
                    audit.record("test.append", actor=None, subject_type="test", data={"thread": n, "i": i})
                    db.session.commit()
                db.session.remove()
        except BaseException as error:  # reported below, with the thread's failure
            failures.append(error)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert failures == []
    with scratch.app_context():
        result = audit.verify()
        assert result.is_intact, str(result)
        assert result.count == threads * per_thread
        db.session.remove()
        db.engine.dispose()
