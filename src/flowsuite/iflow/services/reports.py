"""The monthly report of every enabled employee (or of one): user/get_work_schedule, users/get_work_schedule,
and the console's timesheet and employee pages.

The month's data is read in four set-based queries (employees, free days, planned intervals, events), whatever
the number of employees, then handed to the pure totals engine (`flowsuite.iflow.totals`).

- Breaks: a plan with a break is stored as two intervals (`08:00-12:00,12:30-16:30`), so the break is the gap
  between them and counts for nothing; no other break rule applies.
- Events: only those whose approval counts (`COUNTING_STATUSES`) are read. Their type's effect decides what
  they do: `add` (overtime) adds its time interval, `subtract` (leaves) removes its time interval or whole
  days, `none` (delegation) changes nothing. An `add` event is always a time interval (events.add_event refuses
  whole days of it).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from flowsuite.core.db import ReadSession, execute_core
from flowsuite.iflow.calendar import MonthCalendar, month_calendar
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.models import Employee, Event, EventType, FreeDay, Team, WorkScheduleInterval
from flowsuite.iflow.services.employees import company_timezone
from flowsuite.iflow.totals import (
    COUNTING_STATUSES,
    DateRange,
    EmployeeMonth,
    EmployeeTotals,
    Interval,
    LeaveEvent,
    OvertimeEvent,
    monthly_totals,
)
from flowsuite.tenancy.service import zone

_ONE_DAY = dt.timedelta(days=1)

_Key = TypeVar("_Key", bound=Hashable)
_Value = TypeVar("_Value")


# ------------------------------------------------------------------------------------------------ the ask


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """A month's report: its year and month (None: the current one in the company's time zone), the totals
    to compute (names among totals.TOTAL_NAMES, checked), and one employee only, or else every enabled one."""

    year: int | None
    month: int | None
    totals: tuple[str, ...]
    employee_id: int | None = None


# ------------------------------------------------------------------------------------------ loading a month


@dataclass(frozen=True, slots=True)
class ReportedPerson:
    """Who a line of the report is about."""

    employee_id: int
    full_name: str
    cnp: str | None
    mark_number: str | None
    team_name: str


@dataclass(slots=True)
class _Staff:
    """One employee's identity and the engine inputs being gathered for them."""

    who: ReportedPerson
    daily_norm_hours: float
    schedule: list[Interval] = field(default_factory=list)
    overtime: list[OvertimeEvent] = field(default_factory=list)
    leaves: list[LeaveEvent] = field(default_factory=list)
    day_events: dict[dt.date, list[str]] = field(default_factory=dict)

    def month(self) -> EmployeeMonth:
        employee_id = str(self.who.employee_id)
        return EmployeeMonth(employee_id, self.schedule, self.overtime, self.leaves, self.daily_norm_hours)


def _memoized(make: Callable[[_Key], _Value]) -> Callable[[_Key], _Value]:
    """`make` with a cache: a month has 31 dates and a company a handful of shift times, shared by thousands
    of rows, so each distinct value is parsed (and each distinct interval built) once per report."""
    cache: dict[_Key, _Value] = {}

    def get(key: _Key) -> _Value:
        found = cache.get(key)
        if found is None:
            found = cache[key] = make(key)
        return found

    return get


def _as_date(value: str | dt.date) -> dt.date:
    # The date and time columns are read as their raw driver values: text on SQLite, objects on PostgreSQL.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _as_time(value: str | dt.time) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(value)


def _raw(column: Any) -> Any:
    """The column without its result conversion, which the memoized parsers above do far fewer times."""
    return type_coerce(column, String)


# The reads below select columns, never entities: on tens of thousands of rows the ORM's entity loading
# would cost more than the report's own work.


def _load_staff(session: Session | ReadSession, company_id: int, only: int | None) -> dict[int, _Staff]:
    query = (
        select(
            Employee.id, Employee.full_name, Employee.cnp, Employee.mark_number, Team.name, Employee.daily_norm_hours
        )
        .join(Team, Team.id == Employee.team_id)
        .where(Employee.company_id == company_id, Employee.is_enabled.is_(True))
        .order_by(Employee.id)
    )
    if only is not None:
        query = query.where(Employee.id == only)
    rows = execute_core(session, query)
    return {
        employee_id: _Staff(ReportedPerson(employee_id, name, cnp, mark, team), float(norm))
        for employee_id, name, cnp, mark, team, norm in rows
    }


def _load_free_days(session: Session | ReadSession, company_id: int, first: dt.date, last: dt.date) -> list[dt.date]:
    return list(
        session.scalars(select(FreeDay.day).where(FreeDay.company_id == company_id, FreeDay.day.between(first, last)))
    )


