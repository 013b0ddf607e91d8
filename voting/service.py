"""Use cases of votes: open, cast a co-op's ballot, name and revoke proxies, close exactly at the close time.

Each takes the actor as a keyword, authorises, changes state, appends the audit event and flushes; the
caller (a request, a command or the periodic task) commits. Time is a `now=` argument (UTC, aware) so the
close can be tested to the microsecond; it defaults to the clock.

Casting, naming proxies and closing each lock the vote's row first (`SELECT ... FOR UPDATE` on PostgreSQL;
SQLite serialises writers itself) and compare `now` with `closes_at` inside that lock: a ballot racing the
close is either counted or refused, and two delegates of one co-op casting at once leave one current ballot.

Proxies go one step, never further: a co-op that has named an active proxy cannot hold another's, and a
co-op holding another's proxy cannot name its own (no chains, no cycles). Two rules are kept on purpose:
naming a proxy after casting lets the proxy replace the co-op's ballot (that is what naming it means); and
revoking a proxy after it cast leaves that ballot counted until the co-op casts its own (a revocation stops
future ballots, it does not unmake a ballot cast while the proxy held the right).

For a secret vote the `vote.ballot_cast` event records who cast (the co-op, the delegate, the proxy) but not
the receipt: the event's actor names the co-op anyway, so a receipt beside it would let anyone reading the
audit log join a receipt to a co-op, and the receipt to its ballot through the published BLT file. The
receipts counted are recorded together, sorted, in the `vote.closed` event.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from governance import audit
from governance.database import first_rows
from governance.errors import Conflict, InvalidInput, NotAllowed, NotFound, VoteClosed
from governance.extensions import db
from governance.models import Coop, CoopRole, Person
from governance.service import slugify
from governance.texts import N_, _
from governance.timezones import format_in_zone, is_valid_zone
from governance.types import utcnow
from governance.validation import invalid
from proposals import permissions as proposal_permissions
from proposals.lifecycle import ActorKind, State, Transition
from proposals.models import Proposal
from proposals.service import apply_transition, lock_proposal, visible_ids
from voting import permissions
from voting.choices import clean_choice, clean_reason, for_counting, new_nonce, receipt_for
from voting.counting import (
    Ballot as CountedBallot,
)
from voting.counting import (
    Base,
    CountingError,
    Method,
    Outcome,
    QuorumBy,
    Result,
    TieKind,
    YesNoChoice,
    YesNoTie,
    count,
)
from voting.models import (
    DECISION_METHODS,
    MULTI_SEAT_METHODS,
    REASON_MAX,
    Ballot,
    Elector,
    Proxy,
    ProxyEnd,
    ResultsShown,
    Secrecy,
    ThresholdKind,
    Vote,
    Weighting,
)
from voting.words import whose

OPTION_MAX, OPTIONS_MAX, SCORE_MAX_LIMIT, WEIGHT_MAX = 200, 50, 100, 1_000_000
CLOSES_WITHIN = timedelta(days=3653)  # ten years: a later close is a typing slip, and far dates overflow


class Action(StrEnum):
    OPENED = "vote.opened"
    BALLOT_CAST = "vote.ballot_cast"
    PROXY_NAMED = "vote.proxy_named"
    PROXY_REVOKED = "vote.proxy_revoked"
    CLOSED = "vote.closed"


def _enum(cls, value, field_name: str):
    try:
        return cls(value)
    except ValueError:
        raise invalid(
            field_name, _("Choose one of %(values)s.", values=", ".join(m.value for m in cls))
        ) from None


@dataclass
class VoteSettings:
    """Everything a steward chooses when opening a vote; checked by `open_vote`."""

    method: Method | str
    closes_at: datetime | None
    opens_at: datetime | None = None
    options: list[str] = field(default_factory=list)  # names, for a choice vote
    seats: int = 1
    quorum_percent: int | None = None
    quorum_by: QuorumBy | str = QuorumBy.COUNT
    threshold: ThresholdKind | str = ThresholdKind.MAJORITY
    base: Base | str = Base.CAST
    secrecy: Secrecy | str = Secrecy.OPEN
    results_shown: ResultsShown | str = ResultsShown.AFTER_CLOSE
    tie_kind: TieKind | str = TieKind.EARLIER_ROUNDS_THEN_RANDOM
    casting_order: list[str] = field(default_factory=list)  # option names or keys, most preferred first
    yes_no_tie: YesNoTie | str | None = None
    yes_no_casting: YesNoChoice | str | None = None
    score_max: int = 5
    weighting: Weighting | str = Weighting.EQUAL
    weights: dict[str, int] = field(default_factory=dict)  # co-op slug -> weight, when set by an admin
    time_zone: str = "UTC"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VoteSettings:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


# Opening


def open_vote(
    proposal: Proposal, *, actor: Person, settings: VoteSettings, now: datetime | None = None
) -> Vote:
    """A steward opens the vote: the proposal moves to voting, its text freezes, the electorate freezes."""
    now = now or utcnow()
    proposal_permissions.require_steward(actor, proposal)
    lock_proposal(proposal)
    if proposal.vote is not None:
        raise Conflict(_("This proposal already has its vote."), vote=proposal.vote.id)
    vote_fields = _checked_settings(settings, now)
    electors = _electorate(proposal, actor, vote_fields["weighting"], settings.weights)
    _refuse_revealing_weights(vote_fields["secrecy"], electors)
    revision = proposal.current_revision
    apply_transition(
        proposal, Transition.OPEN_VOTE, actor=actor, data={"method": vote_fields["method"].value}
    )
    vote = Vote(
        proposal=proposal,
        revision=revision,
        opened_by=actor,
        created_at=now,
        tie_seed=secrets.token_hex(4),
        **vote_fields,
    )
    vote.electors = electors
    db.session.add(vote)
    db.session.flush()
    audit.record(
        Action.OPENED,
        actor=actor,
        subject=vote,
        networks=proposal.networks,
        data={
            "proposal": proposal.id,
            "method": vote.method.value,
            "options": vote.options,
            "seats": vote.seats,
            "opens_at": vote.opens_at.isoformat(),
            "closes_at": vote.closes_at.isoformat(),
            "electorate": {e.coop.slug: e.weight for e in electors},
            "revision": revision.number if revision else None,
        },
        summary=f"Opened the vote on {proposal.title!r}, closing {format_in_zone(vote.closes_at, 'UTC')}",
    )
    return vote


def _checked_settings(s: VoteSettings, now: datetime) -> dict[str, Any]:
    method = _enum(Method, s.method, "method")
    opens_at, closes_at = _checked_times(s.opens_at or now, s.closes_at, now)
    options = _checked_options(method, s.options)
    keys = [o["key"] for o in options]
    checked = {
        "method": method,
        "options": options,
        "seats": _checked_seats(method, s.seats, len(options)),
        "opens_at": opens_at,
        "closes_at": closes_at,
        "time_zone": s.time_zone if is_valid_zone(s.time_zone) else "UTC",
        "quorum_percent": _checked_quorum(s.quorum_percent),
        "quorum_by": _enum(QuorumBy, s.quorum_by, "quorum_by"),
        "threshold": _enum(ThresholdKind, s.threshold, "threshold"),
        "base": _enum(Base, s.base, "base"),
        "secrecy": _enum(Secrecy, s.secrecy, "secrecy"),
        "results_shown": _enum(ResultsShown, s.results_shown, "results_shown"),
        "tie_kind": _enum(TieKind, s.tie_kind, "tie_kind"),
        "weighting": _enum(Weighting, s.weighting, "weighting"),
        "score_max": _checked_score_max(s.score_max),
    }
    checked["casting_order"] = _checked_casting(checked["tie_kind"], s.casting_order, options, method)
    checked["yes_no_tie"], checked["yes_no_casting"] = _checked_yes_no_tie(
        method, s.yes_no_tie, s.yes_no_casting
    )
    if method in DECISION_METHODS and keys:
        raise invalid("options", _("A decision vote has no options: co-ops answer the proposal itself."))
    if checked["secrecy"] == Secrecy.SECRET and checked["results_shown"] == ResultsShown.LIVE:
        raise invalid("results_shown", _(SECRET_LIVE_REFUSAL))
    return checked


SECRET_LIVE_REFUSAL = N_(
    "A secret vote shows its results only after the close: running totals, watched as ballots arrive, "
    "would tell how each co-op voted."
)
SECRET_WEIGHTS_REFUSAL = N_(
    "A secret vote counts every co-op equally: with unequal weights its totals would reveal how single "
    "co-ops voted."
)


def _refuse_revealing_weights(secrecy: Secrecy, electors: list[Elector]) -> None:
    if secrecy == Secrecy.SECRET and len({e.weight for e in electors}) > 1:
        raise invalid("weighting", _(SECRET_WEIGHTS_REFUSAL))


def _checked_times(
    opens_at: datetime, closes_at: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    if closes_at is None:
        raise invalid("closes_at", _("Say when the vote closes."))
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise invalid("closes_at", _("Give times with their time zone."))
    opens_at = _in_utc(opens_at, "opens_at")
    closes_at = _in_utc(closes_at, "closes_at")
    if closes_at <= opens_at:
        raise invalid("closes_at", _("The vote must close after it opens."))
    if closes_at <= now:
        raise invalid("closes_at", _("That close time has already passed."))
    if closes_at > now + CLOSES_WITHIN:
        raise invalid("closes_at", _("A vote closes at most ten years from now."))
    return opens_at, closes_at


def _in_utc(moment: datetime, field_name: str) -> datetime:
    """The moment in UTC; one at the very edge of the calendar (year 1, year 9999) has no UTC form."""
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise invalid(
            field_name, _("That date is out of range: give a time within the next ten years.")
        ) from None


def _checked_options(method: Method, names: list[str]) -> list[dict[str, str]]:
    cleaned = [" ".join(str(n).split()) for n in names or []]
    cleaned = [n for n in cleaned if n]
    if method in DECISION_METHODS:
        return [{"key": slugify(n), "name": n} for n in cleaned]
    if len(cleaned) < 2:
        raise invalid("options", _("A choice vote needs at least two options, one a line."))
    if len(cleaned) > OPTIONS_MAX:
        raise invalid("options", _("At most %(max)s options.", max=OPTIONS_MAX))
    for name in cleaned:
        if len(name) > OPTION_MAX or '"' in name:
            raise invalid(
                "options",
                _("Each option is at most %(max)s characters, without double quotes.", max=OPTION_MAX),
            )
    folded = Counter(n.casefold() for n in cleaned)
    repeated = sorted({n for n in cleaned if folded[n.casefold()] > 1})
    if repeated:
        raise invalid("options", _("Each option must be different: %(names)s.", names=", ".join(repeated)))
    return [{"key": k, "name": n} for k, n in zip(_option_keys(cleaned), cleaned, strict=True)]


def _option_keys(names: list[str]) -> list[str]:
    """Each name's slug; names whose slugs collide ("C++", "C#"; names in scripts without Latin letters,
    which all slugify to "item") get -2, -3, ... in order, never taking a key another name slugifies to."""
    natural = [slugify(n) for n in names]
    reserved, used, keys = set(natural), set(), []
    for base in natural:
        key, n = base, 2
        while key in used or (key != base and key in reserved):
            key, n = f"{base}-{n}", n + 1
        used.add(key)
        keys.append(key)
    return keys


def _checked_seats(method: Method, seats: int, option_count: int) -> int:
    if method not in MULTI_SEAT_METHODS:
        if seats not in (None, 1):
            raise invalid("seats", _("This method fills one place: leave seats at 1."))
        return 1
    if not isinstance(seats, int) or not 1 <= seats < option_count:
        raise invalid(
            "seats", _("Choose from 1 to %(max)s seats: fewer than the options.", max=option_count - 1)
        )
    return seats


def _checked_quorum(percent: int | None) -> int | None:
    if percent in (None, 0):
        return None
    if not isinstance(percent, int) or not 0 < percent <= 100:
        raise invalid("quorum_percent", _("Give the quorum as a percentage from 1 to 100, or none."))
    return percent


def _checked_score_max(score_max: int) -> int:
    if not isinstance(score_max, int) or not 1 <= score_max <= SCORE_MAX_LIMIT:
        raise invalid(
            "score_max", _("The highest score is a whole number from 1 to %(max)s.", max=SCORE_MAX_LIMIT)
        )
    return score_max


def _checked_casting(
    kind: TieKind, order: list[str], options: list[dict[str, str]], method: Method
) -> list[str]:
    if kind != TieKind.CASTING or method in DECISION_METHODS:
        return []
    by_name = {o["name"]: o["key"] for o in options} | {o["key"]: o["key"] for o in options}
    keys = [by_name.get(" ".join(str(x).split()), "?") for x in order or [] if str(x).strip()]
    if sorted(keys) != sorted(o["key"] for o in options):
        raise invalid("casting_order", _("A casting order lists every option once, most preferred first."))
    return keys


def _checked_yes_no_tie(method: Method, tie, casting) -> tuple[YesNoTie | None, YesNoChoice | None]:
    if method != Method.YES_NO or tie in (None, ""):
        return None, None
    tie = _enum(YesNoTie, tie, "yes_no_tie")
    if tie != YesNoTie.CASTING:
        return tie, None
    casting = _enum(YesNoChoice, casting or "", "yes_no_casting")
    if casting == YesNoChoice.ABSTAIN:
        raise invalid("yes_no_casting", _("A casting decision is yes or no."))
    return tie, casting


def _electorate(
    proposal: Proposal, actor: Person, weighting: Weighting, weights: dict[str, int]
) -> list[Elector]:
    """The addressed co-ops at this moment, each with its weight: a co-op admitted later does not vote."""
    coops = proposal.addressed_coops
    if not coops:
        raise InvalidInput(_("No co-op is in the addressed networks, so nobody could vote."))
    if weighting == Weighting.SET_BY_ADMIN:
        if not permissions.can_set_weights(actor, proposal):
            raise NotAllowed(_("Only an admin of every addressed network can set the co-ops' weights."))
        return [Elector(coop=c, weight=_set_weight(c, weights)) for c in coops]
    if weighting == Weighting.WORKER_MEMBERS:
        empty = [c.name for c in coops if c.worker_members < 1]
        if empty:
            raise invalid(
                "weighting",
                _(
                    "Weighting by worker-members needs each co-op's count; missing: %(names)s.",
                    names=", ".join(empty),
                ),
            )
        return [Elector(coop=c, weight=c.worker_members) for c in coops]
    if weights:
        raise invalid("weights", _("Weights are given only when an admin sets them."))
    return [Elector(coop=c, weight=1) for c in coops]


def _set_weight(coop: Coop, weights: dict[str, int]) -> int:
    weight = (weights or {}).get(coop.slug)
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= WEIGHT_MAX:
        raise invalid(
            "weights",
            _("Give %(coop)s a whole-number weight from 1 to %(max)s.", coop=coop.name, max=WEIGHT_MAX),
        )
    return weight


# Ballots and proxies


def _lock(vote: Vote) -> None:
    """Hold the proposal's row, then the vote's, until the transaction ends (the one lock order), and read
    them (with the vote's ballots and proxies) afresh."""
    proposal = lock_proposal(vote.proposal)
    # Fetch the row, not only run the query: populate_existing refreshes the object as rows are fetched,
    # and a close committed while we waited for the lock must be seen here.
    db.session.execute(
        select(Vote)
        .where(Vote.id == vote.id)
        .options(joinedload(Vote.revision))  # what a ballot is cast on, read with the row
        .with_for_update(of=Vote)
        .execution_options(populate_existing=True)
    ).scalar_one()
    # The refresh unloads vote.proposal; the proposal just locked and read is the one it names (a vote's
    # proposal never changes). Given back, it is not read again, nor dropped from the session (which
    # holds its objects weakly) while nothing else refers to it.
    set_committed_value(vote, "proposal", proposal)
    db.session.expire(vote, ["ballots", "proxies"])


def _require_open(vote: Vote, now: datetime, zone: str | None = None) -> None:
    """Refuse once closes_at has come, whether or not anything has closed the vote yet; the times named are
    in the zone of the person refused."""
    if vote.proposal.state == State.WITHDRAWN:
        raise VoteClosed(_("The proposal was withdrawn, so its vote takes no more ballots."))
    if vote.is_closed or now >= vote.closes_at:
        raise VoteClosed(
            _(
                "The vote closed at %(when)s; nothing more can be cast or changed.",
                when=format_in_zone(vote.closes_at, zone),
            ),
            closes_at=vote.closes_at.isoformat(),
        )
    if now < vote.opens_at:
        raise VoteClosed(
            _("The vote opens at %(when)s.", when=format_in_zone(vote.opens_at, zone)),
            opens_at=vote.opens_at.isoformat(),
        )


def _require_elector(vote: Vote, coop: Coop) -> Elector:
    elector = vote.elector(coop)
    if elector is None:
        raise NotAllowed(
            _(
                "%(coop)s is not in this vote's electorate (it was frozen when the vote opened).",
                coop=coop.name,
            )
        )
    return elector


def cast_ballot(
    vote: Vote,
    *,
    actor: Person,
    coop: Coop,
    choice: Any,
    reason: str | None = None,
    now: datetime | None = None,
) -> Ballot:
    """A delegate casts their co-op's ballot (or, as its proxy, another's), with a reason if it gives one
    (a consent vote's disagree and block need one); a later ballot replaces the earlier."""
    permissions.require_see(actor, vote)
    _lock(vote)
    now = now or utcnow()
    _require_open(vote, now, actor.time_zone)
    _require_elector(vote, coop)
    casting = permissions.casting_for(actor, vote, coop)
    if casting is None:
        raise NotAllowed(
            _(
                "Only a delegate of %(coop)s, or of the co-op it named as its proxy, can cast its ballot.",
                coop=coop.name,
            )
        )
    names = {o["key"]: o["name"] for o in vote.options}
    clean = clean_choice(vote.method, names, choice, score_max=vote.score_max)
    reason = clean_reason(vote.method, clean, reason, limit=REASON_MAX)
    # The partial unique index allows one current ballot: retire the old one first, in one statement that
    # gives back its receipt (and brings any copy this session holds up to date).
    replaced = db.session.execute(
        update(Ballot)
        .where(Ballot.vote_id == vote.id, Ballot.coop_id == coop.id, Ballot.is_current)
        .values(is_current=False, replaced_at=now)
        .returning(Ballot.receipt)
    ).scalar_one_or_none()
    nonce = new_nonce()
    ballot = Ballot(
        vote=vote,
        coop=coop,
        cast_by=actor,
        proxy_coop=casting.via,
        revision=vote.revision,  # what the vote opened on: the text cannot change while it is open
        choice=clean,
        reason=reason,
        nonce=nonce,
        receipt=receipt_for(vote.id, coop.id, clean, nonce),
        cast_at=now,
    )
    db.session.add(ballot)
    proxy = vote.active_proxy(coop) if casting.via is None else None  # a delegate's own ballot voids it
    if proxy is not None:
        _end_proxy(proxy, ProxyEnd.VOIDED, actor, now)
    db.session.flush()
    audit.record(
        Action.BALLOT_CAST,
        actor=actor,
        subject=vote,
        networks=vote.proposal.networks,
        data=_cast_data(vote, ballot, replaced, proxy_voided=proxy is not None),
    )
    return ballot


def _cast_data(vote: Vote, ballot: Ballot, replaced: str | None, *, proxy_voided: bool) -> dict[str, Any]:
    """The audit record of a cast (`replaced`: the receipt of the ballot it replaces); a secret vote's
    leaves out the receipts (see the module's docstring)."""
    data = {
        "coop": ballot.coop.slug,
        "via_proxy": ballot.proxy_coop.slug if ballot.proxy_coop else None,
        "receipt": ballot.receipt,
        "replaces": replaced,
        "revision": ballot.revision.number if ballot.revision else None,
        "proxy_voided": proxy_voided,
        "has_reason": ballot.reason is not None,
    }
    if vote.is_secret:
        data["receipt"] = data["replaces"] = None
        data["replaces_earlier"] = replaced is not None
    return data


def _end_proxy(proxy: Proxy, reason: ProxyEnd, actor: Person, now: datetime) -> None:
    proxy.ended_at, proxy.end_reason, proxy.ended_by = now, reason, actor
    db.session.flush()


def name_proxy(vote: Vote, *, actor: Person, coop: Coop, proxy: Coop, now: datetime | None = None) -> Proxy:
    """A delegate of `coop` lets `proxy` cast its ballot in this vote (replacing any earlier proxy)."""
    permissions.require_see(actor, vote)
    _lock(vote)
    now = now or utcnow()
    _require_open(vote, now, actor.time_zone)
    _require_elector(vote, coop)
    if not actor.is_delegate_of(coop):
        raise NotAllowed(_("Only a delegate of %(coop)s can name its proxy.", coop=coop.name))
    if proxy.id == coop.id:
        raise invalid("proxy", _("A co-op cannot be its own proxy."))
    if vote.elector(proxy) is None:
        raise invalid(
            "proxy",
            _("%(coop)s is not in this vote's electorate, so it cannot be a proxy in it.", coop=proxy.name),
        )
    _refuse_chain(vote, coop, proxy)
    earlier = vote.active_proxy(coop)
    if earlier is not None and earlier.proxy_coop_id == proxy.id:
        raise Conflict(
            # Translators: %(whose)s is the co-op's name made possessive in English ("Mill Digital's");
            # in Spanish it is the name alone.
            _("%(proxy)s is already %(whose)s proxy in this vote.", proxy=proxy.name, whose=whose(coop.name))
        )
    if earlier is not None:
        _end_proxy(earlier, ProxyEnd.REPLACED, actor, now)
    made = Proxy(vote=vote, coop=coop, proxy_coop=proxy, named_by=actor, named_at=now)
    db.session.add(made)
    db.session.flush()
    audit.record(
        Action.PROXY_NAMED,
        actor=actor,
        subject=vote,
        networks=vote.proposal.networks,
        data={
            "coop": coop.slug,
            "proxy": proxy.slug,
            "replaces": earlier.proxy_coop.slug if earlier else None,
        },
    )
    return made


def _refuse_chain(vote: Vote, coop: Coop, proxy: Coop) -> None:
    """A proxy is one step: the proxy has not named its own, and the co-op holds nobody else's."""
    onward = vote.active_proxy(proxy)
    if onward is not None:
        raise Conflict(
            _(
                "%(proxy)s has named %(onward)s as its own proxy in this vote, so it cannot hold %(whose)s: "
                "proxies do not pass on.",
                proxy=proxy.name,
                onward=onward.proxy_coop.name,
                whose=whose(coop.name),
            ),
            proxy=proxy.slug,
        )
    held = next((p for p in vote.active_proxies if p.proxy_coop_id == coop.id), None)
    if held is not None:
        raise Conflict(
            _(
                "%(coop)s holds %(whose)s proxy in this vote, so it cannot name a proxy of its own: "
                "proxies do not pass on.",
                coop=coop.name,
                whose=whose(held.coop.name),
            ),
            coop=coop.slug,
        )


def revoke_proxy(proxy: Proxy, *, actor: Person, now: datetime | None = None) -> Proxy:
    """A delegate of the co-op that named the proxy takes it back, until the close."""
    vote = proxy.vote
    permissions.require_see(actor, vote)
    _lock(vote)
    now = now or utcnow()
    _require_open(vote, now, actor.time_zone)
    if not actor.is_delegate_of(proxy.coop):
        raise NotAllowed(_("Only a delegate of %(coop)s can revoke its proxy.", coop=proxy.coop.name))
    db.session.refresh(proxy)
    if not proxy.is_active:
        raise Conflict(
            _("This proxy already ended (%(how)s).", how=proxy.end_reason.label)
            if proxy.end_reason
            else _("This proxy already ended.")
        )
    _end_proxy(proxy, ProxyEnd.REVOKED, actor, now)
    audit.record(
        Action.PROXY_REVOKED,
        actor=actor,
        subject=vote,
        networks=vote.proposal.networks,
        data={"coop": proxy.coop.slug, "proxy": proxy.proxy_coop.slug},
    )
    return proxy


# Closing


def is_due(vote: Vote, now: datetime | None = None) -> bool:
    """Past its close time, or its proposal withdrawn, and not yet closed."""
    now = now or utcnow()
    return not vote.is_closed and (now >= vote.closes_at or vote.proposal.state == State.WITHDRAWN)


def close_vote(vote: Vote, *, now: datetime | None = None) -> bool:
    """Close a vote that is due: count once, store the result, move the proposal on, record it. Idempotent."""
    now = now or utcnow()
    if not is_due(vote, now):
        return False
    _lock(vote)
    if not is_due(vote, now):
        return False  # another request closed it while we waited for the lock
    if vote.proposal.state != State.VOTING:
        return _close_without_count(vote, now)
    result = count_ballots(vote)
    vote.closed_at, vote.counted_at = vote.closes_at, now
    vote.outcome, vote.result = result.outcome.value, result.to_dict()
    data = {"vote": vote.id, "outcome": result.outcome.value, "winners": result.winners}
    apply_transition(
        vote.proposal,
        _transition_for(vote, result),
        actor=None,
        actor_kind=ActorKind.SYSTEM,
        is_due=True,
        data=data,
        note=result.sentence[:500],
    )
    audit.record(
        Action.CLOSED,
        actor=None,
        subject=vote,
        networks=vote.proposal.networks,
        data={
            **data,
            "sentence": result.sentence,
            "receipts": sorted(b.receipt for b in vote.current_ballots),
            "closed_at": vote.closes_at.isoformat(),
            "counted_at": now.isoformat(),
        },
        summary=f"Closed the vote on {vote.proposal.title!r}: {result.sentence}",
    )
    return True


def _close_without_count(vote: Vote, now: datetime) -> bool:
    vote.closed_at, vote.counted_at = min(now, vote.closes_at), now
    vote.outcome = State.WITHDRAWN.value
    db.session.flush()
    audit.record(
        Action.CLOSED,
        actor=None,
        subject=vote,
        networks=vote.proposal.networks,
        data={"vote": vote.id, "outcome": vote.outcome},
        summary=f"Closed the vote on {vote.proposal.title!r} uncounted: the proposal was withdrawn",
    )
    return True


def counted_ballots(vote: Vote) -> list[CountedBallot]:
    """The co-ops' current ballots as the engine takes them; a secret vote's carry no co-op names.

    Read as (choice, weight, name) rows, not as ballots and electors with their co-ops: a live tally
    counts them on every read of the vote page."""
    rows = db.session.execute(
        select(Ballot.choice, Elector.weight, Coop.name)
        .join(Elector, (Elector.vote_id == Ballot.vote_id) & (Elector.coop_id == Ballot.coop_id))
        .join(Coop, Coop.id == Ballot.coop_id)
        .where(Ballot.vote_id == vote.id, Ballot.is_current)
        .order_by(Ballot.id)  # the order among equal names, as when they were read as `vote.ballots`
    ).all()
    return [
        CountedBallot(for_counting(vote.method, choice), weight, None if vote.is_secret else name)
        for choice, weight, name in sorted(rows, key=lambda row: row.name.casefold())
    ]


def count_ballots(vote: Vote) -> Result:
    """Count the current ballots under the vote's rules (at the close, or live when the vote shows it)."""
    options = vote.option_list or {"proposal": vote.proposal.title}
    try:
        return count(vote.method, options, counted_ballots(vote), vote.rules())
    except CountingError as error:  # the settings are checked at opening; this is the last line of defence
        return Result(vote.method, Outcome.NO_RESULT, f"The ballots could not be counted: {error}.", ())


def _transition_for(vote: Vote, result: Result) -> Transition:
    if result.outcome == Outcome.FAILED_QUORUM:
        return Transition.FAIL_QUORUM
    passed = Outcome.PASSED if vote.is_decision else Outcome.ELECTED
    return Transition.PASS if result.outcome == passed else Transition.REJECT


def due_vote_ids(now: datetime | None = None) -> list[int]:
    """Votes past their close time (or whose proposal was withdrawn) that nothing has closed yet."""
    now = now or utcnow()
    query = (
        select(Vote.id)
        .join(Proposal, Proposal.id == Vote.proposal_id)
        .where(Vote.closed_at.is_(None), (Vote.closes_at <= now) | (Proposal.state == State.WITHDRAWN))
        .order_by(Vote.closes_at)
    )
    return list(db.session.scalars(query))


# Reading


def close_due_vote_of(proposal: Proposal) -> bool:
    """The proposals feature's settle hook: a proposal read past its vote's close shows the outcome."""
    return proposal.vote is not None and close_vote(proposal.vote)


def get_vote(actor: Person, vote_id: int, *, now: datetime | None = None) -> Vote:
    """A vote the actor can see; a vote past its close is closed first, so a missed job changes nothing."""
    vote = db.session.get(
        Vote, vote_id, options=[joinedload(Vote.proposal)]
    )  # its proposal decides who sees it
    if vote is None or not permissions.can_see(actor, vote):
        raise NotFound(_("There is no vote %(id)s that you can see.", id=vote_id))
    close_vote(vote, now=now)
    return vote


def vote_of(actor: Person, proposal: Proposal, *, now: datetime | None = None) -> Vote:
    proposal_permissions.require_see(actor, proposal)
    if proposal.vote is None:
        raise NotFound(_("This proposal has no vote yet."))
    return get_vote(actor, proposal.vote.id, now=now)


def ballots_awaited(
    person: Person, *, now: datetime | None = None, limit: int | None = None
) -> tuple[list[tuple[Vote, Coop]], int]:
    """The open votes this person can see, each with a co-op they may cast for (as its delegate, or as a
    delegate of the co-op it named its proxy: `permissions.castings`) that has no current ballot yet;
    soonest close first: the first `limit` pairs, and how many there are."""
    delegate_of = [m.coop_id for m in person.memberships if m.role == CoopRole.DELEGATE]
    if not delegate_of:
        return [], 0
    now = now or utcnow()
    not_cast = ~(
        select(Ballot.id)
        .where(Ballot.vote_id == Vote.id, Ballot.coop_id == Coop.id, Ballot.is_current)
        .exists()
    )
    open_votes = (
        select(Vote, Coop)
        .join(Proposal, Proposal.id == Vote.proposal_id)
        .where(Vote.closed_at.is_(None), Vote.closes_at > now, Proposal.state == State.VOTING)
        .where(Proposal.id.in_(visible_ids(person)))
    )
    own = open_votes.join(Elector, Elector.vote_id == Vote.id).join(Coop, Coop.id == Elector.coop_id)
    own = own.where(Elector.coop_id.in_(delegate_of), not_cast)
    holding = select(Elector.id).where(Elector.vote_id == Vote.id, Elector.coop_id == Proxy.proxy_coop_id)
    held = open_votes.join(Proxy, (Proxy.vote_id == Vote.id) & Proxy.ended_at.is_(None))
    held = held.join(Coop, Coop.id == Proxy.coop_id).where(
        Proxy.proxy_coop_id.in_(delegate_of), Proxy.coop_id.not_in(delegate_of), holding.exists(), not_cast
    )
    found, total = [], 0
    for query in (own, held):
        query = query.order_by(Vote.closes_at, Vote.id, Coop.name)
        rows, count = first_rows(query.options(selectinload(Vote.proposal)), limit)
        found += rows
        total += count
    found.sort(key=lambda pair: (pair[0].closes_at, pair[0].id))
    return found[:limit], total


def get_proxy(vote: Vote, proxy_id: int) -> Proxy:
    proxy = next((p for p in vote.proxies if p.id == proxy_id), None)
    if proxy is None:
        raise NotFound(_("Vote %(vote)s has no proxy %(proxy)s.", vote=vote.id, proxy=proxy_id))
    return proxy
