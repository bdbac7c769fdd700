"""The generic record engine: one declarative Resource per ITFlow module, and the rules they share.

A module is described once (its table, id, client column, writable fields, read filters); reading,
creating, updating, deleting and archiving follow ITFlow's rules for every module alike. A module with
rules of its own (assets' primary interface, contacts' primary flag, credentials' encryption, tickets'
numbering) subclasses Resource and overrides the hooks.

The services take commands in domain terms (commands.RecordQuery, RecordWrite) and the caller's Scope; the
Field and ReadFilter tables map the wire's names to columns, and the wire adapter (itflow.parse) reads with them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import (
    BindParameter,
    Column,
    ColumnElement,
    FromClause,
    Select,
    String,
    Table,
    and_,
    bindparam,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from flowsuite.core.db import Base, utc_now
from flowsuite.core.errors import InvalidInput
from flowsuite.core.wiretext import PreparedQuery, Readable, wire_text
from flowsuite.itflow.commands import RecordQuery, RecordWrite
from flowsuite.itflow.context import Scope
from flowsuite.itflow.errors import OperationFailed, Refused
from flowsuite.itflow.models import Client

# How a field's value is read: "html" text is not trimmed, "digits" keeps the digits only, "duration"
# is H:MM:SS.
FieldKind = Literal["text", "html", "int", "flag", "date", "money", "digits", "duration"]
WireRow = dict[str, Any]


@dataclass(frozen=True)
class Field:
    """A writable field: the body parameter, the column it fills, and how its value is read."""

    param: str
    column: str
    kind: FieldKind = "text"
    required: bool = False
    # Applied to text after trimming (e.g. the website's scheme is dropped).
    transform: Callable[[str], str] | None = None
    # What a create stores when the field is not sent, where the original has a default of its own.
    default: Any = None

    def create_default(self) -> Any:
        """What a create stores when the field is not sent: `default`, else the original's '' or 0; dates stay NULL."""
        if self.default is not None:
            return self.default
        if self.kind in ("int", "flag", "money"):
            return 0
        return None if self.kind == "date" else ""


@dataclass(frozen=True)
class ReadFilter:
    """A read filter: first present one wins.

    `by_id` lookups are exact integers naming one record and are not paged; `integer` filters compare
    whole numbers but list every match (paged); `first_only` answers with the first match alone.
    """

    param: str
    column: str
    by_id: bool = False
    integer: bool = False
    first_only: bool = False

    @property
    def whole_number(self) -> bool:
        return self.by_id or self.integer

    @property
    def paged(self) -> bool:
        return not (self.by_id or self.first_only)


def digits_only(text: str) -> str:
    """The ASCII digits of `text` (phone numbers are stored and compared this way)."""
    return "".join(ch for ch in text if "0" <= ch <= "9")


def filter_value_param(type_: Any = None) -> BindParameter[Any]:
    """The bind parameter that carries a read filter's value (what `Resource.filter_value` returns)."""
    return bindparam("value", type_=type_)


@dataclass
class Resource:
    """One ITFlow module's table and rules."""

    name: str
    model: type[Base]
    pk: str
    # The column that holds the owning client; None for the clients module itself.
    client_column: str | None
    fields: tuple[Field, ...]
    read_filters: tuple[ReadFilter, ...]
    # A create needs a client (client 0, "global", is not allowed).
    client_required: bool = True
    archivable: bool = False
    entity: str = ""
    _queries: dict[tuple[Any, ...], PreparedQuery] = field(default_factory=dict, repr=False)

    # ---- shape -------------------------------------------------------------------------------

    @property
    def table(self) -> Table:
        return self.model.__table__  # type: ignore[return-value]

    def wire_columns(self, table: Table | None = None) -> list[Column[Any]]:
        """The table's columns as the wire shows them: all but the tenant column, in table order."""
        return [c for c in (table if table is not None else self.table).c if c.name != "company_id"]

    def source(self, dialect: str, read_filter: ReadFilter | None) -> tuple[FromClause, list[Any]]:
        """The FROM clause and selected columns of a read; modules with joins override this."""
        return self.table, [wire_text(c, dialect).label(c.name) for c in self.wire_columns()]

    def body_fields(self) -> tuple[Field, ...]:
        """Every field a create or update accepts, as the endpoint documentation lists them."""
        return self.fields

    def scope_column(self) -> Any:
        """The column a client-scoped key is restricted by."""
        return self.table.c[self.client_column or self.pk]

    def global_rows_visible(self) -> bool:
        """Whether rows of client 0 ("global") are visible to client-scoped keys."""
        return self.client_column is not None

    # ---- reads -------------------------------------------------------------------------------

    def _read_statement(
        self,
        dialect: str,
        read_filter: ReadFilter | None,
        scoped: bool,
        by_client: bool,
        paged: bool,
        variant: Hashable,
    ) -> Select[Any]:
        source, columns = self.source(dialect, read_filter)
        table = self.table
        conditions: list[Any] = [table.c.company_id == bindparam("company_id")]
        scope = self.scope_column()
        if scoped:
            if self.global_rows_visible():
                conditions.append(or_(scope == 0, scope == bindparam("scope_client")))
            else:
                conditions.append(scope == bindparam("scope_client"))
        if by_client:
            conditions.append(scope == bindparam("client_filter"))
        if read_filter is not None:
            conditions.append(self.filter_condition(read_filter))
        conditions.extend(self.variant_conditions(variant))
        pk = table.c[self.pk]
        if paged and self.page_before_join(read_filter):
            # The page's ids come from the module's own table alone (an index scan), and only those
            # rows are joined: a deep offset then skips index entries instead of joined rows, and the
            # plan does not depend on the join's statistics.
            page = (
                select(pk)
                .where(and_(*conditions))
                .order_by(pk)
                .limit(bindparam("limit"))
                .offset(bindparam("offset"))
                .subquery("page")
            )
            return select(*columns).select_from(source.join(page, page.c[self.pk] == pk)).order_by(pk)
        statement = select(*columns).select_from(source).where(and_(*conditions)).order_by(pk)
        if paged:
            statement = statement.limit(bindparam("limit")).offset(bindparam("offset"))
        elif read_filter is not None and read_filter.first_only:
            statement = statement.limit(1)
        return statement

    def page_before_join(self, read_filter: ReadFilter | None) -> bool:
        """Whether a paged read may pick its page from the module's table before joining source()'s others.

        Only true when every filter of the read is on the module's own table (see _read_statement).
        """
        return False

    def filter_column(self, read_filter: ReadFilter) -> Any:
        return self.table.c[read_filter.column]

    def filter_condition(self, read_filter: ReadFilter) -> ColumnElement[bool]:
        """The condition a read filter puts on the rows: integer equality, else case-insensitive text equality."""
        column = self.filter_column(read_filter)
        if read_filter.whole_number:
            return column == filter_value_param()  # type: ignore[no-any-return]
        return func.lower(column) == func.lower(filter_value_param(String()))

    def read_variant(self, query: RecordQuery) -> tuple[Hashable, dict[str, Any]]:
        """Module conditions beyond filter and scope (e.g. a reply type): a hashable key naming the
        statement variant they need, and the values to bind for them."""
        return None, {}

    def variant_conditions(self, variant: Hashable) -> list[ColumnElement[bool]]:
        """The conditions of the statement variant that `read_variant` named."""
        return []

    def _prepared(self, key: tuple[Any, ...]) -> PreparedQuery:
        query = self._queries.get(key)
        if query is None:
            query = PreparedQuery(lambda dialect: self._read_statement(dialect, *key))
            self._queries[key] = query
        return query

    def filter_value(self, read_filter: ReadFilter, value: str) -> Any:
        """The value a text filter binds for what was asked (a module may normalise it)."""
        return value

    def read(self, session: Readable, scope: Scope, query: RecordQuery) -> list[WireRow]:
        """The rows the query asks for, as wire rows; [] when nothing matches."""
        read_filter, client_filter, page = query.read_filter, query.client_id, query.page
        if client_filter is not None and scope.client_id is not None and client_filter != scope.client_id:
            return []
        paged = read_filter is None or read_filter.paged
        if paged and page.limit == 0:
            return []
        variant, values = self.read_variant(query)
        values["company_id"] = scope.company_id
        if scope.client_id is not None:
            values["scope_client"] = scope.client_id
        if client_filter is not None:
            values["client_filter"] = client_filter
        if read_filter is not None:
            value = query.value
            values["value"] = self.filter_value(read_filter, value) if isinstance(value, str) else value
        if paged:
            values["limit"] = page.limit
            values["offset"] = page.offset
        prepared = self._prepared((read_filter, scope.client_id is not None, client_filter is not None, paged, variant))
        return self.finish_rows(session, scope, query, prepared.dicts(session, values))

    def finish_rows(self, session: Readable, scope: Scope, query: RecordQuery, rows: list[WireRow]) -> list[WireRow]:
        """A last pass over read rows (credentials decrypt here)."""
        return rows

    # ---- writes ------------------------------------------------------------------------------

    def column_length(self, column: str) -> int | None:
        kind = self.table.c[column].type
        return getattr(kind, "length", None)

    def target_client(self, scope: Scope, command: RecordWrite) -> int:
        """The client a write is for: the scope's own if it is limited to one, else the one named (0 if none)."""
        if scope.client_id is not None:
            return scope.client_id
        return command.client_id or 0

    def require_client(self, session: Session, scope: Scope, client_id: int) -> None:
        if client_id == 0:
            if self.client_required:
                raise OperationFailed("client_id is required for this module")
            return
        _, exists = _CLIENT_EXISTS.execute(session, {"company_id": scope.company_id, "client_id": client_id})
        if not exists:
            raise OperationFailed(f"client {client_id} does not exist")

    def before_create(self, session: Session, scope: Scope, values: dict[str, Any], command: RecordWrite) -> None:
        """Module rules before a create; raise OperationFailed to refuse it."""

    def after_create(self, session: Session, scope: Scope, row: Any, command: RecordWrite) -> None:
        """Module work after the row exists (it has its id)."""

    def before_update(
        self, session: Session, scope: Scope, row: Any, values: dict[str, Any], command: RecordWrite
    ) -> None:
        """Module rules before an update is applied to `row`."""

    def after_update(self, session: Session, scope: Scope, row: Any, command: RecordWrite) -> None:
        """Module work after an update."""

    def create(self, session: Session, scope: Scope, command: RecordWrite) -> int:
        """Creates one record from the fields sent (the others take their defaults); returns its id."""
        values: dict[str, Any] = dict(command.values)
        for spec in self.fields:
            if spec.required and not values.get(spec.column):
                raise OperationFailed(f"{spec.param} is required")
        for spec in self.fields:
            values.setdefault(spec.column, spec.create_default())
        if self.client_column is not None:
            client_id = self.target_client(scope, command)
            self.require_client(session, scope, client_id)
            values[self.client_column] = client_id
        self.before_create(session, scope, values, command)
        return self.insert(session, scope, values, command)

    def insert(self, session: Session, scope: Scope, values: dict[str, Any], command: RecordWrite) -> int:
        """Writes a new record and returns its id: through the ORM, then `after_create`. A module whose
        create is a hot path may write it with a prepared statement instead."""
        row = self.model(company_id=scope.company_id, **values)
        session.add(row)
        session.flush()
        self.after_create(session, scope, row, command)
        return int(getattr(row, self.pk))

    def load_for_write(self, session: Session, scope: Scope, command: RecordWrite) -> Any:
        """The record a write names, if it is the target client's; else OperationFailed."""
        record_id = command.record_id
        if not record_id:
            raise OperationFailed(f"{self.pk} is required")
        row = session.scalar(
            select(self.model).where(self.table.c.company_id == scope.company_id, self.table.c[self.pk] == record_id)
        )
        if row is None:
            raise OperationFailed(f"no {self.entity} with {self.pk} {record_id}")
        if self.client_column is not None:
            client_id = self.target_client(scope, command)
            if getattr(row, self.client_column) != client_id:
                raise OperationFailed(f"{self.entity} {record_id} does not belong to client {client_id}")
        elif scope.client_id is not None and record_id != scope.client_id:
            raise OperationFailed(f"client {record_id} is outside this key's scope")
        return row

    def update(self, session: Session, scope: Scope, command: RecordWrite) -> int:
        """Updates one record with the fields sent; absent fields keep their values. Returns 1."""
        row = self.load_for_write(session, scope, command)
        values: dict[str, Any] = dict(command.values)
        for spec in self.fields:
            if spec.required and spec.column in values and not values[spec.column]:
                raise InvalidInput(spec.param, f"{spec.param} cannot be empty.")
        self.before_update(session, scope, row, values, command)
        if assign(row, values):
            self.touch(row)
        session.flush()
        self.after_update(session, scope, row, command)
        return 1

    def touch(self, row: Any) -> None:
        stamp = f"{self.pk.removesuffix('_id')}_updated_at"
        if hasattr(row, stamp):
            setattr(row, stamp, utc_now())

    def delete(self, session: Session, scope: Scope, command: RecordWrite) -> int:
        row = self.load_for_write(session, scope, command)
        session.delete(row)
        session.flush()
        return 1

    def set_archived(self, session: Session, scope: Scope, command: RecordWrite, archived: bool) -> int:
        """Archives or unarchives one record; refused if it already is in that state."""
        if not self.archivable:
            raise OperationFailed(f"{self.name} cannot be archived")
        row = self.load_for_write(session, scope, command)
        stamp = f"{self.pk.removesuffix('_id')}_archived_at"
        if (getattr(row, stamp) is not None) == archived:
            raise OperationFailed(f"{self.entity} is {'already' if archived else 'not'} archived")
        setattr(row, stamp, utc_now() if archived else None)
        self.on_archive(session, scope, row, archived)
        session.flush()
        return 1

    def on_archive(self, session: Session, scope: Scope, row: Any, archived: bool) -> None:
        """Module work when a record is archived or unarchived."""


def assign(row: Any, values: dict[str, Any]) -> bool:
    """Sets the values that differ from the row's; True if any did (only then is it "updated")."""
    changed = False
    for column, value in values.items():
        if getattr(row, column) != value:
            setattr(row, column, value)
            changed = True
    return changed


# Every create with a client asks this: built and compiled once, run on the driver cursor.
_CLIENT_EXISTS = PreparedQuery(
    lambda _dialect: select(Client.client_id).where(
        Client.company_id == bindparam("company_id"), Client.client_id == bindparam("client_id")
    )
)


def deny_scoped(scope: Scope, what: str) -> None:
    if scope.client_id is not None:
        raise Refused(f"This API key is limited to one client and cannot {what}.")
