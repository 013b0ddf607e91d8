"""Who sees a meeting, proposes one, answers for a co-op, runs it, and sets a co-op's working hours.

- Anyone who belongs to an addressed network sees the meeting (others are told it does not exist: 404).
- A steward of each chosen network, or a delegate of a co-op in each, proposes one.
- A delegate of an addressed co-op answers for that co-op; any person who sees it answers for themselves.
- Whoever proposed it, and the stewards of its networks, confirm a slot and record the notes.
- A co-op's delegates, and the admins of its networks, set its working hours.
"""

from __future__ import annotations

from governance.errors import NotAllowed, NotFound
from governance.models import Coop, Network, Person
from governance.permissions import administers_coop, belongs_to, is_steward_of
from governance.texts import _


def _signed_in(person: Person | None) -> bool:
    return person is not None and getattr(person, "is_authenticated", False)


def can_see(person: Person | None, meeting) -> bool:
    return _signed_in(person) and any(belongs_to(person, n) for n in meeting.networks)


def require_see(person: Person | None, meeting) -> None:
    if not can_see(person, meeting):
        raise NotFound(_("There is no meeting %(id)s that you can see.", id=meeting.id))


def can_propose_to(person: Person | None, network: Network) -> bool:
    if not _signed_in(person):
        return False
    assert person is not None
    return is_steward_of(person, network) or any(
        person.is_delegate_of(c) and any(n.id == network.id for n in c.networks) for c in person.coops
    )


def can_run(person: Person | None, meeting) -> bool:
    if not _signed_in(person):
        return False
    assert person is not None
    return meeting.proposed_by_id == person.id or any(is_steward_of(person, n) for n in meeting.networks)


def require_run(person: Person | None, meeting) -> None:
    require_see(person, meeting)
    if not can_run(person, meeting):
        raise NotAllowed(_("Only whoever proposed the meeting, or a steward of its networks, can do that."))


def answering_coops(person: Person | None, meeting) -> list[Coop]:
    """The addressed co-ops this person is a delegate of."""
    if not _signed_in(person):
        return []
    assert person is not None
    addressed = {c.id for c in meeting.addressed_coops}
    return [c for c in person.coops if c.id in addressed and person.is_delegate_of(c)]


def can_set_hours(person: Person | None, coop: Coop) -> bool:
    return _signed_in(person) and (person.is_delegate_of(coop) or administers_coop(person, coop))  # type: ignore[union-attr]
