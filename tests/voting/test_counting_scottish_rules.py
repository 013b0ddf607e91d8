"""The Scottish Order's words, rule by rule: the last vacancies (rule 52) and ties (rules 49(2), 51(2)).

Quoted from the Scottish Local Government Elections Order 2007 (SSI 2007/42), schedule 1, as made
(legislation.gov.uk; the text checked against the copy of rules 45 to 52 quoted in OpenSTV's Scottish STV
method). In the 2011 Order (SSI 2011/399) that replaced it, the last-vacancies rule is 53; the explanatory
note to SSI 2021/437 speaks of "the last vacancies ... filled in accordance with rule 53(1)".
"""

from voting.counting import Ballot, Method, Rules, count


def _ballots(*groups: tuple[int, str]) -> list[Ballot]:
    """Ballots from (copies, ranking) pairs, a ranking written as letters: 'AB' ranks A then B."""
    return [Ballot(tuple(ranking)) for copies, ranking in groups for _ in range(copies)]


def _excluded(result) -> list[str]:
    return [d.option for round_ in result.rounds for d in round_.excluded]


# --- Rule 52: the last vacancies --------------------------------------------------------------------

# One vacancy left after A's election; B leads C with more than C and A's untransferred surplus together,
# but is below the quota of 7 (19 votes, 2 seats).
LEADER_BELOW_QUOTA = _ballots((9, "A"), (6, "B"), (4, "C"))


def test_nobody_is_elected_below_the_quota_except_by_rule_52_1():
    """Rule 52: "(1) Where the number of continuing candidates is equal to the number of vacancies
    remaining unfilled, the continuing candidates are deemed to be elected. (2) Where the last vacancies
    can be filled under this rule, no further transfer shall be made."

    B (6) holds more than C (4) and A's surplus (2) together, but the Order has no rule electing B there:
    A's surplus moves (nothing is transferable), C is excluded, and then B is deemed elected by rule 52(1).
    """
    result = count(Method.STV, ["A", "B", "C"], LEADER_BELOW_QUOTA, Rules(seats=2))
    assert result.quota == 7
    assert [round_.action for round_ in result.rounds] == [
        "first preferences",
        "transfer of the surplus of A",
        "exclusion of C",
    ]
    assert result.winners == ["A", "B"]
    last = result.rounds[-1]
    assert [d.option for d in last.elected] == ["B"]
    assert "without reaching the quota" in last.elected[0].reason
    assert "rule 52(1)" in last.elected[0].reason
    for round_ in result.rounds[:-1]:
        assert all(d.reason.startswith("reached the quota") for d in round_.elected)
    assert "shortcut" not in result.to_text()


def test_the_last_vacancy_shortcut_is_an_option_named_as_what_it_is():
    """Asked for, the shortcut of other rules elects B at stage 1, and the result says it is not Scottish."""
    rules = Rules(seats=2, last_vacancy_shortcut=True)
    result = count(Method.STV, ["A", "B", "C"], LEADER_BELOW_QUOTA, rules)
    assert len(result.rounds) == 1
    assert result.winners == ["A", "B"]
    reason = result.rounds[0].elected[1].reason
    assert "last-vacancy shortcut" in reason and "not a rule of the Scottish Order" in reason
    assert any("last-vacancy shortcut" in note for note in result.notes)


def test_the_shortcut_is_off_by_default():
    assert Rules().last_vacancy_shortcut is False


# --- Rule 51(2): a tie for exclusion ------------------------------------------------------------------

# 18 votes, 1 seat, quota 10. Stage 1: A 6, B 7, C 2, E 3; C is excluded and A gets C's 2 (A 8, B 7).
# Stage 2: E is excluded; 1 paper goes to B, 2 have no further preference (A 8, B 8). Stage 3: A and B
# tie for the fewest votes. At stage 1 A had fewer; at stage 2, the most recent stage at which they had
# unequal votes, B had fewer. Whoever is excluded, their papers elect the other.
TIE_FOR_EXCLUSION = _ballots((6, "AB"), (7, "BA"), (2, "CA"), (1, "EB"), (2, "E"))


def test_exclusion_tie_goes_back_to_the_most_recent_stage_with_unequal_votes():
    """Rule 51(2)(a): "regard shall be had to the total number of votes credited to those candidates at
    the end of the most recently preceding stage of the count at which they had an unequal number of
    votes and the candidate with the lowest number of votes at that stage shall be excluded".

    Reading from the earliest stage would exclude A and elect B; the Order excludes B and elects A.
    """
    result = count(Method.STV, ["A", "B", "C", "E"], TIE_FOR_EXCLUSION, Rules(seats=1))
    assert result.quota == 10
    assert result.rounds[2].tallies["A"] == result.rounds[2].tallies["B"] == 8
    assert _excluded(result) == ["C", "E", "B"]
    assert "broken by the tallies of round 2" in result.rounds[3].excluded[0].reason
    assert result.winners == ["A"]


def test_instant_runoff_breaks_the_same_tie_the_same_way():
    result = count(Method.IRV, ["A", "B", "C", "E"], TIE_FOR_EXCLUSION)
    assert _excluded(result) == ["C", "E", "B"]
    assert result.winners == ["A"]


def test_candidates_equal_at_every_stage_are_decided_by_lot():
    """Rule 51(2)(b): "where the number of votes credited to those candidates was equal at all stages,
    the returning officer shall decide, by lot, which of those candidates is to be excluded"."""
    result = count(Method.STV, ["A", "B", "C"], _ballots((3, "A"), (3, "B"), (5, "C")), Rules(seats=1))
    reason = result.rounds[1].excluded[0].reason
    assert "broken by draw" in reason


# --- Rule 49(2): equal surpluses ----------------------------------------------------------------------

# 30 votes, 3 seats, quota 8. Stage 1: X 5, Y 6, Z 2, W 5, U 6, V 6; Z is excluded (X 7, Y 6).
# Stage 2: W is excluded, 2 papers to X and 3 to Y: X and Y both have 9, a surplus of 1 each.
# At stage 1 Y had more; at stage 2, the most recent stage at which they differed, X had more.
EQUAL_SURPLUSES = _ballots((5, "XU"), (6, "YV"), (2, "ZX"), (2, "WXU"), (3, "WYV"), (6, "U"), (6, "V"))


def test_equal_surpluses_go_by_the_most_recent_stage_with_unequal_votes():
    """Rule 49(2): "If the surpluses determined in respect of two or more candidates are equal, the
    transferable papers of the candidate who had the highest number of votes at the end of the most recent
    preceding stage at which they had unequal numbers of votes shall be transferred first."

    Reading from the earliest stage would move Y's surplus first; the Order moves X's.
    """
    result = count(Method.STV, list("XYZWUV"), EQUAL_SURPLUSES, Rules(seats=3))
    assert result.quota == 8
    third = result.rounds[2]
    assert third.tallies["X"] == third.tallies["Y"] == 9
    assert [d.option for d in third.elected] == ["X", "Y"]
    assert result.rounds[3].action == "transfer of the surplus of X"
    assert result.rounds[4].action == "transfer of the surplus of Y"
    assert any("broken by the tallies of round 2" in note for note in result.rounds[3].notes)
