"""A steward's controls on a vote: extend the close, close early once every co-op has cast, remind the
co-ops that have not, and, after the close, write the outcome statement.

Each takes the actor as a keyword, authorises (a steward of an addressed network), locks the proposal
then the vote (`voting.service._lock`: the one lock order), changes state, appends the audit event with
the co-ops concerned in its data (notifications listen to these) and flushes; the request commits. Mail
goes through `governance.mail.send`, which sends only after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app, url_for

from governance import audit, i18n, mail
from governance.errors import Conflict, NotAllowed
from governance.models import Coop, Person
from governance.texts import _
from governance.timezones import format_in_zone
from governance.types import utcnow
from governance.validation import clean_text, invalid
from proposals import permissions as proposal_permissions
from voting import electorate
from voting.models import Vote
from voting.results import Turnout
from voting.service import CLOSES_WITHIN, _lock, _require_open, close_vote
from voting.words import whose

REASON_MAX, OUTCOME_MAX = 500, 10_000
REMIND_EVERY = timedelta(hours=12)  # one reminder at a time: co-ops are told, not pestered


class Action(StrEnum):
    EXTENDED = "vote.extended"
    CLOSED_EARLY = "vote.closed_early"
    REMINDED = "vote.reminded"
    OUTCOME_WRITTEN = "vote.outcome_written"


def _require_steward(actor: Person, vote: Vote) -> None:
    proposal_permissions.require_steward(actor, vote.proposal)


STILL_TO_VOTE_SHOWN = 20  # names on the page; the rest are counted ("and 950 more")


@dataclass(frozen=True)
class StillToVote:
    """The first names of the co-ops with no current ballot, by name, and how many there are in all."""

    names: list[str]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.names)


def still_to_vote(vote: Vote, turnout: Turnout) -> StillToVote:
    """Who has not voted yet, for the steward's page: the first STILL_TO_VOTE_SHOWN names and the count
    (the turnout's), not a thousand names."""
    total = turnout.electorate - turnout.voted
    return StillToVote(electorate.not_voted_names(vote, STILL_TO_VOTE_SHOWN) if total else [], total)


def not_voted(vote: Vote) -> list[Coop]:
    """The co-ops of the electorate with no current ballot, by name (every one: reminders mail them all)."""
    voted = {b.coop_id for b in vote.current_ballots}
    return sorted((e.coop for e in vote.electors if e.coop_id not in voted), key=lambda c: c.name.casefold())


def _tell(coops: list[Coop], compose) -> None:
    """Mail every delegate of these co-ops (each person once), in their own language: `compose(coop)`
    writes the (subject, body) while `_()` speaks the reader's."""
    sent: set[str] = set()
    for coop in coops:
        for person in coop.delegates:
            if person.email not in sent:
                sent.add(person.email)
                with i18n.speaking(person):
                    subject, body = compose(coop)
                mail.send(person.email, subject, body)


def _link(vote: Vote) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for("voting.show", vote_id=vote.id)


def extend_close(
    vote: Vote, *, actor: Person, closes_at: datetime | None, reason: str, now: datetime | None = None
) -> Vote:
    """Move the close later, before it has passed, with a reason; every co-op of the electorate is told."""
    _require_steward(actor, vote)
    _lock(vote)
    now = now or utcnow()
    _require_open(vote, now, actor.time_zone)
    reason = clean_text(reason, "reason", _("A reason for the extension"), REASON_MAX)
    if closes_at is None:
        raise invalid("closes_at", _("Say when the vote now closes."))
    if closes_at <= vote.closes_at:
        raise invalid(
            "closes_at",
            _(
                "An extension closes later than now set, %(when)s.",
                when=format_in_zone(vote.closes_at, actor.time_zone),
            ),
        )
    if closes_at > now + CLOSES_WITHIN:
        raise invalid("closes_at", _("A vote closes at most ten years from now."))
    before = vote.closes_at
    vote.closes_at = closes_at
    vote.extensions = [
        *(vote.extensions or []),
        {
            "from": before.isoformat(),
            "to": closes_at.isoformat(),
            "reason": reason,
            "by": actor.name,
            "at": now.isoformat(),
        },
    ]
    coops = [e.coop for e in vote.electors]
    audit.record(
        Action.EXTENDED,
        actor=actor,
        subject=vote,
        networks=vote.proposal.networks,
        data={
            "from": before.isoformat(),
            "to": closes_at.isoformat(),
            "reason": reason,
            "coops": [c.slug for c in coops],
        },
        summary=f"Extended the vote on {vote.proposal.title!r} to {format_in_zone(closes_at, 'UTC')}",
    )
    title, link = vote.proposal.title, _link(vote)
    for coop in coops:
        _tell(
            [coop],
            lambda coop: (
                _("The vote on %(title)s now closes later", title=title),
                _(
                    "%(steward)s extended the vote on “%(title)s”.\n\n"
                    "It now closes at %(closes)s (it was to close at %(was)s).\n"
                    "Why: %(reason)s\n\n%(link)s\n",
                    steward=actor.name,
                    title=title,
                    closes=format_in_zone(closes_at, coop.time_zone),
                    was=format_in_zone(before, coop.time_zone),
                    reason=reason,
                    link=link,
                ),
            ),
        )
    return vote


def can_close_early(vote: Vote, now: datetime | None = None) -> bool:
    now = now or utcnow()
    is_open = not vote.is_closed and vote.opens_at <= now < vote.closes_at
    return is_open and electorate.has_every_ballot(vote)


def close_early(vote: Vote, *, actor: Person, now: datetime | None = None) -> Vote:
    """Close now, once every co-op of the electorate has cast: nobody is left who could still vote."""
    _require_steward(actor, vote)
    _lock(vote)
    now = now or utcnow()
    _require_open(vote, now, actor.time_zone)
    waiting = not_voted(vote)
    if waiting:
        names = ", ".join(c.name for c in waiting)
        raise Conflict(
            _("A vote closes early only once every co-op has cast; still to vote: %(names)s.", names=names),
            waiting=[c.slug for c in waiting],
        )
    planned = vote.closes_at
    vote.closes_at = now
    audit.record(
        Action.CLOSED_EARLY,
        actor=actor,
        subject=vote,
        networks=vote.proposal.networks,
        data={
            "planned": planned.isoformat(),
            "closed_at": now.isoformat(),
            "coops": [e.coop.slug for e in vote.electors],
        },
        summary=f"Closed the vote on {vote.proposal.title!r} early: every co-op had cast",
    )
    close_vote(vote, now=now)
    return vote


def next_reminder_at(vote: Vote) -> datetime | None:
    """When a steward may send the next reminder (None: now)."""
    if vote.reminded_at is None:
        return None
    return vote.reminded_at + REMIND_EVERY


def remind(vote: Vote, *, actor: Person, now: datetime | None = None) -> list[Coop]:
    """Mail the delegates of each co-op that has not cast yet; at most one reminder every twelve hours."""
    _require_steward(actor, vote)
    _lock(vote)
    now = now or utcnow()
    _require_open(vote, now, actor.time_zone)
    coops = not_voted(vote)
    if not coops:
        raise Conflict(_("Every co-op of the electorate has cast: nobody needs a reminder."))
    after = next_reminder_at(vote)
    if after is not None and now < after:
        raise Conflict(
            _(
                "A reminder went out at %(sent)s; the next can go from %(next)s.",
                sent=format_in_zone(vote.reminded_at, actor.time_zone),
                next=format_in_zone(after, actor.time_zone),
            ),
            next_at=after.isoformat(),
        )
    if not any(c.delegates for c in coops):
        raise NotAllowed(_("None of the co-ops still to vote has a delegate to remind."))
    vote.reminded_at = now
    audit.record(
        Action.REMINDED,
        actor=actor,
        subject=vote,
        networks=vote.proposal.networks,
        data={"coops": [c.slug for c in coops]},
        summary=f"Reminded {len(coops)} co-op(s) to vote on {vote.proposal.title!r}",
    )
    title, link = vote.proposal.title, _link(vote)
    for coop in coops:
        _tell(
            [coop],
            lambda coop: (
                # Translators: %(whose)s is the co-op's name made possessive in English ("Mill Digital's");
                # in Spanish it is the name alone.
                _("Reminder: %(whose)s ballot on %(title)s", whose=whose(coop.name), title=title),
                _(
                    "%(steward)s reminds you that %(coop)s has not cast its ballot on “%(title)s” yet.\n\n"
                    "The vote closes at %(closes)s.\n\n%(link)s\n",
                    steward=actor.name,
                    coop=coop.name,
                    title=title,
                    closes=format_in_zone(vote.closes_at, coop.time_zone),
                    link=link,
                ),
            ),
        )
    return coops


def write_outcome(vote: Vote, *, actor: Person, statement: str, now: datetime | None = None) -> Vote:
    """After the close, a steward says what was decided and what happens next (rewritable, each audited)."""
    _require_steward(actor, vote)
    _lock(vote)
    if not vote.is_closed:
        raise Conflict(_("The outcome is written after the close, once the result is known."))
    statement = clean_text(statement, "statement", _("The outcome statement"), OUTCOME_MAX)
    if statement == (vote.outcome_statement or ""):
        raise invalid("statement", _("Nothing changed."))
    earlier = vote.outcome_statement
    vote.outcome_statement = statement
    vote.outcome_written_at = now or utcnow()
    vote.outcome_written_by = actor.name
    audit.record(
        Action.OUTCOME_WRITTEN,
        actor=actor,
        subject=vote,
        networks=vote.proposal.networks,
        data={"statement": statement, "replaces": earlier, "coops": [e.coop.slug for e in vote.electors]},
        summary=f"Wrote the outcome of the vote on {vote.proposal.title!r}",
    )
    return vote


VOTES_RUN_SHOWN = 20  # on a steward's home page, soonest close first; the proposals list has the rest


@dataclass(frozen=True)
class RunningVote:
    """An open vote a steward runs, with its turnout as the database counted it."""

    vote: Vote
    electors: int
    cast: int


def votes_run_by(person: Person) -> tuple[list[RunningVote], int]:
    """Open votes a steward runs, soonest close first, for their home page: the first VOTES_RUN_SHOWN with
    their electorate and ballots counted in the same query (not two queries a vote), and how many there are."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import selectinload

    from governance.database import first_rows
    from governance.models import Network, NetworkRoleKind
    from proposals.lifecycle import State
    from proposals.models import Proposal
    from voting.models import Ballot, Elector

    steward_of = [r.network_id for r in person.network_roles if r.role == NetworkRoleKind.STEWARD]
    if not steward_of:
        return [], 0
    electors = select(func.count(Elector.id)).where(Elector.vote_id == Vote.id).scalar_subquery()
    cast = select(func.count(Ballot.id)).where(Ballot.vote_id == Vote.id, Ballot.is_current).scalar_subquery()
    query = (
        select(Vote, electors, cast)
        .join(Proposal)
        .where(Vote.closed_at.is_(None), Proposal.state == State.VOTING)
        .where(Proposal.networks.any(Network.id.in_(steward_of)))
        .options(selectinload(Vote.proposal))
        .order_by(Vote.closes_at, Vote.id)
    )
    rows, total = first_rows(query, VOTES_RUN_SHOWN)
    return [RunningVote(vote, in_all or 0, voted or 0) for vote, in_all, voted in rows], total
