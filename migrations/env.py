"""Alembic environment: the URL and connection come from the app (core/migrate.py), never from a file."""
from alembic import context
from sqlalchemy import create_engine

import core.activity_models  # noqa: F401
import core.models  # noqa: F401  (registers every table on Base.metadata)
from core.db import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.attributes["url"])
        with engine.connect() as conn:
            _migrate(conn)
        return
    _migrate(connection)


def _migrate(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run()
