"""user/clock: live attendance (check-in / check-out) pushed by another system."""

from __future__ import annotations

import datetime as dt
import enum
import zoneinfo
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from flowsuite.core.db import utc_now
from flowsuite.core.wiretext import PreparedQuery, PreparedWrite, insert_statement, timestamp_param, wire_text
from flowsuite.iflow import fields
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import FieldError, ValidationFailed
from flowsuite.iflow.keys import ensure_company_setup
from flowsuite.iflow.models import Employee, LiveAttendanceInterval
from flowsuite.iflow.services.employees import EmployeeRef, company_zone, employee_by_ref


class ClockAction(enum.Enum):
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"


@dataclass(frozen=True, slots=True)
class Clock:
    """Check an employee in or out at `at`: None for now, a naive time in the company's local time."""

    employee: EmployeeRef
    action: ClockAction
    at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Clocked:
    """The interval a clocking opened or closed (naive UTC instants), and the company's zone."""

    employee_id: int
    action: ClockAction
    check_in: dt.datetime
    check_out: dt.datetime | None
    zone: zoneinfo.ZoneInfo


def parse_datetime(value: str) -> dt.datetime | None:
    """An ISO 8601 date and time (naive when it carries no offset), or None for a malformed one."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if not fields.FIRST_YEAR <= parsed.year <= fields.LAST_YEAR:
        return None
    return parsed


def utc_instant(moment: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """A date and time as a naive UTC instant to the second; without an offset it is `tz`'s local time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True, slots=True)
class Scan:
    """One accepted clocking: who, what, when (a naive UTC instant), and where it came from."""

    company_id: int
    employee_id: int
    action: str
    instant: dt.datetime
    # "rfid", "api" or "admin".
    source: str
    device_id: int | None = None


def reset_limit(session: Session, company_id: int) -> dt.timedelta:
    """How long an interval may stay open before it counts as closed at check-in + limit."""
    return dt.timedelta(hours=ensure_company_setup(session, company_id).checkin_reset_limit_hours)


def lock_employee(session: Session, employee_id: int) -> None:
    """Makes concurrent scans of one person queue (PostgreSQL row lock), so each sees the other's interval.

    SQLite needs nothing: a write transaction holds the database's only write lock from its BEGIN.
    """
    if session.get_bind().dialect.name != "sqlite":
        session.execute(select(Employee.id).where(Employee.id == employee_id).with_for_update())


@dataclass(frozen=True, slots=True)
class OpenInterval:
    """An employee's interval without a check-out yet (at most one, by a unique partial index)."""

    id: int
    check_in_at: dt.datetime


def read_instant(value: str | dt.datetime) -> dt.datetime:
    """A timestamp as a prepared query returns it (wire text) as a naive UTC datetime."""
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


_INTERVALS = LiveAttendanceInterval.__table__
# Prepared statements on the driver cursor: a scan is the RFID terminals' hot path (issue 3: 1,000 req/s).
_OPEN_INTERVAL = PreparedQuery(
    lambda dialect: select(_INTERVALS.c.id, wire_text(_INTERVALS.c.check_in_at, dialect)).where(
        _INTERVALS.c.company_id == bindparam("company_id"),
        _INTERVALS.c.employee_id == bindparam("employee_id"),
        _INTERVALS.c.check_out_at.is_(None),
    )
)
_CLOSE_INTERVAL = PreparedWrite(
    lambda _dialect: (
        update(LiveAttendanceInterval)
        .where(LiveAttendanceInterval.id == bindparam("interval_id"))
        .values(check_out_at=bindparam("check_out_at"))
    )
)
_OPEN_NEW_INTERVAL = PreparedWrite(
    lambda _dialect: insert_statement(
        _INTERVALS,  # type: ignore[arg-type]
        ("company_id", "employee_id", "check_in_at", "source", "device_id"),
    )
)


_NEW_CLOSED_INTERVAL = PreparedWrite(
    lambda _dialect: insert_statement(
        _INTERVALS,  # type: ignore[arg-type]
        ("company_id", "employee_id", "check_in_at", "check_out_at", "source", "device_id"),
    )
)


def open_interval(session: Session, company_id: int, employee_id: int) -> OpenInterval | None:
    _, rows = _OPEN_INTERVAL.execute(session, {"company_id": company_id, "employee_id": employee_id})
    return OpenInterval(rows[0][0], read_instant(rows[0][1])) if rows else None


def _expired(interval: OpenInterval, instant: dt.datetime, limit: dt.timedelta) -> bool:
    return instant - interval.check_in_at >= limit


def decided_action(interval: OpenInterval | None, instant: dt.datetime, limit: dt.timedelta) -> str:
    """What a badge scan means: a check-out of a live open interval, otherwise a check-in."""
    return "check_out" if interval is not None and not _expired(interval, instant, limit) else "check_in"


