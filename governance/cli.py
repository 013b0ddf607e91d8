"""Commands: `flask --app wsgi demo [--scale N] | admin create EMAIL | audit verify [--expect SEQ:HASH] |
audit head | tokens create EMAIL | count FILE`."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import text

from governance import audit, service
from governance.extensions import db
from governance.models import person_by_email
from voting.cli import count_command

audit_cli = AppGroup("audit", help="The audit log.")
tokens_cli = AppGroup("tokens", help="Personal access tokens for the API.")
admin_cli = AppGroup("admin", help="The instance's admins.")


def _expected_head(_ctx, _param, value: str | None) -> tuple[int, str] | None:
    try:
        return None if value is None else audit.parse_head(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@audit_cli.command("verify")
@click.option(
    "--expect",
    metavar="SEQ:HASH",
    callback=_expected_head,
    help="A head printed earlier by `audit head` (or embedded in an agreement): the log must still hold it.",
)
def audit_verify(expect: tuple[int, str] | None) -> None:
    """Check the hash chain; print 'ok N events', or the first bad event and exit 1."""
    result = audit.verify(expect=expect)
    held = f", and it holds event {audit.format_head(*expect)}" if expect and expect[0] else ""
    click.echo(f"{result}{held if result.is_intact else ''}")
    sys.exit(0 if result.is_intact else 1)


@audit_cli.command("head")
def audit_head() -> None:
    """Print the log's last sequence number and hash as SEQ:HASH, to keep outside the database."""
    click.echo(audit.format_head(*audit.head()))


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
def tokens_create(email: str, name: str) -> None:
    """Create an API token for the person with EMAIL and print it once."""
    person = person_by_email(email)
    if person is None:
        raise click.BadParameter(f"nobody has an account with {email}", param_hint="EMAIL")
    _, secret = service.create_token(actor=person, name=name)
    db.session.commit()
    click.echo(secret)


@admin_cli.command("create")
@click.argument("email")
@click.option("--name", default="Instance admin", show_default=True, help="Their name, as others see it.")
@click.option("--time-zone", default="UTC", show_default=True, help="An IANA zone, such as Europe/London.")
def admin_create(email: str, name: str, time_zone: str) -> None:
    """Make EMAIL an instance admin (a new account, or an existing one) and print where to choose a password."""
    from flask import current_app, url_for

    from governance.errors import DomainError
    from governance.security import make_reset_token

    try:
        person, needs_password = service.make_instance_admin(email=email, name=name, time_zone=time_zone)
    except DomainError as error:
        raise click.BadParameter(error.message, param_hint="EMAIL") from None
    db.session.commit()
    click.echo(f"{person.email} is an instance admin.")
    if needs_password:
        with current_app.test_request_context():
            link = current_app.config["BASE_URL"].rstrip("/") + url_for(
                "auth.reset_password", token=make_reset_token(person)
            )
        hours = current_app.config["RESET_TTL_SECONDS"] // 3600
        click.echo(
            f"Choose a password at this link (it works once, for {hours} hours), then sign in:\n{link}"
        )


@click.command("demo")
@click.option(
    "--scale",
    type=click.IntRange(min=10),
    metavar="N",
    help="Instead, build the large seeded world of N co-ops (into an empty database) for load tests.",
)
@click.option("--seed", type=int, default=None, help="The scale world's seed (same N and seed: same world).")
def demo_command(scale: int | None, seed: int | None) -> None:
    """Load the demo world (idempotent) and print how to sign in; with --scale N, the scale world."""
    if scale is None:
        if seed is not None:
            raise click.UsageError("--seed goes with --scale.")
        from governance.demo import load_demo

        click.echo(load_demo())
        return
    from governance import scale as scale_world

    try:
        built = scale_world.build(scale, seed=scale_world.DEFAULT_SEED if seed is None else seed)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    _tidy_after_bulk_load()
    click.echo(built.summary())


def _tidy_after_bulk_load() -> None:
    """The planner's statistics for the tables just filled (until autovacuum gets to them, the first
    requests are planned without any), and on PostgreSQL their visibility maps too, so an index holding
    every column a query reads answers it alone (an electorate's co-ops: an index-only scan, not 250 pages
    of the table)."""
    if db.engine.dialect.name != "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")  # not in a transaction: VACUUM refuses to run in one


def register(app: Flask) -> None:
    app.cli.add_command(audit_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(admin_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(count_command)
