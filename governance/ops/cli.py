"""`flask --app wsgi backup FILE`, `flask --app wsgi restore FILE`, `flask --app wsgi export-network SLUG [DIR]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import click
from click.core import ParameterSource
from flask.cli import with_appcontext

from governance.extensions import db
from governance.ops import backup, export, export_csv


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
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.File("w", encoding="utf-8", atomic=True, lazy=True),
    default="-",
    help="Default: stdout.",
)
@with_appcontext
def export_network_command(slug: str, folder: Path | None, out) -> None:
    """Write one network's record (co-ops, people, proposals, votes, campaigns, agreements, meetings) as JSON;
    with FOLDER, as FOLDER/network.json and one CSV file per table instead."""
    if folder is not None and click.get_current_context().get_parameter_source("out") != ParameterSource.DEFAULT:
        _refuse("give FOLDER or --out, not both.")
    if folder is not None and folder.exists() and any(folder.iterdir()):
        _refuse(f"{folder} is not empty; give a new or empty folder.")
    try:
        data = export.export_network(slug)
    except export.ExportError as error:
        _refuse(str(error))
    if folder is not None:
        counts = export_csv.write_folder(data, folder)
        click.echo(f"exported {slug} to {folder}: " + ", ".join(f"{n} {name}" for name, n in counts.items()), err=True)
        return
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")
    if out.name != "<stdout>":
        click.echo(
            f"exported {slug}: {len(data['coops'])} co-ops, {len(data['proposals'])} proposals", err=True
        )


def _refuse(reason: str) -> NoReturn:
    click.echo(f"not exported: {reason}", err=True)
    sys.exit(1)