def refused_scan(
    interval: OpenInterval | None, action: str, instant: dt.datetime, limit: dt.timedelta
) -> tuple[str, str] | None:
    """The (field, check) a scan fails, or None: the one rule set of every way of clocking."""
    if interval is not None and instant <= interval.check_in_at:
        return "time", "after_check_in"
    if action == "check_in" and interval is not None and not _expired(interval, instant, limit):
        return "action", "already_checked_in"
    if action == "check_out" and interval is None:
        return "action", "not_checked_in"
    return None


def _close(session: Session, interval: OpenInterval, at: dt.datetime) -> None:
    _CLOSE_INTERVAL.execute(session, {"interval_id": interval.id, "check_out_at": timestamp_param(at)})


def record_scan(
    session: Session, interval: OpenInterval | None, scan: Scan, limit: dt.timedelta
) -> tuple[dt.datetime, dt.datetime | None]:
    """Applies an accepted scan; returns the touched interval's check-in and check-out.

    A check-in first closes an expired open interval at its limit (the unique index allows one open).
    """
    if scan.action == "check_out":
        assert interval is not None
        check_out = min(scan.instant, interval.check_in_at + limit)
        _close(session, interval, check_out)
        return interval.check_in_at, check_out
    if interval is not None:
        _close(session, interval, interval.check_in_at + limit)
    values = {
        "company_id": scan.company_id,
        "employee_id": scan.employee_id,
        "check_in_at": timestamp_param(scan.instant),
        "source": scan.source,
        "device_id": scan.device_id,
    }
    _OPEN_NEW_INTERVAL.execute(session, values)
    return scan.instant, None


def record_pair(session: Session, check_in: Scan, check_out: dt.datetime) -> None:
    """Writes a whole interval at once: an accepted check-in and its check-out (a terminal's buffered pair)."""
    values = {
        "company_id": check_in.company_id,
        "employee_id": check_in.employee_id,
        "check_in_at": timestamp_param(check_in.instant),
        "check_out_at": timestamp_param(check_out),
        "source": check_in.source,
        "device_id": check_in.device_id,
    }
    _NEW_CLOSED_INTERVAL.execute(session, values)


def misplaced_check_in(session: Session, company_id: int, employee_id: int, instant: dt.datetime) -> str | None:
    """The check a check-in at `instant` (possibly in the past) fails against the recorded intervals, or None.

    It may not land inside a recorded interval (`inside_interval`) nor before a recorded check-in
    (`overlaps_interval`): the open interval it starts would run into that one. So one person's intervals
    never overlap and the open one is always the latest; filling a gap in the past is the offline batch's
    job (rfid_v2/offline_attendance), which stores whole pairs.
    """
    intervals = LiveAttendanceInterval
    mine = (intervals.company_id == company_id, intervals.employee_id == employee_id)
    inside = session.scalar(
        select(intervals.id).where(*mine, intervals.check_in_at < instant, intervals.check_out_at > instant).limit(1)
    )
    if inside is not None:
        return "inside_interval"
    later = session.scalar(select(intervals.id).where(*mine, intervals.check_in_at >= instant).limit(1))
    return None if later is None else "overlaps_interval"


def local_time(instant: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> str:
    """A naive UTC instant as the company's wall-clock `Y-m-d HH:MM:SS` ("" for none)."""
    if instant is None:
        return ""
    return instant.replace(tzinfo=dt.UTC).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def clock(session: Session, ctx: IFlowContext, command: Clock) -> Clocked:
    """Opens an interval (check_in) or closes the open one (check_out) at the command's time (default now).

    An interval open longer than the company's check-in reset limit counts as closed at check-in +
    limit: a new check-in after that is accepted, and a late check-out closes it at the limit. A check-in
    in the past must not fall inside or before a recorded interval (see misplaced_check_in). Refusals are
    ValidationFailed: no such employee (`user_exists` on the reference's field), `time`/`after_check_in`,
    `action`/`already_checked_in` or `not_checked_in`, `time`/`inside_interval` or `overlaps_interval`.
    """
    employee = employee_by_ref(session, ctx, command.employee)
    if employee is None:
        raise ValidationFailed([FieldError(command.employee.field_name, "user_exists")])
    tz = company_zone(session, ctx)
    instant = utc_now() if command.at is None else utc_instant(command.at, tz)
    action = command.action.value

    limit = reset_limit(session, ctx.company_id)
    lock_employee(session, employee.id)
    interval = open_interval(session, ctx.company_id, employee.id)
    refused = refused_scan(interval, action, instant, limit)
    if refused is not None:
        raise ValidationFailed([FieldError(*refused)])
    if command.action is ClockAction.CHECK_IN:
        misplaced = misplaced_check_in(session, ctx.company_id, employee.id, instant)
        if misplaced is not None:
            raise ValidationFailed([FieldError("time", misplaced)])

    scan = Scan(ctx.company_id, employee.id, action, instant, "api")
    check_in, check_out = record_scan(session, interval, scan, limit)
    return Clocked(employee.id, command.action, check_in, check_out, tz)