def _load_schedules(
    session: Session | ReadSession,
    company_id: int,
    staff: dict[int, _Staff],
    first: dt.date,
    last: dt.date,
    only: int | None,
) -> None:
    """Adds the planned intervals; the day before the month is read for a night shift that ends inside it."""
    plan = WorkScheduleInterval

    def interval(key: tuple[Any, Any, Any]) -> Interval:
        day, start, end = _as_date(key[0]), _as_time(key[1]), _as_time(key[2])
        # An end at or before the start is on the next day (a night shift).
        end_day = day if end > start else day + _ONE_DAY
        return Interval(dt.datetime.combine(day, start), dt.datetime.combine(end_day, end))

    intervals = _memoized(interval)
    query = select(plan.employee_id, _raw(plan.work_date), _raw(plan.start_time), _raw(plan.end_time)).where(
        plan.company_id == company_id, plan.work_date.between(first - _ONE_DAY, last)
    )
    rows = execute_core(session, query if only is None else query.where(plan.employee_id == only))
    for employee_id, day, start, end in rows:
        member = staff.get(employee_id)
        if member is not None:
            member.schedule.append(intervals((day, start, end)))


def _load_events(
    session: Session | ReadSession,
    company_id: int,
    staff: dict[int, _Staff],
    first: dt.date,
    last: dt.date,
    only: int | None,
) -> None:
    """Adds the counting events that touch the month: to the engine's inputs by effect, and to their days."""
    query = (
        select(
            Event.employee_id,
            _raw(Event.start_date),
            _raw(Event.end_date),
            _raw(Event.start_time),
            _raw(Event.end_time),
            Event.approve_status,
            EventType.code,
            EventType.effect,
        )
        .join(EventType, EventType.id == Event.event_type_id)
        .where(
            Event.company_id == company_id,
            Event.start_date <= last,
            Event.end_date >= first,
            Event.approve_status.in_(COUNTING_STATUSES),
        )
        .order_by(Event.start_date, Event.id)
    )
    rows = execute_core(session, query if only is None else query.where(Event.employee_id == only))
    dates = _memoized(_as_date)
    for employee_id, start_date, end_date, start_time, end_time, status, code, effect in rows:
        member = staff.get(employee_id)
        if member is None:
            continue
        span = _event_span(dates(start_date), dates(end_date), start_time, end_time)
        if effect == "add" and isinstance(span, Interval):
            member.overtime.append(OvertimeEvent(span, status))
        elif effect == "subtract":
            member.leaves.append(LeaveEvent(span, status))
        for day in _days(span, first, last):
            member.day_events.setdefault(day, []).append(code)


def _event_span(first: dt.date, last: dt.date, start: Any, end: Any) -> Interval | DateRange:
    """A time-interval event (one day, start < end) or a whole-days one."""
    if start is None or end is None:
        return DateRange(first, last)
    return Interval(dt.datetime.combine(first, _as_time(start)), dt.datetime.combine(first, _as_time(end)))


def _days(span: Interval | DateRange, first: dt.date, last: dt.date) -> Iterable[dt.date]:
    """The span's days inside the month."""
    if isinstance(span, Interval):
        return (span.start.date(),)
    day, end = max(span.first, first), min(span.last, last)
    return (day + dt.timedelta(days=offset) for offset in range((end - day).days + 1))


# ------------------------------------------------------------------------------------------------ the month


@dataclass(frozen=True, slots=True)
class ReportedEmployee:
    """One employee's line of the month: who, the engine's minutes and totals (hours by total name), and the
    codes of the counting events on each day."""

    who: ReportedPerson
    totals: EmployeeTotals
    day_events: dict[dt.date, list[str]]


@dataclass(frozen=True, slots=True)
class MonthReport:
    """The month's calendar (its year, month, days and their classes, free days) and its lines, by employee id."""

    calendar: MonthCalendar
    employees: list[ReportedEmployee]


def month_report(
    session: Session | ReadSession,
    company_id: int,
    year: int,
    month: int,
    totals: Iterable[str],
    time_zone: str,
    only: int | None = None,
) -> MonthReport:
    """Every enabled employee's month (or employee `only`'s) with the named totals (UnknownTotals if a name is
    not one of the 36)."""
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=31)).replace(day=1) - _ONE_DAY
    staff = _load_staff(session, company_id, only)
    calendar: MonthCalendar = month_calendar(year, month, _load_free_days(session, company_id, first, last), time_zone)
    _load_schedules(session, company_id, staff, first, last, only)
    _load_events(session, company_id, staff, first, last, only)
    members = list(staff.values())
    reports = monthly_totals(calendar, (member.month() for member in members), totals)
    return MonthReport(
        calendar,
        [
            ReportedEmployee(member.who, report, member.day_events)
            for member, report in zip(members, reports, strict=True)
        ],
    )


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a report is built (and while its reply is written).

    A report makes hundreds of thousands of small acyclic objects (rows, intervals, dicts), each of which
    triggers the collector's generation counts, and its full passes over them would cost a large share of a
    big report's time. Reference counting still frees them; cycles made meanwhile elsewhere in the process
    just wait for the collector to resume. Only the caller that paused it resumes it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def work_schedule(session: ReadSession, ctx: IFlowContext, request: ReportRequest) -> MonthReport:
    """The month the request asks (the current year or month, in the company's time zone, where it leaves
    one out) of every enabled employee, or of its one employee; UnknownTotals for a bad total name."""
    time_zone = company_timezone(session, ctx.company_id)
    year, month = request.year, request.month
    if year is None or month is None:
        today = dt.datetime.now(zone(time_zone)).date()
        year = today.year if year is None else year
        month = today.month if month is None else month
    with cyclic_gc_paused():
        return month_report(session, ctx.company_id, year, month, request.totals, time_zone, request.employee_id)
