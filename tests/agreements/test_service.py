"""Signing, issuing, correcting and reminding: the rules, and every refusal changing nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from governance import audit
from governance.agreements import examples, render, service, tasks
from governance.agreements.models import Signature, TaskState, VersionState
from governance.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from governance.extensions import db
from proposals.lifecycle import State
from tests.agreements import factories
from tests.proposals import factories as proposal_factories

pytestmark = pytest.mark.usefixtures("quick_render")


@pytest.fixture
def agreement(world):
    return factories.agreement(world)


def _sign(version, person, coop, **overrides):
    values = {
        "typed_name": person.name,
        "consent": True,
        "ip_address": "198.51.100.7",
        "user_agent": "Test/1",
    }
    return service.sign_agreement(version, actor=person, coop=coop, **{**values, **overrides})


def _state():
    return db.session.scalar(select(func.count(Signature.id))), audit.head()[0]


def _refused(error, call, *args, **kwargs):
    """A refused call raises `error` and writes nothing: no signature, no audit event."""
    before = _state()
    with pytest.raises(error) as refused:
        call(*args, **kwargs)
    db.session.rollback()
    assert _state() == before
    return refused.value


def _unchanged(check):
    before = _state()
    check()
    db.session.rollback()
    assert (db.session.scalar(select(func.count(Signature.id))), audit.head()[0]) == before


def test_drawing_needs_a_committed_proposal_and_happens_once(world):
    draft = proposal_factories.proposal(world, commit=False)
    with pytest.raises(InvalidTransition):
        service.draw_agreement(draft, examples.terms(coops=[(c.id, c.name, c.country) for c in world.coops]))
    db.session.rollback()
    agreement = factories.agreement(world)
    with pytest.raises(Conflict, match="already has its agreement"):
        service.draw_agreement(agreement.proposal, agreement.current.terms)


def test_a_delegate_signs_with_name_consent_time_ip_and_user_agent(agreement, world):
    version, coop, delegate = agreement.current, world.coops[0], world.delegates[0]
    signature = _sign(version, delegate, coop, typed_name="  Jo Delegate ")
    db.session.commit()
    assert signature.typed_name == "Jo Delegate"
    assert signature.consent_text == service.consent_for(version, coop)
    assert version.terms_sha256 in signature.consent_text and coop.name in signature.consent_text
    assert (signature.ip_address, signature.user_agent) == ("198.51.100.7", "Test/1")
    event = audit.last_event()
    assert event.action == service.Action.SIGNED and event.data["coop"] == coop.id
    assert version.state == VersionState.SIGNING and [c.id for c in version.unsigned_coops] == [
        c.id for c in world.coops[1:]
    ]


@pytest.mark.parametrize("who", ["member", "outsider", "steward", "other delegate"])
def test_only_a_delegate_of_the_party_signs_for_it(agreement, world, who):
    person = {
        "member": world.members[0],
        "outsider": world.outsider,
        "steward": world.steward,
        "other delegate": world.delegates[1],
    }[who]
    _refused(NotAllowed, _sign, agreement.current, person, world.coops[0])


def test_a_co_op_that_is_not_a_party_cannot_sign(world):
    agreement = factories.agreement(world, parties=world.coops[:2])
    outsider_coop, its_delegate = world.coops[2], world.delegates[2]
    with pytest.raises(NotAllowed, match="not a party"):
        _sign(agreement.current, its_delegate, outsider_coop)


def test_signing_twice_is_refused(agreement, world):
    _sign(agreement.current, world.delegates[0], world.coops[0])
    db.session.commit()
    _refused(Conflict, _sign, agreement.current, world.delegates[0], world.coops[0])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": False}, "consent"),
        ({"consent": None}, "consent"),
        ({"typed_name": "   "}, "typed_name"),
        ({"typed_name": "x" * 201}, "typed_name"),
    ],
)
def test_signing_without_consent_or_a_name_is_refused(agreement, world, overrides, field):
    def check():
        with pytest.raises(InvalidInput) as refused:
            _sign(agreement.current, world.delegates[0], world.coops[0], **overrides)
        assert field in refused.value.errors

    _unchanged(check)


def test_the_last_signature_issues_the_agreement_and_the_proposal_is_signed(agreement, world):
    factories.sign_all(agreement, world)
    version = agreement.current
    assert version.state == VersionState.ISSUED and version.issue_state == TaskState.DONE
    assert agreement.proposal.state == State.SIGNED
    assert version.final_sha256 and version.data_sha256 and version.audit_seq
    actions = [
        e.action
        for e in db.session.scalars(select(audit.AuditEvent).order_by(audit.AuditEvent.seq.desc()).limit(3))
    ]
    assert actions == ["agreement.issued", "agreement.fully_signed", "proposal.transition"]
    with pytest.raises(Conflict, match="never changes"):
        _sign(version, world.delegates[0], world.coops[0])


def test_signing_a_superseded_version_is_refused(agreement, world):
    old = agreement.current
    terms = service.correct_terms(
        old.terms, term_months=6, notice_days=30, withdrawal="", governance="By consent."
    )
    new = service.supersede(agreement, actor=world.steward, terms=terms, note="Six months to start.")
    db.session.commit()
    assert old.state == VersionState.SUPERSEDED and new.number == 2 and new.state == VersionState.SIGNING
    _refused(Conflict, _sign, old, world.delegates[0], world.coops[0])
    with pytest.raises(Conflict, match="superseded by version 2"):
        _sign(old, world.delegates[0], world.coops[0])


def test_a_new_version_of_an_issued_agreement_names_the_previous_hash(agreement, world):
    factories.sign_all(agreement, world)
    first = agreement.current
    terms = service.correct_terms(first.terms, term_months=18, notice_days=30, withdrawal="", governance="")
    service.supersede(agreement, actor=world.steward, terms=terms, note="Eighteen months.")
    db.session.commit()
    factories.sign_all(agreement, world)
    second = agreement.current
    assert second.state == VersionState.ISSUED
    assert f'"previous_version_sha256":"{first.data_sha256}"' in second.data_json
    assert agreement.proposal.state == State.SIGNED


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"term_months": None}, "term_months"),
        ({"term_months": 0}, "term_months"),
        ({"notice_days": 100_000}, "notice_days"),
        ({"governance": "x" * 20_001}, "governance"),
    ],
)
def test_a_correction_refuses_bad_values(agreement, values, field):
    base = {"term_months": 12, "notice_days": 30, "withdrawal": "", "governance": ""}
    with pytest.raises(InvalidInput) as refused:
        service.correct_terms(agreement.current.terms, **{**base, **values})
    assert field in refused.value.errors


def test_only_a_steward_corrects_and_an_unchanged_correction_is_refused(agreement, world):
    terms = agreement.current.terms
    with pytest.raises(NotAllowed):
        service.supersede(agreement, actor=world.delegates[0], terms=terms, note="Mine")
    with pytest.raises(InvalidInput, match="Nothing changed"):
        service.supersede(agreement, actor=world.steward, terms=terms, note="Same")


def test_remind_mails_the_delegates_of_the_parties_who_have_not_signed(agreement, world, outbox):
    _sign(agreement.current, world.delegates[0], world.coops[0])
    waiting = service.remind(agreement.current, actor=world.steward, url="http://localhost/agreements/1")
    db.session.commit()
    assert [c.id for c in waiting] == [c.id for c in world.coops[1:]]
    recipients = sorted(p.read_text().split("To: ")[1].split("\n")[0] for p in outbox.glob("*.eml"))
    assert recipients == sorted(d.email for d in world.delegates[1:])
    with pytest.raises(NotAllowed):
        service.remind(agreement.current, actor=world.delegates[0], url="x")


def test_a_failed_rendering_is_kept_shown_and_rendered_again(world, monkeypatch):
    real = render.render

    def broken(document, **kwargs):
        raise RuntimeError("the printer is on fire")

    monkeypatch.setattr(render, "render", broken)
    agreement = factories.agreement(world)
    version = agreement.current
    db.session.refresh(version)
    assert version.draft_state == TaskState.FAILED
    assert "the printer is on fire" in version.draft_error and version.draft_attempts >= 1
    assert version.id in tasks.pending_ids()

    monkeypatch.setattr(render, "render", real)
    service.retry_rendering(version, actor=world.steward)
    db.session.commit()
    db.session.refresh(version)
    assert version.draft_state == TaskState.DONE and version.draft_pdf
    assert version.id not in tasks.pending_ids()
    with pytest.raises(Conflict, match="Nothing is waiting"):
        service.retry_rendering(version, actor=world.steward)


def test_a_failed_issue_is_retried_by_render_pending(world, monkeypatch):
    agreement = factories.agreement(world)
    real_seal = tasks.seal.seal
    monkeypatch.setattr(tasks.seal, "seal", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    factories.sign_all(agreement, world)
    version = agreement.current
    db.session.refresh(version)
    assert version.state == VersionState.ISSUING and version.issue_state == TaskState.FAILED
    assert "disk full" in version.issue_error
    monkeypatch.setattr(tasks.seal, "seal", real_seal)
    assert tasks.render_pending() == 1
    db.session.refresh(version)
    assert version.state == VersionState.ISSUED and version.final_pdf
