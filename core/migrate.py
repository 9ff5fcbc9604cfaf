"""Schema migrations with Alembic, run against the app's configured database."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from core.config import ROOT


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["url"] = url
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def stamp(url: str, revision: str) -> None:
    """Record `revision` as applied without running anything (an existing schema adopted by hand)."""
    command.stamp(alembic_config(url), revision)


def revision(url: str, message: str) -> None:
    command.revision(alembic_config(url), message=message, autogenerate=True)


def head() -> str:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def current(url: str) -> str | None:
    """The revision the database is at; None for a database never migrated (a missing SQLite file is
    not created)."""
    parsed = make_url(url)
    if parsed.drivername == "sqlite" and parsed.database and not Path(parsed.database).exists():
        return None
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def model_differences(url: str) -> list:
    """What the models declare that the migrated schema lacks or has otherwise (empty: they match)."""
    import core.activity_models  # noqa: F401
    import core.models  # noqa: F401  (registers every table on Base.metadata)
    from core.db import Base

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()
