"""The totals engine against a brute-force reference: every minute of the month classified on its own.

The engine works with merged spans and band boundaries; the reference below walks the month one real
(UTC) minute at a time, asks zoneinfo for its local day and hour, and applies the rules of the engine's
module docstring literally. Random plans, overtime and leaves (fixed seeds, so a failure repeats) over the
months with a clock change, Orthodox Easter, and a plain one must agree to the minute on every day and
every one of the 36 totals.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from flowsuite.iflow.calendar import DayClass, month_calendar, national_holidays
from flowsuite.iflow.totals import (
    COUNTING_STATUSES,
    TOTAL_CLASSES,
    Band,
    DateRange,
    EmployeeMonth,
    Interval,
    Kind,
    LeaveEvent,
    OvertimeEvent,
    class_index,
    employee_minutes,
)

ZONE = ZoneInfo("Europe/Bucharest")
STATUSES = ("approved", "not_required", "waiting", "not_approved")
MONTHS = [(2026, 3), (2026, 4), (2026, 10), (2026, 12)]


def _minute(moment: datetime) -> int:
    """A naive company wall-clock time (fold 0) as whole minutes since the epoch."""
    return int(moment.replace(tzinfo=ZONE).timestamp()) // 60


def _random_interval(rng: random.Random, first: date, last: date, longest_hours: int) -> Interval:
    day = first + timedelta(days=rng.randrange((last - first).days + 1))
    start = datetime.combine(day, time(rng.randrange(24), rng.choice((0, 15, 30, 45))))
    return Interval(start, start + timedelta(minutes=rng.randrange(15, longest_hours * 60, 15)))


def _random_month(rng: random.Random, year: int, month: int) -> EmployeeMonth:
    first = date(year, month, 1) - timedelta(days=1)  # a night shift from the day before reaches in
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    schedule = [_random_interval(rng, first, last, 12) for _ in range(rng.randrange(5, 30))]
    overtime = [
        OvertimeEvent(_random_interval(rng, first, last, 6), rng.choice(STATUSES)) for _ in range(rng.randrange(1, 8))
    ]
    leaves: list[LeaveEvent] = []
    for _ in range(rng.randrange(2, 8)):
        if rng.random() < 0.5:
            leaves.append(LeaveEvent(_random_interval(rng, first, last, 5), rng.choice(STATUSES)))
        else:
            begins = first + timedelta(days=rng.randrange((last - first).days + 1))
            leaves.append(
                LeaveEvent(DateRange(begins, begins + timedelta(days=rng.randrange(4))), rng.choice(STATUSES))
            )
    return EmployeeMonth("1", schedule, overtime, leaves, rng.choice((4, 6, 8)))


def _marked(intervals: list[Interval], start: int, length: int) -> bytearray:
    marks = bytearray(length)
    for interval in intervals:
        begin, end = max(_minute(interval.start) - start, 0), min(_minute(interval.end) - start, length)
        if begin < end:
            marks[begin:end] = b"\x01" * (end - begin)
    return marks


def _reference(year: int, month: int, employee: EmployeeMonth, free: set[date]) -> dict[tuple[date, int, int], int]:
    """{(local day, kind, part): minutes}; part 0 is 00:00-06:00, 1 is 06:00-22:00, 2 is 22:00-24:00."""
    start = _minute(datetime(year, month, 1))
    length = _minute(datetime(year + month // 12, month % 12 + 1, 1)) - start
    planned = _marked(list(employee.schedule), start, length)
    time_off = _marked(
        [
            leave.span
            for leave in employee.leaves
            if leave.approve_status in COUNTING_STATUSES and isinstance(leave.span, Interval)
        ],
        start,
        length,
    )
    extra = _marked(
        [event.interval for event in employee.overtime if event.approve_status in COUNTING_STATUSES], start, length
    )
    minutes: defaultdict[tuple[date, int, int], int] = defaultdict(int)
    for offset in range(length):
        local = datetime.fromtimestamp((start + offset) * 60, UTC).astimezone(ZONE)
        part = 0 if local.hour < 6 else 1 if local.hour < 22 else 2
        if planned[offset] and not time_off[offset]:
            minutes[(local.date(), Kind.REGULAR, part)] += 1
        if extra[offset] and not planned[offset]:
            minutes[(local.date(), Kind.OVERTIME, part)] += 1
    leave_days = {
        leave.span.first + timedelta(days=n)
        for leave in employee.leaves
        if leave.approve_status in COUNTING_STATUSES and isinstance(leave.span, DateRange)
        for n in range((leave.span.last - leave.span.first).days + 1)
    }
    for day in leave_days:
        left = round(employee.daily_norm_hours * 60)
        for part in (1, 0, 2):  # the day band first, then the night
            taken = min(left, minutes[(day, Kind.REGULAR, part)])
            minutes[(day, Kind.REGULAR, part)] -= taken
            left -= taken
    return minutes


def _day_class(day: date, free: set[date]) -> DayClass:
    if day in free or day in national_holidays(day.year):
        return DayClass.HOLIDAY
    return DayClass.WEEKEND if day.weekday() >= 5 else DayClass.WEEKDAYS


@pytest.mark.parametrize(("year", "month"), MONTHS)
@pytest.mark.parametrize("seed", range(10))
def test_engine_agrees_with_the_minute_by_minute_reference(year: int, month: int, seed: int) -> None:
    rng = random.Random(f"{year}-{month}-{seed}")
    free = {date(year, month, rng.randrange(1, 29))}
    employee = _random_month(rng, year, month)
    expected = _reference(year, month, employee, free)
    found = employee_minutes(month_calendar(year, month, company_free_days=free), employee)

    classes = [0] * len(found.classes)
    for (day, kind, part), count in expected.items():
        band = Band.DAY if part == 1 else Band.NIGHT
        classes[class_index(kind, _day_class(day, free), band)] += count
    assert list(found.classes) == classes

    for day, value in found.days.items():
        assert value.day_class == _day_class(day, free)
        assert (value.regular_day, value.regular_night, value.overtime_day, value.overtime_night) == (
            expected[(day, Kind.REGULAR, 1)],
            expected[(day, Kind.REGULAR, 0)] + expected[(day, Kind.REGULAR, 2)],
            expected[(day, Kind.OVERTIME, 1)],
            expected[(day, Kind.OVERTIME, 0)] + expected[(day, Kind.OVERTIME, 2)],
        ), day
    busy_days = {day for (day, _, _), count in expected.items() if count}
    assert set(found.days) == busy_days
    # The 36 names are sums of these classes; spot the three headline ones.
    assert sum(found.classes[i] for i in TOTAL_CLASSES["total"]) == sum(expected.values())
