"""`flask activities check [FILE_OR_DIR]...`: validate activity files and report every problem.

Registered by the app factory with `app.cli.add_command(activities_cli)`. The command does not
need an app context, so it also runs without the app: `python -m activities.cli check`.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from .library import EMOTIONS_PATH, LIBRARY_DIR, Problem, check_paths, expand_paths, instrument_problems

activities_cli = AppGroup("activities", help="Work with the activity library.")


def _display(path: str) -> str:
    """Show paths relative to the working directory when they are under it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@activities_cli.command("check", with_appcontext=False)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check_command(paths: tuple[Path, ...]) -> None:
    """Validate activity files (default: the whole library, emotions.yaml and the measures).

    PATHS may be files or directories. Prints one line per problem as `file: field: reason`,
    then a count; exits with status 1 if there is any problem.
    """
    targets: list[Path] = list(paths) if paths else [LIBRARY_DIR, EMOTIONS_PATH]
    files, _ = expand_paths(targets)
    problems: list[Problem] = check_paths(targets)
    if not paths:
        problems = instrument_problems() + problems
    for p in problems:
        click.echo(f"{_display(p.file)}: {p.field}: {p.reason}")
    click.echo(f"{_plural(len(files), 'file')} checked, {_plural(len(problems), 'problem')}")
    if problems:
        click.get_current_context().exit(1)


if __name__ == "__main__":  # pragma: no cover
    activities_cli(prog_name="python -m activities.cli")
