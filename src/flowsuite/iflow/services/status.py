"""users/get_today_status, get_tomorrow_status, get_next_work_day_status: who is at work, away, or yet to come.

A status is computed for one calendar day of the company's time zone. Four set-based queries (enabled
employees, the day's events, the plans touching the day, the day's live intervals) answer for the whole
company, so the cost grows with rows read, not with round trips per employee.
"""

from __future__ import annotations

import datetime as dt
import enum
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import Session

from flowsuite.core.db import ReadSession, utc_now
from flowsuite.iflow.calendar import is_working_day
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.models import (
    Employee,
    FreeDay,
    IFlowSettings,
    LiveAttendanceInterval,
    WorkScheduleInterval,
)
from flowsuite.iflow.services.activity import EventDays, EventRow, event_days, event_rows
from flowsuite.iflow.services.employees import company_zone
from flowsuite.iflow.services.schedule import plan_instants

# (id, full_name, cnp, mark_number) of an enabled employee.
EmployeeRow = Row[int, str, str | None, str | None]
DEFAULT_RESET_LIMIT_HOURS = 13
# How far ahead "next work day" may look; a company with a year of free days in a row is a data mistake.
LOOKAHEAD_DAYS = 366


@dataclass(frozen=True, slots=True)
class Asked:
    """The day asked about: its local midnights as naive UTC instants, and "now" when the day is today."""

    day: dt.date
    start: dt.datetime
    end: dt.datetime
    now: dt.datetime | None
    zone: zoneinfo.ZoneInfo
    # The UTC offset when it holds from the day before to the day after (no clock change near the asked
    # day): then every row converts by plain addition, sparing zoneinfo thousands of calls per request.
    plain_offset: dt.timedelta | None

    def local_hms(self, instant: dt.datetime) -> str:
        """A naive UTC instant as the local `HH:MM:SS`."""
        if self.plain_offset is not None:
            local = instant + self.plain_offset
        else:
            local = instant.replace(tzinfo=dt.UTC).astimezone(self.zone)
        return f"{local.hour:02d}:{local.minute:02d}:{local.second:02d}"

    def plan_instants(self, day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
        """A planned interval as naive UTC instants (see schedule.plan_instants)."""
        if self.plain_offset is None:
            return plan_instants(day, start, end, self.zone)
        begins = dt.datetime.combine(day, start) - self.plain_offset
        end_day = day if end > start else day + dt.timedelta(days=1)
        return begins, dt.datetime.combine(end_day, end) - self.plain_offset


@dataclass(slots=True)
class Worked:
    """One live interval as UTC instants; `check_out` is None while it is open."""

    check_in: dt.datetime
    check_out: dt.datetime | None


@dataclass(slots=True)
class Situation:
    """What is known of one employee on the asked day."""

    events: list[EventRow] = field(default_factory=list)
    plans: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    live: list[Worked] = field(default_factory=list)


class Attendance(enum.Enum):
    """What says who is at work today: their check-ins (live attendance), or their planned work."""

    LIVE = "live"
    SCHEDULE = "schedule"


@dataclass(frozen=True, slots=True)
class StatusQuery:
    """The command of the status services: which attendance decides who is at work (coming days have
    only the plan)."""

    attendance: Attendance = Attendance.LIVE


class Presence(enum.Enum):
    """Where an employee is on the asked day."""

    AT_WORK = "at_work"
    # Planned later today, not there yet.
    NOT_AT_WORK_YET = "not_at_work_yet"
    # Away for events (a whole-day leave, or a part-day one under way): EmployeeStatus.away_for.
    AWAY = "away"
    # Planned, absent, and no event keeps them away.
    MISSING = "missing"
    # Checked out (live attendance), or past the plan's end (the work schedule).
    LEFT_WORK = "left_work"
    # Nothing planned, and no event keeps them away.
    DAY_OFF = "day_off"


@dataclass(frozen=True, slots=True)
class EmployeeStatus:
    """One enabled employee on the asked day: where they are, the day's events (rejected ones left
    out), those keeping them away, and their live intervals (today with live attendance only)."""

    employee_id: int
    full_name: str
    cnp: str | None
    mark_number: str | None
    presence: Presence
    away_for: Sequence[EventRow]
    events: Sequence[EventRow]
    worked: Sequence[Worked]

    @property
    def at_work(self) -> bool:
        return self.presence is Presence.AT_WORK


@dataclass(frozen=True, slots=True)
class DayStatus:
    """Every enabled employee's status on the asked day, by name; `event_days` counts their events' days."""

    asked: Asked
    event_days: EventDays
    employees: list[EmployeeStatus]


def local_midnight(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), zone).astimezone(dt.UTC).replace(tzinfo=None)


