"""user/sync: create or update one employee by CNP or ID card, as a payroll app pushes them.

The command (SyncEmployee) names the identifier to find the employee by and its value, and the changes as
typed values, only for the fields given: a field absent is kept, one given as None is cleared. The result
(Synced) says whether the employee was created or updated, with their values and any warnings.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict, cast

from sqlalchemy import CompoundSelect, Select, Table, bindparam, select, union_all, update
from sqlalchemy.orm import Session
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.ro import cnp as romanian_cnp

from flowsuite.core.db import utc_now
from flowsuite.core.errors import NotFound
from flowsuite.core.wiretext import PreparedQuery, PreparedWrite, Writable, insert_statement, timestamp_param
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import FieldError, ValidationFailed
from flowsuite.iflow.keys import ensure_company_setup
from flowsuite.iflow.models import Employee, IFlowSettings, Team

# A new employee synced without a team_name joins this team (every employee is in exactly one).
DEFAULT_TEAM_NAME = "General"

# Text fields of an employee and their column lengths, in the vendor's order.
TEXT_FIELDS = {
    "rfid_tag": 64,
    "cnp": 32,
    "id_card": 32,
    "id_card_issued_by": 200,
    "bank_account": 64,
    "job_title": 200,
    "mark_number": 64,
    "contract_number": 64,
    "section": 200,
    "address": 500,
    "city": 200,
    "county": 200,
    "phone_one": 64,
    "phone_two": 64,
}
DATE_FIELDS = ("disable_date", "id_card_issue_date", "birth_date", "employment_date")
# The identifier's value is as long as the longest identifier column.
IDENTIFIER_LENGTH = 32


class Identifier(enum.Enum):
    """The field an employee is found by; its value is the column's name."""

    CNP = "cnp"
    ID_CARD = "id_card"


class EmployeeChanges(TypedDict, total=False):
    """The fields a sync sets, only those given (None clears an optional one)."""

    full_name: str
    is_enabled: bool
    disable_date: dt.date | None
    rfid_tag: str | None
    cnp: str | None
    id_card: str | None
    id_card_issued_by: str | None
    id_card_issue_date: dt.date | None
    bank_account: str | None
    birth_date: dt.date | None
    employment_date: dt.date | None
    job_title: str | None
    mark_number: str | None
    contract_number: str | None
    section: str | None
    address: str | None
    city: str | None
    county: str | None
    phone_one: str | None
    phone_two: str | None


@dataclass(frozen=True, slots=True)
class SyncEmployee:
    """Create or update the company's employee whose `find_by` field equals `value`.

    A new employee gets `value` as that field unless `changes` sets it; `team_name` moves the employee to
    that team (created if need be), None keeps their team, or puts a new employee in DEFAULT_TEAM_NAME."""

    find_by: Identifier
    value: str
    changes: EmployeeChanges = field(default_factory=lambda: EmployeeChanges())
    team_name: str | None = None


@dataclass(frozen=True, slots=True)
class SyncPolicy:
    """The company's settings a sync applies: refuse an invalid CNP (else warn), and a new employee's norm."""

    strict_cnp: bool
    daily_norm_hours: int


class EmployeeRecord(EmployeeChanges):
    """An employee as a sync leaves them: every field a sync sets (all of them present), their id and their
    team. (A typed dict: user/sync's hot path makes it from the row it read, with no object built field by
    field.)"""

    id: int
    team_id: int
    team_name: str


@dataclass(frozen=True, slots=True)
class Synced:
    """What a sync did: created or updated the employee found by `find_by` = `value`, now `employee`;
    `warnings` are checks that failed without refusing it (an invalid CNP where the company only warns)."""

    created: bool
    find_by: Identifier
    value: str
    employee: EmployeeRecord
    warnings: list[FieldError] = field(default_factory=list)


# The columns of an employee a sync reads back (EmployeeRecord's, but the team's name).
_RECORD_COLUMNS = ("team_id", "full_name", "is_enabled", *TEXT_FIELDS, *DATE_FIELDS)


def cnp_is_valid(value: str) -> bool:
    """The CNP's check digit and the birth date it encodes are both right."""
    try:
        romanian_cnp.validate(value)
    except StdnumValidationError:
        return False
    return True


