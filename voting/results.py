"""Reading a vote: who took part and through which proxy, receipts and their check, the result's
downloads (JSON, BLT) and the figures of its chart. Nothing here changes the database."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from fractions import Fraction
from typing import Any, NamedTuple

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import aliased, contains_eager, joinedload
from werkzeug.datastructures import MultiDict

from governance.audit import DELEGATE_CHANGE_ACTIONS, AuditEvent
from governance.database import page_of
from governance.errors import Conflict, InvalidInput
from governance.extensions import db
from governance.models import Coop, Person
from governance.paging import ListPage
from governance.texts import _, ngettext
from voting import permissions
from voting.choices import describe, for_counting, receipt_for
from voting.counting import Ballot as CountedBallot
from voting.counting import count, write_blt
from voting.counting.engine import check_quorum
from voting.counting.numbers import exact, share_words
from voting.models import Ballot, Elector, Proxy, Vote, Weighting
from voting.sentences import said
from voting.words import figure, whose

RECEIPT = re.compile(r"^[0-9a-f]{64}$")
COLOURS = ["#1f6f5c", "#b35c00", "#3559a8", "#8a3f8f", "#6b7b12", "#a12b2b", "#2f7f9f", "#7a5a3a"]


@dataclass(frozen=True)
class Participant:
    """A co-op of the electorate, its weight, its current ballot, and the proxy it named (if any)."""

    coop: Coop
    weight: int
    ballot: Ballot | None
    proxy: Proxy | None

    @property
    def has_voted(self) -> bool:
        return self.ballot is not None

    @property
    def via(self) -> Coop | None:
        return self.ballot.proxy_coop if self.ballot else None


ELECTORATE_PER_PAGE = 50


def participation(vote: Vote) -> list[Participant]:
    current = {b.coop_id: b for b in vote.current_ballots}
    proxies = {p.coop_id: p for p in vote.active_proxies}
    rows = [
        Participant(e.coop, e.weight, current.get(e.coop_id), proxies.get(e.coop_id)) for e in vote.electors
    ]
    return sorted(rows, key=lambda r: r.coop.name.casefold())


@dataclass(frozen=True)
class Turnout:
    voted: int
    electorate: int
    weight_voted: int
    weight: int


class Candidate(NamedTuple):
    """A co-op that could hold a proxy: its id and name are all its option needs."""

    id: int
    name: str


PROXY_CHOICES_SHOWN = 30  # up to this many co-ops are a select; beyond, the delegate finds one by name


@dataclass(frozen=True)
class ProxyOffer:
    """What one co-op's delegate may do with its proxy now: the co-ops it could name (only those the
    service would accept), its current proxy, or why it cannot name one. When more than
    PROXY_CHOICES_SHOWN could hold it, the delegate finds one by name (`is_search`): the candidates are
    those matching `search`, the first PROXY_CHOICES_SHOWN of them (`has_more` when there are others)."""

    coop: Coop
    current: Proxy | None
    candidates: list[Candidate]
    refusal: str | None = None
    total: int = 0
    is_search: bool = False
    search: str = ""
    has_more: bool = False


def proxy_offers(
    vote: Vote, coops: list[Coop], *, search_for: int | None = None, search: str = ""
) -> list[ProxyOffer]:
    """The proxy form of each of these co-ops (the viewer's own), offering only what would be accepted:
    a select of the co-ops that could hold its proxy, or, in a large electorate, those whose name matches
    what its delegate typed (`search`, for the co-op `search_for`). A few queries, whatever the size."""
    from voting.electorate import load_proxies, proxy_candidates

    if not coops:
        return []
    named = {
        p.coop_id for p in load_proxies(vote) if p.is_active
    }  # a co-op that named its own cannot hold one
    shown = PROXY_CHOICES_SHOWN
    first, able_total = proxy_candidates(
        vote, limit=shown + 2
    )  # enough for a select of `shown` to every offer
    offers = []
    for coop in coops:
        current = vote.active_proxy(coop)
        held = [p.coop.name for p in vote.active_proxies if p.proxy_coop_id == coop.id]
        if held:
            refusal = _(
                "%(coop)s holds the proxy of %(names)s in this vote, so it cannot name a proxy of its own: "
                "proxies do not pass on.",
                coop=coop.name,
                names=", ".join(held),
            )
            offers.append(ProxyOffer(coop, current, [], refusal))
            continue
        skip = {coop.id} | ({current.proxy_coop_id} if current else set())  # not itself, nor named again
        total = able_total - len(skip - named)
        if not total:
            refusal = _("No other co-op of the electorate can hold a proxy now.")
            offers.append(ProxyOffer(coop, current, [], refusal))
        elif total <= shown:
            offers.append(
                ProxyOffer(coop, current, [Candidate(*c) for c in first if c[0] not in skip], total=total)
            )
        else:
            typed = search if coop.id == search_for else ""
            found: list[Candidate] = []
            if typed:
                rows, _matching = proxy_candidates(vote, matching=typed, limit=shown + len(skip) + 1)
                found = [Candidate(*row) for row in rows if row[0] not in skip]
            offers.append(
                ProxyOffer(coop, current, found[:shown], None, total, True, typed, len(found) > shown)
            )
    return offers


def describe_ballot(vote: Vote, ballot: Ballot) -> str:
    return describe(vote.method, ballot.choice, {o["key"]: o["name"] for o in vote.options})


def ballot_inputs(vote: Vote, ballot: Ballot | None) -> MultiDict:
    """A ballot as the cast form's inputs, so the replace-ballot form starts from the current ballot."""
    inputs: MultiDict = MultiDict()
    if ballot is None:
        return inputs
    inputs.add("coop", str(ballot.coop_id))
    if ballot.reason:
        inputs.add("reason", ballot.reason)
    if vote.is_decision:
        inputs.add("choice", ballot.choice)
    elif vote.is_ranked:
        for key in ballot.choice:
            inputs.add("rank", key)
    elif isinstance(ballot.choice, list):
        for key in ballot.choice:
            inputs.add("approve", key)
    else:
        for key, score in ballot.choice.items():
            inputs.add(f"score-{key}", str(score))
    return inputs


@dataclass(frozen=True)
class Reason:
    text: str
    answer: str
    coop: Coop | None  # None in a secret vote: reasons are shown, not who gave them


REASONS_PER_PAGE = 50


def reasons(vote: Vote, page: int = 1, per_page: int | None = None) -> ListPage:
    """A page of the reasons on the counted ballots, shown with the result after the close: attributed to
    their co-ops (by name) in an open vote; in a secret one without co-op or answer, in the reasons'
    alphabetical order, which says nothing about who gave them. Read a page at a time: every co-op of a
    large electorate may have given one."""
    if not vote.is_closed or vote.result is None:
        return ListPage([], 1, 1)
    per_page = per_page or REASONS_PER_PAGE
    given = (
        (Ballot.vote_id == vote.id) & Ballot.is_current & Ballot.reason.is_not(None) & (Ballot.reason != "")
    )
    total = db.session.scalar(select(func.count(Ballot.id)).where(given)) or 0
    if vote.is_secret:
        query = select(Ballot.reason).where(given).order_by(Ballot.reason)
        found = page_of(query, page, per_page, total, scalars=True)
        rows = [Reason(text, "", None) for text in found.rows]
    else:
        query = select(Ballot).join(Ballot.coop).where(given).order_by(func.lower(Coop.name), Coop.id)
        found = page_of(query.options(contains_eager(Ballot.coop)), page, per_page, total, scalars=True)
        rows = [Reason(b.reason or "", describe_ballot(vote, b), b.coop) for b in found.rows]
    return ListPage(rows, found.page, found.pages)


def published_receipts(vote: Vote) -> list[str]:
    """The receipts of the ballots counted, sorted so their order says nothing about who cast when."""
    if not vote.is_closed:
        raise Conflict(
            _("The receipts counted are published when the vote closes."),
            closes_at=vote.closes_at.isoformat(),
        )
    if vote.result is None:
        return []
    return sorted(b.receipt for b in vote.current_ballots)


@dataclass(frozen=True)
class ReceiptCheck:
    """A receipt's check. Its co-op, cast time and content are there only for those who may see the ballot:
    anyone may check a receipt, and a co-op named beside a receipt would link it to its line in the BLT file."""

    receipt: str
    is_found: bool
    is_counted: bool
    is_intact: bool
    message: str
    coop: Coop | None = None
    cast_at: datetime | None = None
    content: str | None = None
    heading: str = ""


def _receipt_heading(vote: Vote, ballot: Ballot | None, is_intact: bool) -> str:
    """The check's answer in a few words, the same as its message says at length."""
    if ballot is None:
        return _("Not found")
    if not is_intact:
        return _("Does not match: tell the admins")
    if not ballot.is_current:
        return _("Not counted: replaced by a later ballot")
    if not vote.is_closed:
        return _("Current: it will be counted at the close")
    return _("Counted") if vote.result is not None else _("Not counted: the vote closed without a count")


def check_receipt(vote: Vote, *, actor: Person, receipt: str) -> ReceiptCheck:
    """Whether the ballot with this receipt was counted as cast; whose and what, for those who may see it."""
    receipt = (receipt or "").strip().lower()
    if not RECEIPT.match(receipt):
        message = _("A receipt is 64 letters and digits (0-9, a-f), as shown when the ballot was cast.")
        raise InvalidInput(message, errors={"receipt": [message]})
    ballot = next((b for b in vote.ballots if b.receipt == receipt), None)
    if ballot is None:
        return ReceiptCheck(
            receipt,
            False,
            False,
            False,
            _("No ballot of this vote has that receipt."),
            heading=_("Not found"),
        )
    is_intact = receipt_for(vote.id, ballot.coop_id, ballot.choice, ballot.nonce) == receipt
    counted = vote.result is not None and ballot.is_current
    heading = _receipt_heading(vote, ballot, is_intact)
    if not permissions.can_see_ballot(actor, ballot):
        return ReceiptCheck(
            receipt,
            True,
            counted,
            is_intact,
            _receipt_message(vote, ballot, is_intact, None),
            heading=heading,
        )
    return ReceiptCheck(
        receipt,
        True,
        counted,
        is_intact,
        _receipt_message(vote, ballot, is_intact, ballot.coop),
        ballot.coop,
        ballot.cast_at,
        describe_ballot(vote, ballot),
        heading,
    )


def _receipt_message(vote: Vote, ballot: Ballot, is_intact: bool, coop: Coop | None) -> str:
    # Translators: %(whose)s is the co-op's name made possessive in English ("Mill Digital's"); in Spanish it
    # is the name alone.
    named = {"whose": whose(coop.name), "coop": coop.name} if coop else {}
    if not is_intact:
        if coop:
            return _(
                "Warning: %(whose)s ballot as stored no longer matches this receipt. Tell the network's admins.",
                whose=named["whose"],
            )
        return _("Warning: the ballot as stored no longer matches this receipt. Tell the network's admins.")
    if not ballot.is_current:
        if coop:
            return _(
                "Not counted: %(whose)s ballot with this receipt was replaced by a later ballot from %(coop)s.",
                **named,
            )
        return _(
            "Not counted: the ballot with this receipt was replaced by a later ballot from the same co-op."
        )
    if vote.is_closed and vote.result is None:
        return _("Not counted: the proposal was withdrawn, so the vote closed without a count.")
    if vote.is_closed:
        if coop:
            return _(
                "Counted as cast: %(whose)s ballot with this receipt is among the ballots counted, unchanged.",
                whose=named["whose"],
            )
        return _("Counted as cast: the ballot with this receipt is among the ballots counted, unchanged.")
    if coop:
        return _(
            "%(whose)s ballot with this receipt is current; it will be counted at the close unless %(coop)s "
            "casts again.",
            **named,
        )
    return _(
        "The ballot with this receipt is current; it will be counted at the close unless its co-op casts again."
    )


def blt_refusal(vote: Vote) -> str | None:
    """Why the ballots do not download as BLT, or None when they do."""
    if not (vote.is_ranked and vote.is_closed and vote.result is not None):
        return _("Ranked ballots download as BLT after the close.")
    if vote.is_secret and vote.weighting != Weighting.EQUAL:
        return _(
            "This secret vote's ballots do not download as BLT: each line carries its co-op's weight, "
            "and the weights are published, so a line would show whose ballot it is."
        )
    return None


def can_download_blt(vote: Vote) -> bool:
    return blt_refusal(vote) is None


def blt(vote: Vote) -> str:
    """The counted ballots as a BLT file, ordered by their content (then weight): nothing in the order links a
    line to a co-op, or to a receipt (a receipt's check may name its co-op, to that co-op's people)."""
    refusal = blt_refusal(vote)
    if refusal is not None:
        raise Conflict(refusal)
    weights = {e.coop_id: e.weight for e in vote.electors}
    position = {o["key"]: i for i, o in enumerate(vote.options)}
    counted = sorted(
        (
            CountedBallot(for_counting(vote.method, b.choice), weights[b.coop_id])
            for b in vote.current_ballots
        ),
        key=lambda c: ([position[k] for k in c.choice], c.weight),
    )
    title = vote.proposal.title.replace('"', "'")
    return write_blt(vote.option_list, counted, seats=vote.rules().seats, title=title)


def tie_uses(result: dict[str, Any] | None, vote: Vote | None = None) -> list[str]:
    """Where the tie rule decided something, in the count's own words (options by name, given the vote)."""
    if not result:
        return []
    found = [
        _(
            "Round %(number)s: %(reason)s",
            number=r["number"],
            reason=said(named(vote, reason) if vote else reason),
        )
        for r in result.get("rounds", [])
        for reason in [*r.get("reasons", {}).values(), *r.get("notes", [])]
        if "tie" in reason
    ]
    if "decided by" in result.get("sentence", "") and "threshold" in result.get("sentence", ""):
        found.append(said(result["sentence"]))
    return found


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def settings_document(vote: Vote) -> dict[str, Any]:
    return {
        "id": vote.id,
        "proposal": {"id": vote.proposal.id, "title": vote.proposal.title},
        "method": vote.method.value,
        "options": vote.options,
        "seats": vote.rules().seats,
        "opens_at": _iso(vote.opens_at),
        "closes_at": _iso(vote.closes_at),
        "closed_at": _iso(vote.closed_at),
        "counted_at": _iso(vote.counted_at),
        "quorum_percent": vote.quorum_percent,
        "quorum_by": vote.quorum_by.value,
        "threshold": vote.threshold.value,
        "base": vote.base.value,
        "secrecy": vote.secrecy.value,
        "results_shown": vote.results_shown.value,
        "tie_rule": vote.tie_rule.describe(),
        "weighting": vote.weighting.value,
        "revision": vote.revision.number if vote.revision else None,
    }


def _participation_rows(vote: Vote) -> list[Any]:
    """Each co-op of the electorate, by name, with its weight and current ballot (its id, co-op, choice and
    the proxy that cast it): plain rows of one query, for a document a thousand co-ops long."""
    via = aliased(Coop)
    query = (
        select(
            Elector.coop_id,
            Coop.slug,
            Coop.name,
            Elector.weight,
            Ballot.id.label("ballot_id"),
            Ballot.choice,
            Ballot.proxy_coop_id,
            via.slug.label("via"),
        )
        .join(Coop, Coop.id == Elector.coop_id)
        .outerjoin(
            Ballot, (Ballot.vote_id == vote.id) & (Ballot.coop_id == Elector.coop_id) & Ballot.is_current
        )
        .outerjoin(via, via.id == Ballot.proxy_coop_id)
        .where(Elector.vote_id == vote.id)
    )
    return sorted(db.session.execute(query), key=lambda row: row.name.casefold())


def _proxies_named(vote: Vote) -> list[Proxy]:
    """Every proxy named in the vote, ended ones too, in order, with both co-ops read in the same query."""
    if "proxies" not in inspect(vote).unloaded:
        return vote.proxies
    query = (
        select(Proxy)
        .where(Proxy.vote_id == vote.id)
        .options(joinedload(Proxy.coop), joinedload(Proxy.proxy_coop))
        .order_by(Proxy.id)
    )
    return list(db.session.scalars(query))


def result_document(vote: Vote, *, actor: Person) -> dict[str, Any]:
    """The whole result as JSON: settings, electorate, who took part and by which proxy, receipts, the count."""
    from voting.electorate import turnout

    show_choices = vote.is_closed and not vote.is_secret
    sees = permissions.ballot_seer(actor, vote)
    rows = []
    for row in _participation_rows(vote):
        item: dict[str, Any] = {
            "coop": row.slug,
            "name": row.name,
            "weight": row.weight,
            "voted": row.ballot_id is not None,
            "via_proxy": row.via,
        }
        if row.ballot_id is not None and (show_choices or sees(row.coop_id, row.proxy_coop_id)):
            item["choice"] = row.choice
        rows.append(item)
    counted = turnout(vote)
    return {
        "vote": settings_document(vote),
        "electorate": {"coops": counted.electorate, "weight": counted.weight},
        "participation": rows,
        "proxies": [
            {
                "coop": p.coop.slug,
                "proxy": p.proxy_coop.slug,
                "named_at": _iso(p.named_at),
                "ended_at": _iso(p.ended_at),
                "end_reason": p.end_reason.value if p.end_reason else None,
            }
            for p in _proxies_named(vote)
        ],
        "receipts": published_receipts(vote) if vote.is_closed else None,
        "result": shown_result(vote, actor=actor),
    }


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str


def chart(
    vote: Vote, result: dict[str, Any] | None, *, height: int = 160, bar: int = 18
) -> dict[str, Any] | None:
    """Bars of each option's tally in each round, for an inline SVG (no script, no outside asset)."""
    rounds = (result or {}).get("rounds") or []
    if not rounds:
        return None
    keys = [o["key"] for o in vote.options] or list(rounds[0]["tallies"])
    quota = float(Fraction(result["quota_exact"])) if (result or {}).get("quota_exact") else None
    top = max([*(float(v) for r in rounds for v in r["tallies"].values()), quota or 0]) or 1
    group = bar * len(keys) + 16
    bars = []
    for i, round_ in enumerate(rounds):
        for j, key in enumerate(keys):
            value = float(round_["tallies"].get(key, 0))
            h = value / top * height
            bars.append(
                Bar(
                    40 + i * group + j * bar,
                    10 + height - h,
                    bar - 3,
                    h,
                    COLOURS[j % len(COLOURS)],
                    _(
                        "Round %(number)s, %(option)s: %(tally)s",
                        number=round_["number"],
                        option=vote.option_name(key),
                        tally=round_["tallies_exact"].get(key, 0),
                    ),
                )
            )
    legend = [(vote.option_name(k), COLOURS[j % len(COLOURS)]) for j, k in enumerate(keys)]
    quota_y = None if quota is None else 10 + height - quota / top * height
    return {
        "quota_y": quota_y,
        "quota_label_y": None if quota_y is None else quota_y + 13 if quota_y < 24 else quota_y - 4,
        "quota": None if quota is None else decimal(result["quota_exact"]),
        "bars": bars,
        "width": 40 + group * len(rounds),
        "height": height + 40,
        "base": 10 + height,
        "top": top,
        "group": group,
        "rounds": [r["number"] for r in rounds],
        "legend": legend,
    }


def shown_result(vote: Vote, *, actor: Person) -> dict[str, Any] | None:
    """The stored result after the close; while open, the tallies so far when the vote shows them live."""
    if not permissions.can_see_tallies(actor, vote):
        return None
    if vote.is_closed:
        return vote.result
    return live_tallies(vote)


@dataclass(frozen=True)
class DelegateChange:
    at: datetime
    coop: str
    text: str


def delegate_changes(vote: Vote) -> list[DelegateChange]:
    """Who came to speak for, or stopped speaking for, a co-op of the electorate since the vote opened:
    the people who may cast its ballot changed, and everyone reading the vote should see it."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.action.in_(DELEGATE_CHANGE_ACTIONS), AuditEvent.at >= vote.opens_at)
        .order_by(AuditEvent.seq)
    )
    if vote.closed_at is not None:
        query = query.where(AuditEvent.at <= vote.closed_at)
    events = db.session.scalars(query).all()
    emails = {e.data.get("person") for e in events} - {None}
    names = {p.email: p.name for p in db.session.scalars(select(Person).where(Person.email.in_(emails)))}
    slugs = _subject_coop_slugs(events)
    coops = _electors_by_slug(vote, {e.data.get("coop") or slugs.get(e.subject_id) for e in events} - {None})
    changes = []
    for event in events:
        slug = event.data.get("coop") or slugs.get(event.subject_id)
        if slug not in coops:
            continue
        if text := _delegate_change_text(event, names, coops[slug]):
            changes.append(DelegateChange(event.at, coops[slug], text))
    return changes


def _subject_coop_slugs(events) -> dict[int, str]:
    """The slugs of the co-ops the events are about, in one query (not one an event)."""
    ids = {e.subject_id for e in events if e.subject_type == "coops" and e.subject_id is not None}
    if not ids:
        return {}
    return {
        coop_id: slug
        for coop_id, slug in db.session.execute(select(Coop.id, Coop.slug).where(Coop.id.in_(ids)))
    }


def _electors_by_slug(vote: Vote, slugs: set[str]) -> dict[str, str]:
    """slug -> name of those of these co-ops that are in the electorate (one query; none without slugs)."""
    if not slugs:
        return {}
    query = (
        select(Coop.slug, Coop.name)
        .join(Elector, Elector.coop_id == Coop.id)
        .where(Elector.vote_id == vote.id, Coop.slug.in_(slugs))
    )
    return {slug: name for slug, name in db.session.execute(query)}


def _delegate_change_text(event, names: dict[str, str], coop: str) -> str | None:
    data = event.data
    if event.action == "invitation.accepted" and data.get("role") == "delegate":
        who = event.actor_label.split(" <")[0]
        return _("%(who)s joined %(coop)s as a delegate.", who=who, coop=coop)
    who = names.get(data.get("person")) or _("Someone")
    if event.action == "coop.member_added" and data.get("role") == "delegate":
        return _("%(who)s was added to %(coop)s as a delegate.", who=who, coop=coop)
    if event.action == "coop.role_changed" and "delegate" in (data.get("from"), data.get("to")):
        if data.get("to") == "delegate":
            return _("%(who)s became a delegate of %(coop)s.", who=who, coop=coop)
        return _("%(who)s is no longer a delegate of %(coop)s.", who=who, coop=coop)
    return None


def decimal(text: str | int | float | None) -> str:
    """An exact figure as people read it: a decimal, never a fraction (2/3 is shown as 0.66667), with the
    reader's decimal sign (0,66667 in Spanish)."""
    if text is None:
        return ""
    value = Fraction(str(text))
    if value.denominator == 1:
        return str(value.numerator)
    if "/" not in str(text):
        return figure(str(text))  # already a decimal that ends
    return figure(f"{float(value):.5f}".rstrip("0").rstrip("."))


@dataclass(frozen=True)
class Part:
    """A piece of a sentence; `is_own` marks the reader's own co-op, shown highlighted."""

    text: str
    is_own: bool = False


@dataclass
class ExplainedRound:
    """One round in words: its action, where each transfer's votes went, and what it decided."""

    number: int
    action: str
    tallies: dict[str, str]
    exhausted: str
    transfers: list[list[Part]] = field(default_factory=list)
    decisions: list[list[Part]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Explained:
    """The result page's figures in decimals and its sentences, with the reader's own co-ops marked."""

    own_coop_ids: set[int]
    own_options: set[str]
    counts: dict[str, str]
    quota: str
    rounds: list[ExplainedRound]


def explain(vote: Vote, result: dict[str, Any] | None, *, viewer: Person | None) -> Explained | None:
    """The result put into words for its page: where every transferred vote went, decimals not fractions,
    and the viewer's own co-ops (as voters, and as options named like them) marked."""
    if not result:
        return None
    coops = list(getattr(viewer, "coops", None) or [])
    own_names = {coop.name.casefold() for coop in coops}
    own_options = {o["key"] for o in vote.options if o["name"].casefold() in own_names}
    rounds = [_explain_round(vote, r, own_options) for r in result.get("rounds", [])]
    counts = {key: decimal(value) for key, value in (result.get("counts_exact") or {}).items()}
    return Explained(
        {coop.id for coop in coops}, own_options, counts, decimal(result.get("quota_exact")), rounds
    )


def _mark(key: str) -> str:
    """Where a marked piece goes in a translated sentence, until `_split` puts its parts there."""
    return f"{_MARK}{key}{_MARK}"


_MARK = "\x00"


def _split(text: str, marked: dict[str, list[Part]]) -> list[Part]:
    """A translated sentence as parts: its words, and each `_mark`ed piece as the parts given for it (so the
    reader's own co-op stays highlighted wherever the language puts it)."""
    parts: list[Part] = []
    for i, piece in enumerate(text.split(_MARK)):
        if i % 2:
            parts.extend(marked[piece])
        elif piece:
            parts.append(Part(piece))
    return parts


def _whose(name: str, is_own: bool) -> list[Part]:
    """A name as a sentence's owner: 'Río Software' (marked when the reader's) and, in English, its "'s"."""
    owned = whose(name)
    return [Part(name, is_own), *([Part(owned[len(name) :])] if owned != name else [])]


def _explain_round(vote: Vote, round_: dict[str, Any], own: set[str]) -> ExplainedRound:
    """One round's figures and sentences."""
    name = vote.option_name
    decisions = [
        _split(
            _("Elected %(option)s: %(reason)s.", option=_mark("option"), reason=said(named(vote, reason)))
            if key in round_["elected"]
            else _(
                "Excluded %(option)s: %(reason)s.", option=_mark("option"), reason=said(named(vote, reason))
            ),
            {"option": [Part(name(key), key in own)]},
        )
        for key, reason in round_.get("reasons", {}).items()
    ]
    return ExplainedRound(
        round_["number"],
        said(named(vote, round_["action"])),
        {key: decimal(value) for key, value in round_.get("tallies_exact", {}).items()},
        decimal(round_.get("exhausted_exact", "0")),
        [transfer_parts(vote, transfer, own) for transfer in round_.get("transfers", [])],
        decisions,
        [said(named(vote, note)) for note in round_.get("notes", [])],
    )


def named(vote: Vote, text: str) -> str:
    """The count's words with each option's key replaced by its name (the engine writes keys in its notes)."""
    for option in sorted(vote.options, key=lambda o: -len(o["key"])):
        text = re.sub(rf"(?<![\w-]){re.escape(option['key'])}(?![\w-])", option["name"], text)
    return text


def transfer_parts(vote: Vote, transfer: dict[str, Any], own: set[str]) -> list[Part]:
    """Where a transfer's votes went, as a sentence: "Río Software's 1 vote goes to Hudson Tech."."""
    name = vote.option_name
    source = transfer["from"]
    moved = {key: Fraction(value) for key, value in transfer["amounts"].items() if Fraction(value)}
    nowhere = Fraction(transfer["non_transferable"]) + Fraction(transfer.get("lost_to_rounding") or 0)
    total = sum(moved.values(), Fraction(0)) + nowhere
    owner = {"whose": _whose(name(source), source in own)}
    if transfer["kind"] == "surplus":
        head = _split(
            _(
                "%(whose)s surplus of %(votes)s moves on, each paper at %(value)s of its value",
                whose=_mark("whose"),
                votes=_votes(total),
                value=decimal(transfer.get("transfer_value")),
            ),
            owner,
        )
    else:
        if total and len(moved) == 1 and not nowhere:
            (key,) = moved
            return _split(
                ngettext(
                    "%(whose)s %(votes)s goes to %(option)s.",
                    "%(whose)s %(votes)s go to %(option)s.",
                    1 if total == 1 else 2,
                    whose=_mark("whose"),
                    votes=_votes(total),
                    option=_mark("option"),
                ),
                {**owner, "option": [Part(name(key), key in own)]},
            )
        head = _split(_("%(whose)s %(votes)s", whose=_mark("whose"), votes=_votes(total)), owner)
    if not total:
        return _split(_("%(head)s: nothing to pass on.", head=_mark("head")), {"head": head})
    moves: list[Part] = []
    for i, (key, amount) in enumerate(moved.items()):
        moves += [Part(", ")] if i else []
        moves += _split(
            _("%(votes)s to %(option)s", votes=_votes(amount), option=_mark("option")),
            {"option": [Part(name(key), key in own)]},
        )
    if nowhere:
        moves += [Part(", ")] if moved else []
        moves.append(Part(_("%(votes)s to nobody (no later preference)", votes=_votes(nowhere))))
    return _split(
        _("%(head)s: %(moves)s.", head=_mark("head"), moves=_mark("moves")), {"head": head, "moves": moves}
    )


def _votes(amount: Fraction) -> str:
    """An amount of votes in words: '1 vote', '2.5 votes'."""
    return ngettext("%(num)s vote", "%(num)s votes", 1 if amount == 1 else 2, num=decimal(exact(amount)))


def live_tallies(vote: Vote) -> dict[str, Any]:
    """The running tallies of an open vote: the counts whatever the quorum, how far the quorum is, and no
    verdict (nothing is decided until the close, so no sentence, winners, blocks or rounds)."""
    from voting.service import counted_ballots

    ballots, rules = counted_ballots(vote), vote.rules()
    options = vote.option_list or {"proposal": vote.proposal.title}
    counted = count(vote.method, options, ballots, replace(rules, quorum=None)).to_dict()
    quorum = check_quorum(rules, len(ballots), sum((Fraction(b.weight) for b in ballots), Fraction(0)))
    return {
        "is_live": True,
        "method": counted["method"],
        "options": counted["options"],
        "counts": counted["counts"],
        "counts_exact": counted["counts_exact"],
        "ballots": counted["ballots"],
        "total_weight": counted["total_weight"],
        "quorum": None
        if quorum is None
        else {
            "share": exact(quorum.share),
            "by": quorum.by,
            "electorate": exact(quorum.electorate),
            "needed": exact(quorum.needed),
            "participated": exact(quorum.participated),
            "reached": quorum.is_reached,
        },
    }


def quorum_words(quorum: dict[str, Any] | None, *, is_final: bool = False) -> str:
    """How far a quorum is, in words: 'Quorum not reached: 1 of 4 co-ops have taken part; 2 (50% of the
    electorate) are needed, 1 more.' A quorum by count needs whole co-ops, so its need is rounded up."""
    if not quorum:
        return _("No quorum was set.")
    by_count = quorum["by"] == "count"
    needed, participated = Fraction(quorum["needed"]), Fraction(quorum["participated"])
    if by_count:
        needed = Fraction(math.ceil(needed))
    figures = {
        "participated": exact(participated),
        "electorate": exact(Fraction(quorum["electorate"])),
        "unit": _("co-ops") if by_count else _("weight"),
        "needed": exact(needed),
        "share": said(share_words(quorum["share"], named=False)),  # set as a percentage, said as one
    }
    if is_final:
        head = _(
            "%(participated)s of %(electorate)s (%(unit)s) took part; %(needed)s (%(share)s of the electorate) "
            "were needed",
            **figures,
        )
    else:
        head = _(
            "%(participated)s of %(electorate)s (%(unit)s) have taken part; %(needed)s (%(share)s of the "
            "electorate) are needed",
            **figures,
        )
    if quorum["reached"]:
        return _("Quorum reached: %(figures)s.", figures=head)
    if is_final:
        return _("Quorum not reached: %(figures)s.", figures=head)
    return _(
        "Quorum not reached: %(figures)s, %(more)s more.", figures=head, more=exact(needed - participated)
    )
