"""user/sync's wire: the form read into a SyncEmployee with the vendor's validator checks, and a Synced
written as the `api_reply` with the vendor's user object.

The CSV import reads its rows (whose columns are these fields) with the same reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import cast

from flowsuite.iflow import fields
from flowsuite.iflow.errors import Checks, Reply
from flowsuite.iflow.fields import Form
from flowsuite.iflow.services.sync import (
    DATE_FIELDS,
    IDENTIFIER_LENGTH,
    TEXT_FIELDS,
    EmployeeChanges,
    EmployeeRecord,
    Identifier,
    Synced,
    SyncEmployee,
    cnp_is_valid,
)

# `update_by`'s values.
IDENTIFIERS = {identifier.value: identifier for identifier in Identifier}
UPDATE_BY = tuple(IDENTIFIERS)

# The reply's user object, in the vendor's sample order; user_id and team_name are ours, after it.
USER_FIELDS = (
    "team_id",
    "full_name",
    "is_enabled",
    "disable_date",
    "rfid_tag",
    "cnp",
    "id_card",
    "id_card_issued_by",
    "id_card_issue_date",
    "bank_account",
    "birth_date",
    "employment_date",
    "job_title",
    "mark_number",
    "contract_number",
    "section",
    "address",
    "city",
    "county",
    "phone_one",
    "phone_two",
)


def read_changes(form: Form, checks: Checks) -> EmployeeChanges:
    """The fields present in the form (empty clears an optional one), failed checks recorded."""
    changes: dict[str, object] = {}
    if "full_name" in form:
        full_name = fields.text(form, "full_name", checks)
        if not full_name:
            checks.fail("full_name", "not_empty")
        changes["full_name"] = full_name
    for name, limit in TEXT_FIELDS.items():
        if name in form:
            changes[name] = fields.text(form, name, checks, max_length=limit) or None
    for name in DATE_FIELDS:
        if name in form:
            changes[name] = fields.date(form, name, checks)
    if "is_enabled" in form:
        enabled = fields.flag(form, "is_enabled", checks)
        if enabled is not None:
            changes["is_enabled"] = enabled
    return cast(EmployeeChanges, changes)


def read_sync(form: Form, strict_cnp: bool) -> SyncEmployee:
    """The sync the form asks, or ValidationFailed listing every failed check in the vendor's order:
    the fields', then an invalid CNP where the company refuses one (`strict_cnp`), which the service
    otherwise checks itself."""
    checks = Checks()
    update_by = fields.choice(form, "update_by", checks, UPDATE_BY, required=True)
    update_by_value = fields.text(form, "update_by_value", checks, required=True, max_length=IDENTIFIER_LENGTH)
    team_name = fields.text(form, "team_name", checks)
    changes = read_changes(form, checks)
    if checks.errors:
        # The CNP the sync would set: the posted one, else the one it is found by.
        cnp = changes.get("cnp", update_by_value if update_by == "cnp" else None)
        if strict_cnp and cnp and not cnp_is_valid(cnp):
            checks.fail("cnp", "valid_cnp")
        checks.raise_if_any()
    assert update_by is not None and update_by_value is not None  # required, checked above
    return SyncEmployee(IDENTIFIERS[update_by], update_by_value, changes, team_name or None)


def _wire_value(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def user_object(employee: EmployeeRecord) -> dict[str, str | None]:
    """The vendor's user object: every sync field, ids as strings, absent values null."""
    values: Mapping[str, object] = employee
    user = {name: _wire_value(values[name]) for name in USER_FIELDS}
    user["user_id"] = str(employee["id"])
    user["team_name"] = employee["team_name"]
    return user


def sync_reply(synced: Synced) -> Reply:
    """`{update_by, update_by_value, new_user | updated_user}`, with the warnings."""
    body: dict[str, object] = {
        "update_by": synced.find_by.value,
        "update_by_value": synced.value,
        "new_user" if synced.created else "updated_user": user_object(synced.employee),
    }
    return Reply(body, synced.warnings)
