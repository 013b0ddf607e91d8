"""Reading and writing BLT ballot files."""

from pathlib import Path

import pytest

from voting.counting import Ballot, BLTError, read_blt, write_blt

DATA = Path(__file__).parent.parent / "data"


def test_reads_header_ballots_names_and_title():
    election = read_blt(DATA / "wikipedia_food.blt")
    assert election.seats == 3
    assert election.names == ("Oranges", "Pears", "Chocolate", "Strawberries", "Hamburgers")
    assert election.title == "Wikipedia food election"
    assert election.profile.total_weight == 20


def test_withdrawn_candidates_are_skipped_on_every_ballot():
    election = read_blt('3 1\n-2\n1 2 1 0\n1 2 3 0\n0\n"A" "B" "C"\n"t"\n')
    assert [option.key for option in election.options] == ["A", "C"]
    assert sorted(ballot.choice for ballot in election.ballots()) == [("A",), ("C",)]


def test_comments_and_blank_lines_are_ignored():
    election = read_blt('# a comment\n2 1\n\n3 1 2 0  # three the same\n0\n"A # one" "B"\n"t"\n')
    assert election.names == ("A # one", "B")
    assert election.profile.total_weight == 3


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('2 1\n1 1=2 0\n0\n"A" "B"\n', 2, "equal rankings"),
        ('2 1\n1 1 3 0\n0\n"A" "B"\n', 2, "from 1 to 2"),
        ('2 1\n1 1 2\n0\n"A" "B"\n', 2, "must end with 0"),
        ('2 1\n1 1 1 0\n0\n"A" "B"\n', 2, "twice"),
        ('2 1\nx 1 0\n0\n"A" "B"\n', 2, "weight"),
        ("two 1\n", 1, "header"),
        ('2 1\n1 1 0\n0\n"A"\n', 4, "2 candidate names"),
    ],
)
def test_malformed_files_name_the_line(text, line, words):
    with pytest.raises(BLTError) as error:
        read_blt(text)
    assert error.value.line == line
    assert words in str(error.value)


def test_missing_end_of_ballots_is_reported():
    with pytest.raises(BLTError, match=r"only 0"):
        read_blt("2 1\n1 1 0\n")


def test_write_then_read_gives_the_same_ballots(tmp_path):
    ballots = [Ballot(("b", "a"), 2), Ballot(("c",))]
    text = write_blt(["a", "b", "c"], ballots, seats=2, title="Round trip", path=tmp_path / "out.blt")
    election = read_blt(tmp_path / "out.blt")
    assert text.splitlines()[0] == "3 2"
    assert election.title == "Round trip"
    assert sorted((b.choice, b.weight) for b in election.ballots()) == [(("b", "a"), 2), (("c",), 1)]
