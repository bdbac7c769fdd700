"""user/clock: live attendance (check-in / check-out) pushed by another system."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from flowsuite.core.db import utc_now
from flowsuite.iflow import fields
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import Checks, Reply
from flowsuite.iflow.fields import Form
from flowsuite.iflow.keys import ensure_company_setup
from flowsuite.iflow.models import LiveAttendanceInterval
from flowsuite.iflow.services.employees import company_zone, employee_by_user_id_or_rfid

ACTIONS = ("check_in", "check_out")


def parse_instant(value: str, tz: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """An ISO 8601 date and time as a naive UTC instant; without an offset it is the company's local time."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if not fields.FIRST_YEAR <= parsed.year <= fields.LAST_YEAR:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)


def _local(instant: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> str:
    if instant is None:
        return ""
    return instant.replace(tzinfo=dt.UTC).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def clock(session: Session, ctx: IFlowContext, form: Form) -> Reply:
    """Opens an interval (check_in) or closes the open one (check_out) at `time` (default now).

    An interval open longer than the company's check-in reset limit counts as closed at check-in +
    limit: a new check-in after that is accepted, and a late check-out closes it at the limit.
    """
    checks = Checks()
    employee = employee_by_user_id_or_rfid(session, ctx, form, checks)
    action = fields.choice(form, "action", checks, ACTIONS, required=True)
    tz = company_zone(session, ctx)
    raw_time = fields.text(form, "time", checks, max_length=40)
    instant = utc_now() if not raw_time else parse_instant(raw_time, tz)
    if instant is None:
        checks.fail("time", "valid_datetime")
    checks.raise_if_any()
    assert employee is not None and action is not None and instant is not None

    limit = dt.timedelta(hours=ensure_company_setup(session, ctx.company_id).checkin_reset_limit_hours)
    interval = session.scalar(
        select(LiveAttendanceInterval).where(
            LiveAttendanceInterval.company_id == ctx.company_id,
            LiveAttendanceInterval.employee_id == employee.id,
            LiveAttendanceInterval.check_out_at.is_(None),
        )
    )
    if interval is not None and instant <= interval.check_in_at:
        checks.fail("time", "after_check_in")
    elif action == "check_in":
        if interval is not None and instant - interval.check_in_at < limit:
            checks.fail("action", "already_checked_in")
    elif interval is None:
        checks.fail("action", "not_checked_in")
    checks.raise_if_any()

    if action == "check_in":
        if interval is not None:
            interval.check_out_at = interval.check_in_at + limit
            session.flush()
        interval = LiveAttendanceInterval(
            company_id=ctx.company_id, employee_id=employee.id, check_in_at=instant, source="api"
        )
        session.add(interval)
    else:
        assert interval is not None
        interval.check_out_at = min(instant, interval.check_in_at + limit)
    session.flush()
    body: dict[str, object] = {
        "user_id": str(employee.id),
        "action": action,
        "check_in": _local(interval.check_in_at, tz),
        "check_out": _local(interval.check_out_at, tz),
    }
    return Reply(body)
