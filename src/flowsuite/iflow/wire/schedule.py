"""user/set_work_schedule's wire: the form read into a PlanDay, a DayPlanned written as the `api_reply`.

A form that fails its checks is read as a FailedForm, refused with the employee's existence listed where the
vendor's validator lists it (wire.employees).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from flowsuite.iflow import fields
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import Checks, Reply
from flowsuite.iflow.fields import Form
from flowsuite.iflow.services import schedule
from flowsuite.iflow.services.schedule import DayPlanned, Interval, PlanDay, parse_intervals
from flowsuite.iflow.wire.employees import FailedForm, read_user_id


def read_plan(form: Form) -> PlanDay | FailedForm:
    """`user_id`, `date` and `intervals` (`08:00-12:00,13:00-17:00`; present but empty plans nothing)."""
    who_checks, checks = Checks(), Checks()
    who = read_user_id(form, who_checks)
    day = fields.date(form, "date", checks, required=True)
    intervals: list[Interval] | None = []
    if "intervals" not in form:
        checks.fail("intervals", "required")
    elif form["intervals"].strip():
        intervals = parse_intervals(form["intervals"])
        if intervals is None:
            checks.fail("intervals", "valid_intervals")
    if who_checks.errors or checks.errors or who is None or who.user_id is None or day is None or intervals is None:
        return FailedForm(who, who_checks.errors, checks.errors)
    return PlanDay(who.user_id, day, intervals)


def set_work_schedule(session: Session, ctx: IFlowContext, read: PlanDay | FailedForm) -> DayPlanned:
    """The service's answer to the command, or the form's refusal."""
    if isinstance(read, FailedForm):
        raise read.refusal(session, ctx)
    return schedule.set_work_schedule(session, ctx, read)


def plan_reply(result: DayPlanned) -> Reply:
    return Reply(
        {
            "user_id": str(result.employee_id),
            "date": result.day.isoformat(),
            "intervals": ",".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in result.intervals),
            "planned": result.planned_hours,
        }
    )
