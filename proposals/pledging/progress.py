"""What the campaign page shows, worked out once: each target's progress, who is in, who waits on whom,
what is still missing, and the stewards' roster CSV. No Flask here; the view renders it."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from babel.lists import format_list
from babel.numbers import format_decimal, get_territory_currencies

from governance.models import Coop
from governance.spreadsheets import text_cell
from governance.texts import N_, _, current_locale, ngettext
from proposals import money
from proposals.pledging import service
from proposals.pledging.models import Campaign, Pledge


@dataclass(frozen=True)
class Bar:
    """One target's progress: a <progress> bar and its words."""

    label: str
    value: int
    maximum: int
    pledged: str
    target: str
    in_viewer_currency: str = ""  # the same figures in the viewer's co-op's currency, when it differs

    @property
    def is_met(self) -> bool:
        return self.value >= self.maximum


def coop_currency(coop: Coop | None, campaign: Campaign) -> str | None:
    """The currency of the co-op's country (Babel's territory data), if the campaign takes it and it is
    not the base: the page then shows the money target in it too."""
    if coop is None:
        return None
    found = get_territory_currencies(coop.country, date.today(), tender=True) if coop.country else []
    code = found[0] if found else None
    return code if code and code != campaign.base_currency and campaign.rate_for(code) else None


def bars(campaign: Campaign, result: service.Standing, viewer_currency: str | None = None) -> list[Bar]:
    got, found = result.outcome.totals, []
    base = campaign.base_currency
    if campaign.target_money_minor:
        also = ""
        if viewer_currency:
            rules = service.currencies(campaign)
            also = _(
                "%(pledged)s of %(target)s",
                pledged=money.format_money(rules.from_base(got.money, viewer_currency), viewer_currency),
                target=money.format_money(
                    rules.from_base(campaign.target_money_minor, viewer_currency), viewer_currency
                ),
            )
        found.append(
            Bar(
                _("Money a month"),
                got.money,
                campaign.target_money_minor,
                money.format_money(got.money, base),
                money.format_money(campaign.target_money_minor, base),
                also,
            )
        )
    if campaign.target_hours:
        found.append(
            Bar(
                _("Hours a month"),
                got.hours,
                campaign.target_hours,
                _figure(got.hours),
                _figure(campaign.target_hours),
            )
        )
    for seat, wanted in sorted((campaign.target_seats or {}).items()):
        have = got.seats.get(seat, 0)
        found.append(
            Bar(
                _("The %(seat)s seat", seat=seat),
                have,
                wanted,
                ngettext("%(num)s co-op", "%(num)s co-ops", have),
                _figure(wanted),
            )
        )
    for label, wanted, have in (
        (_("Co-ops in"), campaign.min_coops, got.coops),
        (_("Networks"), campaign.min_networks, got.networks),
        (_("Countries"), campaign.min_countries, got.countries),
    ):
        if wanted:
            found.append(Bar(label, have, wanted, _figure(have), _figure(wanted)))
    return found


def _figure(n: int) -> str:
    return format_decimal(n, locale=current_locale())


def missing_sentence(campaign: Campaign, result: service.Standing) -> str:
    """'Still missing: £200.00 more a month and 60 more hours a month.'"""
    words = service.describe_shortfalls(campaign, result.outcome)
    if not words:
        return ""
    return _("Still missing: %(missing)s.", missing=format_list(words, locale=current_locale()))


def waiting_sentences(campaign: Campaign, result: service.Standing) -> list[tuple[Pledge, str]]:
    """'Mill Digital is in once 4 co-ops are in (3 are now).'"""
    got = result.outcome.totals
    lines = []
    for pledge in result.waiting:
        now = []
        if pledge.min_coops is not None:
            now.append(ngettext("%(num)s is now", "%(num)s are now", got.coops))
        if pledge.min_money_minor is not None:
            amount = money.format_money(got.money, campaign.base_currency)
            now.append(_("%(amount)s is pledged now", amount=amount))
        sentence = _(
            "%(coop)s is in %(condition)s (%(now)s).",
            coop=pledge.coop.name,
            condition=service.describe_condition(campaign, pledge),
            now="; ".join(now),
        )
        lines.append((pledge, sentence))
    return lines


def describe_pledge(pledge: Pledge) -> str:
    """'£600.00 a month, 40 hours a month, the host seat'."""
    parts = []
    if pledge.money_minor:
        amount = money.format_money(pledge.money_minor, pledge.currency)
        if pledge.currency != pledge.campaign.base_currency:
            base = money.format_money(pledge.base_minor, pledge.campaign.base_currency)
            parts.append(_("%(amount)s a month (= %(base)s)", amount=amount, base=base))
        else:
            parts.append(_("%(amount)s a month", amount=amount))
    if pledge.hours:
        parts.append(
            ngettext(
                "%(count)s hour a month", "%(count)s hours a month", pledge.hours, count=_figure(pledge.hours)
            )
        )
    for seat in pledge.seats or []:
        parts.append(_("the %(seat)s seat", seat=seat))
    return ", ".join(parts) or _("nothing")


# The roster's columns, translated for whoever downloads it.
ROSTER_COLUMNS = [
    N_("co-op"),
    N_("country"),
    N_("time zone"),
    N_("delegate"),
    N_("currency"),
    N_("money a month"),
    N_("in base currency"),
    N_("hours a month"),
    N_("seats"),
    N_("condition"),
    N_("stands"),
    N_("pledged at (UTC)"),
    N_("note"),
]


def roster_csv(campaign: Campaign, result: service.Standing) -> str:
    """Every current pledge, one row each, for stewards; money as decimal text in major units."""
    standing = {p.id for p in result.standing}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_(column) for column in ROSTER_COLUMNS])
    for pledge in sorted(campaign.current_pledges, key=lambda p: p.coop.name.casefold()):
        writer.writerow(
            [
                text_cell(pledge.coop.name),
                pledge.coop.country,
                pledge.coop.time_zone,
                text_cell(pledge.made_by.name if pledge.made_by else ""),
                pledge.currency,
                str(money.to_major(pledge.money_minor, pledge.currency)),
                str(money.to_major(pledge.base_minor, campaign.base_currency)),
                pledge.hours,
                "; ".join(pledge.seats or []),
                text_cell(service.describe_condition(campaign, pledge)),
                _("yes") if pledge.id in standing else _("waiting"),
                pledge.made_at.strftime("%Y-%m-%d %H:%M:%S"),
                text_cell(pledge.note),
            ]
        )
    return out.getvalue()
