"""`flask --app wsgi demo`: a populated demo group to look around in (and to take screenshots of).

Refuses to run on a database that holds real groups unless --force is given (the demo group is then
made beside them, and they are left as they are). Run again, it replaces the earlier demo group.
"""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from core.cli import base_url

DEFAULT_SEED = 1


def _refusal(count: int) -> str:
    groups = "1 group" if count == 1 else f"{count} groups"
    return (f"demo: this database already holds {groups} of its own (not demo groups), so nothing was changed.\n"
            "Use a database of its own for the demo (for example DATABASE_URL=sqlite:////tmp/demo.db), or add "
            "the demo group beside the real ones with `flask --app wsgi demo --force` (they are left as they are).")


@click.command("demo")
@with_appcontext
@click.option("--seed", type=click.IntRange(min=0, max=2**31 - 1), default=DEFAULT_SEED, show_default=True,
              help="The same seed gives the same sessions, answers and timings (for stable screenshots).")
@click.option("--force", is_flag=True, help="Add the demo group even though the database holds real groups.")
def demo_command(seed: int, force: bool) -> None:
    """Make a demo group: 8 members, 6 past weekly sessions with their record, and the next one ready to run."""
    from core import demo  # the builder (and the facilitator modules it uses) only when the command runs

    real = demo.real_groups()
    if real and not force:
        click.echo(_refusal(len(real)), err=True)
        raise click.exceptions.Exit(1)
    made = demo.build(seed)
    base = base_url()
    for old in made.replaced:
        click.echo(f"Replaced the earlier demo group (id {old}) with a fresh one.")
    name = demo.content()["group"]["name"]
    click.echo(f"\nDemo group \u201c{name}\u201d is ready (group id {made.group_id}).\n")
    click.echo(f"Sign in at {base}/login")
    click.echo(f"  email:    {made.email}")
    click.echo(f"  password: {made.password}")
    click.echo("  (shown only now; " + ("the account existed, so its password was changed and its old "
                                        "sign-ins ended" if made.account_reused else "run the command again "
                                        "for a new one") + ")")
    if made.next_session is not None:
        when = made.next_session.starts_at.strftime("%a %d %b %Y %H:%M UTC")
        click.echo(f"\nNext session, planned and ready to run: \u201c{made.next_session.title}\u201d, {when}")
    click.echo("\nEach member's standing link (their own page, or the session while it is open):")
    width = max(len(n) for n, _ in made.links)
    for member_name, secret in made.links:
        click.echo(f"  {member_name:<{width}}  " + (f"{base}/m/{secret}" if secret else "(left the group: no link)"))
    click.echo(f"\nThe clinical record: {made.record}.")
    if made.every_week is not None:
        click.echo(f"One member's record, a row per session ({made.every_week[0]}, who came every week):")
        click.echo(f"  flask --app wsgi export member {made.every_week[1]} --format csv")
    click.echo("\nThe attendance grid as a spreadsheet:")
    click.echo(f"  flask --app wsgi export attendance --group {made.group_id} --format csv\n")


def install(app: Flask) -> None:
    app.cli.add_command(demo_command)
