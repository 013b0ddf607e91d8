"""Consent, yes/no, approval and score votes; quorum and weights."""

import json
from fractions import Fraction

import pytest

from voting.counting import (
    THREE_QUARTERS,
    TWO_THIRDS,
    Ballot,
    Base,
    CountingError,
    Method,
    Option,
    Outcome,
    Quorum,
    QuorumBy,
    Rules,
    ScoreAggregate,
    TieKind,
    TieRule,
    Unscored,
    YesNoChoice,
    YesNoTie,
    count,
)
from voting.counting.numbers import share_words

YES_NO = ["yes", "no"]


def _votes(**choices: int) -> list[Ballot]:
    return [Ballot(choice) for choice, n in choices.items() for _ in range(n)]


def test_block_stops_consent_and_names_blockers():
    ballots = [
        Ballot("agree", voter="Outlandish"),
        Ballot("block", voter="Agaric"),
        Ballot("block", voter="Dtc"),
    ]
    result = count(Method.CONSENT, ["proposal"], ballots)
    assert result.outcome is Outcome.BLOCKED
    assert result.blockers == ["Agaric", "Dtc"]
    assert result.sentence.startswith("Blocked by Agaric and Dtc")


def test_consent_passes_while_disagreement_stays_below_the_share():
    result = count(Method.CONSENT, ["p"], _votes(agree=3, disagree=2, abstain=4))
    assert result.outcome is Outcome.PASSED
    assert "disagreement was 2 of 5 (40%)" in result.sentence


def test_consent_fails_when_disagreement_reaches_the_share():
    rules = Rules(consent_disagreement_share=Fraction(1, 3))
    result = count(Method.CONSENT, ["p"], _votes(agree=2, disagree=1), rules)
    assert result.outcome is Outcome.REJECTED


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "rules", "outcome"),
    [
        (6, 4, 0, Rules(), Outcome.PASSED),
        (5, 5, 0, Rules(), Outcome.REJECTED),  # exactly half is not more than half
        (2, 1, 0, Rules(threshold=TWO_THIRDS), Outcome.PASSED),  # at least 2/3
        (3, 1, 0, Rules(threshold=THREE_QUARTERS), Outcome.PASSED),
        (5, 2, 0, Rules(threshold=THREE_QUARTERS), Outcome.REJECTED),
        (6, 4, 4, Rules(base=Base.CAST_WITH_ABSTENTIONS), Outcome.REJECTED),  # 6/14
        (6, 0, 0, Rules(base=Base.ELECTORATE, electorate_count=13), Outcome.REJECTED),
        (7, 0, 0, Rules(base=Base.ELECTORATE, electorate_count=13), Outcome.PASSED),
    ],
)
def test_yes_no_threshold_and_base(yes, no, abstain, rules, outcome):
    assert count(Method.YES_NO, YES_NO, _votes(yes=yes, no=no, abstain=abstain), rules).outcome is outcome


def test_yes_no_tie_rule_decides_a_share_exactly_on_the_threshold():
    ballots = _votes(yes=4, no=4)
    assert count(Method.YES_NO, YES_NO, ballots, Rules(yes_no_tie=YesNoTie.PASS)).outcome is Outcome.PASSED
    casting = Rules(yes_no_tie=YesNoTie.CASTING, yes_no_casting=YesNoChoice.NO)
    result = count(Method.YES_NO, YES_NO, ballots, casting)
    assert result.outcome is Outcome.REJECTED
    assert "casting decision (no)" in result.sentence
    with pytest.raises(CountingError):
        count(Method.YES_NO, YES_NO, ballots, Rules(yes_no_tie=YesNoTie.CASTING))


def test_weights_count_exactly_and_appear_in_the_result():
    ballots = [Ballot("yes", 12, "Outlandish"), Ballot("no", Fraction(23, 2), "Agaric")]
    result = count(Method.YES_NO, YES_NO, ballots)
    assert result.outcome is Outcome.PASSED
    assert result.counts["yes"] == 12 and result.counts["no"] == Fraction(23, 2)
    assert result.weights == {"Outlandish": 12, "Agaric": Fraction(23, 2)}
    data = json.loads(json.dumps(result.to_dict()))
    assert data["weights"] == {"Outlandish": "12", "Agaric": "11.5"}
    assert data["counts_exact"]["yes"] == "12"


