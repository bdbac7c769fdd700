"""user/get_work_schedule's and users/get_work_schedule's wire: the form read into a ReportRequest with the
vendor's validator checks, and a MonthReport written as the `api_reply`.

The reply: `year` and `month` (two digits) as strings, the month's `free_days`, and one user object per
employee (`user_id`, `full_name`, `cnp`, `mark_number`, `team_name`, `totals`, `days`). `days` has one entry
per day with regular or overtime minutes or a counting event, in date order; hours are rounded to two places.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flowsuite.iflow import fields
from flowsuite.iflow.calendar import MonthCalendar, free_days
from flowsuite.iflow.errors import Checks, Reply
from flowsuite.iflow.fields import Form
from flowsuite.iflow.services.reports import MonthReport, ReportRequest, cyclic_gc_paused
from flowsuite.iflow.totals import EmployeeTotals, UnknownTotals, check_totals, hours

_YEAR = re.compile(r"\d{4}")
_MONTH = re.compile(r"\d{1,2}")

# What the Bearer report gives when no `totals` is asked for (ours): the month's three headline figures.
DEFAULT_TOTALS = ("regular", "overtime", "total")


def _year(form: Form, checks: Checks, required: bool) -> int | None:
    value = fields.text(form, "year", checks, required=required)
    if not value:
        return None
    if not _YEAR.fullmatch(value) or not fields.FIRST_YEAR <= int(value) <= fields.LAST_YEAR:
        checks.fail("year", "valid_year", first=str(fields.FIRST_YEAR), last=str(fields.LAST_YEAR))
        return None
    return int(value)


def _month(form: Form, checks: Checks, required: bool) -> int | None:
    value = fields.text(form, "month", checks, required=required)
    if not value:
        return None
    if not _MONTH.fullmatch(value) or not 1 <= int(value) <= 12:
        checks.fail("month", "valid_month")
        return None
    return int(value)


def _totals(form: Form, checks: Checks, default: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The comma-separated total names; blanks around names and empty items (a trailing comma) are ignored."""
    value = fields.text(form, "totals", checks, required=default is None, max_length=2000)
    if not value:
        return default
    names = [name.strip() for name in value.split(",") if name.strip()]
    if not names:
        checks.fail("totals", "required")
        return None
    try:
        return check_totals(names)
    except UnknownTotals as unknown:
        checks.fail("totals", "valid_totals", names=", ".join(unknown.names))
        return None


def read_report(form: Form, *, defaulted: bool) -> ReportRequest:
    """The report the form asks, or ValidationFailed listing every failed check. user/get_work_schedule
    requires `year`, `month` and `totals`; users/get_work_schedule (`defaulted`) leaves a missing year or
    month to the service (the current one) and gives DEFAULT_TOTALS for missing totals."""
    checks = Checks()
    year = _year(form, checks, required=not defaulted)
    month = _month(form, checks, required=not defaulted)
    totals = _totals(form, checks, DEFAULT_TOTALS if defaulted else None)
    checks.raise_if_any()
    assert totals is not None
    return ReportRequest(year, month, totals)


class _DayReplies:
    """The `days` values of a report: most days of most employees look alike (8.0 regular, no overtime, no
    event), so each distinct value is built once and shared, which spares thousands of dicts and roundings."""

    def __init__(self, calendar: MonthCalendar) -> None:
        self._names = {day: day.isoformat() for day in calendar.days}
        self._values: dict[tuple[int, int, tuple[str, ...]], dict[str, Any]] = {}

    def value(self, regular: int, overtime: int, events: tuple[str, ...]) -> dict[str, Any]:
        key = (regular, overtime, events)
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = {"regular": hours(regular), "overtime": hours(overtime), "events": list(events)}
        return found

    def days(self, report: EmployeeTotals, day_events: dict[dt.date, list[str]]) -> dict[str, dict[str, Any]]:
        minutes = report.minutes.days
        days: dict[str, dict[str, Any]] = {}
        for day in sorted(minutes.keys() | day_events.keys()):
            worked = minutes.get(day)
            events = tuple(day_events.get(day, ()))
            if worked is None:
                days[self._names[day]] = self.value(0, 0, events)
            else:
                days[self._names[day]] = self.value(worked.regular, worked.overtime, events)
        return days


def report_reply(report: MonthReport) -> Reply:
    """`{year, month, free_days, users}`."""
    calendar = report.calendar
    with cyclic_gc_paused():
        replies = _DayReplies(calendar)
        users = [
            {
                "user_id": str(line.who.employee_id),
                "full_name": line.who.full_name,
                "cnp": line.who.cnp,
                "mark_number": line.who.mark_number,
                "team_name": line.who.team_name,
                "totals": line.totals.totals,
                "days": replies.days(line.totals, line.day_events),
            }
            for line in report.employees
        ]
    body: dict[str, object] = {
        "year": str(calendar.year),
        "month": f"{calendar.month:02d}",
        "free_days": free_days(calendar),
        "users": users,
    }
    return Reply(body)
