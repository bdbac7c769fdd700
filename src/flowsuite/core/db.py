"""Engine, sessions and the one place a request's transaction begins and ends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Date, DateTime, Engine, MetaData, Time, create_engine, event, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite keeps date/time values as text. Storing them already in the wire format ("2026-11-22 08:33:32")
# lets a read hand the stored text straight to the client; PostgreSQL formats in the query instead.
Timestamp = DateTime().with_variant(
    sqlite.DATETIME(  # type: ignore[no-untyped-call]
        storage_format="%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d",
        regexp=r"(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)",
    ),
    "sqlite",
)
ClockTime = Time().with_variant(
    sqlite.TIME(  # type: ignore[no-untyped-call]
        storage_format="%(hour)02d:%(minute)02d:%(second)02d",
        regexp=r"(\d+):(\d+):(\d+)",
    ),
    "sqlite",
)
CalendarDate = Date()


class Base(DeclarativeBase):
    """Declarative base of every table, with a naming convention so migrations name constraints alike."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utc_now() -> dt.datetime:
    """The current UTC instant, naive and to the second, as every *_at column stores it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _engine_options(url: str) -> dict[str, Any]:
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return {"connect_args": {"check_same_thread": False, "timeout": 30}, "pool_size": 8}
    if backend == "postgresql":
        return {"connect_args": {"connect_timeout": 5}, "pool_size": 8, "max_overflow": 8}
    return {}


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is off: BEGIN is emitted below, so that a writing
        # transaction can take the write lock up front (BEGIN IMMEDIATE) instead of failing on upgrade.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


class ReadConnection:
    """A pooled driver connection for a read-only request: no ORM session, no transaction bookkeeping.

    The ORM session's machinery costs more than a read's queries themselves (measured: ~100 us against
    ~7 us for an indexed lookup), so the hot read paths run their prepared statements on this instead.
    `Database.writing()` hands out the same, inside a transaction, to writes made only of prepared statements.
    """

    __slots__ = ("dialect", "driver_connection")

    def __init__(self, dialect: Dialect, driver_connection: Any) -> None:
        self.dialect = dialect
        self.driver_connection = driver_connection


class Database:
    """The engine of one database URL and the transactions taken on it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url, **_engine_options(url))
        self.dialect_name = self.engine.dialect.name
        if self.dialect_name == "sqlite":
            _prepare_sqlite(self.engine)
            # SQLite reads run without BEGIN already (the driver is in autocommit mode).
            self._read_engine = self.engine
        else:
            # Reads get their own pool in autocommit mode: no BEGIN and no ROLLBACK round trips around
            # a request's one or two SELECTs (measured: 4 round trips became 2 on PostgreSQL).
            self._read_engine = create_engine(
                url, isolation_level="AUTOCOMMIT", pool_reset_on_return=None, **_engine_options(url)
            )
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Session]:
        """A session whose work is committed when the block ends and rolled back if it raises.

        Services only flush; this is the one owner of commit. `write=True` takes SQLite's write lock
        at BEGIN, so concurrent writers queue instead of failing.
        """
        session = self._sessions()
        try:
            if write and self.dialect_name == "sqlite":
                session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[ReadConnection]:
        """A connection for reads only; whatever it started is rolled back when it returns to the pool."""
        pooled = self._read_engine.raw_connection()
        try:
            yield ReadConnection(self._read_engine.dialect, pooled)
        finally:
            pooled.close()

    @contextmanager
    def writing(self) -> Iterator[ReadConnection]:
        """A write transaction on a bare pooled driver connection, committed when the block ends and rolled
        back if it raises, for writes made only of prepared statements (core.wiretext).

        The ORM session around an empty write transaction cost ~180 us against ~10 us for the driver's own
        BEGIN IMMEDIATE and COMMIT (measured on SQLite): more than a small write's statements themselves.
        Like `transaction(write=True)`, SQLite's write lock is taken at BEGIN.
        """
        pooled = self.engine.raw_connection()
        try:
            if self.dialect_name == "sqlite":
                cursor = pooled.cursor()
                cursor.execute("BEGIN IMMEDIATE")
                cursor.close()
            # psycopg (not in autocommit mode) begins a transaction at the first statement by itself.
            yield ReadConnection(self.engine.dialect, pooled)
            pooled.commit()
        except BaseException:
            pooled.rollback()
            raise
        finally:
            pooled.close()

    def ping(self) -> None:
        """Raises if the database cannot answer a trivial query."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
        self._read_engine.dispose()
