"""Operator commands: `doctor`, `audit export`, and the `db` commands beyond upgrade (current, downgrade, stamp)."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from core import audit, doctor, migrate
from core.cli import db_cli


@db_cli.command("current")
def db_current() -> None:
    """Print the revision the database is at, and the code's."""
    url = current_app.config["DATABASE_URL"]
    here, head = migrate.current(url), migrate.head()
    state = "up to date" if here == head else "needs `flask --app wsgi db upgrade`"
    click.echo(f"database: {here or 'not migrated'}; code: {head} ({state})")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Go back to REVISION (e.g. 0002, or -1). Back up first: dropped columns lose their data."""
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database downgraded to {migrate.current(current_app.config['DATABASE_URL']) or 'base'}.")


@db_cli.command("stamp")
@click.argument("revision")
def db_stamp(revision: str) -> None:
    """Mark the database as at REVISION without running migrations."""
    migrate.stamp(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database stamped at {revision}.")


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Check the deployment: database, Redis, secret key, public URL, cookies, purge. Exit 1 on a problem."""
    findings = doctor.check_all(current_app.config)
    for f in findings:
        click.echo(f"{f.level:<4}  {f.topic:<11} {f.message}")
    failed = [f for f in findings if f.level == "FAIL"]
    if failed:
        click.echo(f"doctor: {len(failed)} problem(s): fix them before serving", err=True)
        raise SystemExit(1)
    click.echo("doctor: ready to serve")


audit_cli = AppGroup("audit", help="The audit log (who did what and when, never content).")


@audit_cli.command("export")
@click.option("--group", "group_id", type=click.IntRange(min=1, max=2**31 - 1), required=True,
              help="The group's id; an erased group's tombstone works too.")
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-", help="A file to write (default: stdout).")
def audit_export(group_id: int, out) -> None:
    """Write a group's audit log as CSV (the export is itself recorded, as done by an operator)."""
    from core.extensions import db

    if not audit.rows_for_group(group_id, limit=1):
        click.echo(f"audit: no events for group {group_id} (wrong id, or purged after SB_AUDIT_RETENTION_DAYS)",
                   err=True)
        raise click.exceptions.Exit(1)
    with db.transaction():
        audit.record("export_audit", actor="operator", group_id=group_id)
    lines = 0
    for piece in audit.csv_chunks(group_id):
        out.write(piece)
        lines += piece.count("\n")
    if out.name != "<stdout>":
        click.echo(f"audit: {lines - 1} event(s) of group {group_id} written to {out.name}", err=True)


def install(app: Flask) -> None:
    app.cli.add_command(doctor_command)
    app.cli.add_command(audit_cli)