def _plain_offset(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.timedelta | None:
    # Offsets never change twice within twelve hours, so sampling every twelve hours finds any change.
    offsets = {
        dt.datetime.combine(day + dt.timedelta(days=offset), dt.time(hour), zone).utcoffset()
        for offset in (-1, 0, 1, 2)
        for hour in (0, 12)
    }
    return offsets.pop() if len(offsets) == 1 else None


def asked_day(day: dt.date, zone: zoneinfo.ZoneInfo, now: dt.datetime | None) -> Asked:
    start, end = local_midnight(day, zone), local_midnight(day + dt.timedelta(days=1), zone)
    return Asked(day, start, end, now, zone, _plain_offset(day, zone))


def today_of(now: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.date:
    return now.replace(tzinfo=dt.UTC).astimezone(zone).date()


def next_work_day(after: dt.date, company_free_days: Iterable[dt.date]) -> dt.date:
    """The first day after `after` that is no weekend, national holiday or company free day."""
    free = set(company_free_days)
    day = after
    for _ in range(LOOKAHEAD_DAYS):
        day += dt.timedelta(days=1)
        if is_working_day(day, free):
            return day
    return day


# --- reading the day, one query per kind of row


def _employees(session: Session | ReadSession, ctx: IFlowContext, day: dt.date) -> Sequence[EmployeeRow]:
    # An employee disabled from a date on is still listed before that date (ours: the vendor is silent).
    return session.execute(
        select(Employee.id, Employee.full_name, Employee.cnp, Employee.mark_number)
        .where(
            Employee.company_id == ctx.company_id,
            Employee.is_enabled.is_(True),
            or_(Employee.disable_date.is_(None), Employee.disable_date > day),
        )
        .order_by(Employee.full_name, Employee.id)
    ).all()


def _plans(
    session: Session | ReadSession, ctx: IFlowContext, asked: Asked
) -> Iterable[tuple[int, tuple[dt.datetime, dt.datetime]]]:
    # Yesterday's plan is read too: a night shift planned from 22:00 runs into the asked day.
    rows = session.execute(
        select(
            WorkScheduleInterval.employee_id,
            WorkScheduleInterval.work_date,
            WorkScheduleInterval.start_time,
            WorkScheduleInterval.end_time,
        ).where(
            WorkScheduleInterval.company_id == ctx.company_id,
            WorkScheduleInterval.work_date.in_((asked.day - dt.timedelta(days=1), asked.day)),
        )
    )
    for employee_id, work_date, start, end in rows:
        begins, ends = asked.plan_instants(work_date, start, end)
        if begins < asked.end and ends > asked.start:
            yield employee_id, (begins, ends)


def _live(
    session: Session | ReadSession, ctx: IFlowContext, asked: Asked, limit: dt.timedelta
) -> Iterable[tuple[int, Worked]]:
    """Live intervals overlapping the asked day, an open one closed at check-in + limit once that has passed."""
    assert asked.now is not None
    rows = session.execute(
        select(
            LiveAttendanceInterval.employee_id, LiveAttendanceInterval.check_in_at, LiveAttendanceInterval.check_out_at
        )
        .where(
            LiveAttendanceInterval.company_id == ctx.company_id,
            LiveAttendanceInterval.check_in_at >= asked.start - limit,
            LiveAttendanceInterval.check_in_at < asked.end,
        )
        .order_by(LiveAttendanceInterval.check_in_at)
    )
    for employee_id, check_in, check_out in rows:
        if check_out is None and asked.now - check_in >= limit:
            check_out = check_in + limit
        if check_out is None or check_out > asked.start:
            yield employee_id, Worked(check_in, check_out)


def _situations(session: Session | ReadSession, ctx: IFlowContext, asked: Asked, live: bool) -> dict[int, Situation]:
    situations: defaultdict[int, Situation] = defaultdict(Situation)
    for row in event_rows(session, ctx, overlapping=(asked.day, asked.day), skip_rejected=True):
        situations[row.employee_id].events.append(row)
    for employee_id, plan in _plans(session, ctx, asked):
        situations[employee_id].plans.append(plan)
    if live:
        for employee_id, worked in _live(session, ctx, asked, _reset_limit(session, ctx)):
            situations[employee_id].live.append(worked)
    return situations


def _reset_limit(session: Session | ReadSession, ctx: IFlowContext) -> dt.timedelta:
    settings = session.get(IFlowSettings, ctx.company_id)
    hours = settings.checkin_reset_limit_hours if settings is not None else DEFAULT_RESET_LIMIT_HOURS
    return dt.timedelta(hours=hours)


# --- deciding the status


def _whole_day_event(situation: Situation) -> bool:
    return any(row.start_time is None for row in situation.events)


def away_events(situation: Situation, asked: Asked) -> list[EventRow]:
    """The events that keep the employee away: whole-day ones, and a part-day one (two hours off) only
    while it lasts; for a coming day, whole-day ones alone."""
    return [row for row in situation.events if row.start_time is None or _under_way(row, asked)]


def _under_way(row: EventRow, asked: Asked) -> bool:
    if asked.now is None:
        return False
    begins, ends = asked.plan_instants(asked.day, row.start_time, row.end_time)
    return begins <= asked.now < ends


def _presence(situation: Situation, asked: Asked, live: bool, away: list[EventRow]) -> Presence:
    """Where one employee is, given the events that keep them away (away_events)."""
    now = asked.now
    if now is None:  # a coming day: only the plan and the events say anything
        if situation.plans and not _whole_day_event(situation):
            return Presence.AT_WORK
        return _absence(situation, away, planned_later=False)
    if live:
        if any(worked.check_out is None for worked in situation.live):
            return Presence.AT_WORK
        if situation.live and not away:
            return Presence.LEFT_WORK
    elif any(begins <= now < ends for begins, ends in situation.plans) and not _whole_day_event(situation):
        return Presence.AT_WORK
    # A plan interval still to come (also after a break) means the employee is expected later today.
    planned_later = any(begins > now for begins, _ in situation.plans)
    if not live and situation.plans and not planned_later and not away:
        return Presence.LEFT_WORK
    return _absence(situation, away, planned_later)


def _absence(situation: Situation, away: list[EventRow], planned_later: bool) -> Presence:
    if away:
        return Presence.AWAY
    if planned_later:
        return Presence.NOT_AT_WORK_YET
    return Presence.MISSING if situation.plans else Presence.DAY_OFF


def _employee_status(employee: EmployeeRow, situation: Situation, asked: Asked, live: bool) -> EmployeeStatus:
    away = away_events(situation, asked)
    presence = _presence(situation, asked, live, away)
    return EmployeeStatus(
        employee.id,
        employee.full_name,
        employee.cnp,
        employee.mark_number,
        presence,
        away if presence is Presence.AWAY else (),
        situation.events,
        situation.live,
    )


def status_on(session: Session | ReadSession, ctx: IFlowContext, query: StatusQuery, asked: Asked) -> DayStatus:
    """Every enabled employee's status on the asked day; live attendance only exists for today."""
    live = query.attendance is Attendance.LIVE and asked.now is not None
    situations = _situations(session, ctx, asked, live)
    days = event_days(session, ctx, (row for situation in situations.values() for row in situation.events))
    empty = Situation()
    return DayStatus(
        asked,
        days,
        [
            _employee_status(employee, situations.get(employee.id, empty), asked, live)
            for employee in _employees(session, ctx, asked.day)
        ],
    )


def _company_free_days(session: Session | ReadSession, ctx: IFlowContext, after: dt.date) -> list[dt.date]:
    return list(
        session.scalars(
            select(FreeDay.day).where(
                FreeDay.company_id == ctx.company_id,
                FreeDay.day > after,
                FreeDay.day <= after + dt.timedelta(days=LOOKAHEAD_DAYS),
            )
        )
    )


def _status_service(
    pick: Callable[[Session | ReadSession, IFlowContext, dt.date], dt.date],
) -> Callable[[Session | ReadSession, IFlowContext, StatusQuery], DayStatus]:
    """A status service for the day `pick` chooses from today (the company's today)."""

    def service(session: Session | ReadSession, ctx: IFlowContext, query: StatusQuery) -> DayStatus:
        now = utc_now()
        zone = company_zone(session, ctx)
        today = today_of(now, zone)
        day = pick(session, ctx, today)
        return status_on(session, ctx, query, asked_day(day, zone, now if day == today else None))

    return service


today_status = _status_service(lambda session, ctx, today: today)
tomorrow_status = _status_service(lambda session, ctx, today: today + dt.timedelta(days=1))
next_work_day_status = _status_service(
    lambda session, ctx, today: next_work_day(today, _company_free_days(session, ctx, today))
)
