"""user/sync: create or update one employee by CNP or ID card, as a payroll app pushes them."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

from sqlalchemy import CompoundSelect, Select, Table, bindparam, select, union_all, update
from sqlalchemy.orm import Session
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.ro import cnp as romanian_cnp

from flowsuite.core.db import utc_now
from flowsuite.core.wiretext import PreparedQuery, PreparedWrite, insert_statement, timestamp_param
from flowsuite.iflow import fields
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import Checks, FieldError, Reply
from flowsuite.iflow.fields import Form
from flowsuite.iflow.keys import ensure_company_setup
from flowsuite.iflow.models import Employee, IFlowSettings, Team

UPDATE_BY = ("cnp", "id_card")
# A new employee synced without a team_name joins this team (every employee is in exactly one).
DEFAULT_TEAM_NAME = "General"

# Text fields of the sync and their column lengths, in the vendor's order.
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

# The reply's user object, in the vendor's sample order; user_id and team_name are ours, after it.
USER_FIELDS = (
    "team_id",
    "full_name",
    "is_enabled",
    "disable_date",
    "rfid_tag",
    "cnp",
    "id_card",
    "id_card_issued_by",
    "id_card_issue_date",
    "bank_account",
    "birth_date",
    "employment_date",
    "job_title",
    "mark_number",
    "contract_number",
    "section",
    "address",
    "city",
    "county",
    "phone_one",
    "phone_two",
)


def cnp_is_valid(value: str) -> bool:
    """The CNP's check digit and the birth date it encodes are both right."""
    try:
        romanian_cnp.validate(value)
    except StdnumValidationError:
        return False
    return True


def _changes(form: Form, checks: Checks, update_by: str | None, update_by_value: str | None) -> dict[str, Any]:
    """The columns the post sets: only the fields present in it (empty clears an optional one)."""
    changes: dict[str, Any] = {}
    if "full_name" in form:
        full_name = fields.text(form, "full_name", checks)
        if not full_name:
            checks.fail("full_name", "not_empty")
        changes["full_name"] = full_name
    for name, limit in TEXT_FIELDS.items():
        if name in form:
            changes[name] = fields.text(form, name, checks, max_length=limit) or None
    for name in DATE_FIELDS:
        if name in form:
            changes[name] = fields.date(form, name, checks)
    if "is_enabled" in form:
        enabled = fields.flag(form, "is_enabled", checks)
        if enabled is not None:
            changes["is_enabled"] = enabled
    # The identifier searched by is the employee's own, unless the post gives that field explicitly.
    if update_by is not None and update_by_value and update_by not in changes:
        changes[update_by] = update_by_value
    return changes


# user/sync is a payroll app's bulk path (issue 3: 500 req/s): its statements are built and compiled once
# and run on the driver cursor, and the reply is made from the row read and the changes written.
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
    each of `columns` at most: `update_by_value` and the posted field), with their team's name: at most
    four rows, as the unique indexes allow one employee per value. One lookup per column, so each uses
    its (partial) unique index, which an OR of the two columns would not; a column with no value to look
    for is left out, so its lookup does not walk the company's index entries for NULL."""

    def holding(column: str) -> Select[Any]:
        return (
            select(_EMPLOYEES.c.id, *(_EMPLOYEES.c[name] for name in USER_FIELDS), _TEAMS.c.name.label("team_name"))
            .join_from(_EMPLOYEES, _TEAMS, _TEAMS.c.id == _EMPLOYEES.c.team_id)
            .where(
                _EMPLOYEES.c.company_id == bindparam("company_id"),
                _EMPLOYEES.c[column].in_([bindparam(f"{column}_searched"), bindparam(f"{column}_set")]),
            )
        )

    return union_all(*(holding(column) for column in columns))


def _holders_lookup(columns: tuple[str, ...]) -> PreparedQuery:
    return PreparedQuery(lambda _dialect: _holders_query(columns))


