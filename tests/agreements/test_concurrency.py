"""Races on PostgreSQL (threads, a scratch database): signatures arriving at once are all kept or refused
cleanly, and the agreement is issued exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from governance import service as governance_service
from governance.errors import Conflict
from governance.extensions import db
from governance.models import Coop, CoopRole, Person
from tests.concurrency import run_together, scratch_app

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("quick_render")]


def _setup(app, seal_dir):
    from tests import factories as world_factories
    from tests.agreements import factories

    app.config["AGREEMENT_SEAL_DIR"] = str(seal_dir)
    with app.test_request_context():
        world = world_factories.small_world()
        second = world_factories.person("Second Thames Delegate")
        governance_service.add_member(
            actor=world.admin, coop=world.coops[0], person=second, role=CoopRole.DELEGATE
        )
        agreement = factories.agreement(world, parties=world.coops[:2])
        ids = {
            "version": agreement.current.id,
            "delegates": [d.id for d in world.delegates[:2]],
            "second": second.id,
            "coops": [c.id for c in world.coops[:2]],
        }
        db.session.remove()
    return ids


def _sign_job(version_id, person_id, coop_id):
    from governance.agreements import service
    from governance.agreements.models import AgreementVersion

    def job():
        person = db.session.get(Person, person_id)
        return service.sign_agreement(
            db.session.get(AgreementVersion, version_id),
            actor=person,
            coop=db.session.get(Coop, coop_id),
            typed_name=person.name,
            consent=True,
        ).id

    return job


def test_the_last_two_parties_signing_at_once_issue_the_agreement_once(database_url, seal_dir):
    from governance.agreements.models import AgreementVersion, VersionState
    from governance.audit import AuditEvent

    with scratch_app(database_url, threads=4) as app:
        ids = _setup(app, seal_dir)
        jobs = [_sign_job(ids["version"], p, c) for p, c in zip(ids["delegates"], ids["coops"], strict=True)]
        outcomes = run_together(app, jobs)
        assert all(isinstance(o, int) for o in outcomes), outcomes
        with app.app_context():
            version = db.session.get(AgreementVersion, ids["version"])
            assert version.state == VersionState.ISSUED and len(version.signatures) == 2
            count = select(func.count(AuditEvent.id))
            assert db.session.scalar(count.where(AuditEvent.action == "agreement.fully_signed")) == 1
            assert db.session.scalar(count.where(AuditEvent.action == "agreement.issued")) == 1
            db.session.remove()


def test_two_delegates_of_one_co_op_signing_at_once_leave_one_signature(database_url, seal_dir):
    from governance.agreements.models import AgreementVersion

    with scratch_app(database_url, threads=3) as app:
        ids = _setup(app, seal_dir)
        thames = ids["coops"][0]
        jobs = [
            _sign_job(ids["version"], ids["delegates"][0], thames),
            _sign_job(ids["version"], ids["second"], thames),
        ]
        outcomes = run_together(app, jobs)
        assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "int"], outcomes
        assert any(isinstance(o, Conflict) and "already signed" in o.message for o in outcomes)
        with app.app_context():
            assert len(db.session.get(AgreementVersion, ids["version"]).signatures) == 1
            db.session.remove()
