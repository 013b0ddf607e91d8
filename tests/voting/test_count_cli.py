"""The `count` command: a BLT file in, an explained result out, no database."""

import json
from pathlib import Path

from click.testing import CliRunner

from voting.cli import count_command

DATA = Path(__file__).parent.parent / "data"


def test_count_prints_text_by_default():
    result = CliRunner().invoke(count_command, [str(DATA / "wikipedia_food.blt")])
    assert result.exit_code == 0
    assert "Elected Chocolate, Oranges and Strawberries" in result.output
    assert "Round 3: exclusion of Pears" in result.output


def test_count_json_has_the_documented_keys():
    args = [str(DATA / "tennessee_irv.blt"), "--method", "irv", "--format", "json"]
    result = CliRunner().invoke(count_command, args)
    data = json.loads(result.output)
    assert data["method"] == "irv" and data["seats"] == 1 and data["quota"] == 51
    assert data["winners"] == ["Knoxville"]
    assert data["rounds"][0]["tallies"]["Memphis"] == 42
    assert data["rounds"][1]["excluded"] == ["Chattanooga"]
    assert data["exhausted"] == 0


def test_seats_option_overrides_the_file():
    args = [str(DATA / "wikipedia_food.blt"), "--seats", "1", "--format", "json", "--method", "meek"]
    data = json.loads(CliRunner().invoke(count_command, args).output)
    assert data["seats"] == 1 and len(data["winners"]) == 1


def test_malformed_file_exits_2_naming_the_line(tmp_path):
    bad = tmp_path / "bad.blt"
    bad.write_text('2 1\n1 1=2 0\n0\n"A" "B"\n')
    result = CliRunner().invoke(count_command, [str(bad)])
    assert result.exit_code == 2
    assert "line 2: equal rankings" in result.output


def test_count_notes_lines_the_reader_ignored(tmp_path):
    path = tmp_path / "published.blt"
    path.write_text('2 1\n1 1 0\n0\n"A" "Party"\n"B"\n"Title"\nFirst Prefs A 1 B 0\n')
    result = CliRunner().invoke(count_command, [str(path)])
    assert result.exit_code == 0
    assert "1 line after the title (line 7) ignored" in result.output
