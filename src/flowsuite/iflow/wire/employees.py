"""The employee a form names, and the refusal of a form that fails its checks with that employee's existence
listed where the vendor's validator lists it: right after the checks of the field that names them (`user_id`,
or `rfid_tag`), before the other fields' failed checks."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from flowsuite.iflow import fields
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import Checks, FieldError, ValidationFailed
from flowsuite.iflow.fields import Form
from flowsuite.iflow.services.employees import EmployeeRef, employee_by_ref


def read_user_id(form: Form, checks: Checks) -> EmployeeRef | None:
    """The employee `user_id` names (required)."""
    user_id = fields.integer(form, "user_id", checks, required=True)
    return None if user_id is None else EmployeeRef(user_id=user_id)


def read_user_id_or_rfid(form: Form, checks: Checks) -> EmployeeRef | None:
    """The employee named by `user_id`, or else by `rfid_tag`; one of them is required."""
    if form.get("user_id") is not None or form.get("rfid_tag") is None:
        return read_user_id(form, checks)
    tag = fields.text(form, "rfid_tag", checks, required=True, max_length=64)
    return EmployeeRef(rfid_tag=tag) if tag else None


@dataclass(frozen=True, slots=True)
class FailedForm:
    """A form that failed its checks: those of the field naming the employee, the others', and the employee
    it names (if it names one)."""

    who: EmployeeRef | None
    who_failed: list[FieldError]
    others_failed: list[FieldError]

    def refusal(self, session: Session, ctx: IFlowContext) -> ValidationFailed:
        """Every failed check, an unknown employee's `user_exists` among them."""
        unknown = []
        if self.who is not None and employee_by_ref(session, ctx, self.who) is None:
            unknown = [FieldError(self.who.field_name, "user_exists")]
        return ValidationFailed([*self.who_failed, *unknown, *self.others_failed])
