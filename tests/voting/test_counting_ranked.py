"""Ranked counts: published examples, the Scottish rules' details, Meek and IRV."""

from fractions import Fraction
from pathlib import Path

import pytest

from voting.counting import (
    Ballot,
    Method,
    Outcome,
    Rules,
    TieKind,
    TieRule,
    count,
    count_profile,
    read_blt,
)

DATA = Path(__file__).parent.parent / "data"


def _count_file(name: str, method: Method, seats: int | None = None):
    election = read_blt(DATA / name)
    return count_profile(method, election.options, election.profile, Rules(seats=seats or election.seats))


def test_wikipedia_food_election_stage_by_stage():
    """Wikipedia, "Single transferable vote", the food election example (3 seats, quota 6).

    Chocolate is elected with 12; its surplus of 6 moves at 0.5 (Strawberries +4,
    Hamburgers +2); Pears is excluded and Oranges reaches 6. Strawberries (5) is below the quota, so the
    Scottish count goes on: Hamburgers is excluded, their 3 papers have no further preference, and the one
    continuing candidate left for the one vacancy is deemed elected by rule 52(1) of SSI 2007/42.
    """
    result = _count_file("wikipedia_food.blt", Method.STV)
    assert result.quota == 6
    assert result.winners == ["Chocolate", "Oranges", "Strawberries"]
    first, surplus, exclusion, last = result.rounds
    assert first.tallies == {"Oranges": 4, "Pears": 2, "Chocolate": 12, "Strawberries": 1, "Hamburgers": 1}
    assert [d.option for d in first.elected] == ["Chocolate"]
    transfer = surplus.transfers[0]
    assert transfer.transfer_value == Fraction(1, 2)
    assert transfer.amounts == {"Strawberries": 4, "Hamburgers": 2}
    assert surplus.tallies["Chocolate"] == 6
    assert [d.option for d in exclusion.excluded] == ["Pears"]
    assert exclusion.tallies["Oranges"] == 6
    assert [d.option for d in last.excluded] == ["Hamburgers"]
    assert last.exhausted == 3
    assert [d.option for d in last.elected] == ["Strawberries"]
    assert "without reaching the quota" in last.elected[0].reason
    assert "rule 52(1)" in last.elected[0].reason


def test_wikipedia_food_election_by_meek_elects_the_same_three():
    """Meek's method on the same textbook profile elects the same three."""
    result = _count_file("wikipedia_food.blt", Method.MEEK)
    assert sorted(result.winners) == ["Chocolate", "Oranges", "Strawberries"]


def test_wikipedia_tennessee_capital_instant_runoff():
    """Wikipedia, "Instant-runoff voting", Tennessee example: Knoxville wins 58 to 42 in round 3."""
    result = _count_file("tennessee_irv.blt", Method.IRV)
    assert result.winners == ["Knoxville"]
    assert [d.option for r in result.rounds for d in r.excluded] == ["Chattanooga", "Nashville"]
    assert result.rounds[1].tallies["Knoxville"] == 32
    assert result.rounds[-1].tallies == {"Memphis": 42, "Nashville": 0, "Chattanooga": 0, "Knoxville": 58}
    assert result.sentence.startswith("Knoxville won by instant runoff after 3 rounds")


def test_transfer_values_are_truncated_to_five_decimal_places():
    """Rule 48(3): surplus x value / votes, to five places, any remainder ignored."""
    ballots = [Ballot(("A", "B"))] * 7 + [Ballot(("C",))] * 2
    result = count(Method.STV, ["A", "B", "C"], ballots, Rules(seats=2))
    assert result.quota == 4  # 9 / 3 + 1
    transfer = result.rounds[1].transfers[0]
    assert transfer.transfer_value == Fraction(42857, 100000)  # 3 / 7 = 0.428571...
    assert transfer.amounts == {"B": Fraction(299999, 100000)}
    assert transfer.lost_to_rounding == Fraction(1, 100000)
    assert result.rounds[1].exhausted == Fraction(1, 100000)


def test_papers_received_by_transfer_carry_their_value_on():
    """Weighted inclusive Gregory: a transferred paper moves at surplus x its own value / votes."""
    ballots = [Ballot(("A", "B", "C"))] * 12 + [Ballot(("B", "D"))] * 2
    ballots += [Ballot(("C",))] * 2 + [Ballot(("D",))] * 2 + [Ballot(("E",))] * 2
    result = count(Method.STV, list("ABCDE"), ballots, Rules(seats=3))
    assert result.quota == 6
    b_surplus = next(r for r in result.rounds if r.action == "transfer of the surplus of B")
    # B holds 2 papers at 1 and 12 at 0.5: 8 votes, surplus 2. Values become 0.25 and 0.125.
    assert b_surplus.transfers[0].amounts == {"C": Fraction(3, 2), "D": Fraction(1, 2)}


