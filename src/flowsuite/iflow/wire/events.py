"""events/add_event's and events/set_approve_status's wire: the forms read into AddEvent and
SetApproveStatus, the results as the `api_reply`.

The vendor's validator lists the checks that need the database (an unknown employee, event type or event,
whole days of a type that adds hours) among the form's own failed checks: a form that fails its checks is read
as the failed checks with what it names, and refused once the service has said whether those exist
(`add_event`: `user_id`'s checks, `user_exists`, `event_type`'s, `event_type_exists`, the others', then
`hours_needed`; `set_approve_status`: `event_id`'s, `event_exists`, then `approve_status`'s)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from flowsuite.iflow import fields
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import Checks, FieldError, Reply, ValidationFailed
from flowsuite.iflow.fields import Form
from flowsuite.iflow.services import events
from flowsuite.iflow.services.employees import EmployeeRef, employee_by_ref
from flowsuite.iflow.services.events import (
    AddEvent,
    ApproveStatus,
    ApproveStatusSet,
    EventAdded,
    EventSpan,
    SetApproveStatus,
    event_type_by_code,
    needs_hours,
)
from flowsuite.iflow.wire.employees import read_user_id

# `approve_status`'s values, in the vendor's order.
APPROVE_STATUSES = {status.value: status for status in ApproveStatus}


def _span(form: Form, checks: Checks) -> EventSpan | None:
    """`start_date` and `end_date`, or `date` with `start_time` and `end_time`."""
    if "date" in form:
        if "start_date" in form or "end_date" in form:
            checks.fail("date", "one_of_forms")
            return None
        day = fields.date(form, "date", checks, required=True)
        start = fields.time(form, "start_time", checks, required=True)
        end = fields.time(form, "end_time", checks, required=True)
        if start is not None and end is not None and end <= start:
            checks.fail("end_time", "time_order", other="start_time")
        return None if day is None or start is None or end is None else EventSpan(day, day, start, end)
    first = fields.date(form, "start_date", checks, required=True)
    last = fields.date(form, "end_date", checks, required=True)
    if first is not None and last is not None and last < first:
        checks.fail("end_date", "date_order", other="start_date")
    return None if first is None or last is None else EventSpan(first, last)


@dataclass(frozen=True, slots=True)
class FailedEvent:
    """An add_event form that failed its checks: the checks of `user_id`, of `event_type` and of the others,
    with the employee, the type's code and the span it names (each if it names one)."""

    who: EmployeeRef | None
    who_failed: list[FieldError]
    code: str | None
    type_failed: list[FieldError]
    others_failed: list[FieldError]
    span: EventSpan | None

    def refusal(self, session: Session, ctx: IFlowContext) -> ValidationFailed:
        errors = list(self.who_failed)
        if self.who is not None and employee_by_ref(session, ctx, self.who) is None:
            errors.append(FieldError("user_id", "user_exists"))
        errors += self.type_failed
        event_type = event_type_by_code(session, ctx, self.code) if self.code else None
        if self.code and event_type is None:
            errors.append(FieldError("event_type", "event_type_exists"))
        errors += self.others_failed
        if event_type is not None and self.span is not None and needs_hours(event_type, self.span):
            errors.append(FieldError("event_type", "hours_needed"))
        return ValidationFailed(errors)


def read_event(form: Form) -> AddEvent | FailedEvent:
    who_checks, type_checks, checks = Checks(), Checks(), Checks()
    who = read_user_id(form, who_checks)
    code = fields.text(form, "event_type", type_checks, required=True, max_length=64)
    span = _span(form, checks)
    status = fields.choice(form, "approve_status", checks, tuple(APPROVE_STATUSES))
    other_leave_type_name = fields.text(form, "other_leave_type_name", checks) or None
    reason_message = fields.text(form, "reason_message", checks, max_length=2000) or ""
    failed = who_checks.errors or type_checks.errors or checks.errors
    if failed or who is None or who.user_id is None or not code or span is None:
        return FailedEvent(who, who_checks.errors, code, type_checks.errors, checks.errors, span)
    status_of = APPROVE_STATUSES[status] if status else ApproveStatus.WAITING
    return AddEvent(who.user_id, code, span, status_of, other_leave_type_name, reason_message)


def add_event(session: Session, ctx: IFlowContext, read: AddEvent | FailedEvent) -> EventAdded:
    """The service's answer to the command, or the form's refusal."""
    if isinstance(read, FailedEvent):
        raise read.refusal(session, ctx)
    return events.add_event(session, ctx, read)


def event_reply(result: EventAdded) -> Reply:
    return Reply({"event_id": str(result.event_id)})


@dataclass(frozen=True, slots=True)
class FailedApproval:
    """A form that failed its checks, and the event id it names (if it names one)."""

    failed: list[FieldError]
    event_id: int | None


def read_approval(form: Form) -> SetApproveStatus | FailedApproval:
    checks = Checks()
    event_id = fields.integer(form, "event_id", checks, required=True)
    status = fields.choice(form, "approve_status", checks, tuple(APPROVE_STATUSES), required=True)
    if checks.errors or event_id is None or status is None:
        return FailedApproval(checks.errors, event_id)
    return SetApproveStatus(event_id, APPROVE_STATUSES[status])


def set_approve_status(
    session: Session, ctx: IFlowContext, read: SetApproveStatus | FailedApproval
) -> ApproveStatusSet:
    """The service's answer to the command, or the form's failed checks with the event's existence listed
    where the vendor lists it."""
    if isinstance(read, SetApproveStatus):
        return events.set_approve_status(session, ctx, read)
    failed = read.failed
    if read.event_id is not None and not events.event_exists(session, ctx, read.event_id):
        failed = [FieldError("event_id", "event_exists"), *failed]
    raise ValidationFailed(failed)


def approval_reply(result: ApproveStatusSet) -> Reply:
    return Reply({"event_id": str(result.event_id), "approve_status": result.status.value})
