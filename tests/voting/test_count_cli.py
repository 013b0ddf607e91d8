"""The `count` command: a BLT file in, an explained result out, no database."""

import csv
import io
import json
import subprocess
import sys
import tomllib
from pathlib import Path

from click.testing import CliRunner

from voting.cli import count_command

ROOT = Path(__file__).parent.parent.parent
DATA = ROOT / "tests" / "data"


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


def test_csv_is_the_count_sheet_a_column_per_stage():
    """Laid beside Clackmannanshire's official sheet (gerrymulvenna/council17,
    2017/SCO/clackmannanshire/S13002878): Forson's row, stage by stage, then non-transferable and quota."""
    args = [str(DATA / "clackmannanshire_2017_ward4.blt"), "--format", "csv"]
    result = CliRunner().invoke(count_command, args)
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["Candidate", *(f"Stage {n}" for n in range(1, 8))]
    forson = next(row for row in rows if row[0] == "Ellen Forson")
    official = ["649", "716.9698", "721.0805", "721.64858", "730.09138", "737.00029"]
    assert forson[1:7] == official
    assert rows[-3][0] == "Non-transferable" and rows[-2] == ["Quota", *["739"] * 7]
    assert rows[-1][1:3] == ["first preferences", "transfer of the surplus of Craig Holden"]


def test_csv_has_an_affiliation_column_when_the_file_names_them():
    args = [str(DATA / "moray_2022_ward6.blt"), "--format", "csv"]
    rows = list(csv.reader(io.StringIO(CliRunner().invoke(count_command, args).output)))
    assert rows[0][:3] == ["Candidate", "Affiliation", "Stage 1"]
    assert rows[3][:3] == ["Jérémie FERNANDES", "Scottish National Party (SNP)", "1199"]


def test_the_shortcut_is_off_unless_asked_for():
    path = str(DATA / "renfrewshire_2017_ward11.blt")
    plain = json.loads(CliRunner().invoke(count_command, [path, "--format", "json"]).output)
    asked = json.loads(
        CliRunner().invoke(count_command, [path, "--format", "json", "--last-vacancy-shortcut"]).output
    )
    assert len(plain["rounds"]) == 4 and len(asked["rounds"]) == 2
    assert any("last-vacancy shortcut" in note for note in asked["notes"])


def test_roundtable_count_is_a_console_script_that_needs_no_web_app():
    """Declared in pyproject.toml, it runs the same count without importing Flask, SQLAlchemy or click."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["roundtable-count"] == "voting.cli:main"
    code = (
        "import sys, voting.cli; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'click')); "
        "print(loaded)"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert found.stdout.strip() == "[]"
    ran = subprocess.run(
        [sys.executable, "-m", "voting.cli", str(DATA / "tennessee_irv.blt"), "--method", "irv"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert ran.returncode == 0 and "Knoxville won by instant runoff" in ran.stdout


def test_console_script_refuses_a_bad_file_with_exit_2(tmp_path, capsys):
    from voting.cli import main

    bad = tmp_path / "bad.blt"
    bad.write_text('2 1\n1 1=2 0\n0\n"A" "B"\n')
    assert main([str(bad)]) == 2
    assert "line 2: equal rankings" in capsys.readouterr().err
    assert main([str(DATA / "wikipedia_food.blt"), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("Candidate,Stage 1,Stage 2")