def test_excluded_candidates_papers_move_at_the_value_they_arrived_with():
    """Rule 50: an exclusion moves every paper at its current value."""
    ballots = (
        [Ballot(("A", "C", "D"))] * 10 + [Ballot(("B",))] * 5 + [Ballot(("C",))] * 3 + [Ballot(("D",))] * 6
    )
    result = count(Method.STV, ["A", "B", "C", "D"], ballots, Rules(seats=2))
    exclusion = next(r for r in result.rounds if r.excluded and r.excluded[0].option == "C")
    # A's surplus of 1 moved A's 10 papers to C at 0.1 each; C's exclusion moves them on at 0.1.
    assert exclusion.transfers[0].amounts == {"D": Fraction(1)}
    assert exclusion.transfers[0].non_transferable == 3
    assert result.winners[0] == "A"


def test_exclusion_tie_is_broken_by_the_last_round_where_they_differed():
    """B and C tie at 4 after D's exclusion; in round 1, the last round before where they differed,
    C had fewer, so C goes."""
    ballots = [Ballot(("A",))] * 6 + [Ballot(("B",))] * 4 + [Ballot(("C",))] * 3 + [Ballot(("D", "C"))]
    ballots += [Ballot(("E",))] * 5
    result = count(Method.IRV, list("ABCDE"), ballots)
    excluded = [d for r in result.rounds for d in r.excluded]
    assert [d.option for d in excluded[:2]] == ["D", "C"]
    assert "tie between B, C broken by the tallies of round 1" in excluded[1].reason


def test_casting_order_decides_a_tie_no_round_can_break():
    """A recorded casting order: the option listed last is excluded."""
    ballots = [Ballot(("A",)), Ballot(("B",)), Ballot(("C",))] * 2
    rule = TieRule(kind=TieKind.CASTING, casting_order=("B", "C", "A"))
    result = count(Method.IRV, ["A", "B", "C"], ballots, Rules(tie_rule=rule))
    assert [d.option for d in result.rounds[1].excluded] == ["A"]
    assert "casting decision" in result.rounds[1].excluded[0].reason
    assert "casting order B, C, A" in result.tie_rule


def test_seeded_draw_is_repeatable_and_printed():
    """The same seed gives the same draw, and the seed is in the result."""
    ballots = [Ballot(("A",)), Ballot(("B",))]
    rules = Rules(tie_rule=TieRule(seed="open-2025-04"))
    first = count(Method.IRV, ["A", "B"], ballots, rules)
    again = count(Method.IRV, ["A", "B"], list(reversed(ballots)), rules)
    assert first.winners == again.winners
    assert "open-2025-04" in first.tie_rule


def test_fewer_candidates_than_seats_elects_them_all():
    """Rule 52(1): continuing candidates equal to the vacancies are elected."""
    result = count(Method.STV, ["A", "B"], [Ballot(("A",)), Ballot(("B",))], Rules(seats=3))
    assert sorted(result.winners) == ["A", "B"]
    assert "only 2 could be filled" in result.sentence


def test_fractional_weights_count_exactly():
    """A weight of 1/3 counts as a third of a ballot, in every round."""
    ballots = [Ballot(("A",), Fraction(1, 3)), Ballot(("B",), Fraction(1, 3)), Ballot(("B",), Fraction(1, 3))]
    result = count(Method.IRV, ["A", "B"], ballots)
    assert result.winners == ["B"]
    assert result.rounds[0].tallies == {"A": Fraction(1, 3), "B": Fraction(2, 3)}
    assert result.weights_used


def test_result_json_has_the_documented_fields():
    """method, seats, quota, winners, rounds (tallies, elected, excluded) and exhausted."""
    data = _count_file("wikipedia_food.blt", Method.STV).to_dict()
    assert data["method"] == "stv" and data["seats"] == 3 and data["quota"] == 6
    assert data["winners"] == ["Chocolate", "Oranges", "Strawberries"]
    assert data["rounds"][1]["tallies"]["Strawberries"] == 5
    assert data["rounds"][0]["elected"] == ["Chocolate"]
    assert data["rounds"][2]["excluded"] == ["Pears"]
    assert data["exhausted"] == 3  # Hamburgers' papers, with no later preference


def test_result_text_lets_a_reader_follow_every_round():
    """The text names each round, each transfer value and each decision with its reason."""
    text = _count_file("wikipedia_food.blt", Method.STV).to_text()
    assert "Round 2: transfer of the surplus of Chocolate" in text
    assert "at transfer value 0.5" in text
    assert "Excluded Pears: fewest votes (2)" in text


@pytest.mark.parametrize("method", [Method.STV, Method.IRV, Method.MEEK])
def test_no_ballots_elects_nobody(method):
    """An empty count says so rather than failing."""
    result = count(method, ["A", "B"], [])
    assert result.outcome is Outcome.NO_RESULT or result.winners == []
