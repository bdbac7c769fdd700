"""events/set_approve_status's wire: the form read into a SetApproveStatus, the result as the `api_reply`.

The vendor's validator lists an unknown event between the form's own failed checks (`event_id`'s, then
`event_id`/`event_exists`, then `approve_status`'s), so a form that fails its checks is read as the checks
with the event id it names, and `set_approve_status` asks the service whether that event exists before
refusing it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from flowsuite.iflow import fields
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import Checks, FieldError, Reply, ValidationFailed
from flowsuite.iflow.fields import Form
from flowsuite.iflow.services import events
from flowsuite.iflow.services.events import ApproveStatus, ApproveStatusSet, SetApproveStatus

# `approve_status`'s values, in the vendor's order.
APPROVE_STATUSES = {status.value: status for status in ApproveStatus}


@dataclass(frozen=True, slots=True)
class ApprovalForm:
    """The form read: the command, or the failed checks and the event id the form names (if it is one)."""

    command: SetApproveStatus | None
    failed: list[FieldError]
    event_id: int | None


def read_approval(form: Form) -> ApprovalForm:
    checks = Checks()
    event_id = fields.integer(form, "event_id", checks, required=True)
    status = fields.choice(form, "approve_status", checks, tuple(APPROVE_STATUSES), required=True)
    if checks.errors or event_id is None or status is None:
        return ApprovalForm(None, checks.errors, event_id)
    return ApprovalForm(SetApproveStatus(event_id, APPROVE_STATUSES[status]), [], event_id)


def set_approve_status(session: Session, ctx: IFlowContext, read: ApprovalForm) -> ApproveStatusSet:
    """The service's answer to the command, or the form's failed checks with the event's existence listed
    where the vendor lists it."""
    if read.command is not None:
        return events.set_approve_status(session, ctx, read.command)
    failed = read.failed
    if read.event_id is not None and not events.event_exists(session, ctx, read.event_id):
        failed = [FieldError("event_id", "event_exists"), *failed]
    raise ValidationFailed(failed)


def approval_reply(result: ApproveStatusSet) -> Reply:
    return Reply({"event_id": str(result.event_id), "approve_status": result.status.value})
