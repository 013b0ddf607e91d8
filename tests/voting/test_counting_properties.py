"""Properties every ranked count must keep, checked with hypothesis."""

from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from voting.counting import Ballot, Method, Rules, count

CANDIDATES = ["A", "B", "C", "D", "E"]

rankings = st.lists(st.sampled_from(CANDIDATES), min_size=1, max_size=5, unique=True).map(tuple)
ballot_lists = st.lists(rankings, min_size=1, max_size=40)
ranked_methods = st.sampled_from([Method.STV, Method.MEEK])


def _ballots(rankings: list[tuple[str, ...]]) -> list[Ballot]:
    return [Ballot(ranking) for ranking in rankings]


@settings(max_examples=60, deadline=None)
@given(ballot_lists, st.integers(1, 4), ranked_methods)
def test_winners_fill_the_seats_when_there_are_enough_candidates(rankings, seats, method):
    result = count(method, CANDIDATES, _ballots(rankings), Rules(seats=seats))
    assert len(result.winners) == seats
    assert len(set(result.winners)) == seats


@settings(max_examples=60, deadline=None)
@given(ballot_lists, st.integers(1, 4))
def test_candidate_over_the_quota_in_round_one_is_elected(rankings, seats):
    result = count(Method.STV, CANDIDATES, _ballots(rankings), Rules(seats=seats))
    first = result.rounds[0]
    for key, votes in first.tallies.items():
        if votes >= result.quota:
            assert key in result.winners
            assert key in [d.option for d in first.elected]


@settings(max_examples=60, deadline=None)
@given(ballot_lists, st.randoms(use_true_random=False), ranked_methods)
def test_permuting_ballots_changes_nothing(rankings, random, method):
    shuffled = list(rankings)
    random.shuffle(shuffled)
    rules = Rules(seats=2)
    original = count(method, CANDIDATES, _ballots(rankings), rules)
    permuted = count(method, CANDIDATES, _ballots(shuffled), rules)
    assert original.winners == permuted.winners
    assert [r.tallies for r in original.rounds] == [r.tallies for r in permuted.rounds]


@settings(max_examples=60, deadline=None)
@given(ballot_lists, rankings, ranked_methods)
def test_weight_two_ballot_counts_as_two_weight_one_ballots(rankings, doubled, method):
    rules = Rules(seats=2)
    weighted = count(method, CANDIDATES, [*_ballots(rankings), Ballot(doubled, 2)], rules)
    repeated = count(method, CANDIDATES, [*_ballots(rankings), Ballot(doubled), Ballot(doubled)], rules)
    assert weighted.winners == repeated.winners
    assert [r.tallies for r in weighted.rounds] == [r.tallies for r in repeated.rounds]


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 30), st.integers(0, 30), st.integers(0, 5))
def test_irv_between_two_candidates_is_a_simple_majority(for_a, for_b, only_a):
    ballots = [Ballot(("A", "B"))] * for_a + [Ballot(("B",))] * for_b + [Ballot(("A",))] * only_a
    if not ballots:
        return
    result = count(Method.IRV, ["A", "B"], ballots)
    a, b = for_a + only_a, for_b
    if a != b:
        assert result.winners == ["A" if a > b else "B"]


@settings(max_examples=60, deadline=None)
@given(ballot_lists, st.integers(1, 3), ranked_methods)
def test_adding_a_candidate_nobody_ranks_changes_nothing(rankings, seats, method):
    rules = Rules(seats=seats)
    before = count(method, CANDIDATES, _ballots(rankings), rules)
    # When a seat goes by lot among candidates with no votes at all, Z rightly joins the lot.
    assume(all(before.rounds[-1].tallies[key] > 0 for key in before.winners))
    after = count(method, [*CANDIDATES, "Z"], _ballots(rankings), rules)
    assert after.winners == before.winners
    # The only extra step allowed is Z's exclusion with nothing to transfer.
    kept = [r for r in after.rounds if [d.option for d in r.excluded] != ["Z"]]
    assert [{k: v for k, v in r.tallies.items() if k != "Z"} for r in kept][:1] == [before.rounds[0].tallies]


@settings(max_examples=60, deadline=None)
@given(ballot_lists, st.integers(1, 4))
def test_every_round_accounts_for_every_vote(rankings, seats):
    result = count(Method.STV, CANDIDATES, _ballots(rankings), Rules(seats=seats))
    for round_ in result.rounds:
        assert sum(round_.tallies.values()) + round_.exhausted == Fraction(len(rankings))


@settings(max_examples=60, deadline=None)
@given(ballot_lists, st.integers(1, 4), st.lists(st.integers(1, 9), min_size=40, max_size=40))
def test_meek_regrouped_ballots_count_exactly_as_every_ranking_does(rankings, seats, weights):
    """Meek counts each ballot's continuing candidates up to its first hopeful one: regrouping the ballots by
    that much of their ranking changes no figure of any round."""
    from voting.counting import meek

    ballots = [Ballot(ranking, weight) for ranking, weight in zip(rankings, weights, strict=False)]
    grouped = count(Method.MEEK, CANDIDATES, ballots, Rules(seats=seats))
    original = meek._MeekCount._regroup
    try:
        meek._MeekCount._regroup = lambda self: self._use(self.all_prefs, self.all_weights)
        every = count(Method.MEEK, CANDIDATES, ballots, Rules(seats=seats))
    finally:
        meek._MeekCount._regroup = original
    assert [r.to_dict() for r in grouped.rounds] == [r.to_dict() for r in every.rounds]
    assert grouped.winners == every.winners
