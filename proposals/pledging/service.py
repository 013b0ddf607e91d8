"""Use cases of pledge campaigns: open, pledge, change, withdraw, extend once, settle exactly once.

Interface for the agreements feature (and anything else that draws on a committed campaign):

- `committed_hooks: list[Callable[[Campaign], None]]`: each is called with the campaign when it commits,
  in the same transaction, after its contributions are fixed, the proposal has moved to committed and
  the `campaign.committed` audit event is written (like `proposals.service.settle_hooks`, a feature
  appends its function once at registration; pledging imports nothing of it). A hook that raises rolls
  the whole commit back.
- What a committed campaign holds (`proposals.pledging.models`): `campaign.contributions`, one
  `Contribution` per party co-op, fixed at the commit and never changed: `coop`, `currency`,
  `money_minor` (a month, in that currency's minor units), `base_minor` (the same in the base currency
  at the fixed rate), `rate_text`/`rate` (Decimal), `rate_as_of`, `rate_source`, `hours` (a month),
  `seats` (names), `note`, `pledge`, `fixed_at`. And on the campaign: `base_currency`, `rates`
  (`CampaignRate`: `currency`, `rate`, `as_of`, `source`), `targets` (a `proposals.targets.Targets`)
  and the columns behind it, `term_months`, `notice_days`, `deadline_at`, `committed_at`, `outcome`
  (the totals at the commit), and `proposal` (whose `campaign` it is, one-to-one).

Each use case takes the actor as a keyword, authorises, locks (the proposal first through
`proposals.service.lock_proposal`, then the campaign's row, then reads its pledges afresh), changes
state, appends the audit event (`Action`, with the co-ops and amounts in its data) and flushes; the
caller (a request, a command or the periodic task) commits. Time is a `now=` argument (UTC, aware).

Settling happens once: at the deadline (the periodic task, any read past it, `flask campaigns
close-due`) or early by a steward once every target is met. A pledge at or after the deadline is
refused inside the same lock the settlement takes, so a pledge racing the settlement is either in the
outcome or refused, never lost. A campaign opened while the vote is open moves on with it: when the
vote passes the proposal goes on to pledging; when it fails (or the proposal is withdrawn) the campaign
lapses and nobody owes anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from babel.numbers import format_decimal
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from governance import audit, i18n, mail
from governance.database import first_rows
from governance.errors import Conflict, InvalidInput, NotAllowed, NotFound, PledgingClosed
from governance.extensions import db
from governance.models import Coop, CoopRole, NetworkMembership, Person
from governance.texts import N_, _, current_locale, ngettext
from governance.timezones import format_in_zone, is_valid_zone
from governance.types import utcnow
from governance.validation import clean_text, invalid
from proposals import money, targets
from proposals import permissions as proposal_permissions
from proposals.lifecycle import STATE_LABELS, ActorKind, State, Transition
from proposals.models import Proposal, StateChange
from proposals.pledging.models import Campaign, CampaignRate, CampaignState, Contribution, Pledge, PledgeEnd
from proposals.service import addressed_count, addressed_to_coop, apply_transition, lock_proposal, visible_ids

HOURS_MAX = 10_000  # a co-op's hours a month: more is a typing slip
TARGET_HOURS_MAX = 1_000_000
TERM_MAX, NOTICE_MAX = 120, 365  # months, days
SEAT_NAME_MAX, SEATS_MAX = 60, 20
NOTE_MAX, REASON_MAX, SOURCE_MAX = 1000, 1000, 300
RATES_MAX = 30
DEADLINE_WITHIN = timedelta(days=731)  # two years: a later deadline is a typing slip
AUDIT_LOCALE = "en_GB"  # the audit log's summaries are a record, written in English
# Why a campaign lapsed, kept in English in its outcome and the log; the page translates them.
LAPSE_UNMET = N_("not every target was met by the deadline")
LAPSE_WITHDRAWN = N_("the proposal was withdrawn")
LAPSE_VOTE_FAILED = N_("the vote did not pass")


class Action(StrEnum):
    OPENED = "campaign.opened"
    PLEDGE_MADE = "pledge.made"
    PLEDGE_CHANGED = "pledge.changed"
    PLEDGE_WITHDRAWN = "pledge.withdrawn"
    EXTENDED = "campaign.extended"
    COMMITTED = "campaign.committed"
    LAPSED = "campaign.lapsed"


# Called with the campaign when it commits, in the same transaction (see the module's docstring).
committed_hooks: list[Callable[[Campaign], None]] = []


@dataclass
class RateIn:
    currency: str
    rate: Decimal | str
    as_of: date | str
    source: str


@dataclass
class CampaignSettings:
    """What a steward chooses when opening a campaign; checked by `open_campaign`.

    Money is in major units of the base currency (a Decimal or its text, "1000.00"); seats name the
    roles a co-op takes on, each with how many co-ops it needs ({"host": 1, "on-call": 2}).
    """

    base_currency: str
    deadline_at: datetime | None
    term_months: int | None
    rates: list[RateIn] = field(default_factory=list)
    target_money: Decimal | str | None = None
    target_hours: int | None = None
    seats: dict[str, int] = field(default_factory=dict)
    min_coops: int | None = None
    min_networks: int | None = None
    min_countries: int | None = None
    notice_days: int = 0
    time_zone: str = "UTC"


# Reading and locking


def _lock(campaign: Campaign) -> None:
    """Hold the proposal's row, then the campaign's, until the transaction ends, and read them (with the
    campaign's pledges) afresh: a pledge or a settlement committed while we waited is seen here."""
    proposal = lock_proposal(campaign.proposal)
    db.session.execute(
        select(Campaign)
        .where(Campaign.id == campaign.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    set_committed_value(campaign, "proposal", proposal)  # as voting.service._lock: not read a third time
    db.session.expire(campaign, ["pledges", "contributions"])


def get_campaign(
    actor: Person, campaign_id: int, *, now: datetime | None = None, settle: bool = True
) -> Campaign:
    """A campaign the actor can see; one past its deadline is settled first, so a missed job changes
    nothing (`settle=False` leaves that to the caller, with `settle_proposal`)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or not proposal_permissions.can_see(actor, campaign.proposal):
        raise NotFound(_("There is no campaign %(id)s that you can see.", id=campaign_id))
    if settle:
        settle_proposal(campaign.proposal, now=now)
    return campaign


CAMPAIGNS_PER_PAGE = 30


def visible_campaigns(actor: Person, page: int):
    """A page of the campaigns of the proposals this person can see (the rule of `get_campaign`, in the
    database), latest deadline first, each with its proposal: a Flask-SQLAlchemy pagination."""
    query = (
        select(Campaign)
        .join(Campaign.proposal)
        .options(contains_eager(Campaign.proposal))
        .where(Campaign.proposal_id.in_(visible_ids(actor)))
        .order_by(Campaign.deadline_at.desc(), Campaign.id.desc())
    )
    return db.paginate(query, page=page, per_page=CAMPAIGNS_PER_PAGE, error_out=False)


def current_pledge_counts(campaigns: Iterable[Campaign]) -> dict[int, int]:
    """How many co-ops have a pledge standing in each of these campaigns, counted at once by the database
    (a campaign with none is not in the answer)."""
    counted = (
        select(Pledge.campaign_id, func.count())
        .where(Pledge.campaign_id.in_([c.id for c in campaigns]), Pledge.is_current)
        .group_by(Pledge.campaign_id)
    )
    return {campaign_id: count for campaign_id, count in db.session.execute(counted)}


def campaign_of(actor: Person, proposal: Proposal, *, now: datetime | None = None) -> Campaign:
    proposal_permissions.require_see(actor, proposal)
    if proposal.campaign is None:
        raise NotFound(_("This proposal has no pledge campaign yet."))
    return get_campaign(actor, proposal.campaign.id, now=now)


def get_pledge(campaign: Campaign, pledge_id: int) -> Pledge:
    pledge = next((p for p in campaign.pledges if p.id == pledge_id), None)
    if pledge is None:
        raise NotFound(_("Campaign %(id)s has no pledge %(pledge)s.", id=campaign.id, pledge=pledge_id))
    return pledge


def currencies(campaign: Campaign) -> targets.Currencies:
    return targets.Currencies(
        base=campaign.base_currency,
        digits={c: money.digits(c) for c in campaign.currencies},
        rates={r.currency: r.rate for r in campaign.rates},
    )


def rule_pledge(
    pledge: Pledge, addressed: set[int] | None = None, networks: dict[int, frozenset[str]] | None = None
) -> targets.Pledge:
    """A pledge row as the pure rule sees it (`addressed`: the proposal's network ids, if known;
    `networks`: each pledging co-op's addressed networks, as `addressed_networks` reads them)."""
    if networks is not None:
        among = networks.get(pledge.coop_id, frozenset())
    else:
        if addressed is None:
            addressed = {n.id for n in pledge.campaign.proposal.networks}
        among = frozenset(str(n.id) for n in pledge.coop.networks if n.id in addressed)
    return targets.Pledge(
        coop=pledge.coop.slug,
        base_minor=pledge.base_minor,
        hours=pledge.hours,
        seats=frozenset(pledge.seats or ()),
        min_coops=pledge.min_coops,
        min_money=pledge.min_money_minor,
        country=pledge.coop.country,
        networks=among,
    )


def addressed_networks(campaign: Campaign, addressed: set[int]) -> dict[int, frozenset[str]]:
    """Each pledging co-op's networks among the addressed ones, by co-op id, in one query of id pairs
    (rather than every membership of every pledging co-op, which a co-op in twenty networks multiplies)."""
    found: dict[int, set[str]] = {}
    pairs = db.session.execute(
        select(NetworkMembership.coop_id, NetworkMembership.network_id).where(
            NetworkMembership.network_id.in_(addressed),
            NetworkMembership.coop_id.in_(select(Pledge.coop_id).where(Pledge.campaign_id == campaign.id)),
        )
    )
    for coop_id, network_id in pairs:
        found.setdefault(coop_id, set()).add(str(network_id))
    return {coop_id: frozenset(ids) for coop_id, ids in found.items()}


@dataclass
class Standing:
    """The outcome of the rule over a campaign's current pledges, with the rows behind it."""

    outcome: targets.Outcome
    standing: list[Pledge]
    waiting: list[Pledge]

    @property
    def is_met(self) -> bool:
        return self.outcome.is_met


def load_pledges(campaign: Campaign) -> list[Any]:
    """Read the campaign's pledges and people, and the pledging co-ops, in a few queries rather than one
    or more a row (for the page; the co-ops that have not pledged, of an electorate that can be a
    thousand, are not read; `standing` reads which addressed networks each is in). The session holds
    loaded rows only while something refers to them: keep the list returned for as long as they are used."""
    coops = db.session.scalars(
        select(Coop)
        .where(Coop.id.in_(select(Pledge.coop_id).where(Pledge.campaign_id == campaign.id)))
        .execution_options(populate_existing=True)
    ).all()
    pledges = db.session.scalars(
        select(Pledge)
        .where(Pledge.campaign_id == campaign.id)
        .options(joinedload(Pledge.made_by), joinedload(Pledge.ended_by))
        .execution_options(populate_existing=True)
    ).all()
    return [*coops, *pledges]


def standing(campaign: Campaign) -> Standing:
    current = sorted(campaign.current_pledges, key=lambda p: p.coop.name.casefold())
    by_slug = {p.coop.slug: p for p in current}
    networks = addressed_networks(campaign, {n.id for n in campaign.proposal.networks})
    outcome = targets.evaluate([rule_pledge(p, networks=networks) for p in current], campaign.targets)
    return Standing(
        outcome=outcome,
        standing=[by_slug[p.coop] for p in outcome.standing],
        waiting=[by_slug[p.coop] for p in outcome.waiting],
    )


# Opening


def open_campaign(
    proposal: Proposal, *, actor: Person, settings: CampaignSettings, now: datetime | None = None
) -> Campaign:
    """A steward opens the campaign: after the vote passed (the proposal moves to pledging), or while it
    is open (pledges conditional on it passing; the proposal stays in voting)."""
    now = now or utcnow()
    proposal_permissions.require_steward(actor, proposal)
    lock_proposal(proposal)
    if proposal.campaign is not None:
        raise Conflict(_("This proposal already has its pledge campaign."), campaign=proposal.campaign.id)
    _require_openable(proposal)
    fields_ = _checked_settings(proposal, settings, now)
    rates = fields_.pop("rates")
    is_during_vote = proposal.state == State.VOTING
    if is_during_vote and proposal.vote is not None and fields_["deadline_at"] <= proposal.vote.closes_at:
        raise invalid(
            "deadline_at",
            _(
                "Pledges made during the vote wait for its result: set the deadline after the vote closes "
                "(%(closes)s).",
                closes=format_in_zone(proposal.vote.closes_at, settings.time_zone),
            ),
        )
    if not is_during_vote:
        apply_transition(
            proposal, Transition.OPEN_PLEDGING, actor=actor, data={"base": fields_["base_currency"]}
        )
    campaign = Campaign(
        proposal=proposal, opened_by=actor, opened_at=now, is_during_vote=is_during_vote, **fields_
    )
    campaign.rates = [CampaignRate(**r) for r in rates]
    db.session.add(campaign)
    db.session.flush()
    audit.record(
        Action.OPENED,
        actor=actor,
        subject=campaign,
        networks=proposal.networks,
        data={"proposal": proposal.id, **campaign_terms(campaign)},
        summary=f"Opened the pledge campaign on {proposal.title!r}, deadline "
        f"{format_in_zone(campaign.deadline_at, 'UTC', locale=AUDIT_LOCALE)}",
    )
    return campaign


def campaign_terms(campaign: Campaign) -> dict[str, Any]:
    """The campaign's terms as the audit log and the API record them."""
    return {
        "base_currency": campaign.base_currency,
        "rates": [
            {"currency": r.currency, "rate": r.rate_text, "as_of": r.as_of, "source": r.source}
            for r in campaign.rates
        ],
        "targets": {
            "money_minor": campaign.target_money_minor,
            "hours": campaign.target_hours,
            "seats": dict(campaign.target_seats or {}),
            "min_coops": campaign.min_coops,
            "min_networks": campaign.min_networks,
            "min_countries": campaign.min_countries,
        },
        "deadline_at": campaign.deadline_at.isoformat(),
        "term_months": campaign.term_months,
        "notice_days": campaign.notice_days,
        "during_vote": campaign.is_during_vote,
    }


def _require_openable(proposal: Proposal) -> None:
    if not proposal.kind.has_facts:
        raise Conflict(
            _("Only shared service and joint venture proposals collect pledges."),
            current_state=proposal.state.value,
        )
    if proposal.state not in (State.VOTING, State.PASSED):
        raise Conflict(
            _(
                "A pledge campaign opens once the proposal has passed, or while its vote is open; this one is "
                "%(state)s.",
                state=proposal.state.label,
            ),
            current_state=proposal.state.value,
        )


def _count(value, field_name: str, label: str, low: int, high: int, *, optional: bool = True) -> int | None:
    """`label` names what is counted, already in the reader's language ("the hours a month")."""
    if value is None or value == "":
        if optional:
            return None
        raise invalid(field_name, _("Give %(what)s.", what=label))
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(field_name, _("Give %(what)s as a whole number.", what=label))
    if not low <= value <= high:
        locale = current_locale()
        raise invalid(
            field_name,
            _(
                "Give %(what)s from %(low)s to %(high)s.",
                what=label,
                low=format_decimal(low, locale=locale),
                high=format_decimal(high, locale=locale),
            ),
        )
    return value


def _checked_settings(proposal: Proposal, s: CampaignSettings, now: datetime) -> dict[str, Any]:
    base = money.clean_currency(s.base_currency, "base_currency")
    coops = proposal.addressed_coops
    countries = {c.country for c in coops}
    checked: dict[str, Any] = {
        "base_currency": base,
        "rates": _checked_rates(base, s.rates, now),
        "target_money_minor": None,
        "target_hours": _count(s.target_hours, "target_hours", _("the hours a month"), 1, TARGET_HOURS_MAX),
        "target_seats": _checked_seats(s.seats, len(coops)),
        "min_coops": _count(s.min_coops, "min_coops", _("the least number of co-ops"), 1, max(len(coops), 1)),
        "min_networks": _count(
            s.min_networks, "min_networks", _("the least number of networks"), 1, len(proposal.networks)
        ),
        "min_countries": _count(
            s.min_countries, "min_countries", _("the least number of countries"), 1, max(len(countries), 1)
        ),
        "term_months": _count(
            s.term_months, "term_months", _("the term in months"), 1, TERM_MAX, optional=False
        ),
        "notice_days": _count(s.notice_days or 0, "notice_days", _("the notice in days"), 0, NOTICE_MAX),
        "deadline_at": _checked_deadline(s.deadline_at, now),
        "time_zone": s.time_zone if is_valid_zone(s.time_zone) else "UTC",
    }
    if s.target_money not in (None, ""):
        checked["target_money_minor"] = money.to_minor(s.target_money, base, "target_money", allow_zero=False)
    _refuse_impossible(checked, coops, proposal)
    wanted = (
        "target_money_minor",
        "target_hours",
        "target_seats",
        "min_coops",
        "min_networks",
        "min_countries",
    )
    if not any(checked[name] for name in wanted):
        raise invalid(
            "target_money", _("Give at least one target: money, hours, seats or a number of co-ops.")
        )
    return checked


def _refuse_impossible(checked: dict[str, Any], coops: list[Coop], proposal: Proposal) -> None:
    """A target no set of the addressed co-ops could meet is refused now, not discovered at the deadline."""
    if not coops:
        raise InvalidInput(_("No co-op is in the addressed networks, so nobody could pledge."))
    if checked["min_coops"] is not None and checked["min_coops"] > len(coops):
        raise invalid(
            "min_coops",
            ngettext(
                "Only %(num)s co-op is addressed, so that many can never be in.",
                "Only %(num)s co-ops are addressed, so that many can never be in.",
                len(coops),
            ),
        )


def _checked_rates(base: str, rates: Iterable[RateIn], now: datetime) -> list[dict[str, str]]:
    rates = list(rates or [])
    if len(rates) > RATES_MAX:
        raise invalid("rates", _("At most %(most)s other currencies.", most=RATES_MAX))
    seen: set[str] = set()
    checked = []
    for i, r in enumerate(rates):
        code = money.clean_currency(r.currency, f"rates.{i}.currency")
        if code == base:
            raise invalid(
                f"rates.{i}.currency", _("%(code)s is the base currency: it needs no rate.", code=code)
            )
        if code in seen:
            raise invalid(
                f"rates.{i}.currency",
                _("%(code)s is given twice: give each currency's rate once.", code=code),
            )
        seen.add(code)
        rate = money.clean_rate(r.rate, f"rates.{i}.rate")
        checked.append(
            {
                "currency": code,
                "rate_text": f"{rate:f}",
                "as_of": _checked_date(r.as_of, f"rates.{i}.as_of", now).isoformat(),
                "source": clean_text(r.source, f"rates.{i}.source", _("The rate's source"), SOURCE_MAX),
            }
        )
    return checked


def _checked_date(value, field_name: str, now: datetime) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise invalid(field_name, _("Give the rate's date as YYYY-MM-DD.")) from None
    if value > now.date() + timedelta(days=1):
        raise invalid(field_name, _("A rate's date cannot be in the future: give the day it was quoted."))
    if value < now.date() - timedelta(days=366):
        raise invalid(field_name, _("That rate is more than a year old: give a current one."))
    return value


def _checked_seats(seats: dict[str, int] | None, coop_count: int) -> dict[str, int]:
    checked: dict[str, int] = {}
    for raw, count in (seats or {}).items():
        name = " ".join(str(raw).split())
        if not name:
            continue
        if len(name) > SEAT_NAME_MAX or not re.fullmatch(r"[^\"<>]+", name):
            raise invalid(
                "seats",
                _("A seat's name is at most %(most)s characters, without quotes.", most=SEAT_NAME_MAX),
            )
        if name.casefold() in {n.casefold() for n in checked}:
            raise invalid("seats", _("The seat %(name)r is named twice.", name=name))
        what = _("the co-ops the seat %(name)r needs", name=name)
        needed = _count(count, "seats", what, 1, 10**6, optional=False) or 1
        if needed > coop_count:
            raise invalid(
                "seats",
                ngettext(
                    "Only %(num)s co-op is addressed: %(name)r can never be filled.",
                    "Only %(num)s co-ops are addressed: %(name)r can never be filled.",
                    coop_count,
                    name=name,
                ),
            )
        checked[name] = needed
    if len(checked) > SEATS_MAX:
        raise invalid("seats", _("At most %(most)s kinds of seat.", most=SEATS_MAX))
    return checked


def _checked_deadline(deadline: datetime | None, now: datetime) -> datetime:
    if deadline is None:
        raise invalid("deadline_at", _("Say when the campaign's deadline is."))
    if deadline.tzinfo is None:
        raise invalid("deadline_at", _("Give the deadline with its time zone."))
    try:
        deadline = deadline.astimezone(UTC)
    except (OverflowError, ValueError):
        raise invalid("deadline_at", _("That date is out of range: give a time within two years.")) from None
    if deadline <= now:
        raise invalid("deadline_at", _("That deadline has already passed."))
    if deadline > now + DEADLINE_WITHIN:
        raise invalid("deadline_at", _("A campaign's deadline is at most two years from now."))
    return deadline


# Pledging


def _require_taking_pledges(campaign: Campaign, now: datetime) -> None:
    """Refuse once the deadline has come, whether or not anything has settled the campaign yet."""
    if campaign.state == CampaignState.COMMITTED:
        raise PledgingClosed(_("This campaign has committed; its contributions are fixed."))
    if campaign.state == CampaignState.LAPSED:
        raise PledgingClosed(_("This campaign lapsed: nobody owes anything, and it takes no more pledges."))
    if now >= campaign.deadline_at:
        raise PledgingClosed(
            _(
                "The campaign's deadline was %(deadline)s; nothing more can be pledged, changed or withdrawn.",
                deadline=format_in_zone(campaign.deadline_at, "UTC"),
            ),
            deadline_at=campaign.deadline_at.isoformat(),
        )
    if campaign.proposal.state not in (State.VOTING, State.PASSED, State.PLEDGING):
        raise PledgingClosed(
            _(
                "The proposal is %(state)s, so its campaign takes no pledges.",
                state=campaign.proposal.state.label,
            ),
            current_state=campaign.proposal.state.value,
        )


def _require_delegate(campaign: Campaign, actor: Person, coop: Coop) -> None:
    proposal_permissions.require_see(actor, campaign.proposal)
    if not campaign.proposal.addresses(coop):
        raise NotAllowed(_("%(coop)s is not among the co-ops this proposal is addressed to.", coop=coop.name))
    if not actor.is_delegate_of(coop):
        raise NotAllowed(_("Only a delegate of %(coop)s can pledge for it.", coop=coop.name))


@dataclass
class PledgeIn:
    """What a delegate pledges: money a month in one of the campaign's currencies (major units, Decimal
    or its text), hours a month, seats, a note, and an optional condition."""

    currency: str = ""
    money: Decimal | str | int | None = None
    hours: int | None = None
    seats: list[str] = field(default_factory=list)
    note: str = ""
    min_coops: int | None = None
    min_money: Decimal | str | int | None = None  # in the base currency's major units

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PledgeIn:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def make_pledge(
    campaign: Campaign, *, actor: Person, coop: Coop, pledge: PledgeIn, now: datetime | None = None
) -> Pledge:
    """A delegate pledges for their co-op; a later pledge replaces the earlier, which is kept."""
    _require_delegate(campaign, actor, coop)
    _lock(campaign)
    now = now or utcnow()
    _require_taking_pledges(campaign, now)
    values = _checked_pledge(campaign, pledge)
    previous = campaign.current_pledge(coop)
    if previous is not None and all(getattr(previous, k) == v for k, v in values.items()):
        raise InvalidInput(_("That is %(coop)s's pledge already: nothing changed.", coop=coop.name))
    if previous is not None:
        previous.is_current, previous.ended_at, previous.end_reason = False, now, PledgeEnd.REPLACED
        previous.ended_by = actor
        db.session.flush()  # the partial unique index allows one current pledge: retire the old one first
    made = Pledge(campaign=campaign, coop=coop, made_by=actor, made_at=now, **values)
    db.session.add(made)
    db.session.flush()
    audit.record(
        Action.PLEDGE_CHANGED if previous is not None else Action.PLEDGE_MADE,
        actor=actor,
        subject=campaign,
        networks=campaign.proposal.networks,
        data={**pledge_data(made), "replaces": pledge_data(previous) if previous is not None else None},
        summary=f"{coop.name} {'changed its pledge' if previous else 'pledged'} to the campaign on "
        f"{campaign.proposal.title!r}",
    )
    return made


def pledge_data(pledge: Pledge) -> dict[str, Any]:
    """A pledge as the audit log records it: the co-op, the amounts, the condition."""
    return {
        "pledge": pledge.id,
        "coop": pledge.coop.slug,
        "currency": pledge.currency,
        "money_minor": pledge.money_minor,
        "base_currency": pledge.campaign.base_currency,
        "base_minor": pledge.base_minor,
        "hours": pledge.hours,
        "seats": list(pledge.seats or []),
        "min_coops": pledge.min_coops,
        "min_money_minor": pledge.min_money_minor,
    }


def _checked_pledge(campaign: Campaign, p: PledgeIn) -> dict[str, Any]:
    rules = currencies(campaign)
    currency = str(p.currency or campaign.base_currency).strip().upper()
    if not rules.accepts(currency):
        raise invalid(
            "currency",
            _(
                "This campaign takes pledges in %(currencies)s, not %(currency)r.",
                currencies=", ".join(campaign.currencies),
                currency=p.currency,
            ),
        )
    minor = 0 if p.money in (None, "") else money.to_minor(p.money, currency, "money")
    hours = _count(p.hours, "hours", _("the hours a month"), 0, HOURS_MAX) or 0
    seats = _checked_pledge_seats(campaign, p.seats)
    if not (minor or hours or seats):
        raise invalid("money", _("Pledge some money, some hours or a seat."))
    coop_count = addressed_count(campaign.proposal)
    min_coops = _count(p.min_coops, "min_coops", _("the co-ops your condition needs"), 1, 10**6)
    if min_coops is not None and min_coops > coop_count:
        raise invalid(
            "min_coops",
            ngettext(
                "Only %(num)s co-op is addressed, so “at least %(least)s” can never hold.",
                "Only %(num)s co-ops are addressed, so “at least %(least)s” can never hold.",
                coop_count,
                least=min_coops,
            ),
        )
    min_money = None
    if p.min_money not in (None, ""):
        min_money = money.to_minor(p.min_money, campaign.base_currency, "min_money", allow_zero=False)
    return {
        "currency": currency,
        "money_minor": minor,
        "base_minor": rules.to_base(minor, currency),
        "hours": hours,
        "seats": seats,
        "note": clean_text(p.note, "note", _("The note"), NOTE_MAX, required=False),
        "min_coops": min_coops,
        "min_money_minor": min_money,
    }


def _checked_pledge_seats(campaign: Campaign, seats: Iterable[str] | None) -> list[str]:
    offered = {name.casefold(): name for name in campaign.target_seats or {}}
    chosen = []
    for raw in seats or []:
        name = " ".join(str(raw).split())
        if not name:
            continue
        if name.casefold() not in offered:
            listed = ", ".join(offered.values()) or _("none")
            raise invalid(
                "seats",
                _(
                    "This campaign has no seat called %(name)r (its seats: %(seats)s).",
                    name=name,
                    seats=listed,
                ),
            )
        if offered[name.casefold()] not in chosen:
            chosen.append(offered[name.casefold()])
    return sorted(chosen)


def withdraw_pledge(campaign: Campaign, *, actor: Person, coop: Coop, now: datetime | None = None) -> Pledge:
    """A delegate takes their co-op's pledge back, until the deadline; it is kept, marked withdrawn."""
    _require_delegate(campaign, actor, coop)
    _lock(campaign)
    now = now or utcnow()
    _require_taking_pledges(campaign, now)
    current = campaign.current_pledge(coop)
    if current is None:
        raise Conflict(_("%(coop)s has no pledge in this campaign to withdraw.", coop=coop.name))
    current.is_current, current.ended_at, current.end_reason = False, now, PledgeEnd.WITHDRAWN
    current.ended_by = actor
    db.session.flush()
    audit.record(
        Action.PLEDGE_WITHDRAWN,
        actor=actor,
        subject=campaign,
        networks=campaign.proposal.networks,
        data=pledge_data(current),
        summary=f"{coop.name} withdrew its pledge to the campaign on {campaign.proposal.title!r}",
    )
    return current


# Extending


def extend_deadline(
    campaign: Campaign,
    *,
    actor: Person,
    deadline_at: datetime | None,
    reason: str,
    now: datetime | None = None,
) -> Campaign:
    """A steward moves the deadline later, once, with a reason; every delegate of the addressed co-ops is told."""
    proposal_permissions.require_steward(actor, campaign.proposal)
    _lock(campaign)
    now = now or utcnow()
    _require_taking_pledges(campaign, now)
    if campaign.is_extended:
        raise Conflict(
            _(
                "The deadline was already extended once, on %(when)s; it cannot be extended again.",
                when=format_in_zone(campaign.extended_at, "UTC"),
            )
        )
    reason = clean_text(reason, "reason", _("The reason"), REASON_MAX)
    new = _checked_deadline(deadline_at, now)
    if new <= campaign.deadline_at:
        raise invalid("deadline_at", _("An extension moves the deadline later than it is now."))
    if new > campaign.opened_at + DEADLINE_WITHIN:
        raise invalid("deadline_at", _("A campaign's deadline is at most two years after it opened."))
    before = campaign.deadline_at
    campaign.first_deadline_at, campaign.deadline_at = before, new
    campaign.extended_at, campaign.extended_by, campaign.extension_reason = now, actor, reason
    db.session.flush()
    audit.record(
        Action.EXTENDED,
        actor=actor,
        subject=campaign,
        networks=campaign.proposal.networks,
        data={"from": before.isoformat(), "to": new.isoformat(), "reason": reason},
        summary=f"Extended the campaign on {campaign.proposal.title!r} to "
        f"{format_in_zone(new, 'UTC', locale=AUDIT_LOCALE)}",
    )
    _tell_delegates(campaign, before, new, reason)
    return campaign


def _tell_delegates(campaign: Campaign, before: datetime, new: datetime, reason: str) -> None:
    """Each delegate is told in their own language, with the times on their own clock."""
    title = campaign.proposal.title
    for coop in campaign.proposal.addressed_coops:
        for person in coop.delegates:
            with i18n.speaking(person):
                subject = _("Pledge deadline extended: %(title)s", title=title)
                body = _(
                    "The pledge campaign on “%(title)s” now closes %(new)s (it was %(before)s).\n\n"
                    "Why: %(reason)s\n\n"
                    "Nothing binds until every target is met by the deadline.\n",
                    title=title,
                    new=format_in_zone(new, person.time_zone),
                    before=format_in_zone(before, person.time_zone),
                    reason=reason,
                )
            mail.send(person.email, subject, body)


# Settling


def is_due(campaign: Campaign, now: datetime | None = None) -> bool:
    """Open and past its deadline, or open on a proposal whose vote failed or that was withdrawn."""
    now = now or utcnow()
    if not campaign.is_open:
        return False
    return now >= campaign.deadline_at or campaign.proposal.state not in (
        State.VOTING,
        State.PASSED,
        State.PLEDGING,
    )


def settle_campaign(campaign: Campaign, *, now: datetime | None = None) -> bool:
    """Settle a campaign that is due, once: commit it if the standing set meets every target, else lapse
    it. Idempotent: False when there was nothing to do (not due, or settled while we waited)."""
    now = now or utcnow()
    if not is_due(campaign, now):
        return False
    _lock(campaign)
    if not is_due(campaign, now):
        return False
    state = campaign.proposal.state
    if state == State.VOTING:
        return False  # the vote closes first (its own settle hook runs before this one)
    if state == State.PASSED:
        _continue_pledging(campaign)
    if campaign.proposal.state != State.PLEDGING:
        _lapse(campaign, now, reason=f"the proposal is {STATE_LABELS[campaign.proposal.state]}", move=False)
        return True
    result = standing(campaign)
    if result.is_met:
        _commit(campaign, result, now, actor=None)
    else:
        _lapse(campaign, now, reason=LAPSE_UNMET, move=True, result=result)
    return True


def commit_early(campaign: Campaign, *, actor: Person, now: datetime | None = None) -> Campaign:
    """A steward settles before the deadline, once every target is met by the pledges that stand."""
    proposal_permissions.require_steward(actor, campaign.proposal)
    _lock(campaign)
    now = now or utcnow()
    _require_taking_pledges(campaign, now)
    if campaign.proposal.state != State.PLEDGING:
        raise Conflict(
            _("The vote has not passed yet: a campaign opened during the vote commits only after it passes."),
            current_state=campaign.proposal.state.value,
        )
    result = standing(campaign)
    if not result.is_met:
        raise Conflict(
            _(
                "Not every target is met yet: %(missing)s.",
                missing="; ".join(describe_shortfalls(campaign, result.outcome)),
            )
        )
    _commit(campaign, result, now, actor=actor)
    return campaign


def _outcome_data(campaign: Campaign, result: Standing) -> dict[str, Any]:
    t = result.outcome.totals
    return {
        "totals": {
            "money_minor": t.money,
            "hours": t.hours,
            "coops": t.coops,
            "seats": dict(t.seats),
            "networks": t.networks,
            "countries": t.countries,
        },
        "standing": [p.coop.slug for p in result.standing],
        "waiting": [p.coop.slug for p in result.waiting],
        "shortfalls": [
            {"target": s.target, "missing": s.missing, "seat": s.seat} for s in result.outcome.shortfalls
        ],
    }


def _commit(campaign: Campaign, result: Standing, now: datetime, *, actor: Person | None) -> None:
    campaign.state, campaign.settled_at, campaign.committed_at = CampaignState.COMMITTED, now, now
    campaign.settled_by = actor
    campaign.outcome = _outcome_data(campaign, result)
    for pledge in result.standing:
        rate = campaign.rate_for(pledge.currency)
        campaign.contributions.append(
            Contribution(
                coop=pledge.coop,
                pledge=pledge,
                currency=pledge.currency,
                money_minor=pledge.money_minor,
                base_minor=pledge.base_minor,
                rate_text=rate.rate_text if rate else "1",
                rate_as_of=rate.as_of if rate else "",
                rate_source=rate.source if rate else "",
                hours=pledge.hours,
                seats=list(pledge.seats or []),
                note=pledge.note,
                fixed_at=now,
            )
        )
    db.session.flush()
    data = {"campaign": campaign.id, "early": actor is not None, **campaign.outcome}
    if actor is None:
        apply_transition(
            campaign.proposal,
            Transition.COMMIT,
            actor=None,
            actor_kind=ActorKind.SYSTEM,
            is_due=True,
            data=data,
        )
    else:
        apply_transition(
            campaign.proposal, Transition.COMMIT_EARLY, actor=actor, are_targets_met=True, data=data
        )
    audit.record(
        Action.COMMITTED,
        actor=actor,
        subject=campaign,
        networks=campaign.proposal.networks,
        data={
            **data,
            "base_currency": campaign.base_currency,
            "term_months": campaign.term_months,
            "notice_days": campaign.notice_days,
            "contributions": [contribution_data(c) for c in campaign.contributions],
        },
        summary=f"The campaign on {campaign.proposal.title!r} committed"
        f"{' early' if actor else ''}: {len(campaign.contributions)} co-ops are bound",
    )
    for hook in committed_hooks:
        hook(campaign)


def contribution_data(c: Contribution) -> dict[str, Any]:
    return {
        "coop": c.coop.slug,
        "currency": c.currency,
        "money_minor": c.money_minor,
        "base_minor": c.base_minor,
        "rate": c.rate_text,
        "hours": c.hours,
        "seats": list(c.seats or []),
    }


def _lapse(
    campaign: Campaign, now: datetime, *, reason: str, move: bool, result: Standing | None = None
) -> None:
    campaign.state, campaign.settled_at, campaign.lapsed_at = CampaignState.LAPSED, now, now
    campaign.outcome = {**(_outcome_data(campaign, result) if result else {}), "reason": reason}
    db.session.flush()
    data = {"campaign": campaign.id, "reason": reason}
    if move:
        apply_transition(
            campaign.proposal,
            Transition.LAPSE,
            actor=None,
            actor_kind=ActorKind.SYSTEM,
            is_due=True,
            data=data,
            note=f"Lapsed: {reason}.",
        )
    audit.record(
        Action.LAPSED,
        actor=None,
        subject=campaign,
        networks=campaign.proposal.networks,
        data={
            **data,
            **(campaign.outcome or {}),
            "pledges": [pledge_data(p) for p in campaign.current_pledges],
        },
        summary=f"The campaign on {campaign.proposal.title!r} lapsed ({reason}); nobody owes anything",
    )


def _continue_pledging(campaign: Campaign) -> None:
    apply_transition(
        campaign.proposal,
        Transition.CONTINUE_PLEDGING,
        actor=None,
        actor_kind=ActorKind.SYSTEM,
        is_due=True,
        data={"campaign": campaign.id},
        note="The vote passed; the pledges made during it go on.",
    )


def after_transition(proposal: Proposal, change: StateChange) -> None:
    """The proposals feature's transition hook, in the same transaction as the step: a vote that passed
    moves its campaign's proposal on to pledging; a vote that failed, or a withdrawal, lapses it."""
    campaign = proposal.campaign
    if campaign is None or not campaign.is_open:
        return
    if change.transition == Transition.PASS:
        _lock(campaign)
        _continue_pledging(campaign)
    elif change.transition in (Transition.REJECT, Transition.FAIL_QUORUM, Transition.WITHDRAW):
        _lock(campaign)
        if campaign.is_open:
            reason = LAPSE_WITHDRAWN if change.transition == Transition.WITHDRAW else LAPSE_VOTE_FAILED

            _lapse(campaign, utcnow(), reason=reason, move=False)


def settle_proposal(proposal: Proposal, *, now: datetime | None = None) -> bool:
    """The proposals feature's settle hook: a proposal read past its campaign's deadline shows the outcome."""
    return proposal.campaign is not None and settle_campaign(proposal.campaign, now=now)


def due_campaign_ids(now: datetime | None = None) -> list[int]:
    """Open campaigns past their deadline, or whose proposal failed its vote or was withdrawn."""
    now = now or utcnow()
    query = (
        select(Campaign.id)
        .join(Proposal, Proposal.id == Campaign.proposal_id)
        .where(
            Campaign.state == CampaignState.OPEN,
            (Campaign.deadline_at <= now)
            | Proposal.state.not_in([State.VOTING, State.PASSED, State.PLEDGING]),
        )
        .order_by(Campaign.deadline_at)
    )
    return list(db.session.scalars(query))


# Words for the page, the API and the audit summaries


def describe_shortfalls(campaign: Campaign, outcome: targets.Outcome) -> list[str]:
    """'£200.00 more a month', '60 more hours a month', 'one more co-op', 'a co-op in the host seat'."""
    words = []
    for s in outcome.shortfalls:
        n, count = s.missing, _number(s.missing)
        if s.target == "money":
            words.append(
                _("%(amount)s more a month", amount=money.format_money(s.missing, campaign.base_currency))
            )
        elif s.target == "hours":
            words.append(
                ngettext("%(count)s more hour a month", "%(count)s more hours a month", n, count=_figure(n))
            )
        elif s.target == "seat":
            words.append(
                ngettext(
                    "%(count)s co-op more in the %(seat)s seat",
                    "%(count)s co-ops more in the %(seat)s seat",
                    n,
                    count=count,
                    seat=s.seat,
                )
            )
        elif s.target == "coops":
            words.append(ngettext("%(count)s more co-op", "%(count)s more co-ops", n, count=count))
        elif s.target == "networks":
            words.append(ngettext("%(count)s more network", "%(count)s more networks", n, count=count))
        else:
            words.append(ngettext("%(count)s more country", "%(count)s more countries", n, count=count))
    return words


def _figure(n: int) -> str:
    return format_decimal(n, locale=current_locale())


def _number(n: int) -> str:
    """'one' to 'five' in English; elsewhere the figure (a word's gender would depend on the noun)."""
    if current_locale().startswith("en"):
        return {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}.get(n, _figure(n))
    return _figure(n)


def describe_condition(campaign: Campaign, pledge: Pledge) -> str:
    """'once 4 co-ops are in', 'once £1,000.00 a month is pledged', both joined with 'and'."""
    parts = []
    if pledge.min_coops is not None:
        parts.append(_("once %(num)s co-ops are in", num=pledge.min_coops))
    if pledge.min_money_minor is not None:
        amount = money.format_money(pledge.min_money_minor, campaign.base_currency)
        parts.append(_("once %(amount)s a month is pledged", amount=amount))
    if len(parts) == 2:
        return _("%(first)s and %(second)s", first=parts[0], second=parts[1])
    return "".join(parts)


def standing_document(campaign: Campaign) -> dict[str, Any]:
    """The standing set as the API gives it."""
    result = standing(campaign)
    t = result.outcome.totals
    return {
        "is_met": result.is_met,
        "standing": result.standing,
        "waiting": result.waiting,
        "totals": {
            "money_minor": t.money,
            "hours": t.hours,
            "coops": t.coops,
            "seats": dict(t.seats),
            "networks": t.networks,
            "countries": t.countries,
        },
        "shortfalls": list(result.outcome.shortfalls),
        "missing": describe_shortfalls(campaign, result.outcome),
    }


def pledges_awaited(
    person: Person, *, now: datetime | None = None, limit: int | None = None
) -> tuple[list[tuple[Campaign, Coop]], int]:
    """Open campaigns this person can see, each with an addressed co-op they are a delegate of that has no
    standing pledge (as `proposal_permissions.signal_coops` finds them); nearest deadline first, co-ops by
    name: the first `limit` pairs, and how many there are."""
    delegate_of = [m.coop_id for m in person.memberships if m.role == CoopRole.DELEGATE]
    if not delegate_of:
        return [], 0
    addressed = addressed_to_coop(Campaign.proposal_id)
    pledged = select(Pledge.id).where(
        Pledge.campaign_id == Campaign.id, Pledge.coop_id == Coop.id, Pledge.is_current
    )
    query = (
        select(Campaign, Coop)
        .join(Coop, Coop.id.in_(delegate_of))  # each of the person's co-ops, with each campaign
        .where(Campaign.state == CampaignState.OPEN, Campaign.deadline_at > (now or utcnow()))
        # An open campaign's proposal addressed to one's co-op is one its people see (`permissions.can_see`):
        # no other visibility rule to ask.
        .where(addressed.exists(), ~pledged.exists())
        .options(selectinload(Campaign.proposal))
        .order_by(Campaign.deadline_at, Campaign.id, Coop.name)
    )
    return first_rows(query, limit)
