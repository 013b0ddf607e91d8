"""Reading and writing BLT ballot files."""

import random
from pathlib import Path

import pytest

from voting.counting import Ballot, BLTError, blt, read_blt, write_blt
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
        ('2 1\n1 1 1 0\n0\n"A" "B"\n', 2, "twice"),
        ('2 1\nx 1 0\n0\n"A" "B"\n', 2, "weight"),
        ("two 1\n", 1, "header"),
        ('2 1\n1 1 0\n0\n"A"\n', 4, "2 candidate names"),
        ('2 1\n1 2 0\n0 1 0\n0\n"A" "B"\n', 3, "weight"),
        ('2 1\n1 2 0\n1 1 0 2 0\n0\n"A" "B"\n', 3, "a 0 ends a ballot"),
        ('2 1\n1 2 0\n1 1 00 2\n0\n"A" "B"\n', 3, "a 0 ends a ballot"),
        ('2 1\n1 2 0\n(7)\n0\n"A" "B"\n', 3, "holds a weight and then the candidates"),
        ('2 1\n1 2 0\n0\n"A"\nB\n"t"\n', 5, "expected candidate 2's name in double quotes; found 'B'"),
        ('3 1\n1 2 0\n0\n"A" "x" "y" "z"\n"B"\n', 5, "expected 3 candidate names"),
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
    assert _groups(a) == _groups(b)


def _groups(profile) -> list[tuple[tuple[int, ...], int]]:
    """Each distinct ranking with its weight, in one order whatever order the reader grouped them in."""
    return sorted(zip(map(tuple, profile.prefs.tolist()), profile.weights.tolist(), strict=True))


LARGE_WEIGHTS, SMALL_WEIGHTS, ONES = [1, 1, 1, 2, 7, 120, 98765], [1, 1, 1, 2, 7, 42, 99], [1]


@pytest.mark.parametrize(
    ("candidates", "longest", "weights"),
    [(6, 6, LARGE_WEIGHTS), (40, 25, LARGE_WEIGHTS), (20, 8, SMALL_WEIGHTS), (20, 8, ONES), (99, 5, ONES)],
)
def test_plain_ballots_read_at_once_match_the_line_by_line_reader(monkeypatch, candidates, longest, weights):
    rng = random.Random(candidates)
    lines = [f"{candidates} 2", "-2 -5", "# the ballots", ""]
    for _ in range(300):
        ranking = rng.sample(range(1, candidates + 1), rng.randint(0, longest))
        weight = rng.choice(weights)
        separator = " \t " if rng.random() < 0.1 else " "
        lines.append(separator.join(map(str, [weight, *ranking, 0])))
        if rng.random() < 0.3:
            lines.append(lines[rng.randrange(4, len(lines))])
    lines += ["1 2 5 0", "3 5 0", "0", *(f'"C{i}"' for i in range(candidates)), '"Mixed"']
    text = "\n".join(lines) + "\n"
    plain = text.replace("# the ballots\n", "").replace("-2 -5\n", "")  # read from the file's bytes
    _same_election(text)
    _same_election(plain)

    def refuse(*args: object) -> None:
        raise AssertionError("the plain ballots were read line by line")

    monkeypatch.setattr(_Reader, "_line_ballots", refuse)
    if weights is not LARGE_WEIGHTS:  # numbers of two digits at most, eight to a ballot: the quickest way

        def general(*args: object) -> None:
            raise AssertionError("two-digit numbers, eight to a ballot, were read by the general reader")

        monkeypatch.setattr(blt, "_line_numbers", general)
    election = read_blt(text)
    assert election.withdrawn == {1, 4} and election.profile.blank >= 2
    assert read_blt(plain).withdrawn == set()


def test_ballots_the_fast_reader_leaves_alone_are_read_line_by_line():
    _same_election('3 1\n12345678901 1 2 0\n1.5 2 0\n1 3 1 0\n0\n"A" "B" "C"\n"t"\n')
    assert read_blt('2 1\n12345678901 1 0\n0\n"A" "B"\n').profile.total_weight == 12345678901


