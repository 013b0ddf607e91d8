"""`flask count BALLOTS.blt`: count a BLT file from the command line, with no database."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .counting import BLTError, Method, Rules, count_profile, read_blt

RANKED_CHOICES = [str(Method.STV), str(Method.MEEK), str(Method.IRV)]


@click.command("count")
@click.argument("ballots", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--method", type=click.Choice(RANKED_CHOICES), default=str(Method.STV), show_default=True)
@click.option("--seats", type=click.IntRange(min=1), help="Seats to fill (default: the file's).")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
def count_command(
    ctx: click.Context, ballots: Path, method: str, seats: int | None, output_format: str
) -> None:
    """Count the ranked ballots in a BLT file and explain the result round by round."""
    try:
        election = read_blt(ballots)
    except (BLTError, UnicodeDecodeError) as error:
        click.echo(f"Error: {ballots}: {error}", err=True)
        ctx.exit(2)
    rules = Rules(seats=seats or election.seats)
    result = count_profile(Method(method), election.options, election.profile, rules)
    result.notes.extend(election.notes)
    withdrawn = [election.names[i] for i in sorted(election.withdrawn)]
    if output_format == "json":
        data = {"title": election.title, "withdrawn": withdrawn, **result.to_dict()}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if election.title:
        click.echo(election.title)
    if withdrawn:
        click.echo(f"Withdrawn: {', '.join(withdrawn)}")
    click.echo(result.to_text(), nl=False)
