"""`flask --app wsgi backup FILE`, `flask --app wsgi restore FILE` and `flask --app wsgi export-network SLUG`."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from governance.extensions import db
from governance.ops import backup, export


@click.command("backup")
@click.argument("file", type=click.File("w", encoding="utf-8", atomic=True))
@with_appcontext
def backup_command(file) -> None:
    """Write every row of the database, as of one moment, to FILE (JSON)."""
    counts = backup.dump(db.engine, file)
    click.echo(f"backed up {sum(counts.values())} rows from {len(counts)} tables")


@click.command("restore")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@with_appcontext
def restore_command(file) -> None:
    """Load FILE, made by `backup`, into this empty database (run `db upgrade` first)."""
    try:
        counts = backup.restore(db.engine, file)
    except backup.BackupError as error:
        click.echo(f"not restored: {error}", err=True)
        sys.exit(1)
    click.echo(f"restored {sum(counts.values())} rows into {len(counts)} tables")


@click.command("export-network")
@click.argument("slug")
@click.option(
    "--out", "out", type=click.File("w", encoding="utf-8", atomic=True), default="-", help="Default: stdout."
)
@with_appcontext
def export_network_command(slug: str, out) -> None:
    """Write one network's record (co-ops, people, proposals, votes, campaigns, agreements, meetings) as JSON."""
    try:
        data = export.export_network(slug)
    except export.ExportError as error:
        click.echo(f"not exported: {error}", err=True)
        sys.exit(1)
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")
    if out.name != "<stdout>":
        click.echo(
            f"exported {slug}: {len(data['coops'])} co-ops, {len(data['proposals'])} proposals", err=True
        )
