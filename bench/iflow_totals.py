"""Micro-benchmark of the iFlow totals engine: a month's report with all 36 totals for synthetic staffs.

Run from the repository root: `.venv/bin/python -m bench.iflow_totals [--month 2026-03] [--repeat 5]`.
It times only the engine (calendar, per-employee minutes, the 36 totals), not building the inputs, which is
the database's part. Targets (issue 3): 1,000 employees under 0.5 s, 10,000 under 5 s for the whole request.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, datetime, timedelta

from flowsuite.iflow.calendar import month_calendar
from flowsuite.iflow.totals import (
    TOTAL_NAMES,
    DateRange,
    EmployeeMonth,
    Interval,
    LeaveEvent,
    OvertimeEvent,
    monthly_totals,
)

# Shift patterns as (start hour, length in hours): day, evening and night shifts (the night one crosses midnight).
SHIFTS = ((8, 8), (14, 8), (22, 8), (7, 12))


def synthetic_employee(number: int, year: int, month: int, rng: random.Random) -> EmployeeMonth:
    """Return an employee with a shift on most days of the month, two overtime events and, for one in ten, a
    sick-leave week and a two-hour time-off."""
    start_hour, length = SHIFTS[number % len(SHIFTS)]
    first = date(year, month, 1)
    days = [first + timedelta(days=offset) for offset in range(31) if (first + timedelta(days=offset)).month == month]
    schedule = tuple(
        Interval(start, start + timedelta(hours=length))
        for day in days
        if day.weekday() < 5 or rng.random() < 0.2
        for start in (datetime(day.year, day.month, day.day, start_hour),)
    )
    overtime = tuple(
        OvertimeEvent(Interval(shift.end, shift.end + timedelta(hours=2)), "approved")
        for shift in rng.sample(schedule, k=min(2, len(schedule)))
    )
    leaves: tuple[LeaveEvent, ...] = ()
    if number % 10 == 0:
        sick_from = days[rng.randrange(len(days) - 7)]
        some_shift = rng.choice(schedule)
        leaves = (
            LeaveEvent(DateRange(sick_from, sick_from + timedelta(days=6)), "approved"),
            LeaveEvent(Interval(some_shift.start, some_shift.start + timedelta(hours=2)), "not_required"),
        )
    return EmployeeMonth(str(number), schedule, overtime, leaves)


def time_report(staff: list[EmployeeMonth], year: int, month: int, repeat: int) -> float:
    """Return the best of `repeat` timings of the whole report, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        calendar = month_calendar(year, month, company_free_days=[date(year, month, 15)])
        report = monthly_totals(calendar, staff, TOTAL_NAMES)
        best = min(best, time.perf_counter() - began)
        assert len(report) == len(staff)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2026-03", help="YYYY-MM (default 2026-03, with the spring change)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per size; the best is printed")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    arguments = parser.parse_args()
    year, month = (int(part) for part in arguments.month.split("-"))
    rng = random.Random(2026)
    for size in arguments.sizes:
        staff = [synthetic_employee(number, year, month, rng) for number in range(size)]
        intervals = sum(len(e.schedule) + len(e.overtime) + len(e.leaves) for e in staff)
        seconds = time_report(staff, year, month, arguments.repeat)
        print(
            f"{size:>6} employees, {intervals:>7} intervals and events, 36 totals: "
            f"{seconds * 1000:8.1f} ms (best of {arguments.repeat})"
        )


if __name__ == "__main__":
    main()
