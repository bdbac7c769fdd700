"""events/add_event and events/set_approve_status: leaves and other events, and their approval."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import FieldError, ValidationFailed
from flowsuite.iflow.keys import ensure_company_setup
from flowsuite.iflow.models import Event, EventType
from flowsuite.iflow.services.employees import employee_by_id


class ApproveStatus(enum.Enum):
    """Where an event stands in its approval; the values are the stored ones (APPROVE_STATUSES)."""

    APPROVED = "approved"
    NOT_APPROVED = "not_approved"
    WAITING = "waiting"
    PARTIALLY_APPROVED = "partially_approved"
    NOT_REQUIRED = "not_required"
    REQUEST_EDIT = "request_edit"


@dataclass(frozen=True, slots=True)
class EventSpan:
    """When an event is: whole days from `start_date` to `end_date`, or one day's time interval (local
    wall-clock times, `end_time` after `start_time`)."""

    start_date: dt.date
    end_date: dt.date
    start_time: dt.time | None = None
    end_time: dt.time | None = None

    @property
    def whole_days(self) -> bool:
        return self.start_time is None


@dataclass(frozen=True, slots=True)
class AddEvent:
    """Record an event of the type whose code is `event_type` for the employee."""

    employee_id: int
    event_type: str
    span: EventSpan
    status: ApproveStatus = ApproveStatus.WAITING
    other_leave_type_name: str | None = None
    reason_message: str = ""


@dataclass(frozen=True, slots=True)
class EventAdded:
    event_id: int


def event_type_by_code(session: Session, ctx: IFlowContext, code: str) -> EventType | None:
    """The company's event type of this code (its built-in types made on first use)."""
    ensure_company_setup(session, ctx.company_id)
    return session.scalar(select(EventType).where(EventType.company_id == ctx.company_id, EventType.code == code))


def needs_hours(event_type: EventType, span: EventSpan) -> bool:
    """Whole days of a type that adds hours (overtime) would have no hours to add: the report could only
    list them."""
    return event_type.effect == "add" and span.whole_days


def add_event(session: Session, ctx: IFlowContext, command: AddEvent) -> EventAdded:
    """A new event; ValidationFailed for no such employee (`user_id`/`user_exists`) or event type
    (`event_type`/`event_type_exists`), or whole days of a type that adds hours (`event_type`/`hours_needed`)."""
    errors: list[FieldError] = []
    employee = employee_by_id(session, ctx, command.employee_id)
    if employee is None:
        errors.append(FieldError("user_id", "user_exists"))
    event_type = event_type_by_code(session, ctx, command.event_type)
    if event_type is None:
        errors.append(FieldError("event_type", "event_type_exists"))
    elif needs_hours(event_type, command.span):
        errors.append(FieldError("event_type", "hours_needed"))
    if errors:
        raise ValidationFailed(errors)
    assert employee is not None and event_type is not None

    span = command.span
    event = Event(
        company_id=ctx.company_id,
        employee_id=employee.id,
        event_type_id=event_type.id,
        start_date=span.start_date,
        end_date=span.end_date,
        start_time=span.start_time,
        end_time=span.end_time,
        approve_status=command.status.value,
        other_leave_type_name=command.other_leave_type_name,
        reason_message=command.reason_message,
    )
    session.add(event)
    session.flush()
    return EventAdded(event.id)


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