# By the columns that have a value to look for (update_by's always has one).
_HOLDERS: dict[tuple[str, ...], PreparedQuery] = {
    columns: _holders_lookup(columns) for columns in (("cnp",), ("id_card",), UPDATE_BY)
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


def _settings(session: Session, company_id: int) -> tuple[bool, int]:
    """The company's strict-CNP setting and daily norm (its iFlow settings made on first use)."""
    _, rows = _SETTINGS_READ.execute(session, {"company_id": company_id})
    if not rows:
        settings = ensure_company_setup(session, company_id)
        return settings.strict_cnp, settings.daily_norm_hours
    strict, norm = rows[0]
    return bool(strict), int(norm)


def _team_id(session: Session, company_id: int, name: str) -> int:
    """The id of the company's team called `name`, created if missing."""
    _, rows = _TEAM_ID.execute(session, {"company_id": company_id, "name": name})
    if rows:
        return int(rows[0][0])
    created_at = timestamp_param(utc_now())
    _, rows = _NEW_TEAM.execute(session, {"company_id": company_id, "name": name, "created_at": created_at})
    return int(rows[0][0])


def _holders(
    session: Session, company_id: int, update_by: str, update_by_value: str, changes: dict[str, Any]
) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"company_id": company_id}
    for column in UPDATE_BY:
        params[f"{column}_searched"] = update_by_value if column == update_by else None
        params[f"{column}_set"] = changes.get(column) or None
    columns = tuple(c for c in UPDATE_BY if params[f"{c}_searched"] is not None or params[f"{c}_set"] is not None)
    return _HOLDERS[columns].dicts(session, params)


def _wire_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def user_object(employee: Mapping[str, Any], team_name: str) -> dict[str, str | None]:
    """The vendor's user object: every sync field, ids as strings, absent values null."""
    user = {name: _wire_value(employee.get(name)) for name in USER_FIELDS}
    user["user_id"] = str(employee["id"])
    user["team_name"] = team_name
    return user


def sync_user(session: Session, ctx: IFlowContext, form: Form) -> Reply:
    """Updates the employee whose `update_by` field equals `update_by_value`, or creates one."""
    checks = Checks()
    update_by = fields.choice(form, "update_by", checks, UPDATE_BY, required=True)
    update_by_value = fields.text(form, "update_by_value", checks, required=True, max_length=32)
    team_name = fields.text(form, "team_name", checks)
    changes = _changes(form, checks, update_by, update_by_value)
    strict_cnp, daily_norm_hours = _settings(session, ctx.company_id)
    warnings: list[FieldError] = []
    cnp = changes.get("cnp")
    if cnp and not cnp_is_valid(cnp):
        (checks.errors if strict_cnp else warnings).append(FieldError("cnp", "valid_cnp"))
    checks.raise_if_any()
    assert update_by is not None and update_by_value is not None  # checked above

    holders = _holders(session, ctx.company_id, update_by, update_by_value, changes)
    employee = next((row for row in holders if row[update_by] == update_by_value), None)
    if employee is None and not changes.get("full_name"):
        checks.fail("full_name", "required")
    own_id = employee["id"] if employee is not None else None
    for column in UPDATE_BY:
        value = changes.get(column)
        if value and any(row[column] == value and row["id"] != own_id for row in holders):
            checks.fail(column, "unique")
    checks.raise_if_any()

    now = timestamp_param(utc_now())
    if employee is None:
        team_name = team_name or DEFAULT_TEAM_NAME
        written = {name: None for name in _WRITTEN} | {"is_enabled": True} | changes
        written |= {"team_id": _team_id(session, ctx.company_id, team_name), "daily_norm_hours": daily_norm_hours}
        params = {name: _bound(value) for name, value in written.items()}
        _, rows = _NEW_EMPLOYEE.execute(
            session, {**params, "company_id": ctx.company_id, "created_at": now, "updated_at": now}
        )
        employee, key = {**written, "id": rows[0][0]}, "new_user"
    else:
        if team_name:
            changes["team_id"] = _team_id(session, ctx.company_id, team_name)
        else:
            team_name = employee["team_name"]
        if changes:
            params = {name: _bound(value) for name, value in changes.items()}
            _employee_update(tuple(changes)).execute(
                session, {**params, "employee_id": employee["id"], "updated_at": now}
            )
        employee, key = {**employee, **changes}, "updated_user"
    body: dict[str, object] = {
        "update_by": update_by,
        "update_by_value": update_by_value,
        key: user_object(employee, team_name),
    }
    return Reply(body, warnings)