# user/sync is a payroll app's bulk path (issue 3: 500 req/s): its statements are built and compiled once
# and run on the driver cursor, and the result is made from the row read and the changes written.
_EMPLOYEES: Table = Employee.__table__  # type: ignore[assignment]
_TEAMS: Table = Team.__table__  # type: ignore[assignment]
_SETTINGS: Table = IFlowSettings.__table__  # type: ignore[assignment]

_SETTINGS_READ = PreparedQuery(
    lambda _dialect: select(_SETTINGS.c.strict_cnp, _SETTINGS.c.daily_norm_hours).where(
        _SETTINGS.c.company_id == bindparam("company_id")
    )
)


def _holders_query(columns: tuple[str, ...]) -> CompoundSelect[Any]:
    """Every employee of the company holding a CNP or ID card the sync searches by or sets (two values of
    each of `columns` at most: the value searched by and the one set), with their team's name: at most
    four rows, as the unique indexes allow one employee per value. One lookup per column, so each uses
    its (partial) unique index, which an OR of the two columns would not; a column with no value to look
    for is left out, so its lookup does not walk the company's index entries for NULL."""

    def holding(column: str) -> Select[Any]:
        return (
            select(_EMPLOYEES.c.id, *(_EMPLOYEES.c[name] for name in _RECORD_COLUMNS), _TEAMS.c.name.label("team_name"))
            .join_from(_EMPLOYEES, _TEAMS, _TEAMS.c.id == _EMPLOYEES.c.team_id)
            .where(
                _EMPLOYEES.c.company_id == bindparam("company_id"),
                _EMPLOYEES.c[column].in_([bindparam(f"{column}_searched"), bindparam(f"{column}_set")]),
            )
        )

    return union_all(*(holding(column) for column in columns))


def _holders_lookup(columns: tuple[str, ...]) -> PreparedQuery:
    return PreparedQuery(lambda _dialect: _holders_query(columns))


_IDENTIFIERS = tuple(identifier.value for identifier in Identifier)
# By the columns that have a value to look for (update_by's always has one).
_HOLDERS: dict[tuple[str, ...], PreparedQuery] = {
    columns: _holders_lookup(columns) for columns in (("cnp",), ("id_card",), _IDENTIFIERS)
}
_TEAM_ID = PreparedQuery(
    lambda _dialect: select(_TEAMS.c.id).where(
        _TEAMS.c.company_id == bindparam("company_id"), _TEAMS.c.name == bindparam("name")
    )
)
_NEW_TEAM = PreparedWrite(
    lambda _dialect: insert_statement(_TEAMS, ("company_id", "name", "created_at")).returning(_TEAMS.c.id)
)
# A new employee: every sync field bound (absent ones NULL), the team, the company's norm, the stamps.
_WRITTEN = ("full_name", "is_enabled", *TEXT_FIELDS, *DATE_FIELDS)
_NEW_EMPLOYEE = PreparedWrite(
    lambda _dialect: insert_statement(
        _EMPLOYEES, ("company_id", "team_id", "daily_norm_hours", "created_at", "updated_at", *_WRITTEN)
    ).returning(_EMPLOYEES.c.id)
)


@functools.lru_cache(maxsize=256)
def _employee_update(columns: tuple[str, ...]) -> PreparedWrite:
    """The UPDATE of these columns (and updated_at) of one employee; one per set of fields a client posts."""
    return PreparedWrite(
        lambda _dialect: (
            update(_EMPLOYEES)
            .where(_EMPLOYEES.c.id == bindparam("employee_id"))
            .values({name: bindparam(name) for name in (*columns, "updated_at")})
        )
    )


def _bound(value: Any) -> Any:
    """A value for the driver cursor, which applies no column types: dates as the ISO text SQLite stores
    (PostgreSQL casts it)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def sync_policy(connection: Writable, company_id: int) -> SyncPolicy:
    """The company's sync settings. An ORM session makes them on first use (the CSV import of a new company);
    over the API they exist already, made with the company's first iFlow key."""
    _, rows = _SETTINGS_READ.execute(connection, {"company_id": company_id})
    if not rows:
        if not isinstance(connection, Session):
            raise NotFound("This company has no iFlow settings yet: issue it an iFlow key first.")
        settings = ensure_company_setup(connection, company_id)
        return SyncPolicy(settings.strict_cnp, settings.daily_norm_hours)
    strict, norm = rows[0]
    return SyncPolicy(bool(strict), int(norm))


