"""`roundtable-count BALLOTS.blt` (and `flask --app wsgi count`): count a BLT file with no database.

The console script imports neither Flask nor SQLAlchemy, nor click: argparse and the counting package
only, so that it starts fast. The Flask command is the same code behind click, built on first use.
The counting package (and numpy with it) is imported when a count runs, not with this module: the console
script first asks OpenBLAS for one thread (see `_one_blas_thread`), and the web app that imports the Flask
command is left as it was.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .counting import BLTElection, Result

FORMATS = ["text", "json", "csv"]
HELP = {
    "seats": "Seats to fill (default: the file's).",
    "format": "text: every round explained; json: every figure; csv: the count sheet, a column per stage.",
    "shortcut": "Elect a candidate below the quota who can no longer be caught for the last vacancy, as some "
    "other rules do. The Scottish Order has no such rule: off unless given.",
}


def run_count(
    ballots: Path, method: str, seats: int | None, output_format: str, last_vacancy_shortcut: bool
) -> tuple[str, str | None]:
    """The count written out, or the reason the file cannot be read."""
    from .counting import BLTError, Method, Rules, count_profile, read_blt

    try:
        election = read_blt(ballots)
    except (BLTError, UnicodeDecodeError, OSError) as error:
        return "", f"Error: {ballots}: {error}"
    rules = Rules(seats=seats or election.seats, last_vacancy_shortcut=last_vacancy_shortcut)
    result = count_profile(Method(method), election.options, election.profile, rules)
    result.notes.extend(election.notes)
    return render(election, result, output_format), None


def render(election: BLTElection, result: Result, output_format: str) -> str:
    """The result as text, JSON or a CSV count sheet."""
    withdrawn = [election.names[i] for i in sorted(election.withdrawn)]
    if output_format == "json":
        data = {"title": election.title, "withdrawn": withdrawn, **result.to_dict()}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if output_format == "csv":
        return count_sheet(result)
    head = [election.title] if election.title else []
    if withdrawn:
        head.append(f"Withdrawn: {', '.join(withdrawn)}")
    return "".join(f"{line}\n" for line in head) + result.to_text()


def count_sheet(result: Result) -> str:
    """One row per candidate and one column per stage, then non-transferable and the quota, as councils
    publish them; the last row says what each stage did."""
    from .counting.numbers import exact

    out = io.StringIO()
    sheet = csv.writer(out, lineterminator="\n")
    has_affiliations = any(option.affiliation for option in result.options)
    lead = ["Candidate", "Affiliation"] if has_affiliations else ["Candidate"]
    sheet.writerow([*lead, *(f"Stage {round_.number}" for round_ in result.rounds)])
    for option in result.options:
        row = [option.label, option.affiliation] if has_affiliations else [option.label]
        sheet.writerow([*row, *(exact(r.tallies.get(option.key, 0)) for r in result.rounds)])
    blank = [""] if has_affiliations else []
    sheet.writerow(["Non-transferable", *blank, *(exact(r.exhausted) for r in result.rounds)])
    sheet.writerow(["Quota", *blank, *("" if r.quota is None else exact(r.quota) for r in result.rounds)])
    sheet.writerow(["Stage", *blank, *(r.action for r in result.rounds)])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """The `roundtable-count` console script."""
    _one_blas_thread()
    methods = ranked_choices()
    parser = argparse.ArgumentParser(
        prog="roundtable-count", description="Count the ranked ballots in a BLT file, round by round."
    )
    parser.add_argument("ballots", type=Path, help="a BLT file")
    parser.add_argument("--method", choices=methods, default=methods[0], help="default: stv")
    parser.add_argument("--seats", type=_seats, help=HELP["seats"])
    parser.add_argument("--format", choices=FORMATS, default="text", help=HELP["format"])
    parser.add_argument("--last-vacancy-shortcut", action="store_true", help=HELP["shortcut"])
    args = parser.parse_args(argv)
    output, error = run_count(args.ballots, args.method, args.seats, args.format, args.last_vacancy_shortcut)
    if error:
        print(error, file=sys.stderr)
        return 2
    sys.stdout.write(output)
    return 0


def ranked_choices() -> list[str]:
    """The methods a BLT file can be counted by, the default first."""
    from .counting import Method

    return [str(Method.STV), str(Method.MEEK), str(Method.IRV)]


def _one_blas_thread() -> None:
    """Ask OpenBLAS for one thread before numpy loads it: a count does no linear algebra, and starting a
    thread per core (each spinning a while for work) cost a tenth of the CPU of counting 1,000,000 ballots.
    An OPENBLAS_NUM_THREADS already set is kept."""
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _seats(text: str) -> int:
    """A number of seats: a whole number from 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"seats must be a whole number from 1, not {text!r}")
    return int(text)


def _click_command() -> Any:
    """`flask --app wsgi count`: the same options and code behind click."""
    import click

    choices = ranked_choices()

    @click.command("count")
    @click.argument("ballots", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--method", type=click.Choice(choices), default=choices[0], show_default=True)
    @click.option("--seats", type=click.IntRange(min=1), help=HELP["seats"])
    @click.option(
        "--format",
        "output_format",
        type=click.Choice(FORMATS),
        default="text",
        show_default=True,
        help=HELP["format"],
    )
    @click.option("--last-vacancy-shortcut", is_flag=True, help=HELP["shortcut"])
    @click.pass_context
    def count_command(
        ctx: click.Context,
        ballots: Path,
        method: str,
        seats: int | None,
        output_format: str,
        last_vacancy_shortcut: bool,
    ) -> None:
        """Count the ranked ballots in a BLT file and explain the result round by round."""
        output, error = run_count(ballots, method, seats, output_format, last_vacancy_shortcut)
        if error:
            click.echo(error, err=True)
            ctx.exit(2)
        click.echo(output, nl=False)

    return count_command


def __getattr__(name: str) -> Any:
    """`count_command`, built when first asked for (by the Flask app), so the console script skips click."""
    if name == "count_command":
        command = globals()["count_command"] = _click_command()
        return command
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    sys.exit(main())
