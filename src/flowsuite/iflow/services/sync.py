"""user/sync: create or update one employee by CNP or ID card, as a payroll app pushes them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.ro import cnp as romanian_cnp

from flowsuite.iflow import fields
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import Checks, FieldError, Reply
from flowsuite.iflow.fields import Form
from flowsuite.iflow.keys import ensure_company_setup
from flowsuite.iflow.models import Employee, Team

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


def _team(session: Session, company_id: int, name: str) -> Team:
    """The company's team called `name`, created if missing."""
    team = session.scalar(select(Team).where(Team.company_id == company_id, Team.name == name))
    if team is None:
        team = Team(company_id=company_id, name=name)
        session.add(team)
        session.flush()
    return team


def _taken_by_another(session: Session, company_id: int, column: str, value: str, own_id: int | None) -> bool:
    found = session.scalar(
        select(Employee.id).where(Employee.company_id == company_id, getattr(Employee, column) == value)
    )
    return found is not None and found != own_id


def _wire_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def user_object(employee: Employee, team: Team) -> dict[str, str | None]:
    """The vendor's user object: every sync field, ids as strings, absent values null."""
    user = {name: _wire_value(getattr(employee, name)) for name in USER_FIELDS}
    user["user_id"] = str(employee.id)
    user["team_name"] = team.name
    return user


def sync_user(session: Session, ctx: IFlowContext, form: Form) -> Reply:
    """Updates the employee whose `update_by` field equals `update_by_value`, or creates one."""
    checks = Checks()
    update_by = fields.choice(form, "update_by", checks, UPDATE_BY, required=True)
    update_by_value = fields.text(form, "update_by_value", checks, required=True, max_length=32)
    team_name = fields.text(form, "team_name", checks)
    changes = _changes(form, checks, update_by, update_by_value)
    settings = ensure_company_setup(session, ctx.company_id)
    warnings: list[FieldError] = []
    cnp = changes.get("cnp")
    if cnp and not cnp_is_valid(cnp):
        (checks.errors if settings.strict_cnp else warnings).append(FieldError("cnp", "valid_cnp"))
    checks.raise_if_any()
    assert update_by is not None and update_by_value is not None  # checked above

    employee = session.scalar(
        select(Employee).where(Employee.company_id == ctx.company_id, getattr(Employee, update_by) == update_by_value)
    )
    if employee is None and not changes.get("full_name"):
        checks.fail("full_name", "required")
    for column in UPDATE_BY:
        value = changes.get(column)
        if value and _taken_by_another(session, ctx.company_id, column, value, employee.id if employee else None):
            checks.fail(column, "unique")
    checks.raise_if_any()

    created = employee is None
    if employee is None:
        team = _team(session, ctx.company_id, team_name or DEFAULT_TEAM_NAME)
        employee = Employee(company_id=ctx.company_id, team_id=team.id, daily_norm_hours=settings.daily_norm_hours)
        session.add(employee)
    elif team_name:
        team = _team(session, ctx.company_id, team_name)
        employee.team_id = team.id
    else:
        team = session.get_one(Team, employee.team_id)
    for column, value in changes.items():
        setattr(employee, column, value)
    session.flush()
    key = "new_user" if created else "updated_user"
    body: dict[str, object] = {
        "update_by": update_by,
        "update_by_value": update_by_value,
        key: user_object(employee, team),
    }
    return Reply(body, warnings)
