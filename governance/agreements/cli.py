"""`flask agreements verify FILE.pdf | export DIR | render-pending`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from governance.agreements import service, tasks, verify

agreements_cli = AppGroup("agreements", help="Joint pledge agreements.")


@agreements_cli.command("verify")
@click.argument("pdf", type=click.Path(dir_okay=False, path_type=Path))
def verify_command(pdf: Path) -> None:
    """Say whether PDF is an authentic agreement issued here. Exit 0 when it is and the audit log still
    holds the head it carries; 1 otherwise (the reason is printed)."""
    try:
        with pdf.open("rb") as handle:
            content = handle.read(verify.MAX_BYTES + 1)
    except OSError as error:
        click.echo(f"NOT AUTHENTIC: {pdf} cannot be read ({error.strerror or error})")
        sys.exit(1)
    verdict = verify.verify(content, tasks.credentials())
    for line in verdict.lines():
        click.echo(line)
    sys.exit(0 if verdict.is_fully_confirmed else 1)


@agreements_cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_command(directory: Path) -> None:
    """Write every issued, sealed agreement into DIRECTORY (made if missing), one file per version."""
    directory.mkdir(parents=True, exist_ok=True)
    versions = service.issued_versions()
    for version in versions:
        path = directory / f"agreement-{version.agreement_id}-v{version.number}.pdf"
        path.write_bytes(version.final_pdf or b"")
        click.echo(f"{path}  sha256 {version.final_sha256}")
    click.echo(f"wrote {len(versions)} agreement{'s' if len(versions) != 1 else ''}")


@agreements_cli.command("render-pending")
def render_pending_command() -> None:
    """Render and issue, here and now, whatever failed or is still waiting."""
    click.echo(f"rendered {tasks.render_pending()}")
