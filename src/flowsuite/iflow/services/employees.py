"""Finding a company's employees by their id or RFID tag, and the company's time zone."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from flowsuite.core.db import ReadSession
from flowsuite.core.errors import NotFound
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.models import Employee
from flowsuite.tenancy.models import Company
from flowsuite.tenancy.service import zone


def employee_by_id(session: Session, ctx: IFlowContext, user_id: int) -> Employee | None:
    return session.scalar(select(Employee).where(Employee.company_id == ctx.company_id, Employee.id == user_id))


@dataclass(frozen=True, slots=True)
class EmployeeRef:
    """An employee named by their id, or else by their RFID tag."""

    user_id: int | None = None
    rfid_tag: str | None = None

    @property
    def field_name(self) -> str:
        """The field that names the employee (refusals name it)."""
        return "user_id" if self.user_id is not None else "rfid_tag"


def employee_by_ref(session: Session, ctx: IFlowContext, ref: EmployeeRef) -> Employee | None:
    """The company's employee the reference names (the first by id holding the tag), or None."""
    if ref.user_id is not None:
        return employee_by_id(session, ctx, ref.user_id)
    return session.scalar(
        select(Employee)
        .where(Employee.company_id == ctx.company_id, Employee.rfid_tag == ref.rfid_tag)
        .order_by(Employee.id)
        .limit(1)
    )


def company_timezone(session: Session | ReadSession, company_id: int) -> str:
    """The name of the company's time zone (NotFound if the company is gone)."""
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound(f"Company {company_id} does not exist.")
    return company.timezone


def company_zone(session: Session | ReadSession, ctx: IFlowContext) -> zoneinfo.ZoneInfo:
    """The company's time zone, in which days, plans and replies' local times are reckoned."""
    return zone(company_timezone(session, ctx.company_id))
