"""Reading and writing BLT ballot files."""

import random
from pathlib import Path

import numpy as np
import pytest

from voting.counting import Ballot, BLTError, read_blt, write_blt
from voting.counting.blt import _Reader

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
        ('2 1\n1 2 0\n0 1 0\n0\n"A" "B"\n', 3, "weight"),
        ('2 1\n1 2 0\n1 1 0 2 0\n0\n"A" "B"\n', 3, "from 1 to 2"),
        ('2 1\n1 2 0\n1 1 00\n0\n"A" "B"\n', 3, "must end with 0"),
        ('2 1\n1 2 0\n1 2 1 2 0\n0\n"A" "B"\n', 3, "twice"),
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


def _same_election(text: str) -> None:
    """The election read at once with numpy equals the one read line by line."""
    fast, slow = read_blt(text), _Reader(text.splitlines(), fast=False).read()
    assert (fast.title, fast.names, fast.seats, fast.withdrawn) == (
        slow.title,
        slow.names,
        slow.seats,
        slow.withdrawn,
    )
    a, b = fast.profile, slow.profile
    assert (a.weight_scale, a.n_candidates, a.ballots, a.blank) == (
        b.weight_scale,
        b.n_candidates,
        b.ballots,
        b.blank,
    )
    assert a.prefs.dtype == b.prefs.dtype and a.weights.dtype == b.weights.dtype
    assert np.array_equal(a.prefs, b.prefs) and np.array_equal(a.weights, b.weights)


@pytest.mark.parametrize(("candidates", "longest"), [(6, 6), (40, 25)])
def test_plain_ballots_read_at_once_match_the_line_by_line_reader(monkeypatch, candidates, longest):
    rng = random.Random(candidates)
    lines = [f"{candidates} 2", "-2 -5", "# the ballots", ""]
    for _ in range(300):
        ranking = rng.sample(range(1, candidates + 1), rng.randint(0, longest))
        weight = rng.choice([1, 1, 1, 2, 7, 120, 98765])
        separator = " \t " if rng.random() < 0.1 else " "
        lines.append(separator.join(map(str, [weight, *ranking, 0])))
        if rng.random() < 0.3:
            lines.append(lines[rng.randrange(4, len(lines))])
    lines += ["1 2 5 0", "3 5 0", "0", *(f'"C{i}"' for i in range(candidates)), '"Mixed"']
    text = "\n".join(lines) + "\n"
    _same_election(text)

    def refuse(*args: object) -> None:
        raise AssertionError("the plain ballots were read line by line")

    monkeypatch.setattr(_Reader, "_line_ballots", refuse)
    election = read_blt(text)
    assert election.withdrawn == {1, 4} and election.profile.blank >= 2


def test_ballots_the_fast_reader_leaves_alone_are_read_line_by_line():
    _same_election('3 1\n12345678901 1 2 0\n1.5 2 0\n1 3 1 0\n0\n"A" "B" "C"\n"t"\n')
    assert read_blt('2 1\n12345678901 1 0\n0\n"A" "B"\n').profile.total_weight == 12345678901
