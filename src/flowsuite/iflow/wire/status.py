"""The status endpoints' wire: `attendance_type` read into a StatusQuery, a DayStatus written as the vendor's
employee objects (`status` in the asked language, `at_work`, the events, `live_attendance`)."""

from __future__ import annotations

from collections.abc import Sequence

from flowsuite.iflow import fields
from flowsuite.iflow.errors import Checks
from flowsuite.iflow.fields import Form
from flowsuite.iflow.messages import status_text
from flowsuite.iflow.services.activity import event_type_name
from flowsuite.iflow.services.status import Asked, Attendance, DayStatus, EmployeeStatus, Presence, StatusQuery, Worked
from flowsuite.iflow.wire.activity import event_object

# `attendance_type`'s values, the first the default.
ATTENDANCE_TYPES = {"live_attendance": Attendance.LIVE, "work_schedule": Attendance.SCHEDULE}
# The status string of each presence (messages.STATUS_TEXTS); AWAY's names the events after it.
STATUS_KEYS = {
    Presence.AT_WORK: "at_work",
    Presence.NOT_AT_WORK_YET: "not_at_work_yet",
    Presence.AWAY: "missing",
    Presence.MISSING: "missing",
    Presence.LEFT_WORK: "left_work",
    Presence.DAY_OFF: "day_off",
}


def status_query(form: Form) -> StatusQuery:
    """The query a status request asks; an unknown `attendance_type` fails the validator."""
    checks = Checks()
    chosen = fields.choice(form, "attendance_type", checks, tuple(ATTENDANCE_TYPES))
    checks.raise_if_any()
    return StatusQuery(ATTENDANCE_TYPES[chosen] if chosen else Attendance.LIVE)


def status_texts(language: str) -> dict[Presence, str]:
    """The status string of each presence in `language` (AWAY's before the events' names)."""
    return {presence: status_text(language, key) for presence, key in STATUS_KEYS.items()}


def status_of(employee: EmployeeStatus, language: str, texts: dict[Presence, str] | None = None) -> str:
    """The vendor's status string: "At work", "Missing", "Missing, Sick Leave" (the types keeping the
    employee away, each once), ... in `language` (`texts`: status_texts(language), made once per reply)."""
    text = (texts or status_texts(language))[employee.presence]
    if employee.away_for:
        names = ", ".join(dict.fromkeys(event_type_name(row, language) for row in employee.away_for))
        return f"{text}, {names}"
    return text


def clock_text(seconds: int) -> str:
    """Seconds as the vendor's `HH:MM:SS`."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def worked_seconds(worked: Worked) -> int:
    """What an interval counts: nothing while it is open (as the seed)."""
    return 0 if worked.check_out is None else int((worked.check_out - worked.check_in).total_seconds())


def live_attendance(live: Sequence[Worked], asked: Asked) -> list[dict[str, str]]:
    """The intervals, then `{current_time, total_worked}`; an open interval counts nothing yet (as the seed)."""
    assert asked.now is not None
    items: list[dict[str, str]] = []
    total = 0
    for worked in live:
        seconds = worked_seconds(worked)
        total += seconds
        check_out = "" if worked.check_out is None else asked.local_hms(worked.check_out)
        items.append(
            {
                "check_in": asked.local_hms(worked.check_in),
                "check_out": check_out,
                "worked": clock_text(seconds),
            }
        )
    items.append({"current_time": asked.local_hms(asked.now), "total_worked": clock_text(total)})
    return items


def employee_object(
    employee: EmployeeStatus, day: DayStatus, language: str, texts: dict[Presence, str]
) -> dict[str, object]:
    """The vendor's object of one employee, keys in the seed's order."""
    asked = day.asked
    item: dict[str, object] = {
        "status": status_of(employee, language, texts),
        "at_work": employee.presence is Presence.AT_WORK,
        "full_name": employee.full_name,
        "cnp": employee.cnp,
        "user_id": str(employee.employee_id),
        "mark_number": employee.mark_number,
    }
    if employee.events:
        item["events"] = [
            event_object(row, language, day.event_days, placement=(position, asked.day))
            for position, row in enumerate(employee.events)
        ]
    if employee.worked:
        item["live_attendance"] = live_attendance(employee.worked, asked)
    return item


def status_objects(day: DayStatus, language: str) -> list[dict[str, object]]:
    """The bare array the status endpoints answer."""
    texts = status_texts(language)
    return [employee_object(employee, day, language, texts) for employee in day.employees]
