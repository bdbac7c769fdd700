"""user/set_work_schedule: replace one employee's planned intervals for one day."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from flowsuite.iflow import fields
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import FieldError, ValidationFailed
from flowsuite.iflow.models import WorkScheduleInterval
from flowsuite.iflow.services.employees import company_zone, employee_by_id

_INTERVAL = re.compile(r"(\d{2}:\d{2})-(\d{2}:\d{2})")
MINUTES_A_DAY = 24 * 60
# A planned interval as local wall-clock times: an end at or before its start is on the next day.
Interval = tuple[dt.time, dt.time]


@dataclass(frozen=True, slots=True)
class PlanDay:
    """Replace the employee's planned intervals of `day` (none: nothing planned), in order and not
    overlapping (parse_intervals)."""

    employee_id: int
    day: dt.date
    intervals: list[Interval]


@dataclass(frozen=True, slots=True)
class DayPlanned:
    """The day's plan as set, and the hours it really lasts (planned_hours)."""

    employee_id: int
    day: dt.date
    intervals: list[Interval]
    planned_hours: float


def parse_intervals(value: str) -> list[Interval] | None:
    """`08:00-12:00,22:00-06:00` as (start, end) pairs in order; None if malformed or overlapping.

    An end at or before its start is on the next day; no two intervals may overlap, counting that.
    """
    intervals: list[Interval] = []
    for part in value.split(","):
        match = _INTERVAL.fullmatch(part.strip())
        start = fields.parse_time(match.group(1)) if match else None
        end = fields.parse_time(match.group(2)) if match else None
        if start is None or end is None or start == end:
            return None
        intervals.append((start, end))
    intervals.sort()
    previous_end = -1
    for start, end in intervals:
        start_minute, end_minute = _minute(start), _minute(end)
        if end_minute <= start_minute:
            end_minute += MINUTES_A_DAY
        if start_minute < previous_end:
            return None
        previous_end = end_minute
    return intervals


def _minute(time: dt.time) -> int:
    return time.hour * 60 + time.minute


def plan_instants(day: dt.date, start: dt.time, end: dt.time, tz: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """A planned interval of `day` as naive UTC instants; an end at or before the start is on the next day."""
    end_day = day if end > start else day + dt.timedelta(days=1)
    begins = dt.datetime.combine(day, start, tz).astimezone(dt.UTC).replace(tzinfo=None)
    ends = dt.datetime.combine(end_day, end, tz).astimezone(dt.UTC).replace(tzinfo=None)
    return begins, ends


def planned_hours(day: dt.date, intervals: list[Interval], tz: zoneinfo.ZoneInfo) -> float:
    """Hours the plan really lasts: a night when the clocks change has 23 or 25 hours."""
    seconds = 0.0
    for start, end in intervals:
        begins, ends = plan_instants(day, start, end, tz)
        seconds += (ends - begins).total_seconds()
    return round(seconds / 3600, 2)


def set_work_schedule(session: Session, ctx: IFlowContext, command: PlanDay) -> DayPlanned:
    """Replaces the day's plan; ValidationFailed (`user_id`/`user_exists`) for no such employee."""
    employee = employee_by_id(session, ctx, command.employee_id)
    if employee is None:
        raise ValidationFailed([FieldError("user_id", "user_exists")])
    day, intervals = command.day, command.intervals
    session.execute(
        delete(WorkScheduleInterval).where(
            WorkScheduleInterval.company_id == ctx.company_id,
            WorkScheduleInterval.employee_id == employee.id,
            WorkScheduleInterval.work_date == day,
        )
    )
    for start, end in intervals:
        session.add(
            WorkScheduleInterval(
                company_id=ctx.company_id, employee_id=employee.id, work_date=day, start_time=start, end_time=end
            )
        )
    session.flush()
    return DayPlanned(employee.id, day, intervals, planned_hours(day, intervals, company_zone(session, ctx)))
