"""An employee's month on one page: plans, clocked intervals, hours per day, and events to approve."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from flowsuite.admin.services.timesheet import event_kinds
from flowsuite.core.errors import NotFound
from flowsuite.iflow.calendar import DayClass
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import ValidationFailed
from flowsuite.iflow.messages import check_message
from flowsuite.iflow.models import Employee, LiveAttendanceInterval, Team, WorkScheduleInterval
from flowsuite.iflow.services import events
from flowsuite.iflow.services.activity import Filters, event_rows, event_type_name
from flowsuite.iflow.services.events import ApproveStatus, SetApproveStatus
from flowsuite.iflow.services.reports import month_report
from flowsuite.iflow.totals import hours
from flowsuite.tenancy.service import zone

# What a person can decide in the console (the others are set by the API or by iFlow's own flow).
DECISIONS = {"approved": ApproveStatus.APPROVED, "not_approved": ApproveStatus.NOT_APPROVED}


@dataclass(frozen=True, slots=True)
class Day:
    day: dt.date
    mark: str
    planned: list[str]
    clocked: list[str]
    regular: float
    overtime: float
    events: list[str]


@dataclass(frozen=True, slots=True)
class EventLine:
    id: int
    type_name: str
    color: str
    when: str
    status: str
    other_leave_type_name: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class EmployeeMonthPage:
    employee: dict[str, Any]
    year: int
    month: int
    days: list[Day]
    totals: dict[str, float]
    events: list[EventLine]


def _employee(session: Session, company_id: int, employee_id: int) -> dict[str, Any]:
    row = session.execute(
        select(Employee, Team.name)
        .join(Team, Team.id == Employee.team_id)
        .where(Employee.company_id == company_id, Employee.id == employee_id)
    ).first()
    if row is None:
        raise NotFound(f"No employee with id {employee_id}.")
    employee, team = row
    return {
        "id": employee.id,
        "full_name": employee.full_name,
        "team_name": team,
        "mark_number": employee.mark_number,
        "job_title": employee.job_title,
        "is_enabled": employee.is_enabled,
        "daily_norm_hours": employee.daily_norm_hours,
    }


def _plans(
    session: Session, company_id: int, employee_id: int, first: dt.date, last: dt.date
) -> dict[dt.date, list[str]]:
    plans: dict[dt.date, list[str]] = {}
    rows = session.execute(
        select(WorkScheduleInterval.work_date, WorkScheduleInterval.start_time, WorkScheduleInterval.end_time)
        .where(
            WorkScheduleInterval.company_id == company_id,
            WorkScheduleInterval.employee_id == employee_id,
            WorkScheduleInterval.work_date.between(first, last),
        )
        .order_by(WorkScheduleInterval.work_date, WorkScheduleInterval.start_time)
    )
    for day, start, end in rows:
        plans.setdefault(day, []).append(f"{start:%H:%M}–{end:%H:%M}")
    return plans


def _clocked(
    session: Session, company_id: int, employee_id: int, first: dt.date, last: dt.date, time_zone: str
) -> dict[dt.date, list[str]]:
    """Clocked intervals by the local day they began, in local time (an open one ends "now")."""
    tz = zone(time_zone)
    start = dt.datetime.combine(first, dt.time(), tz).astimezone(dt.UTC).replace(tzinfo=None)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz).astimezone(dt.UTC).replace(tzinfo=None)
    clocked: dict[dt.date, list[str]] = {}
    rows = session.execute(
        select(LiveAttendanceInterval.check_in_at, LiveAttendanceInterval.check_out_at)
        .where(
            LiveAttendanceInterval.company_id == company_id,
            LiveAttendanceInterval.employee_id == employee_id,
            LiveAttendanceInterval.check_in_at >= start,
            LiveAttendanceInterval.check_in_at < end,
        )
        .order_by(LiveAttendanceInterval.check_in_at)
    )
    for check_in, check_out in rows:
        local_in = check_in.replace(tzinfo=dt.UTC).astimezone(tz)
        local_out = "now" if check_out is None else f"{check_out.replace(tzinfo=dt.UTC).astimezone(tz):%H:%M}"
        clocked.setdefault(local_in.date(), []).append(f"{local_in:%H:%M}–{local_out}")
    return clocked


def _event_line(row: Row[Any]) -> EventLine:
    if row.start_time is not None:
        when = f"{row.start_date:%Y-%m-%d} {row.start_time:%H:%M}–{row.end_time:%H:%M}"
    elif row.start_date == row.end_date:
        when = f"{row.start_date:%Y-%m-%d}"
    else:
        when = f"{row.start_date:%Y-%m-%d} – {row.end_date:%Y-%m-%d}"
    return EventLine(
        row.id,
        event_type_name(row, "en_US"),
        row.color,
        when,
        row.approve_status,
        row.other_leave_type_name,
        row.reason_message or "",
    )


def employee_month(
    session: Session, company_id: int, time_zone: str, employee_id: int, year: int, month: int
) -> EmployeeMonthPage:
    """The employee's month (NotFound for an employee of another company or none)."""
    employee = _employee(session, company_id, employee_id)
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    report = month_report(session, company_id, year, month, ("regular", "overtime", "total"), time_zone, employee_id)
    worked = report.employees[0] if report.employees else None
    plans = _plans(session, company_id, employee_id, first, last)
    clocked = _clocked(session, company_id, employee_id, first, last, time_zone)
    marks = {DayClass.WEEKEND: "weekend", DayClass.HOLIDAY: "holiday"}
    names = event_kinds(session, company_id).names
    days = []
    for day, day_class in zip(report.calendar.days, report.calendar.day_classes, strict=True):
        minutes = worked.totals.minutes.days.get(day) if worked else None
        days.append(
            Day(
                day,
                marks.get(day_class, ""),
                plans.get(day, []),
                clocked.get(day, []),
                hours(minutes.regular) if minutes else 0.0,
                hours(minutes.overtime) if minutes else 0.0,
                [names.get(code, code) for code in worked.day_events.get(day, [])] if worked else [],
            )
        )
    ctx = IFlowContext(company_id, None, "console")
    rows = event_rows(session, ctx, filters=Filters(user_ids=(employee_id,), overlapping=(first, last)))
    totals = worked.totals.totals if worked else {"regular": 0.0, "overtime": 0.0, "total": 0.0}
    return EmployeeMonthPage(employee, year, month, days, totals, [_event_line(row) for row in rows])


def decide_event(session: Session, company_id: int, event_id: int, decision: str) -> None:
    """Approves or rejects one of the company's events, with the API's own rule and messages."""
    status = DECISIONS.get(decision)
    if status is None:
        raise NotFound(f"Unknown decision: {decision}.")
    try:
        events.set_approve_status(
            session, IFlowContext(company_id, None, "console"), SetApproveStatus(event_id, status)
        )
    except ValidationFailed as failed:
        raise NotFound(
            "; ".join(check_message("en_US", e.check_name, e.field_name, e.values) for e in failed.errors)
        ) from failed