# --- Files as councils and counting programs publish them ---------------------------------------------


def test_moray_2022_ward_6_reads_affiliations_quoted_inside_names_and_a_title_without_quotes():
    """Moray Council, 5 May 2022, Ward 6 Elgin City North (3 seats), the council's published preference
    profile as collected in github.com/mggg/scot-elex (blt_files/6_cands/moray_2022_ward6.blt): each name
    line holds the party quoted inside the name, spreadsheet style, and the title has no quotes."""
    election = read_blt(DATA / "moray_2022_ward6.blt")
    assert election.seats == 3
    assert election.names[2] == "Jérémie FERNANDES"
    assert election.affiliations[2] == "Scottish National Party (SNP)"
    assert election.affiliations[3] == "Independent"
    assert election.title == "Ward 6 - Elgin City North"
    assert election.profile.total_weight == 3678
    assert election.options[0].affiliation == "Scottish Liberal Democrats"


PUBLISHED_FORM = (
    "\ufeff3 2\r\n"
    "(1) 1 1 2 3 0\r\n"
    "(2) 1 2 0\r\n"
    "(3) 1 3 1\r\n"  # no closing 0
    "2 2  1\r\n"  # no closing 0, two spaces
    "0\r\n"
    '"Scott AGNEW" "Alba Party for independence"\r\n'
    '"Ann   BELL" "Scottish Green Party"\r\n'
    '"Carol CHAN"\r\n'
    '"Ward 9 - Example"\r\n'
    '"Stage 1" "First Prefs"\r\n'
    "Agnew 2 Bell 2 Chan 1\r\n"
)


def test_ballot_ids_lines_without_a_closing_zero_crlf_and_a_byte_order_mark_are_read():
    election = read_blt(PUBLISHED_FORM)
    assert election.seats == 2
    ballots = sorted((b.choice, b.weight) for b in election.ballots())
    assert ballots == [
        (("Ann BELL",), 1),
        (("Ann BELL", "Scott AGNEW"), 2),
        (("Carol CHAN", "Scott AGNEW"), 1),
        (("Scott AGNEW", "Ann BELL", "Carol CHAN"), 1),
    ]


def test_affiliations_after_names_are_kept_and_lines_after_the_title_ignored_with_a_note():
    election = read_blt(PUBLISHED_FORM)
    assert election.names == ("Scott AGNEW", "Ann   BELL", "Carol CHAN")
    assert election.affiliations == ("Alba Party for independence", "Scottish Green Party", "")
    assert election.title == "Ward 9 - Example"
    assert election.notes == ("2 lines after the title (lines 11 to 12) ignored",)


def test_names_are_matched_with_whitespace_squeezed_and_printed_as_written():
    election = read_blt(PUBLISHED_FORM)
    bell = election.options[1]
    assert bell.key == "Ann BELL" and bell.label == "Ann   BELL"


def test_the_same_file_from_disk_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "published.blt"
    path.write_bytes(PUBLISHED_FORM.encode("utf-8"))
    assert read_blt(path).names[0] == "Scott AGNEW"


def test_the_first_wrong_line_is_named_not_the_last():
    text = '2 1\n1 1 2 0\n0\n"A"\n7 fish\n"B"\n"title"\n"x"\n'
    with pytest.raises(BLTError) as error:
        read_blt(text)
    assert error.value.line == 5
    assert "expected candidate 2's name in double quotes; found '7 fish'" in str(error.value)


def test_affiliations_and_ignored_lines_show_in_the_result():
    from voting.counting import Method, Rules, count_profile

    election = read_blt(PUBLISHED_FORM)
    result = count_profile(Method.STV, election.options, election.profile, Rules(seats=2))
    assert result.to_dict()["affiliations"]["Scott AGNEW"] == "Alba Party for independence"
    assert "  Scott AGNEW (Alba Party for independence)" in result.to_text()
