"""user/clock's wire: the form read into a Clock, a Clocked written as the `api_reply` in the company's time.

The vendor's validator lists an unknown employee right after the checks of the field that names them
(`user_id`, or `rfid_tag`), before the other fields' failed checks; so a form that fails its checks is read
as those checks with the employee it names, and `clock` asks whether that employee exists before refusing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from flowsuite.iflow import fields
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import Checks, FieldError, Reply, ValidationFailed
from flowsuite.iflow.fields import Form
from flowsuite.iflow.services import attendance
from flowsuite.iflow.services.attendance import Clock, ClockAction, Clocked, local_time, parse_datetime
from flowsuite.iflow.services.employees import EmployeeRef, employee_by_ref

# `action`'s values.
ACTIONS = {action.value: action for action in ClockAction}


@dataclass(frozen=True, slots=True)
class ClockForm:
    """The form read: the command, or the failed checks (of the field naming the employee, then of the
    others) and the employee it names, if it names one."""

    command: Clock | None
    who_failed: list[FieldError]
    others_failed: list[FieldError]
    who: EmployeeRef | None


def _who(form: Form, checks: Checks) -> EmployeeRef | None:
    """The employee named by `user_id`, or else by `rfid_tag`; one of them is required."""
    if form.get("user_id") is not None or form.get("rfid_tag") is None:
        user_id = fields.integer(form, "user_id", checks, required=True)
        return None if user_id is None else EmployeeRef(user_id=user_id)
    tag = fields.text(form, "rfid_tag", checks, required=True, max_length=64)
    return EmployeeRef(rfid_tag=tag) if tag else None


def read_clock(form: Form) -> ClockForm:
    who_checks, checks = Checks(), Checks()
    who = _who(form, who_checks)
    action = fields.choice(form, "action", checks, tuple(ACTIONS), required=True)
    raw_time = fields.text(form, "time", checks, max_length=40)
    at = parse_datetime(raw_time) if raw_time else None
    if raw_time and at is None:
        checks.fail("time", "valid_datetime")
    if who_checks.errors or checks.errors or who is None or action is None:
        return ClockForm(None, who_checks.errors, checks.errors, who)
    return ClockForm(Clock(who, ACTIONS[action], at), [], [], who)


def clock(session: Session, ctx: IFlowContext, read: ClockForm) -> Clocked:
    """The service's answer to the command, or the form's failed checks with the employee's existence
    listed where the vendor lists it."""
    if read.command is not None:
        return attendance.clock(session, ctx, read.command)
    missing = read.who is not None and employee_by_ref(session, ctx, read.who) is None
    unknown = [FieldError(read.who.field_name, "user_exists")] if read.who is not None and missing else []
    raise ValidationFailed([*read.who_failed, *unknown, *read.others_failed])


def clock_reply(result: Clocked) -> Reply:
    return Reply(
        {
            "user_id": str(result.employee_id),
            "action": result.action.value,
            "check_in": local_time(result.check_in, result.zone),
            "check_out": local_time(result.check_out, result.zone),
        }
    )
