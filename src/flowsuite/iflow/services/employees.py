"""Finding a company's employees by the identifiers the wire uses."""

from __future__ import annotations

import zoneinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from flowsuite.core.db import ReadSession
from flowsuite.core.errors import NotFound
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import Checks
from flowsuite.iflow.fields import Form, integer, text
from flowsuite.iflow.models import Employee
from flowsuite.tenancy.models import Company
from flowsuite.tenancy.service import zone


def employee_by_id(session: Session, ctx: IFlowContext, user_id: int) -> Employee | None:
    return session.scalar(select(Employee).where(Employee.company_id == ctx.company_id, Employee.id == user_id))


def required_employee(session: Session, ctx: IFlowContext, form: Form, checks: Checks) -> Employee | None:
    """The employee named by `user_id` (failing `required` / `user_exists` otherwise)."""
    user_id = integer(form, "user_id", checks, required=True)
    if user_id is None:
        return None
    employee = employee_by_id(session, ctx, user_id)
    if employee is None:
        checks.fail("user_id", "user_exists")
    return employee


def employee_by_user_id_or_rfid(session: Session, ctx: IFlowContext, form: Form, checks: Checks) -> Employee | None:
    """The employee named by `user_id`, or else by `rfid_tag`; one of them is required."""
    if form.get("user_id") is not None or form.get("rfid_tag") is None:
        return required_employee(session, ctx, form, checks)
    tag = text(form, "rfid_tag", checks, required=True, max_length=64)
    if not tag:
        return None
    employee = session.scalar(
        select(Employee)
        .where(Employee.company_id == ctx.company_id, Employee.rfid_tag == tag)
        .order_by(Employee.id)
        .limit(1)
    )
    if employee is None:
        checks.fail("rfid_tag", "user_exists")
    return employee


def company_timezone(session: Session | ReadSession, company_id: int) -> str:
    """The name of the company's time zone (NotFound if the company is gone)."""
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound(f"Company {company_id} does not exist.")
    return company.timezone


def company_zone(session: Session | ReadSession, ctx: IFlowContext) -> zoneinfo.ZoneInfo:
    """The company's time zone, in which days, plans and replies' local times are reckoned."""
    return zone(company_timezone(session, ctx.company_id))
