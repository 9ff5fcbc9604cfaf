"""`flask export ...`: a group's long-kept records for an operator: `export attendance` (CSV) and
`export member ID` (one member's record, CSV or PDF).

Each command names what it exports; the shared pieces (the format check, finding the group, writing
to stdout or --output, recording the export in the audit log) live here so the next one is short.
"""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from core import audit
from core.extensions import db
from core.models import Group

FORMATS = ("csv",)

export_cli = AppGroup("export", help="Export a group's records (attendance, a member's record) for an operator.")


def format_option(command):
    return click.option("--format", "fmt", default="csv", show_default=True,
                        help="The file format (only csv for now).")(command)


def output_option(command):
    return click.option("--output", type=click.File("w", encoding="utf-8", lazy=True), default="-",
                        help="A file to write (default: stdout).")(command)


def check_format(fmt: str) -> None:
    if fmt.lower() not in FORMATS:
        raise click.UsageError(f"export: format {fmt!r} is not available; only {', '.join(FORMATS)} for now.")


def group_or_exit(group_id: int) -> Group:
    """The group, or a clear message and exit code 1 (wrong id, or the group was erased)."""
    g = db.session.get(Group, group_id)
    if g is None:
        click.echo(f"export: there is no group {group_id} (wrong id, or the group was erased).", err=True)
        raise click.exceptions.Exit(1)
    return g


def write(out, text: str, what: str) -> None:
    out.write(text)
    if out.name not in ("-", "<stdout>"):
        click.echo(f"export: {what} written to {out.name}", err=True)


def record(action: str, group: Group, target: str = "") -> None:
    """The export goes on the group's audit log, as done by an operator (before anything is written)."""
    with db.transaction():
        audit.record(action, actor="operator", group_id=group.id, target=target)


@export_cli.command("attendance")
@click.option("--group", "group_id", type=click.IntRange(min=1, max=2**31 - 1), required=True,
              help="The group's id.")
@format_option
@output_option
def export_attendance(group_id: int, fmt: str, output) -> None:
    """Write a group's attendance grid (members x sessions, with totals)."""
    from core import attendance_grid

    check_format(fmt)
    g = group_or_exit(group_id)
    grid = attendance_grid.grid(g)
    record("export_attendance", g)
    write(output, attendance_grid.csv_text(grid),
          f"attendance of {len(grid.rows)} member(s) over {len(grid.columns)} session(s) of group {g.id}")


MEMBER_FORMATS = ("csv", "pdf")


@export_cli.command("member")
@click.argument("member_id", type=click.IntRange(min=1, max=2**31 - 1))
@click.option("--format", "fmt", default="csv", show_default=True, help="csv (a row per session) or pdf.")
@click.option("--output", type=click.Path(dir_okay=False, writable=True, allow_dash=True), default="-",
              help="A file to write (default: stdout, for csv only).")
def export_member(member_id: int, fmt: str, output: str) -> None:
    """Write one member's record: a row per session with attendance and scores (csv), or the whole
    record with charts and their own notes (pdf, needs --output)."""
    from core import member_export
    from core.member_models import Member

    fmt = fmt.lower()
    if fmt not in MEMBER_FORMATS:
        raise click.UsageError(f"export member: format {fmt!r} is not available; use csv or pdf.")
    if fmt == "pdf" and output == "-":
        raise click.UsageError("export member: a PDF needs --output FILE (it is not written to a terminal).")
    m = db.session.get(Member, member_id)
    if m is None:
        click.echo(f"export member: there is no member {member_id} (wrong id, or their data was erased).", err=True)
        raise click.exceptions.Exit(1)
    if fmt == "csv":
        text = member_export.csv_text(m)
        record("export_member", m.group, f"member:{m.id}")
        if output == "-":
            click.echo(text, nl=False)
        else:
            with open(output, "w", encoding="utf-8", newline="") as out:
                out.write(text)
            click.echo(f"export: record of member {m.id} ({text.count(chr(10)) - 1} session(s)) written to {output}",
                       err=True)
        return
    from handouts.render import render_pdf

    pdf = render_pdf(member_export.RECORD_TEMPLATE, member_export.record_context(m))
    record("export_member", m.group, f"member:{m.id}")
    with open(output, "wb") as out:
        out.write(pdf)
    click.echo(f"export: record of member {m.id} (PDF) written to {output}", err=True)


def install(app: Flask) -> None:
    app.cli.add_command(export_cli)
