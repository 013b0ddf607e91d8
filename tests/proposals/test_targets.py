"""The standing-set rule and the targets, as plain Python: properties with hypothesis, and examples."""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from proposals.targets import Currencies, Pledge, Targets, condition_holds, evaluate, standing_set, totals

COOPS = [f"coop-{i}" for i in range(12)]
CURRENCIES = Currencies(
    base="GBP",
    digits={"GBP": 2, "USD": 2, "JPY": 0, "BHD": 3, "ARS": 2},
    rates={
        "USD": Decimal("1.27"),
        "JPY": Decimal("191.3"),
        "BHD": Decimal("0.4781"),
        "ARS": Decimal("1284.5"),
    },
)


@st.composite
def pledge_lists(draw, max_size: int = 8):
    keys = draw(st.lists(st.sampled_from(COOPS), unique=True, max_size=max_size))
    return [
        Pledge(
            coop=key,
            base_minor=draw(st.integers(0, 50_000)),
            hours=draw(st.integers(0, 40)),
            seats=frozenset(draw(st.sets(st.sampled_from(["host", "on-call"]), max_size=2))),
            min_coops=draw(st.none() | st.integers(1, max_size + 1)),
            min_money=draw(st.none() | st.integers(1, 200_000)),
            country=draw(st.sampled_from(["GB", "US", "AR", "CA"])),
            networks=frozenset(draw(st.sets(st.sampled_from(["cotech", "patio", "facttic"]), min_size=1))),
        )
        for key in keys
    ]


target_sets = st.builds(
    Targets,
    money=st.none() | st.integers(1, 150_000),
    hours=st.none() | st.integers(1, 120),
    seats=st.dictionaries(st.sampled_from(["host", "on-call"]), st.integers(1, 2), max_size=2),
    min_coops=st.none() | st.integers(1, 6),
    min_networks=st.none() | st.integers(1, 3),
    min_countries=st.none() | st.integers(1, 3),
)


def all_hold(pledges) -> bool:
    got = totals(pledges)
    return all(condition_holds(p, got.coops, got.money) for p in pledges)


@given(pledge_lists())
def test_the_standing_set_is_a_fixed_point(pledges):
    standing = standing_set(pledges)
    assert all_hold(standing)


@given(pledge_lists())
def test_no_larger_set_of_pledges_has_every_condition_holding(pledges):
    standing = {p.coop for p in standing_set(pledges)}
    for size in range(len(pledges) + 1):
        for subset in itertools.combinations(pledges, size):
            if all_hold(subset):
                assert {p.coop for p in subset} <= standing  # the standing set contains every such set


@given(pledge_lists(), target_sets, st.data())
def test_withdrawing_a_pledge_never_turns_an_unmet_campaign_met(pledges, targets, data):
    if not pledges:
        return
    gone = data.draw(st.integers(0, len(pledges) - 1))
    before = evaluate(pledges, targets)
    after = evaluate(pledges[:gone] + pledges[gone + 1 :], targets)
    assert before.is_met or not after.is_met


@given(pledge_lists(max_size=7), target_sets, st.integers(0, 50_000), st.integers(0, 40))
def test_adding_an_unconditional_pledge_never_turns_a_met_campaign_unmet(pledges, targets, money, hours):
    newcomer = Pledge(
        coop="newcomer", base_minor=money, hours=hours, country="CA", networks=frozenset({"patio"})
    )
    before = evaluate(pledges, targets)
    after = evaluate([*pledges, newcomer], targets)
    assert not before.is_met or after.is_met


@given(pledge_lists(), target_sets, st.randoms(use_true_random=False))
def test_permuting_the_pledges_changes_nothing(pledges, targets, rng):
    shuffled = list(pledges)
    rng.shuffle(shuffled)
    first, second = evaluate(pledges, targets), evaluate(shuffled, targets)
    assert first.standing_coops == second.standing_coops
    assert first.totals == second.totals
    assert first.shortfalls == second.shortfalls


@given(st.lists(st.tuples(st.sampled_from(sorted(CURRENCIES.digits)), st.integers(0, 10**9)), max_size=30))
def test_the_base_total_is_the_sum_of_the_converted_pledges_to_the_minor_unit(amounts):
    pledges = [
        Pledge(f"c{i}", base_minor=CURRENCIES.to_base(minor, code)) for i, (code, minor) in enumerate(amounts)
    ]
    exact_sum = 0
    for (code, minor), pledge in zip(amounts, pledges, strict=True):
        # The exact rational value, in base minor units; each conversion is within half a minor unit of it.
        rate = Fraction(CURRENCIES.rates.get(code, Decimal(1)))
        exact = Fraction(minor, 10 ** CURRENCIES.digits[code]) / rate * 10 ** CURRENCIES.digits["GBP"]
        assert abs(pledge.base_minor - exact) <= Fraction(1, 2)
        exact_sum += pledge.base_minor
    assert totals(pledges).money == exact_sum


def test_a_conversion_exactly_halfway_rounds_to_even():
    halves = Currencies(base="GBP", digits={"GBP": 2, "USD": 2}, rates={"USD": Decimal("2")})
    assert halves.to_base(1, "USD") == 0  # 0.5 of a penny: to the even 0
    assert halves.to_base(3, "USD") == 2  # 1.5 pennies: to the even 2


def test_a_chain_of_conditions_falls_together():
    """Mill Digital is in once 4 co-ops are; with it gone, Clyde's 'once 3' no longer holds either."""
    pledges = [
        Pledge("thames", base_minor=40_000),
        Pledge("hudson", base_minor=30_000),
        Pledge("clyde", base_minor=10_000, min_coops=4),
        Pledge("mill", base_minor=10_000, min_coops=5),
    ]
    outcome = evaluate(pledges, Targets(money=80_000))
    assert outcome.standing_coops == {"thames", "hudson"}
    assert {p.coop for p in outcome.waiting} == {"clyde", "mill"}
    assert not outcome.is_met and outcome.shortfalls[0].missing == 10_000


def test_a_money_condition_counts_the_pledges_that_stand_its_own_included():
    pledges = [Pledge("thames", base_minor=60_000), Pledge("mill", base_minor=40_000, min_money=100_000)]
    assert evaluate(pledges, Targets(money=100_000)).is_met


def test_each_shortfall_says_what_is_missing():
    pledges = [Pledge("thames", base_minor=50_000, hours=20, seats=frozenset({"on-call"}), country="GB")]
    outcome = evaluate(
        pledges, Targets(money=100_000, hours=60, seats={"host": 1}, min_coops=4, min_countries=2)
    )
    missing = {(s.target, s.seat): s.missing for s in outcome.shortfalls}
    assert missing == {
        ("money", ""): 50_000,
        ("hours", ""): 40,
        ("coops", ""): 3,
        ("countries", ""): 1,
        ("seat", "host"): 1,
    }


def naive_standing(pledges):
    """The rule as the issue words it: drop those whose condition fails, repeat until nothing changes."""
    current = list(pledges)
    while True:
        got = totals(current)
        kept = [p for p in current if condition_holds(p, got.coops, got.money)]
        if kept == current:
            return current
        current = kept


@settings(max_examples=300)
@given(pledge_lists(max_size=12))
def test_the_fast_rule_agrees_with_dropping_and_repeating(pledges):
    assert list(standing_set(pledges)) == naive_standing(pledges)


def test_a_campaign_with_no_pledges_is_not_met():
    outcome = evaluate([], Targets(min_coops=1))
    assert outcome.standing == () and not outcome.is_met
