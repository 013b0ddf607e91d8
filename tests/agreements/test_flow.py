"""The whole way: a committed proposal's agreement is drawn, rendered, signed by every party, issued, verified."""

from __future__ import annotations

from governance import audit
from governance.agreements import verify
from governance.agreements.models import TaskState, VersionState
from governance.extensions import db
from proposals.lifecycle import State
from tests.agreements import factories


def test_an_agreement_signed_by_every_party_is_issued_sealed_and_verifies(world, credentials):
    agreement = factories.agreement(world)
    version = agreement.current
    assert agreement.proposal.state == State.AGREEMENT
    assert version.draft_state == TaskState.DONE, version.draft_error
    assert version.draft_pdf.startswith(b"%PDF-")
    assert all(c.pdf and c.sha256 for c in version.counterparts)

    factories.sign_all(agreement, world)
    db.session.refresh(version)
    assert version.state == VersionState.ISSUED, version.issue_error
    assert agreement.proposal.state == State.SIGNED
    head = audit.last_event()
    assert head.action == "agreement.issued"
    assert head.data["file_sha256"] == version.final_sha256

    verdict = verify.verify(version.final_pdf, credentials)
    assert verdict.is_authentic, verdict.reason
    assert verdict.version == 1 and verdict.superseded_by is None
    assert verdict.parties == [c.name for c in world.coops]
    assert verdict.log_holds_head is True
    assert verdict.audit_head == {"seq": version.audit_seq, "hash": version.audit_hash}
