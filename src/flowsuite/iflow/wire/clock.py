"""user/clock's wire: the form read into a Clock, a Clocked written as the `api_reply` in the company's time.

A form that fails its checks is read as a FailedForm, refused with the employee's existence listed where the
vendor's validator lists it (wire.employees).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from flowsuite.iflow import fields
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import Checks, Reply
from flowsuite.iflow.fields import Form
from flowsuite.iflow.services import attendance
from flowsuite.iflow.services.attendance import Clock, ClockAction, Clocked, local_time, parse_datetime
from flowsuite.iflow.wire.employees import FailedForm, read_user_id_or_rfid

# `action`'s values.
ACTIONS = {action.value: action for action in ClockAction}


def read_clock(form: Form) -> Clock | FailedForm:
    who_checks, checks = Checks(), Checks()
    who = read_user_id_or_rfid(form, who_checks)
    action = fields.choice(form, "action", checks, tuple(ACTIONS), required=True)
    raw_time = fields.text(form, "time", checks, max_length=40)
    at = parse_datetime(raw_time) if raw_time else None
    if raw_time and at is None:
        checks.fail("time", "valid_datetime")
    if who_checks.errors or checks.errors or who is None or action is None:
        return FailedForm(who, who_checks.errors, checks.errors)
    return Clock(who, ACTIONS[action], at)


def clock(session: Session, ctx: IFlowContext, read: Clock | FailedForm) -> Clocked:
    """The service's answer to the command, or the form's refusal."""
    if isinstance(read, FailedForm):
        raise read.refusal(session, ctx)
    return attendance.clock(session, ctx, read)


def clock_reply(result: Clocked) -> Reply:
    return Reply(
        {
            "user_id": str(result.employee_id),
            "action": result.action.value,
            "check_in": local_time(result.check_in, result.zone),
            "check_out": local_time(result.check_out, result.zone),
        }
    )
