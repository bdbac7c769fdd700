"""Read queries that return every value as text, compiled once and run on the raw driver cursor.

The APIs flowsuite speaks send database values as JSON strings ("1", "95.00", "2026-11-22 08:33:32").
Letting the database format each value, and handing the rows straight to the JSON encoder, keeps the
hot read paths free of per-value Python work; compiling each statement once per dialect keeps them
free of statement construction (bench/README.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, overload

from sqlalchemy import (
    Insert,
    Integer,
    Numeric,
    SmallInteger,
    Table,
    Text,
    bindparam,
    case,
    cast,
    func,
    insert,
    literal_column,
    null,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.expression import ClauseElement
from sqlalchemy.types import Date, DateTime, Time

from flowsuite.core.db import ReadConnection, ReadSession, WriteConnection

Row = tuple[Any, ...]
# Where a prepared read runs: a bare read connection (or a write connection, which is one), an ORM session
# that only reads, or a write transaction's ORM session.
Readable = ReadConnection | ReadSession | Session
# Where a prepared write runs: only inside a write transaction.
Writable = WriteConnection | Session


def timestamp_param(value: dt.datetime) -> str:
    """A timestamp to bind on the raw driver cursor, which applies no column types: the text form
    SQLite stores (see core.db.Timestamp) and PostgreSQL casts to its timestamp."""
    return value.strftime("%Y-%m-%d %H:%M:%S")


def insert_statement(table: Table, names: Iterable[str]) -> Insert:
    """An INSERT that binds the columns `names`, for a PreparedQuery.

    The driver cursor runs no Python-side column defaults, so every other column with a constant
    default gets it written in; one with a computed default (a function) must be among `names`.
    Inline: no implicit `RETURNING id` on PostgreSQL, so a caller that reads nothing back waits for
    nothing (see core.db's pipeline); add `.returning(...)` to read the new row's id.
    """
    values: dict[str, Any] = {name: bindparam(name) for name in names}
    for column in table.c:
        default = column.default
        if column.name in values or default is None:
            continue
        if not getattr(default, "is_scalar", False):
            raise ValueError(f"{table.name}.{column.name} has a computed default: bind it")
        values[column.name] = getattr(default, "arg")  # noqa: B009 (ColumnDefault is untyped here)
    return insert(table).values(values).inline()


def wire_text(column: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """`column` rendered by the database as the text the wire carries; NULL stays NULL."""
    kind = column.type
    if isinstance(kind, Numeric) and not isinstance(kind, Integer):
        scale = kind.scale or 0
        if dialect == "sqlite":
            return case((column.is_(None), null()), else_=func.printf(literal_column(f"'%.{scale}f'"), column))
        return cast(column, Text)
    if isinstance(kind, (Integer, SmallInteger)):
        return cast(column, Text)
    if isinstance(kind, DateTime):
        if dialect == "sqlite":
            return column
        return func.to_char(column, literal_column("'YYYY-MM-DD HH24:MI:SS'"))
    if isinstance(kind, (Date, Time)):
        return column if dialect == "sqlite" else cast(column, Text)
    return column


class _Compiled:
    __slots__ = ("defaults", "names", "positions", "sql")

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled: Any = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.defaults = dict(compiled.params)
        self.positions: Sequence[str] | None = compiled.positiontup if compiled.positional else None
        # A SELECT's columns, or what an INSERT / UPDATE / DELETE RETURNs (empty without RETURNING).
        selected = getattr(statement, "exported_columns", None)
        # Plain str keys: the result's own key objects are a str subclass that orjson refuses.
        self.names = tuple(str(c.key) for c in selected) if selected is not None else ()


class _Prepared:
    """A statement built per dialect by `build`, compiled once, and executed on the driver cursor."""

    def __init__(self, build: Callable[[str], ClauseElement]) -> None:
        self._build = build
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _Compiled(self._build(dialect.name), dialect)
        return compiled

    def column_names(self, dialect: Dialect) -> tuple[str, ...]:
        return self._for(dialect).names


class PreparedQuery(_Prepared):
    """A read (SELECT), runnable on any connection."""

    def execute(self, source: Readable, params: Mapping[str, Any]) -> tuple[tuple[str, ...], list[Row]]:
        """Runs the query (in the session's transaction, if given one); returns column names and rows."""
        [(names, rows)] = execute_in_turn(source, [(self, params)])
        return names, rows

    def dicts(self, source: Readable, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        names, rows = self.execute(source, params)
        return [dict(zip(names, row, strict=True)) for row in rows]


class PreparedWrite(_Prepared):
    """An INSERT, UPDATE or DELETE: it runs only inside a write transaction, so mypy refuses it on a read
    connection."""

    def execute(self, source: Writable, params: Mapping[str, Any]) -> tuple[tuple[str, ...], list[Row]]:
        """Runs the statement in the write transaction; returns column names and any rows it RETURNs."""
        [(names, rows)] = execute_in_turn(source, [(self, params)])
        return names, rows


def _driver(source: Readable) -> tuple[Dialect, Any]:
    if isinstance(source, ReadConnection):
        return source.dialect, source.driver_connection
    if isinstance(source, ReadSession):
        return source.dialect, source.driver_connection()
    connection = source.connection()
    return connection.dialect, connection.connection


@overload
def execute_in_turn(
    source: Readable, queries: Sequence[tuple[PreparedQuery, Mapping[str, Any]]]
) -> list[tuple[tuple[str, ...], list[Row]]]: ...
@overload
def execute_in_turn(
    source: Writable, queries: Sequence[tuple[_Prepared, Mapping[str, Any]]]
) -> list[tuple[tuple[str, ...], list[Row]]]: ...
def execute_in_turn(
    source: Readable, queries: Sequence[tuple[_Prepared, Mapping[str, Any]]]
) -> list[tuple[tuple[str, ...], list[Row]]]:
    """Runs the queries one after another (each its own statement), then reads their results in order.

    Sent before any result is read: in psycopg's pipeline mode (core.db) they travel in one round trip,
    yet each runs as a statement of its own, after the one before it has finished; elsewhere this is
    the same as executing them in turn. Column names and rows per query.
    """
    dialect, driver = _driver(source)
    driver_error = dialect.loaded_dbapi.Error
    started: list[tuple[_Compiled, Any, Any]] = []
    results: list[tuple[tuple[str, ...], list[Row]]] = []
    statement, arguments = "", None  # the one whose error is being raised
    try:
        for query, params in queries:
            compiled = query._for(dialect)
            values = {**compiled.defaults, **params}
            positions = compiled.positions
            statement = compiled.sql
            arguments = [values[name] for name in positions] if positions is not None else values
            cursor = driver.cursor()
            started.append((compiled, arguments, cursor))
            cursor.execute(statement, arguments)
        for compiled, sent, cursor in started:
            statement, arguments = compiled.sql, sent
            # A SELECT always has rows to fetch; only other statements need the (costly on psycopg)
            # cursor.description to tell whether they returned any.
            rows = list(cursor.fetchall()) if compiled.names or cursor.description is not None else []
            results.append((compiled.names, rows))
    except driver_error as error:
        # As SQLAlchemy would raise it (IntegrityError, OperationalError...), so callers handle a
        # driver's error the same whichever way the statement ran.
        raise DBAPIError.instance(statement, arguments, error, driver_error) from error
    finally:
        for _, _, cursor in started:
            cursor.close()
    return results
