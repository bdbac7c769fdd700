"""events/add_event and events/set_approve_status: leaves and other events, and their approval."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from flowsuite.iflow import fields
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import Checks, FieldError, Reply, ValidationFailed
from flowsuite.iflow.fields import Form
from flowsuite.iflow.keys import ensure_company_setup
from flowsuite.iflow.models import APPROVE_STATUSES, Event, EventType
from flowsuite.iflow.services.employees import required_employee


def _event_type(session: Session, ctx: IFlowContext, form: Form, checks: Checks) -> EventType | None:
    code = fields.text(form, "event_type", checks, required=True, max_length=64)
    if not code:
        return None
    ensure_company_setup(session, ctx.company_id)
    found = session.scalar(select(EventType).where(EventType.company_id == ctx.company_id, EventType.code == code))
    if found is None:
        checks.fail("event_type", "event_type_exists")
    return found


def _when(form: Form, checks: Checks) -> tuple[dt.date, dt.date, dt.time | None, dt.time | None] | None:
    """(start_date, end_date, start_time, end_time): a date interval, or one day's time interval."""
    if "date" in form:
        if "start_date" in form or "end_date" in form:
            checks.fail("date", "one_of_forms")
            return None
        day = fields.date(form, "date", checks, required=True)
        start = fields.time(form, "start_time", checks, required=True)
        end = fields.time(form, "end_time", checks, required=True)
        if start is not None and end is not None and end <= start:
            checks.fail("end_time", "time_order", other="start_time")
        return None if day is None or start is None or end is None else (day, day, start, end)
    first = fields.date(form, "start_date", checks, required=True)
    last = fields.date(form, "end_date", checks, required=True)
    if first is not None and last is not None and last < first:
        checks.fail("end_date", "date_order", other="start_date")
    return None if first is None or last is None else (first, last, None, None)


def add_event(session: Session, ctx: IFlowContext, form: Form) -> Reply:
    """A new event; one whose type adds hours (overtime) must be a time interval."""
    checks = Checks()
    employee = required_employee(session, ctx, form, checks)
    event_type = _event_type(session, ctx, form, checks)
    when = _when(form, checks)
    status = fields.choice(form, "approve_status", checks, APPROVE_STATUSES) or "waiting"
    other_leave_type_name = fields.text(form, "other_leave_type_name", checks) or None
    reason_message = fields.text(form, "reason_message", checks, max_length=2000) or ""
    if event_type is not None and event_type.effect == "add" and when is not None and when[2] is None:
        # Whole days of overtime would have no hours to add: the report could only list them.
        checks.fail("event_type", "hours_needed")
    checks.raise_if_any()
    assert employee is not None and event_type is not None and when is not None

    start_date, end_date, start_time, end_time = when
    event = Event(
        company_id=ctx.company_id,
        employee_id=employee.id,
        event_type_id=event_type.id,
        start_date=start_date,
        end_date=end_date,
        start_time=start_time,
        end_time=end_time,
        approve_status=status,
        other_leave_type_name=other_leave_type_name,
        reason_message=reason_message,
    )
    session.add(event)
    session.flush()
    return Reply({"event_id": str(event.id)})


class ApproveStatus(enum.Enum):
    """Where an event stands in its approval; the values are the stored ones (APPROVE_STATUSES)."""

    APPROVED = "approved"
    NOT_APPROVED = "not_approved"
    WAITING = "waiting"
    PARTIALLY_APPROVED = "partially_approved"
    NOT_REQUIRED = "not_required"
    REQUEST_EDIT = "request_edit"


@dataclass(frozen=True, slots=True)
class SetApproveStatus:
    """Put one of the company's events in an approval status."""

    event_id: int
    status: ApproveStatus


@dataclass(frozen=True, slots=True)
class ApproveStatusSet:
    event_id: int
    status: ApproveStatus


def _event(session: Session, ctx: IFlowContext, event_id: int) -> Event | None:
    return session.scalar(select(Event).where(Event.company_id == ctx.company_id, Event.id == event_id))


def event_exists(session: Session, ctx: IFlowContext, event_id: int) -> bool:
    """Whether the company has an event of this id."""
    return _event(session, ctx, event_id) is not None


def set_approve_status(session: Session, ctx: IFlowContext, command: SetApproveStatus) -> ApproveStatusSet:
    """Sets the event's approval status; ValidationFailed (`event_id`/`event_exists`) when the company has
    no such event."""
    event = _event(session, ctx, command.event_id)
    if event is None:
        raise ValidationFailed([FieldError("event_id", "event_exists")])
    event.approve_status = command.status.value
    session.flush()
    return ApproveStatusSet(event.id, command.status)
