"""Database engine and sessions: SQLite (WAL, busy timeout, foreign keys) by default, any URL works."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

from activities import jsondata

# The JSON columns (the live state, a run's final state) are written and read with orjson: at 300
# members the state is written on every command.
JSON_COLUMNS = {"json_serializer": jsondata.dumps, "json_deserializer": jsondata.loads}


class Base(DeclarativeBase):
    pass


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # Without foreign_keys=ON SQLite silently skips cascades; WAL lets readers run beside a writer.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA secure_delete=ON")  # erased answers are overwritten, not just unlinked
    cur.close()


def _sqlite_begin(conn) -> None:
    # Write units ask for the lock at BEGIN (no SQLITE_BUSY on a read->write upgrade); reads stay
    # deferred so page views never queue behind a writer.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("sb_write") else "BEGIN")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10}, **JSON_COLUMNS)
        event.listen(engine, "connect", _sqlite_pragmas)

        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves

        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, **JSON_COLUMNS)


class Database:
    """Holds the engine and a scoped session; bound to an app by init_app."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session: scoped_session[Session] = scoped_session(sessionmaker(expire_on_commit=False))

    def init_app(self, app) -> None:
        if self.engine is not None:
            self.engine.dispose()
        self.engine = make_engine(app.config["DATABASE_URL"])
        self.session.remove()
        self.session.configure(bind=self.engine)
        app.teardown_appcontext(lambda _exc: self.session.remove())

    def checkpoint(self) -> None:
        """After an erasure: fold SQLite's write-ahead log back and truncate it, so deleted rows do not
        linger in the -wal file. A no-op on other databases."""
        if self.engine is not None and self.engine.dialect.name == "sqlite":
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write unit: starts a fresh transaction holding the write lock, commits or rolls back."""
        s = self.session()
        s.rollback()  # end any read transaction so this one starts with the lock
        s.connection(execution_options={"sb_write": True})
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise
