"""The generic record engine: one declarative Resource per ITFlow module, and the rules they share.

A module is described once (its table, id, client column, writable fields, read filters); reading,
creating, updating, deleting and archiving follow ITFlow's rules for every module alike. A module with
rules of its own (assets' primary interface, contacts' primary flag, credentials' encryption, tickets'
numbering) subclasses Resource and overrides the hooks.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
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
from flowsuite.itflow.context import KeyContext
from flowsuite.itflow.errors import OperationFailed, Refused
from flowsuite.itflow.models import Client
from flowsuite.itflow.params import Params, to_date, to_integer, to_money, to_text

FieldKind = Literal["text", "html", "int", "flag", "date", "money", "digits"]
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


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


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

    def read_variant(self, params: Params) -> tuple[Hashable, dict[str, Any]]:
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

    def choose_filter(self, params: Params) -> tuple[ReadFilter | None, Any]:
        """The first read filter present in the request, with its parsed value."""
        for read_filter in self.read_filters:
            raw = params.get(read_filter.param)
            if raw is None:
                continue
            if read_filter.whole_number:
                value = to_integer(read_filter.param, raw)
                if value is None:
                    raise InvalidInput(read_filter.param, f"{read_filter.param} must be a whole number.")
                return read_filter, value
            return read_filter, self.filter_value(read_filter, to_text(read_filter.param, raw) or "")
        return None, None

    def filter_value(self, read_filter: ReadFilter, value: str) -> Any:
        return value

    def read(self, session: Readable, key: KeyContext, params: Params, page: Page) -> list[WireRow]:
        """The rows the request asks for, as wire rows; [] when nothing matches."""
        read_filter, value = self.choose_filter(params)
        client_filter = to_integer("client_id", params.get("client_id"))
        if client_filter is not None and key.client_id is not None and client_filter != key.client_id:
            return []
        paged = read_filter is None or read_filter.paged
        if paged and page.limit == 0:
            return []
        variant, values = self.read_variant(params)
        values["company_id"] = key.company_id
        if key.client_id is not None:
            values["scope_client"] = key.client_id
        if client_filter is not None:
            values["client_filter"] = client_filter
        if read_filter is not None:
            values["value"] = value
        if paged:
            values["limit"] = page.limit
            values["offset"] = page.offset
        query = self._prepared((read_filter, key.client_id is not None, client_filter is not None, paged, variant))
        return self.finish_rows(session, key, params, query.dicts(session, values))

    def finish_rows(self, session: Readable, key: KeyContext, params: Params, rows: list[WireRow]) -> list[WireRow]:
        """A last pass over read rows (credentials decrypt here)."""
        return rows

    # ---- writes ------------------------------------------------------------------------------

    def column_length(self, column: str) -> int | None:
        kind = self.table.c[column].type
        return getattr(kind, "length", None)

    def parse_fields(self, params: Params, fields: Iterable[Field] | None = None) -> dict[str, Any]:
        """The writable fields present in the request, parsed; absent fields are left out.

        `fields` defaults to the module's own; a module passes others for a second table it writes
        (assets' primary interface).
        """
        values: dict[str, Any] = {}
        for spec in self.fields if fields is None else fields:
            raw = params.body.get(spec.param)
            if raw is None:
                raw = params.query.get(spec.param)
            if raw is None:
                continue
            values[spec.column] = self.parse_value(spec, raw)
        return values

    def parse_value(self, spec: Field, raw: Any) -> Any:
        name = spec.param
        if spec.kind in ("text", "html", "digits"):
            text = to_text(name, raw, strip=spec.kind != "html")
            assert text is not None
            if spec.kind == "digits":
                text = digits_only(text)
            if spec.transform is not None:
                text = spec.transform(text)
            limit = self.column_length(spec.column)
            if limit is not None and len(text) > limit:
                raise InvalidInput(name, f"{name} is too long (at most {limit} characters).")
            return text
        if spec.kind in ("int", "flag"):
            number = to_integer(name, raw)
            if spec.kind == "flag" and number is not None:
                return 1 if number else 0
            return number if number is not None else 0
        if spec.kind == "money":
            return to_money(name, raw)
        date = to_date(name, raw)
        return None if date == "" else date

    def target_client(self, key: KeyContext, params: Params) -> int:
        """The client a write is for: the key's own if it is scoped, else `client_id` (0 if absent)."""
        if key.client_id is not None:
            return key.client_id
        return to_integer("client_id", params.get("client_id")) or 0

    def require_client(self, session: Session, key: KeyContext, client_id: int) -> None:
        if client_id == 0:
            if self.client_required:
                raise OperationFailed("client_id is required for this module")
            return
        _, exists = _CLIENT_EXISTS.execute(session, {"company_id": key.company_id, "client_id": client_id})
        if not exists:
            raise OperationFailed(f"client {client_id} does not exist")

    def before_create(self, session: Session, key: KeyContext, values: dict[str, Any], params: Params) -> None:
        """Module rules before a create; raise OperationFailed to refuse it."""

    def after_create(self, session: Session, key: KeyContext, row: Any, params: Params) -> None:
        """Module work after the row exists (it has its id)."""

    def before_update(
        self, session: Session, key: KeyContext, row: Any, values: dict[str, Any], params: Params
    ) -> None:
        """Module rules before an update is applied to `row`."""

    def after_update(self, session: Session, key: KeyContext, row: Any, params: Params) -> None:
        """Module work after an update."""

    def create(self, session: Session, key: KeyContext, params: Params) -> int:
        """Creates one record; returns its id."""
        values = self.parse_fields(params)
        for spec in self.fields:
            if spec.required and not values.get(spec.column):
                raise OperationFailed(f"{spec.param} is required")
        for spec in self.fields:
            values.setdefault(spec.column, spec.create_default())
        if self.client_column is not None:
            client_id = self.target_client(key, params)
            self.require_client(session, key, client_id)
            values[self.client_column] = client_id
        self.before_create(session, key, values, params)
        record_id = self.insert(session, key, values, params)
        return record_id

    def insert(self, session: Session, key: KeyContext, values: dict[str, Any], params: Params) -> int:
        """Writes a new record and returns its id: through the ORM, then `after_create`. A module whose
        create is a hot path may write it with a prepared statement instead."""
        row = self.model(company_id=key.company_id, **values)
        session.add(row)
        session.flush()
        self.after_create(session, key, row, params)
        return int(getattr(row, self.pk))

    def load_for_write(self, session: Session, key: KeyContext, params: Params, id_param: str) -> Any:
        """The record a write names by `id_param`, if it is this client's; else OperationFailed."""
        record_id = to_integer(id_param, params.get(id_param))
        if not record_id:
            raise OperationFailed(f"{id_param} is required")
        row = session.scalar(
            select(self.model).where(self.table.c.company_id == key.company_id, self.table.c[self.pk] == record_id)
        )
        if row is None:
            raise OperationFailed(f"no {self.entity} with {id_param} {record_id}")
        if self.client_column is not None:
            client_id = self.target_client(key, params)
            if getattr(row, self.client_column) != client_id:
                raise OperationFailed(f"{self.entity} {record_id} does not belong to client {client_id}")
        elif key.client_id is not None and record_id != key.client_id:
            raise OperationFailed(f"client {record_id} is outside this key's scope")
        return row

    def update(self, session: Session, key: KeyContext, params: Params) -> int:
        """Updates one record with the fields sent; absent fields keep their values. Returns 1."""
        row = self.load_for_write(session, key, params, self.pk)
        values = self.parse_fields(params)
        for spec in self.fields:
            if spec.required and spec.column in values and not values[spec.column]:
                raise InvalidInput(spec.param, f"{spec.param} cannot be empty.")
        self.before_update(session, key, row, values, params)
        if assign(row, values):
            self.touch(row)
        session.flush()
        self.after_update(session, key, row, params)
        return 1

    def touch(self, row: Any) -> None:
        stamp = f"{self.pk.removesuffix('_id')}_updated_at"
        if hasattr(row, stamp):
            setattr(row, stamp, utc_now())

    def delete(self, session: Session, key: KeyContext, params: Params) -> int:
        row = self.load_for_write(session, key, params, self.pk)
        session.delete(row)
        session.flush()
        return 1

    def set_archived(self, session: Session, key: KeyContext, params: Params, archived: bool) -> int:
        """Archives or unarchives one record; refused if it already is in that state."""
        if not self.archivable:
            raise OperationFailed(f"{self.name} cannot be archived")
        row = self.load_for_write(session, key, params, self.pk)
        stamp = f"{self.pk.removesuffix('_id')}_archived_at"
        if (getattr(row, stamp) is not None) == archived:
            raise OperationFailed(f"{self.entity} is {'already' if archived else 'not'} archived")
        setattr(row, stamp, utc_now() if archived else None)
        self.on_archive(session, key, row, archived)
        session.flush()
        return 1

    def on_archive(self, session: Session, key: KeyContext, row: Any, archived: bool) -> None:
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


def deny_scoped(key: KeyContext, what: str) -> None:
    if key.client_id is not None:
        raise Refused(f"This API key is limited to one client and cannot {what}.")
