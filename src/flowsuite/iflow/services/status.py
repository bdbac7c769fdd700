"""users/get_today_status, get_tomorrow_status, get_next_work_day_status: who is at work, away, or yet to come.

A status is computed for one calendar day of the company's time zone. Four set-based queries (enabled
employees, the day's events, the plans touching the day, the day's live intervals) answer for the whole
company, so the cost grows with rows read, not with round trips per employee.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import Session

from flowsuite.core.db import ReadSession, utc_now
from flowsuite.iflow import fields
from flowsuite.iflow.calendar import is_working_day
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import BareReply, Checks
from flowsuite.iflow.fields import Form
from flowsuite.iflow.messages import status_text
from flowsuite.iflow.models import (
    Employee,
    FreeDay,
    IFlowSettings,
    LiveAttendanceInterval,
    WorkScheduleInterval,
)
from flowsuite.iflow.services.activity import (
    EventDays,
    asked_language,
    event_days,
    event_object,
    event_rows,
    event_type_name,
)
from flowsuite.iflow.services.employees import company_zone
from flowsuite.iflow.services.schedule import plan_instants

ATTENDANCE_TYPES = ("live_attendance", "work_schedule")
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

    events: list[Row[Any]] = field(default_factory=list)
    plans: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    live: list[Worked] = field(default_factory=list)


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


def away_events(situation: Situation, asked: Asked) -> list[Row[Any]]:
    """The events that keep the employee away: whole-day ones, and a part-day one (two hours off) only
    while it lasts; for a coming day, whole-day ones alone."""
    return [row for row in situation.events if row.start_time is None or _under_way(row, asked)]


def _under_way(row: Row[Any], asked: Asked) -> bool:
    if asked.now is None:
        return False
    begins, ends = asked.plan_instants(asked.day, row.start_time, row.end_time)
    return begins <= asked.now < ends


def _status_key(situation: Situation, asked: Asked, live: bool) -> tuple[str, bool]:
    """(status key, at_work) of one employee; a key "missing" gets the away events' names appended."""
    now = asked.now
    away = away_events(situation, asked)
    if now is None:  # a coming day: only the plan and the events say anything
        at_work = bool(situation.plans) and not _whole_day_event(situation)
        return ("at_work", True) if at_work else _away(situation, away, planned_later=False)
    if live:
        if any(worked.check_out is None for worked in situation.live):
            return "at_work", True
        if situation.live and not away:
            return "left_work", False
    elif any(begins <= now < ends for begins, ends in situation.plans) and not _whole_day_event(situation):
        return "at_work", True
    # A plan interval still to come (also after a break) means the employee is expected later today.
    planned_later = any(begins > now for begins, _ in situation.plans)
    if not live and situation.plans and not planned_later and not away:
        return "left_work", False
    return _away(situation, away, planned_later)


def _away(situation: Situation, away: list[Row[Any]], planned_later: bool) -> tuple[str, bool]:
    if away:
        return "missing", False
    if planned_later:
        return "not_at_work_yet", False
    return ("missing", False) if situation.plans else ("day_off", False)


def _status_text(key: str, situation: Situation, asked: Asked, language: str) -> str:
    text = status_text(language, key)
    away = away_events(situation, asked)
    if key == "missing" and away:
        names = ", ".join(dict.fromkeys(event_type_name(row, language) for row in away))
        return f"{text}, {names}"
    return text


# --- rendering


def clock_text(seconds: int) -> str:
    """Seconds as the vendor's `HH:MM:SS`."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def live_attendance(live: list[Worked], asked: Asked) -> list[dict[str, str]]:
    """The intervals, then `{current_time, total_worked}`; an open interval counts nothing yet (as the seed)."""
    assert asked.now is not None
    items: list[dict[str, str]] = []
    total = 0
    for worked in live:
        seconds = 0 if worked.check_out is None else int((worked.check_out - worked.check_in).total_seconds())
        total += seconds
        check_out = "" if worked.check_out is None else asked.local_hms(worked.check_out)
        items.append(
            {
                "check_in": asked.local_hms(worked.check_in),
                "check_out": check_out,
                "worked": clock_text(seconds),
            }
        )
    items.append({"current_time": asked.local_hms(asked.now), "total_worked": clock_text(total)})
    return items


def _employee_object(
    employee: EmployeeRow,
    situation: Situation,
    asked: Asked,
    live: bool,
    language: str,
    days: EventDays,
) -> dict[str, object]:
    key, at_work = _status_key(situation, asked, live)
    item: dict[str, object] = {
        "status": _status_text(key, situation, asked, language),
        "at_work": at_work,
        "full_name": employee.full_name,
        "cnp": employee.cnp,
        "user_id": str(employee.id),
        "mark_number": employee.mark_number,
    }
    if situation.events:
        item["events"] = [
            event_object(row, language, days, placement=(position, asked.day))
            for position, row in enumerate(situation.events)
        ]
    if live and situation.live:
        item["live_attendance"] = live_attendance(situation.live, asked)
    return item


def _attendance_type(form: Form) -> str:
    checks = Checks()
    chosen = fields.choice(form, "attendance_type", checks, ATTENDANCE_TYPES)
    checks.raise_if_any()
    return chosen or "live_attendance"


def status_on(session: Session | ReadSession, ctx: IFlowContext, form: Form, asked: Asked) -> BareReply:
    """Every enabled employee's status on the asked day; live attendance only exists for today."""
    language = asked_language(form)
    live = _attendance_type(form) == "live_attendance" and asked.now is not None
    situations = _situations(session, ctx, asked, live)
    days = event_days(session, ctx, (row for situation in situations.values() for row in situation.events))
    empty = Situation()
    return BareReply(
        [
            _employee_object(employee, situations.get(employee.id, empty), asked, live, language, days)
            for employee in _employees(session, ctx, asked.day)
        ]
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
) -> Callable[[Session | ReadSession, IFlowContext, Form], BareReply]:
    """A status endpoint for the day `pick` chooses from today (the company's today)."""

    def service(session: Session | ReadSession, ctx: IFlowContext, form: Form) -> BareReply:
        now = utc_now()
        zone = company_zone(session, ctx)
        today = today_of(now, zone)
        day = pick(session, ctx, today)
        return status_on(session, ctx, form, asked_day(day, zone, now if day == today else None))

    return service


get_today_status = _status_service(lambda session, ctx, today: today)
get_tomorrow_status = _status_service(lambda session, ctx, today: today + dt.timedelta(days=1))
get_next_work_day_status = _status_service(
    lambda session, ctx, today: next_work_day(today, _company_free_days(session, ctx, today))
)
