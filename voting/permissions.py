"""Who sees a vote, casts a co-op's ballot, names its proxy, and reads ballots and results.

- Anyone who can see the proposal sees its vote (others are told it does not exist: 404).
- A steward of an addressed network opens it; an admin of every addressed network sets weights.
- A delegate of a co-op in the electorate casts its ballot and names or revokes its proxy;
  a delegate of the proxy co-op casts the ballot of the co-op that named it.
- A co-op's people (and its proxy's delegates) see its ballot; everyone sees open votes' ballots after the close.
- Tallies show while the vote is open only when the vote says so (live); otherwise after the close.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, inspect, select

from governance.errors import NotFound
from governance.models import Coop, CoopRole, Person
from governance.permissions import is_admin_of
from governance.texts import _
from proposals import permissions as proposal_permissions
from voting.models import Ballot, ResultsShown, Secrecy, Vote


@dataclass(frozen=True)
class Casting:
    """A co-op whose ballot a person may cast, and the proxy co-op they act through (None: as its delegate)."""

    coop: Coop
    via: Coop | None = None


def can_see(person: Person | None, vote: Vote) -> bool:
    return proposal_permissions.can_see(person, vote.proposal)


def require_see(person: Person | None, vote: Vote) -> None:
    if not can_see(person, vote):
        raise NotFound(_("There is no vote %(id)s that you can see.", id=vote.id))


def can_open(person: Person | None, proposal) -> bool:
    return proposal_permissions.can_steward(person, proposal)


def can_set_weights(person: Person | None, proposal) -> bool:
    return person is not None and all(is_admin_of(person, n) for n in proposal.networks)


def delegate_coops(person: Person | None, vote: Vote) -> list[Coop]:
    """The co-ops of the electorate this person is a delegate of."""
    if person is None or not getattr(person, "is_authenticated", False):
        return []
    delegate_of = {m.coop_id for m in person.memberships if m.role == CoopRole.DELEGATE}
    if "electors" not in inspect(vote).unloaded:
        return [e.coop for e in vote.electors if e.coop_id in delegate_of]  # a set, not a look-up an elector
    return vote.elector_coops(delegate_of)  # their rows only, not a thousand co-ops'


def castings(person: Person | None, vote: Vote) -> list[Casting]:
    """Every ballot this person may cast: their co-ops' own, then those their co-ops hold as proxy."""
    own = delegate_coops(person, vote)
    own_ids = {c.id for c in own}
    held = [
        Casting(p.coop, p.proxy_coop)
        for p in vote.active_proxies
        if p.proxy_coop_id in own_ids and p.coop_id not in own_ids
    ]
    return [Casting(c) for c in own] + held


def casting_for(person: Person | None, vote: Vote, coop: Coop) -> Casting | None:
    """This person's casting for one co-op, as `castings` would list it, reading only that co-op's place
    and proxy rather than the whole electorate."""
    if person is None or not getattr(person, "is_authenticated", False) or vote.elector(coop) is None:
        return None
    if person.is_delegate_of(coop):
        return Casting(coop)
    proxy = vote.active_proxy(coop)
    if proxy is not None and person.is_delegate_of(proxy.proxy_coop) and vote.elector(proxy.proxy_coop):
        return Casting(coop, proxy.proxy_coop)
    return None


def can_see_ballot(person: Person | None, ballot: Ballot) -> bool:
    vote = ballot.vote
    if not can_see(person, vote) or person is None:
        return False
    if vote.is_closed and vote.secrecy == Secrecy.OPEN:
        return True
    if person.role_in(ballot.coop) is not None:
        return True
    return ballot.proxy_coop is not None and person.is_delegate_of(ballot.proxy_coop)


def _ballots_seen_by(person: Person, vote: Vote) -> tuple[set[int], set[int]] | None:
    """`can_see_ballot` for one person and one vote they can see, worked out once: None when they see
    every ballot (an open vote, closed); else the co-ops whose ballots they see (theirs, in any role) and
    the co-ops whose delegate they are, which see the ballots cast through them as proxy."""
    if vote.is_closed and vote.secrecy == Secrecy.OPEN:
        return None
    theirs = {m.coop_id for m in person.memberships}
    return theirs, {m.coop_id for m in person.memberships if m.role == CoopRole.DELEGATE}


def seen_ballots(person: Person, vote: Vote) -> Select:
    """The ballots of a vote this person may see (`can_see_ballot`, for a person who can see the vote, in
    the database), oldest first."""
    query = select(Ballot).where(Ballot.vote_id == vote.id).order_by(Ballot.id)
    if (seen := _ballots_seen_by(person, vote)) is None:
        return query
    theirs, delegate_of = seen
    return query.where(Ballot.coop_id.in_(theirs) | Ballot.proxy_coop_id.in_(delegate_of))


def ballot_seer(person: Person, vote: Vote) -> Callable[[int, int | None], bool]:
    """`can_see_ballot` for many ballots of one vote the person can see, asked by each ballot's co-op id
    and proxy co-op id (no row loaded to ask)."""
    if (seen := _ballots_seen_by(person, vote)) is None:
        return lambda coop_id, proxy_coop_id: True
    theirs, delegate_of = seen
    return lambda coop_id, proxy_coop_id: coop_id in theirs or proxy_coop_id in delegate_of


def can_see_tallies(person: Person | None, vote: Vote) -> bool:
    return can_see(person, vote) and (vote.is_closed or vote.results_shown == ResultsShown.LIVE)
