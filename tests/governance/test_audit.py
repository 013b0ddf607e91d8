"""The audit log: a hash chain that `audit verify` checks, pointing at the first event that does not hold."""

from __future__ import annotations

import itertools
import threading

import pytest
import sqlalchemy as sa

from governance import audit
from governance.extensions import db
from tests.conftest import fresh_database


def _untrigger(session) -> None:
    """Tamper as an attacker with database access would: on PostgreSQL, past the append-only trigger."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL session_replication_role = replica"))


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