def _team_id(session: Writable, company_id: int, name: str) -> int:
    """The id of the company's team called `name`, created if missing."""
    _, rows = _TEAM_ID.execute(session, {"company_id": company_id, "name": name})
    if rows:
        return int(rows[0][0])
    created_at = timestamp_param(utc_now())
    _, rows = _NEW_TEAM.execute(session, {"company_id": company_id, "name": name, "created_at": created_at})
    return int(rows[0][0])


def _holders(
    session: Writable, company_id: int, find_by: str, value: str, changes: Mapping[str, Any]
) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"company_id": company_id}
    for column in _IDENTIFIERS:
        params[f"{column}_searched"] = value if column == find_by else None
        params[f"{column}_set"] = changes.get(column) or None
    columns = tuple(c for c in _IDENTIFIERS if params[f"{c}_searched"] is not None or params[f"{c}_set"] is not None)
    return _HOLDERS[columns].dicts(session, params)


def _record(values: dict[str, Any], team_name: str) -> EmployeeRecord:
    """The employee from a row the prepared statements read or wrote (a fresh dict, typed in place): the
    driver's SQLite dates are ISO text and its booleans integers."""
    for name in DATE_FIELDS:
        value = values[name]
        if value.__class__ is str:
            values[name] = dt.date.fromisoformat(value)
    values["is_enabled"] = bool(values["is_enabled"])
    values["team_name"] = team_name
    return cast(EmployeeRecord, values)


def sync_user(session: Writable, ctx: IFlowContext, command: SyncEmployee) -> Synced:
    """Updates the employee found by the command's identifier, or creates one; refuses (ValidationFailed)
    a new employee without a name, a blank name, a CNP or ID card another employee holds, and an invalid
    CNP where the company's policy is strict.

    The policy is the one the credential check read along (ctx.read_along), else the company's, read here."""
    policy = ctx.read_along if isinstance(ctx.read_along, SyncPolicy) else sync_policy(session, ctx.company_id)
    find_by, value = command.find_by.value, command.value
    changes: dict[str, Any] = dict(command.changes)
    if "full_name" in changes and not changes["full_name"]:
        raise ValidationFailed([FieldError("full_name", "not_empty")])
    # The identifier searched by is the employee's own, unless the command sets that field explicitly.
    if value and find_by not in changes:
        changes[find_by] = value
    warnings: list[FieldError] = []
    cnp = changes.get("cnp")
    if cnp and not cnp_is_valid(cnp):
        if policy.strict_cnp:
            raise ValidationFailed([FieldError("cnp", "valid_cnp")])
        warnings.append(FieldError("cnp", "valid_cnp"))

    holders = _holders(session, ctx.company_id, find_by, value, changes)
    employee = next((row for row in holders if row[find_by] == value), None)
    errors: list[FieldError] = []
    if employee is None and not changes.get("full_name"):
        errors.append(FieldError("full_name", "required"))
    own_id = employee["id"] if employee is not None else None
    for column in _IDENTIFIERS:
        held = changes.get(column)
        if held and any(row[column] == held and row["id"] != own_id for row in holders):
            errors.append(FieldError(column, "unique"))
    if errors:
        raise ValidationFailed(errors)

    now = timestamp_param(utc_now())
    team_name = command.team_name
    if employee is None:
        team_name = team_name or DEFAULT_TEAM_NAME
        written = {name: None for name in _WRITTEN} | {"is_enabled": True} | changes
        written |= {
            "team_id": _team_id(session, ctx.company_id, team_name),
            "daily_norm_hours": policy.daily_norm_hours,
        }
        params = {name: _bound(given) for name, given in written.items()}
        _, rows = _NEW_EMPLOYEE.execute(
            session, {**params, "company_id": ctx.company_id, "created_at": now, "updated_at": now}
        )
        del written["daily_norm_hours"]
        return Synced(True, command.find_by, value, _record({**written, "id": rows[0][0]}, team_name), warnings)
    if team_name:
        changes["team_id"] = _team_id(session, ctx.company_id, team_name)
    else:
        team_name = employee["team_name"]
    if changes:
        params = {name: _bound(given) for name, given in changes.items()}
        _employee_update(tuple(changes)).execute(session, {**params, "employee_id": employee["id"], "updated_at": now})
    return Synced(False, command.find_by, value, _record({**employee, **changes}, team_name), warnings)
