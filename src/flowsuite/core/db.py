"""Engine, sessions and the one place a request's transaction begins and ends."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any, TypeVar, TypeVarTuple

from sqlalchemy import Date, DateTime, Engine, MetaData, Result, ScalarResult, Select, Time, create_engine, event, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import Pool

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


# Connections a server database's pool keeps open. Work on it runs on at most this many worker threads
# (core.runtime), so each finds a kept connection: past the pool's size SQLAlchemy opens an overflow
# connection and closes it on return, a new PostgreSQL backend per request (bench/README.md).
SERVER_POOL_SIZE = 16


def _engine_options(url: str) -> dict[str, Any]:
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return {"connect_args": {"check_same_thread": False, "timeout": 30}, "pool_size": 8}
    if backend == "postgresql":
        # The overflow serves work on the event loop while every kept connection is on a worker thread.
        return {"connect_args": {"connect_timeout": 5}, "pool_size": SERVER_POOL_SIZE, "max_overflow": 8}
    return {}


def create_private_sqlite_file(url: str) -> None:
    """Creates the file of a SQLite URL with mode 0600 if it does not exist yet: it holds personal data (CNPs,
    ID cards, bank accounts), and SQLite gives its -wal, -shm and journal files the database file's mode."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:") or parsed.query:
        return
    # It may exist already; a missing or read-only folder is left to SQLite to report when it connects.
    with suppress(OSError):
        os.close(os.open(str(parsed.database), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


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

    The ORM session's machinery costs more than a read's queries themselves (bench/README.md), so the hot
    read paths run their prepared statements (core.wiretext) on this instead. Only reads run on it: a
    prepared write takes a WriteConnection or a Session, so mypy refuses a write on a read connection.
    """

    __slots__ = ("dialect", "driver_connection")

    def __init__(self, dialect: Dialect, driver_connection: Any) -> None:
        self.dialect = dialect
        self.driver_connection = driver_connection


class WriteConnection(ReadConnection):
    """A pooled driver connection inside a write transaction (`Database.writing`): prepared reads and writes,
    committed when the unit of work ends."""

    __slots__ = ()


_Rows = TypeVarTuple("_Rows")
_Entity = TypeVar("_Entity")


class ReadSession:
    """An ORM session that can only read: its transaction is rolled back when the unit of work ends.

    It offers the session's reading calls and nothing that writes, so a service handed one cannot add,
    delete, flush or execute an UPDATE (mypy refuses the call).
    """

    __slots__ = ("_session",)

    def __init__(self, session: Session) -> None:
        self._session = session

    def execute(self, statement: Select[*_Rows], params: Mapping[str, Any] | None = None) -> Result[*_Rows]:
        return self._session.execute(statement, params)

    def execute_core(self, statement: Select[*_Rows]) -> Result[*_Rows]:
        """Runs `statement` on the session's connection without the ORM's result processing (bulk reads)."""
        return self._session.connection().execute(statement)

    def scalars(self, statement: Select[_Entity], params: Mapping[str, Any] | None = None) -> ScalarResult[_Entity]:
        return self._session.scalars(statement, params)

    def scalar(self, statement: Select[_Entity], params: Mapping[str, Any] | None = None) -> _Entity | None:
        return self._session.scalar(statement, params)

    def get(self, entity: type[_Entity], ident: Any) -> _Entity | None:
        return self._session.get(entity, ident)

    @property
    def dialect(self) -> Dialect:
        return self._session.get_bind().dialect

    def driver_connection(self) -> Any:
        """The driver connection of the session's transaction, for prepared reads (core.wiretext)."""
        return self._session.connection().connection


@contextmanager
def _pipeline_committing(session: Session) -> Iterator[None]:
    """Runs the block in psycopg's pipeline mode and queues COMMIT at its end.

    A statement whose result is not read (an INSERT or UPDATE without RETURNING) is sent without
    waiting for its answer, so a scan's interval write, its audit event and the COMMIT cost one round
    trip together instead of one each, and BEGIN rides along with the first query (bench/README.md).
    An error of a queued statement arrives at that
    final sync; it is raised as SQLAlchemy raises a driver's error, so callers handle IntegrityError and
    OperationalError alike with or without the pipeline. The session's own commit then finds the
    transaction over and only ends its bookkeeping.
    """
    connection = session.connection()
    driver: Any = connection.connection.driver_connection  # a psycopg Connection on PostgreSQL
    driver_error = connection.dialect.loaded_dbapi.Error
    try:
        with driver.pipeline():
            yield
            driver.execute("COMMIT")
    except driver_error as error:
        raise DBAPIError.instance("COMMIT", None, error, driver_error) from error


def _forget_if_disconnected(engine: Engine, pooled: Any, error: DBAPIError) -> bool:
    """After a lost connection (a server restart, a failover, an idle-connection kill), drops it and every other
    connection the pool holds, which are most likely dead too, so the next request connects afresh. The ORM
    does the same for its own connections; the bare ones (core.wiretext) are handled here. True if it was one.
    """
    driver_error = engine.dialect.loaded_dbapi.Error
    orig = error.orig
    lost = isinstance(orig, driver_error) and engine.dialect.is_disconnect(orig, pooled.dbapi_connection, None)
    if not (error.connection_invalidated or lost):
        return False
    error.connection_invalidated = True
    pooled.invalidate(error.orig)
    engine.dispose()
    return True


def _checkout(engine: Engine) -> Any:
    """A pooled driver connection; a failure to connect is raised as SQLAlchemy raises it (OperationalError...)."""
    driver_error = engine.dialect.loaded_dbapi.Error
    try:
        return engine.raw_connection()
    except driver_error as error:
        raise DBAPIError.instance("connect", None, error, driver_error) from error


class Database:
    """The engine of one database URL and the transactions taken on it."""

    def __init__(self, url: str) -> None:
        self.url = url
        create_private_sqlite_file(url)
        self.engine = create_engine(url, **_engine_options(url))
        self.dialect_name = self.engine.dialect.name
        if self.dialect_name == "sqlite":
            _prepare_sqlite(self.engine)
            # SQLite reads run without BEGIN already (the driver is in autocommit mode).
            self._read_engine = self.engine
        else:
            # Reads get their own pool in autocommit mode: no BEGIN and no ROLLBACK round trips around
            # a request's one or two SELECTs (bench/README.md).
            self._read_engine = create_engine(
                url, isolation_level="AUTOCOMMIT", pool_reset_on_return=None, **_engine_options(url)
            )
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)

    @contextmanager
    def transaction(self, *, write: bool = False, pipelined: bool = False) -> Iterator[Session]:
        """A session whose work is committed when the block ends and rolled back if it raises.

        Services only flush; this is the one owner of commit. `write=True` takes SQLite's write lock
        at BEGIN, so concurrent writers queue instead of failing. `pipelined=True` (PostgreSQL only) is
        for work whose writes are all prepared statements on the driver cursor (never an ORM flush, which
        reads row counts back at once): see _pipeline_committing.
        """
        session = self._sessions()
        try:
            if write and self.dialect_name == "sqlite":
                session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            if pipelined and self.dialect_name == "postgresql":
                with _pipeline_committing(session):
                    yield session
            else:
                yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def read_session(self) -> Iterator[ReadSession]:
        """An ORM session for reads only, in a transaction that takes no write lock and is rolled back."""
        session = self._sessions()
        try:
            yield ReadSession(session)
        finally:
            session.rollback()
            session.close()

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """An ORM session in a write transaction (SQLite's write lock taken at BEGIN), committed at the end."""
        with self.transaction(write=True) as session:
            yield session

    @contextmanager
    def pipelined_session(self) -> Iterator[Session]:
        """A write transaction whose statements travel in psycopg's pipeline mode with the COMMIT (see
        _pipeline_committing): for work made only of prepared statements that read nothing back."""
        with self.transaction(write=True, pipelined=True) as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[ReadConnection]:
        """A connection for reads only; whatever it started is rolled back when it returns to the pool."""
        pooled = _checkout(self._read_engine)
        try:
            yield ReadConnection(self._read_engine.dialect, pooled)
        except DBAPIError as error:
            _forget_if_disconnected(self._read_engine, pooled, error)
            raise
        finally:
            pooled.close()

    @contextmanager
    def writing(self) -> Iterator[WriteConnection]:
        """A write transaction on a bare pooled driver connection, committed when the block ends and rolled
        back if it raises, for writes made only of prepared statements (core.wiretext).

        Cheaper than an ORM session around the same statements (bench/README.md). Like
        `transaction(write=True)`, SQLite's write lock is taken at BEGIN.
        """
        pooled = _checkout(self.engine)
        try:
            if self.dialect_name == "sqlite":
                cursor = pooled.cursor()
                cursor.execute("BEGIN IMMEDIATE")
                cursor.close()
            # psycopg (not in autocommit mode) begins a transaction at the first statement by itself.
            yield WriteConnection(self.engine.dialect, pooled)
            pooled.commit()
        except DBAPIError as error:
            if not _forget_if_disconnected(self.engine, pooled, error):
                pooled.rollback()
            raise
        except BaseException:
            pooled.rollback()
            raise
        finally:
            pooled.close()

    def ping(self) -> None:
        """Raises if the database cannot answer a trivial query on either pool (writes' and reads')."""
        for engine in {self.engine, self._read_engine}:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))

    def pools(self) -> dict[str, Pool]:
        """The connection pools by name: `primary` (writes, ORM reads) and, on PostgreSQL, `read` (bare reads)."""
        if self._read_engine is self.engine:
            return {"primary": self.engine.pool}
        return {"primary": self.engine.pool, "read": self._read_engine.pool}

    def dispose(self) -> None:
        self.engine.dispose()
        self._read_engine.dispose()


def execute_core(source: Session | ReadSession, statement: Select[*_Rows]) -> Result[*_Rows]:
    """Runs a read on the connection of `source` without the ORM's result processing: rows of plain values,
    measurably cheaper for bulk reads (bench/README.md)."""
    if isinstance(source, ReadSession):
        return source.execute_core(statement)
    return source.connection().execute(statement)
