"""`flask` commands: migrate the database, print the one-time setup link, create a facilitator."""
from __future__ import annotations

import logging
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select, update

from core import migrate
from core.extensions import db
from core.models import Facilitator, OneTimeToken, utcnow
from core.security import new_token, token_hash

db_cli = AppGroup("db", help="Database schema.")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema up to date."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    click.echo("Database is up to date.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new migration from the models (for developers)."""
    migrate.revision(current_app.config["DATABASE_URL"], message)


def base_url() -> str:
    """The base links are built on (core.public_url): SB_PUBLIC_URL, else the address from SB_BIND,
    with the port actually served on."""
    from core import public_url

    return public_url.base()


def new_setup_link() -> str | None:
    """A fresh one-time setup link while no facilitator exists; older setup links stop working."""
    if db.session.execute(select(func.count()).select_from(Facilitator)).scalar_one():
        return None
    token = new_token()
    with db.transaction() as s:
        s.execute(update(OneTimeToken).where(OneTimeToken.purpose == "setup", OneTimeToken.used_at.is_(None))
                  .values(used_at=utcnow()))
        minutes = current_app.config["SETUP_LINK_MINUTES"]
        s.add(OneTimeToken(purpose="setup", token_hash=token_hash(token),
                           expires_at=utcnow() + timedelta(minutes=minutes)))
    return f"{base_url()}/setup/{token}"


@click.command("setup-link")
@with_appcontext
def setup_link() -> None:
    """Print a one-time link to create the first facilitator account (only while none exists)."""
    link = new_setup_link()
    if link is None:
        click.echo(f"Secure Base is set up. Sign in at {base_url()}/login")
        return
    minutes = current_app.config["SETUP_LINK_MINUTES"]
    click.echo("\nNo facilitator account exists yet. Open this one-time link within "
               f"{minutes} minutes to create yours:\n\n    {link}\n")


@click.command("urls")
@with_appcontext
def urls() -> None:
    """Print where to open Secure Base: on this computer, and from phones on the same network."""
    from core import links, public_url

    host, port = public_url.split_bind(public_url.bind_address()) or ("127.0.0.1", 5000)
    local = public_url.url_for_host("127.0.0.1" if host in public_url.ANY_ADDRESS else host, port)
    lan = public_url.lan_address()
    click.echo(f"\nSecure Base on this computer:  {local}")
    if current_app.config.get("PUBLIC_URL"):
        click.echo(f"Join links and QR codes use:   {base_url()} (SB_PUBLIC_URL)")
    elif not links.is_local_only(base_url()):
        click.echo(f"Phones on the same Wi-Fi:      {base_url()}")
    elif lan:
        click.echo(f"This computer on the network:  {lan} (to let phones join, run "
                   f"`make run BIND=0.0.0.0:{port}`)")
    elif host in public_url.ANY_ADDRESS:
        click.echo("No network address found: phones can join once this computer is on the Wi-Fi "
                   "(then start it again)")
    else:
        click.echo(f"No network address found: phones can join once this computer is on the Wi-Fi "
                   f"and started with `make run BIND=0.0.0.0:{port}`")
    click.echo("")


@click.command("create-facilitator")
@with_appcontext
@click.option("--name", prompt=True)
@click.option("--email", prompt=True)
@click.password_option()
def create_facilitator(name: str, email: str, password: str) -> None:
    """Create a facilitator account from the command line."""
    from facilitator.accounts import AccountError, create_account

    try:
        create_account(name, email, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Facilitator {email.strip().lower()} created.")


def _purge_refusal(url_text: str) -> str | None:
    """Why the purge must not run on this database, in one line, or None. Checked before anything
    connects: SQLite would create a missing file, empty, and the purge would then crash on it."""
    from pathlib import Path

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    url = make_url(url_text)
    shown = url.render_as_string(hide_password=True)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        if not path.is_file():
            return (f"purge: database file {path.absolute()} does not exist (is DATABASE_URL set? "
                    "cron and systemd must load /etc/secure-base/env)")
        shown = str(path.absolute())
    alembic_log = logging.getLogger("alembic.runtime.migration")
    level = alembic_log.level
    alembic_log.setLevel(logging.WARNING)  # its "Context impl" lines would bury the one line below
    try:
        current = migrate.current(url_text)
    except SQLAlchemyError as exc:
        return f"purge: cannot read database {shown}: {str(getattr(exc, 'orig', None) or exc).splitlines()[0]}"
    finally:
        alembic_log.setLevel(level)
    head = migrate.head()
    if current != head:
        at = f"at revision {current}" if current else "no alembic_version table"
        return (f"purge: database {shown} is not migrated ({at}, needs {head}): "
                "run `flask --app wsgi db upgrade` with the same DATABASE_URL first")
    return None


@click.command("purge")
@with_appcontext
def purge() -> None:
    """Purge participants' data of ended sessions past their group's retention period (run from cron)."""
    from core.retention import purge_expired

    refusal = _purge_refusal(current_app.config["DATABASE_URL"])
    if refusal:
        click.echo(refusal, err=True)
        raise click.exceptions.Exit(1)
    counts = purge_expired()
    click.echo(f"Purged {counts['sessions']} session(s) and {counts['audit_events']} old audit event(s); "
               f"past their clocks: {counts['practice_entries']} practice-log entries, {counts['attendance']} "
               f"attendance rows, {counts['members']} former members.")


def install(app: Flask) -> None:
    from activities.cli import activities_cli
    from handouts.cli import handouts_cli

    app.cli.add_command(db_cli)
    app.cli.add_command(setup_link)
    app.cli.add_command(urls)
    app.cli.add_command(create_facilitator)
    app.cli.add_command(purge)
    app.cli.add_command(activities_cli)
    app.cli.add_command(handouts_cli)
