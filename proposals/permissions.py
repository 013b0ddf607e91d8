"""Who sees, runs, discusses and signals on a proposal.

- Stewards and admins of an addressed network see every proposal addressed to it, drafts included.
- People of a co-op in an addressed network see it once it leaves draft.
- Only stewards of an addressed network move it along; they edit it, and so does the delegate who drafted
  it, while it is a draft (any delegate may draft a proposal to their co-op's networks).
- People of addressed co-ops (and the stewards who run it) take part in the discussion.
- A delegate of an addressed co-op says whether their co-op is in.
Anyone else is told the proposal does not exist (404), so its existence does not leak.
"""

from __future__ import annotations

from typing import TypeGuard

from governance.errors import NotAllowed, NotFound
from governance.models import Coop, Network, Person
from governance.permissions import is_admin_of, is_steward_of
from governance.texts import _
from proposals.lifecycle import State
from proposals.models import Proposal


def _signed_in(person: Person | None) -> TypeGuard[Person]:
    return person is not None and getattr(person, "is_authenticated", False)


def runs(person: Person | None, proposal: Proposal) -> bool:
    """A steward or admin of an addressed network: they run it and see it in every state."""
    return _signed_in(person) and any(
        is_steward_of(person, n) or is_admin_of(person, n) for n in proposal.networks
    )


def is_addressed_person(person: Person | None, proposal: Proposal) -> bool:
    """A person of a co-op in an addressed network."""
    if not _signed_in(person):
        return False
    addressed = {n.id for n in proposal.networks}
    return any(n.id in addressed for c in person.coops for n in c.networks)


def can_see(person: Person | None, proposal: Proposal) -> bool:
    if runs(person, proposal) or is_author(person, proposal):
        return True
    return proposal.state != State.DRAFT and is_addressed_person(person, proposal)


def can_steward(person: Person | None, proposal: Proposal) -> bool:
    return _signed_in(person) and any(is_steward_of(person, n) for n in proposal.networks)


def can_steward_networks(person: Person | None, networks: list[Network]) -> bool:
    return _signed_in(person) and bool(networks) and all(is_steward_of(person, n) for n in networks)


def can_draft_to(person: Person | None, networks: list[Network]) -> bool:
    """A steward of each network, or a delegate of a co-op in each, may draft a proposal to them."""
    if not _signed_in(person) or not networks:
        return False
    delegate_of = {n.id for c in person.coops if person.is_delegate_of(c) for n in c.networks}
    return all(is_steward_of(person, n) or n.id in delegate_of for n in networks)


def draft_networks(person: Person | None) -> list[Network]:
    """The networks this person may draft proposals to."""
    if not _signed_in(person):
        return []
    return [n for n in person.networks if can_draft_to(person, [n])]


def is_author(person: Person | None, proposal: Proposal) -> bool:
    return _signed_in(person) and proposal.created_by_id == person.id


def can_edit(person: Person | None, proposal: Proposal) -> bool:
    """Stewards edit before the vote; the delegate who drafted it edits it while it is a draft."""
    return can_steward(person, proposal) or (is_author(person, proposal) and proposal.state == State.DRAFT)


def can_comment(person: Person | None, proposal: Proposal) -> bool:
    return can_see(person, proposal) and (
        is_addressed_person(person, proposal) or can_steward(person, proposal)
    )


def signal_coops(person: Person | None, proposal: Proposal) -> list[Coop]:
    """The addressed co-ops this person is a delegate of."""
    if not _signed_in(person):
        return []
    delegate_of = [c for c in person.coops if person.is_delegate_of(c)]
    addressed = proposal.addressed_among(c.id for c in delegate_of)
    return [c for c in delegate_of if c.id in addressed]


def require_see(person: Person | None, proposal: Proposal) -> None:
    if not can_see(person, proposal):
        raise NotFound(_("There is no proposal %(id)s that you can see.", id=proposal.id))


def require_edit(person: Person | None, proposal: Proposal) -> None:
    require_see(person, proposal)
    if not can_edit(person, proposal):
        names = ", ".join(n.name for n in proposal.networks)
        raise NotAllowed(
            _(
                "Only a steward of %(networks)s, or its author while it is a draft, can edit this proposal.",
                networks=names,
            )
        )


def require_steward(person: Person | None, proposal: Proposal) -> None:
    require_see(person, proposal)
    if not can_steward(person, proposal):
        names = ", ".join(n.name for n in proposal.networks)
        raise NotAllowed(
            _("Only a steward of %(networks)s can change this proposal or move it along.", networks=names)
        )