def test_float_weights_are_refused():
    with pytest.raises(CountingError):
        count(Method.YES_NO, YES_NO, [Ballot("yes", 0.5)])  # type: ignore[arg-type]


def test_quorum_by_count_fails_with_the_figures():
    rules = Rules(quorum=Quorum(Fraction(1, 2)), electorate_count=10)
    result = count(Method.YES_NO, YES_NO, _votes(yes=4), rules)
    assert result.outcome is Outcome.FAILED_QUORUM
    assert result.quorum is not None and result.quorum.needed == 5 and result.quorum.participated == 4
    assert "4 of 10" in result.sentence


def test_quorum_by_weight_counts_worker_members():
    rules = Rules(quorum=Quorum(Fraction(1, 2), QuorumBy.WEIGHT), electorate_count=10, electorate_weight=100)
    result = count(Method.YES_NO, YES_NO, [Ballot("yes", 60)], rules)
    assert result.outcome is Outcome.PASSED
    assert result.quorum is not None and result.quorum.is_reached


def test_approval_elects_the_most_approved():
    ballots = [Ballot(frozenset({"a", "b"})), Ballot(frozenset({"b"})), Ballot(frozenset({"c"}), weight=3)]
    result = count(
        Method.APPROVAL, {"a": "Hosting", "b": "Training", "c": "Referrals"}, ballots, Rules(seats=2)
    )
    assert result.winners == ["c", "b"]
    assert "Referrals (3)" in result.sentence


def test_score_mean_with_unscored_as_minimum_or_ignored():
    ballots = [Ballot({"a": 5, "b": 3}), Ballot({"b": 4})]
    counted_as_min = count(Method.SCORE, ["a", "b"], ballots, Rules(score_max=5))
    assert counted_as_min.counts == {"a": Fraction(5, 2), "b": Fraction(7, 2)}
    ignored = count(Method.SCORE, ["a", "b"], ballots, Rules(unscored=Unscored.IGNORED))
    assert ignored.winners == ["a"]
    summed = count(Method.SCORE, ["a", "b"], ballots, Rules(score_aggregate=ScoreAggregate.SUM))
    assert summed.counts == {"a": 5, "b": 7}


def test_score_out_of_range_is_refused():
    with pytest.raises(CountingError):
        count(Method.SCORE, ["a"], [Ballot({"a": 9})], Rules(score_max=5))


def test_approval_tie_uses_the_casting_order():
    ballots = [Ballot(frozenset({"a"})), Ballot(frozenset({"b"}))]
    rules = Rules(tie_rule=TieRule(kind=TieKind.CASTING, casting_order=("b", "a")))
    result = count(Method.APPROVAL, [Option("a"), Option("b")], ballots, rules)
    assert result.winners == ["b"]
    assert "casting decision" in result.rounds[0].notes[0]


def test_unknown_choice_is_refused():
    with pytest.raises(CountingError):
        count(Method.CONSENT, ["p"], [Ballot("maybe")])


def test_text_states_sentence_base_threshold_and_tie_rule():
    text = count(Method.YES_NO, YES_NO, _votes(yes=3, no=1)).to_text()
    assert text.startswith("Passed: 3 yes of 4 (votes cast (yes + no)) is three quarters")
    assert "Threshold: more than half" in text
    assert "Ties:" in text


@pytest.mark.parametrize(
    ("share", "words"),
    [
        (Fraction(1, 2), "half"),
        (Fraction(2, 3), "two thirds"),
        (Fraction(3, 4), "three quarters"),
        (Fraction(3, 5), "60%"),
        (Fraction(1, 8), "12.5%"),
        (Fraction(1), "100%"),
        (Fraction(1, 7), "about 14.3%"),
        ("0.5", "half"),
        ("1/2", "half"),
    ],
)
def test_shares_are_said_as_people_read_them(share, words):
    assert share_words(share) == words


def test_a_share_set_as_a_percentage_reads_as_one():
    assert share_words(Fraction(1, 2), named=False) == "50%"
    assert share_words(Fraction(3, 4), named=False) == "75%"


def test_a_failed_quorum_says_its_share_in_words_and_whole_coops():
    rules = Rules(quorum=Quorum(Fraction(1, 2)), electorate_count=5)
    result = count(Method.YES_NO, YES_NO, [Ballot("yes"), Ballot("no")], rules)
    assert result.sentence == (
        "Failed quorum: quorum not reached: 2 of 5 (co-ops) took part; 3 (50% of the electorate) were needed."
    )
