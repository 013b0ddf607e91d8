"""Races on PostgreSQL: two password changes, or two uses of one reset link, at the same instant.

Each change locks the person's row and checks the present password (or the link) again under the lock,
so the second waits, then finds the password changed, and is refused: one change, one new session
version, never two changes both told they won.
"""

from __future__ import annotations

import pytest

from governance.auth import service
from governance.errors import Conflict, NotAllowed
from governance.extensions import db
from governance.models import Person
from governance.security import check_password, make_reset_token
from tests import factories
from tests.concurrency import run_together, scratch_app

pytestmark = pytest.mark.postgres

ROUNDS = 4


def _someone(app) -> tuple[int, int]:
    with app.test_request_context():
        person = factories.person("Racing Person")
        db.session.commit()
        found = person.id, person.session_version
        db.session.remove()
    return found


def _person(app, person_id: int) -> Person:
    with app.test_request_context():
        person = db.session.get(Person, person_id)
        db.session.expunge(person)
        return person


def _change(person_id: int, current: str, new: str):
    def job():
        person = db.session.get(Person, person_id)
        service.change_password(actor=person, current_password=current, new_password=new)
        return new

    return job


def test_two_password_changes_at_once_one_wins_and_the_other_is_refused(database_url):
    with scratch_app(database_url, threads=2) as app:
        for round_ in range(ROUNDS):
            person_id, version = _someone(app)
            new = [f"new password {round_} a", f"new password {round_} b"]
            outcomes = run_together(app, [_change(person_id, factories.PASSWORD, password) for password in new])
            won = [o for o in outcomes if isinstance(o, str)]
            refused = [o for o in outcomes if isinstance(o, NotAllowed)]
            assert len(won) == 1 and len(refused) == 1, outcomes
            person = _person(app, person_id)
            assert check_password(person.password_hash, won[0])
            assert person.session_version == version + 1


def test_one_reset_link_used_twice_at_once_works_once(database_url):
    with scratch_app(database_url, threads=2) as app:
        for round_ in range(ROUNDS):
            person_id, version = _someone(app)
            with app.test_request_context():
                token = make_reset_token(db.session.get(Person, person_id))
                db.session.remove()

            def reset(password: str, token: str = token):
                return lambda: service.reset_password(token=token, password=password) and password

            outcomes = run_together(app, [reset(f"reset password {round_} {i}") for i in "ab"])
            won = [o for o in outcomes if isinstance(o, str)]
            refused = [o for o in outcomes if isinstance(o, Conflict)]
            assert len(won) == 1 and len(refused) == 1, outcomes
            person = _person(app, person_id)
            assert check_password(person.password_hash, won[0])
            assert person.session_version == version + 1
