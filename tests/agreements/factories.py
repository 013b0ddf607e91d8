"""Agreements made as the app makes them: a committed proposal, then `draw_agreement` with its terms."""

from __future__ import annotations

from governance.agreements import examples, service
from governance.agreements.models import Agreement
from governance.extensions import db
from proposals import service as proposal_service
from proposals.lifecycle import ActorKind, Transition
from proposals.models import Proposal
from tests.proposals import factories as proposal_factories


def committed_proposal(world, **kwargs) -> Proposal:
    """A shared-service proposal taken through its vote and pledging to committed."""
    proposal = proposal_factories.proposal(world, discuss=True, commit=False, **kwargs)
    steward = world.steward
    proposal_service.apply_transition(proposal, Transition.OPEN_VOTE, actor=steward)
    system = {"actor": None, "actor_kind": ActorKind.SYSTEM, "is_due": True}
    proposal_service.apply_transition(proposal, Transition.PASS, **system)
    proposal_service.apply_transition(proposal, Transition.OPEN_PLEDGING, actor=steward)
    proposal_service.apply_transition(proposal, Transition.COMMIT, **system)
    return proposal


def agreement(world, *, parties=None, commit: bool = True) -> Agreement:
    """An agreement among the world's co-ops (or `parties`); committing runs the render task in-process."""
    coops = parties or world.coops
    proposal = committed_proposal(world)
    terms = examples.terms(coops=[(c.id, c.name, c.country) for c in coops])
    made = service.draw_agreement(proposal, terms)
    if commit:
        db.session.commit()
    return made


def sign_all(agreement: Agreement, world, *, commit: bool = True) -> None:
    version = agreement.current
    for coop in [c.coop for c in version.counterparts]:
        delegate = coop.delegates[0]
        service.sign_agreement(
            version, actor=delegate, coop=coop, typed_name=delegate.name, consent=True, ip_address="192.0.2.1"
        )
    if commit:
        db.session.commit()
