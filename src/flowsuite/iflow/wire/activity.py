"""events/get_activity_events' wire: the filters read from the form, the events written as the vendor's
event objects (which the status endpoints' employee objects carry too)."""

from __future__ import annotations

import datetime as dt

from flowsuite.iflow import fields
from flowsuite.iflow.errors import Checks
from flowsuite.iflow.fields import Form
from flowsuite.iflow.models import APPROVE_STATUSES
from flowsuite.iflow.services.activity import ActivityEvents, EventDays, EventRow, Filters, event_type_name

# Wire dates of the event objects: the vendor's dd/mm/YYYY.
WIRE_DATE = "%d/%m/%Y"


def consecutive_days_position(first: dt.date, last: dt.date, day: dt.date) -> str:
    """Where `day` lies in a run of days: solo, start, middle or end."""
    if first == last:
        return "solo"
    if day == first:
        return "start"
    return "end" if day == last else "middle"


def _optional_id(value: object) -> str | None:
    return None if value is None else str(value)


def event_object(
    row: EventRow, language: str, days: EventDays, placement: tuple[int, dt.date] | None = None
) -> dict[str, object]:
    """The vendor's event object, keys in the seed's order; `placement` (position, day) adds the two
    day-relative keys of the status endpoints."""
    first, last = row.start_date, row.end_date
    assert isinstance(first, dt.date) and isinstance(last, dt.date)
    user_id = str(row.employee_id)
    item: dict[str, object] = {
        "event_id": str(row.id),
        "user_id": user_id,
        "event_type": row.code,
        "event_type_name": event_type_name(row, language),
    }
    if placement is not None:
        position, day = placement
        item["position"] = position
        item["consecutive_days_position"] = consecutive_days_position(first, last, day)
    item["event_type_color"] = row.color
    item["approve_status"] = row.approve_status
    item["partial_approved_by_user_id"] = _optional_id(row.partial_approved_by_user_id)
    item["other_leave_type_name"] = row.other_leave_type_name
    item["event_meta"] = {
        "user_id": user_id,
        "days": days.of(row),
        "start_date": first.strftime(WIRE_DATE),
        "end_date": last.strftime(WIRE_DATE),
        "reason_message": row.reason_message or "",
    }
    return item


def _activity_object(row: EventRow, language: str, days: EventDays) -> dict[str, object]:
    """An event of the activity list: the event object plus who, which type id and, for a time-interval
    event, its local times (ours: the vendor documents no keys for this endpoint)."""
    item = event_object(row, language, days)
    meta = item.pop("event_meta")
    item["event_type_id"] = str(row.event_type_id)
    item["full_name"] = row.full_name
    item["team_name"] = row.team_name
    item["start_time"] = None if row.start_time is None else f"{row.start_time:%H:%M}"
    item["end_time"] = None if row.end_time is None else f"{row.end_time:%H:%M}"
    item["event_meta"] = meta
    return item


def _list(form: Form, name: str, checks: Checks) -> tuple[str, ...]:
    """A comma-separated list field (`1,2,3`); blanks dropped."""
    value = fields.text(form, name, checks, max_length=10_000)
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _id_list(form: Form, name: str, checks: Checks) -> tuple[int, ...]:
    parts = _list(form, name, checks)
    if not all(part.isascii() and part.isdigit() and len(part) <= 9 for part in parts):
        checks.fail(name, "valid_integer")
        return ()
    return tuple(int(part) for part in parts)


def _interval(form: Form, checks: Checks) -> tuple[dt.date, dt.date] | None:
    first = fields.date(form, "date_interval_start", checks)
    last = fields.date(form, "date_interval_end", checks)
    given = [name for name in ("date_interval_start", "date_interval_end") if form.get(name, "").strip()]
    if len(given) == 1:
        missing = "date_interval_end" if given[0] == "date_interval_start" else "date_interval_start"
        checks.fail(missing, "required_with", other=given[0])
    if first is not None and last is not None:
        if last < first:
            checks.fail("date_interval_end", "date_order", other="date_interval_start")
        return first, last
    return None


def read_filters(form: Form) -> Filters:
    """The filters in the spec's order, so that failed checks are listed in it too."""
    checks = Checks()
    user_ids = _id_list(form, "users_ids", checks)
    teams = _list(form, "teams", checks)
    event_type_ids = _id_list(form, "event_ids", checks)
    statuses = _list(form, "status", checks)
    if any(status not in APPROVE_STATUSES for status in statuses):
        checks.fail("status", "in_list", allowed=", ".join(APPROVE_STATUSES))
    filters = Filters(user_ids, teams, event_type_ids, statuses, _interval(form, checks))
    checks.raise_if_any()
    return filters


def activity_objects(events: ActivityEvents, language: str) -> list[dict[str, object]]:
    """The bare array events/get_activity_events answers."""
    return [_activity_object(row, language, events.event_days) for row in events.rows]
