"""Whether a pledge campaign met its targets, as plain Python (no Flask, no SQLAlchemy).

Pledges are conditional, as in an assurance contract. A pledge may say "only if at least N co-ops are
in" and/or "only if the money pledged reaches X" (both counted over the pledges that stand, its own
included). The pledges that stand are the largest set in which every pledge's own condition holds:
start from all current pledges, drop those whose condition fails, repeat until nothing changes. Every
condition asks for *more* (co-ops, money), so dropping a pledge never makes another's condition hold,
and the set this reaches contains every set in which all conditions hold: it is the largest one.

The campaign is met when that standing set meets every target: money per month in the base currency,
hours of capacity per month, each named seat filled, a minimum number of co-ops, of networks and of
countries. A target left out (None, or no seats) is met by anything.

Money is integer minor units. A pledge in another currency is converted with the campaign's fixed rate
(`Rate.per_base`: units of that currency for one unit of the base currency) and rounded once, per
pledge, to the nearest minor unit of the base currency, halves to even (`ROUNDING_RULE`); totals are
sums of those converted amounts, so they add up to the minor unit.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from governance.texts import N_

ROUNDING_RULE = N_(
    "Each pledge in another currency is converted at the campaign's fixed rate and rounded once, to the "
    "nearest minor unit of the base currency (halves to even); totals add those converted amounts."
)


@dataclass(frozen=True)
class Rate:
    """A fixed exchange rate: `per_base` units of `currency` buy one unit of the base currency."""

    currency: str
    per_base: Decimal


@dataclass(frozen=True)
class Currencies:
    """The base currency, each currency's minor-unit digits (ISO 4217), and the fixed rates."""

    base: str
    digits: Mapping[str, int]
    rates: Mapping[str, Decimal] = field(default_factory=dict)  # currency -> units per base unit

    def accepts(self, currency: str) -> bool:
        return currency == self.base or currency in self.rates

    def to_base(self, minor: int, currency: str) -> int:
        """`minor` units of `currency` in base minor units, rounded as `ROUNDING_RULE` says."""
        if currency == self.base:
            return minor
        major = Decimal(minor).scaleb(-self.digits[currency]) / self.rates[currency]
        return int(major.scaleb(self.digits[self.base]).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))

    def from_base(self, base_minor: int, currency: str) -> int:
        """Base minor units shown in another currency (for the viewer's co-op; rounded the same way)."""
        if currency == self.base:
            return base_minor
        major = Decimal(base_minor).scaleb(-self.digits[self.base]) * self.rates[currency]
        return int(major.scaleb(self.digits[currency]).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


@dataclass(frozen=True)
class Pledge:
    """One co-op's current pledge, as the rule sees it; `base_minor` is its money in the base currency."""

    coop: str  # a key naming the co-op (its slug)
    base_minor: int = 0
    hours: int = 0
    seats: frozenset[str] = frozenset()
    min_coops: int | None = None  # "only if at least N co-ops are in"
    min_money: int | None = None  # "only if the money pledged reaches X" (base minor units)
    country: str = ""
    networks: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Targets:
    money: int | None = None  # base minor units a month
    hours: int | None = None  # a month
    seats: Mapping[str, int] = field(default_factory=dict)  # seat name -> co-ops needed in it
    min_coops: int | None = None
    min_networks: int | None = None
    min_countries: int | None = None


@dataclass(frozen=True)
class Totals:
    """What a set of pledges adds up to."""

    money: int = 0
    hours: int = 0
    coops: int = 0
    seats: Mapping[str, int] = field(default_factory=dict)
    networks: int = 0
    countries: int = 0


@dataclass(frozen=True)
class Shortfall:
    """One target not met: which, how far short (in its own unit; a seat's in co-ops)."""

    target: str  # "money", "hours", "coops", "networks", "countries" or "seat"
    missing: int
    seat: str = ""


@dataclass(frozen=True)
class Outcome:
    standing: tuple[Pledge, ...]
    waiting: tuple[Pledge, ...]  # current pledges whose condition does not hold (yet)
    totals: Totals
    shortfalls: tuple[Shortfall, ...]

    @property
    def is_met(self) -> bool:
        return not self.shortfalls

    @property
    def standing_coops(self) -> frozenset[str]:
        return frozenset(p.coop for p in self.standing)


def totals(pledges: Iterable[Pledge]) -> Totals:
    pledges = list(pledges)
    seats: dict[str, int] = {}
    for pledge in pledges:
        for seat in pledge.seats:
            seats[seat] = seats.get(seat, 0) + 1
    return Totals(
        money=sum(p.base_minor for p in pledges),
        hours=sum(p.hours for p in pledges),
        coops=len({p.coop for p in pledges}),
        seats=seats,
        networks=len(frozenset().union(*(p.networks for p in pledges))) if pledges else 0,
        countries=len({p.country for p in pledges if p.country}),
    )


def condition_holds(pledge: Pledge, coops: int, money: int) -> bool:
    """Whether a pledge's own condition holds among `coops` co-ops pledging `money` in all."""
    return (pledge.min_coops is None or coops >= pledge.min_coops) and (
        pledge.min_money is None or money >= pledge.min_money
    )


def standing_set(pledges: Sequence[Pledge]) -> tuple[Pledge, ...]:
    """The largest set of pledges in which every pledge's condition holds, in the order given.

    The fixed point of "drop every pledge whose condition fails", reached in O(n log n): the pledge
    asking for the most co-ops and the one asking for the most money are the first to fail, so two
    heaps ordered by those demands are enough, each pledge dropped at most once.
    """
    alive = [True] * len(pledges)
    coops, money = len(pledges), sum(p.base_minor for p in pledges)
    by_coops = [(-p.min_coops, i) for i, p in enumerate(pledges) if p.min_coops is not None]
    by_money = [(-p.min_money, i) for i, p in enumerate(pledges) if p.min_money is not None]
    heapq.heapify(by_coops)
    heapq.heapify(by_money)
    while True:
        if by_coops and (not alive[by_coops[0][1]] or -by_coops[0][0] > coops):
            _, i = heapq.heappop(by_coops)
        elif by_money and (not alive[by_money[0][1]] or -by_money[0][0] > money):
            _, i = heapq.heappop(by_money)
        else:
            break
        if alive[i]:
            alive[i] = False
            coops, money = coops - 1, money - pledges[i].base_minor
    return tuple(p for p, keep in zip(pledges, alive, strict=True) if keep)


def shortfalls(targets: Targets, got: Totals) -> tuple[Shortfall, ...]:
    """Every target the totals do not reach, with how much is missing."""
    found = []
    for name, wanted, have in (
        ("money", targets.money, got.money),
        ("hours", targets.hours, got.hours),
        ("coops", targets.min_coops, got.coops),
        ("networks", targets.min_networks, got.networks),
        ("countries", targets.min_countries, got.countries),
    ):
        if wanted is not None and have < wanted:
            found.append(Shortfall(name, wanted - have))
    for seat, wanted in sorted(targets.seats.items()):
        have = got.seats.get(seat, 0)
        if have < wanted:
            found.append(Shortfall("seat", wanted - have, seat))
    return tuple(found)


def evaluate(pledges: Sequence[Pledge], targets: Targets) -> Outcome:
    """The standing set, what it adds up to, and what is still missing."""
    standing = standing_set(pledges)
    kept = {id(p) for p in standing}
    got = totals(standing)
    return Outcome(
        standing=standing,
        waiting=tuple(p for p in pledges if id(p) not in kept),
        totals=got,
        shortfalls=shortfalls(targets, got),
    )
