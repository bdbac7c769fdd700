"""The monthly totals of `get_work_schedule`: pure functions from plans and events to the 36 named totals.

Inputs are plain frozen dataclasses built by the service from the database; nothing here knows HTTP or SQL.

- Times: an `Interval`'s ends are naive datetimes on the company's wall clock (what a planned schedule or a
  time-interval event says, e.g. 2026-03-28 22:00 to 2026-03-29 06:00); aware datetimes are accepted too and
  taken as the instants they name. Every interval is turned into real elapsed minutes, so the spring night
  is an hour shorter and the autumn night an hour longer. Seconds are dropped.
- Classes: each minute belongs to the local calendar day it falls on (a shift across midnight splits), is
  `night` from 22:00 to 06:00 local and `day` otherwise, and its day is `holiday` (a national holiday or a
  company free day, even on a weekend), `weekend` (Saturday, Sunday) or `weekdays`. Only minutes inside the
  month count.
- Regular minutes are the planned schedule less the leaves; overtime minutes are the overtime events outside
  the planned schedule (a minute is never both). Overlapping intervals of one kind count once.
- Events count only when their approval status is final and positive: `approved` or `not_required`
  (`waiting`, `partially_approved`, `request_edit` and `not_approved` change nothing until decided).
- A leave over a time interval removes the planned minutes inside it. A leave over whole days removes, on
  each of its days, the employee's daily norm from that day's remaining planned minutes (never more than
  is planned; a day with no plan loses nothing), day band first, then the night.
- Hours are minutes / 60 rounded to two places once, at the end.
"""

from __future__ import annotations

import enum
import itertools
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from flowsuite.iflow.calendar import DAY_SEGMENT, SEGMENTS_PER_DAY, DayClass, MonthCalendar

COUNTING_STATUSES = frozenset({"approved", "not_required"})
DEFAULT_DAILY_NORM_HOURS = 8.0

Span = tuple[int, int]  # [start, end) in minutes since the epoch


class Kind(enum.IntEnum):
    """Planned work (`regular`) or work beyond the plan (`overtime`)."""

    REGULAR = 0
    OVERTIME = 1


class Band(enum.IntEnum):
    """`day` is 06:00-22:00 local, `night` 22:00-06:00."""

    DAY = 0
    NIGHT = 1


_DAY_CLASSES, _BANDS = len(DayClass), len(Band)
CLASS_COUNT = len(Kind) * _DAY_CLASSES * _BANDS


def class_index(kind: Kind, day_class: DayClass, band: Band) -> int:
    """Return the position of a (kind, day class, band) in `EmployeeMinutes.classes`."""
    return (kind * _DAY_CLASSES + day_class) * _BANDS + band


# Per day class, where a day's regular day / regular night / overtime day / overtime night minutes go.
_DAY_SLOTS = tuple(
    tuple(class_index(kind, day_class, band) for kind in Kind for band in Band) for day_class in DayClass
)


# ---------------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class Interval:
    """A stretch of time [start, end); see the module docstring for how naive and aware ends are read."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"interval ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True, slots=True)
class DateRange:
    """Whole local days from `first` to `last`, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"date range ends ({self.last}) before it starts ({self.first})")


@dataclass(frozen=True, slots=True)
class OvertimeEvent:
    """An event that adds to totals (type `overtime`): its interval counts as overtime."""

    interval: Interval
    approve_status: str


@dataclass(frozen=True, slots=True)
class LeaveEvent:
    """An event that subtracts from totals (a leave): over whole days or over a time interval."""

    span: Interval | DateRange
    approve_status: str


@dataclass(frozen=True, slots=True)
class EmployeeMonth:
    """What the engine needs of one employee for one month (intervals outside the month may be included)."""

    employee_id: str
    schedule: Sequence[Interval] = ()
    overtime: Sequence[OvertimeEvent] = ()
    leaves: Sequence[LeaveEvent] = ()
    daily_norm_hours: float = DEFAULT_DAILY_NORM_HOURS


# --------------------------------------------------------------------------------------------------- outputs


@dataclass(frozen=True, slots=True)
class DayMinutes:
    """One calendar day of one employee, in minutes."""

    day: date
    day_class: DayClass
    regular_day: int
    regular_night: int
    overtime_day: int
    overtime_night: int

    @property
    def regular(self) -> int:
        """Planned minutes left after leaves."""
        return self.regular_day + self.regular_night

    @property
    def overtime(self) -> int:
        """Overtime minutes."""
        return self.overtime_day + self.overtime_night

    @property
    def total(self) -> int:
        """Regular plus overtime minutes."""
        return self.regular + self.overtime


@dataclass(frozen=True, slots=True)
class EmployeeMinutes:
    """One employee's month: the days that have any minute, and the month's minutes per class.

    `classes` has `CLASS_COUNT` entries, indexed by `class_index(kind, day_class, band)`.
    """

    employee_id: str
    days: dict[date, DayMinutes]
    classes: tuple[int, ...]

    def minutes(self, kind: Kind, day_class: DayClass, band: Band) -> int:
        """Return the month's minutes of one class."""
        return self.classes[class_index(kind, day_class, band)]


@dataclass(frozen=True, slots=True)
class EmployeeTotals:
    """One employee's month with the requested totals in hours, in the order they were asked for."""

    minutes: EmployeeMinutes
    totals: dict[str, float]


# ---------------------------------------------------------------------------------------------- total names


class UnknownTotals(ValueError):
    """Some requested total names are not among the 36; `names` lists them in the order given."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)
        super().__init__(
            f"unknown totals: {', '.join(self.names)} (a total is regular, overtime or total, optionally followed"
            " by _weekdays, _weekend or _holiday, then optionally by _day or _night)"
        )


def _total_names() -> dict[str, tuple[int, ...]]:
    # `total` is regular + overtime; an absent modifier means "all of them".
    kinds = {"regular": (Kind.REGULAR,), "overtime": (Kind.OVERTIME,), "total": tuple(Kind)}
    day_classes = {"": tuple(DayClass), **{f"_{c.modifier}": (c,) for c in DayClass}}
    bands = {"": tuple(Band), **{f"_{b.name.lower()}": (b,) for b in Band}}
    return {
        kind_name + class_name + band_name: tuple(
            class_index(*combination) for combination in itertools.product(kind, day_class, band)
        )
        for kind_name, kind in kinds.items()
        for class_name, day_class in day_classes.items()
        for band_name, band in bands.items()
    }


TOTAL_CLASSES: dict[str, tuple[int, ...]] = _total_names()
TOTAL_NAMES: tuple[str, ...] = tuple(TOTAL_CLASSES)


def check_totals(names: Iterable[str]) -> tuple[str, ...]:
    """Return the requested names without repeats, in order; raise UnknownTotals naming every unknown one."""
    requested = tuple(dict.fromkeys(names))
    unknown = [name for name in requested if name not in TOTAL_CLASSES]
    if unknown:
        raise UnknownTotals(unknown)
    return requested


def hours(minutes: int) -> float:
    """Return minutes as hours rounded to two places (the only rounding the report does)."""
    return round(minutes / 60, 2)


def named_totals(minutes: EmployeeMinutes, names: Iterable[str]) -> dict[str, float]:
    """Return `{name: hours}` for the requested total names; raise UnknownTotals for names not among the 36."""
    classes = minutes.classes
    return {name: hours(sum(classes[i] for i in TOTAL_CLASSES[name])) for name in check_totals(names)}


# ----------------------------------------------------------------------------------------------- the engine

_Event = TypeVar("_Event", OvertimeEvent, LeaveEvent)


def monthly_totals(
    calendar: MonthCalendar, employees: Iterable[EmployeeMonth], names: Iterable[str]
) -> list[EmployeeTotals]:
    """Return every employee's month and requested totals, in the employees' order.

    The names are checked before any work: UnknownTotals if one is not among the 36.
    """
    requested = check_totals(names)
    report: list[EmployeeTotals] = []
    for employee in employees:
        minutes = employee_minutes(calendar, employee)
        report.append(EmployeeTotals(minutes, named_totals(minutes, requested)))
    return report


def employee_minutes(calendar: MonthCalendar, employee: EmployeeMonth) -> EmployeeMinutes:
    """Return one employee's minutes per day and per class for the calendar's month (rules: module docstring)."""
    bounds = calendar.boundaries
    planned = _spans(employee.schedule, calendar)
    time_off = _spans(
        (leave.span for leave in _counting(employee.leaves) if isinstance(leave.span, Interval)), calendar
    )
    extra = _spans((event.interval for event in _counting(employee.overtime)), calendar)
    regular = _per_segment(_subtract(planned, time_off), bounds)
    _take_leave_days(regular, _leave_day_indexes(employee.leaves, calendar), round(employee.daily_norm_hours * 60))
    overtime = _per_segment(_subtract(extra, planned), bounds)
    return _collect(calendar, employee.employee_id, regular, overtime)


def _counting(events: Iterable[_Event]) -> Iterator[_Event]:
    return (event for event in events if event.approve_status in COUNTING_STATUSES)


def _spans(intervals: Iterable[Interval], calendar: MonthCalendar) -> list[Span]:
    """Return the intervals as sorted, merged spans clipped to the month."""
    first, last, minute = calendar.start, calendar.end, calendar.minute
    clipped = sorted((max(minute(interval.start), first), min(minute(interval.end), last)) for interval in intervals)
    merged: list[Span] = []
    for start, end in clipped:
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _subtract(spans: list[Span], holes: list[Span]) -> list[Span]:
    """Return the parts of `spans` outside `holes` (both sorted and merged)."""
    if not holes:
        return spans
    kept: list[Span] = []
    first_hole = 0
    for start, end in spans:
        while first_hole < len(holes) and holes[first_hole][1] <= start:
            first_hole += 1
        hole = first_hole
        while start < end and hole < len(holes) and holes[hole][0] < end:
            hole_start, hole_end = holes[hole]
            if hole_start > start:
                kept.append((start, hole_start))
            start = max(start, hole_end)
            hole += 1
        if start < end:
            kept.append((start, end))
    return kept


def _per_segment(spans: list[Span], bounds: Sequence[int]) -> list[int]:
    """Return the minutes of `spans` falling in each segment of the month (spans are clipped to it)."""
    minutes = [0] * (len(bounds) - 1)
    for start, end in spans:
        segment = bisect_right(bounds, start) - 1
        while end > bounds[segment + 1]:
            minutes[segment] += bounds[segment + 1] - start
            start = bounds[segment + 1]
            segment += 1
        minutes[segment] += end - start
    return minutes


def _leave_day_indexes(leaves: Iterable[LeaveEvent], calendar: MonthCalendar) -> set[int]:
    """Return the month's day numbers (0-based) covered by counting whole-day leaves; overlaps count once."""
    days: set[int] = set()
    month_first, month_length = calendar.days[0], len(calendar.days)
    for leave in _counting(leaves):
        if isinstance(leave.span, DateRange):
            first = (leave.span.first - month_first).days
            after = (leave.span.last - month_first).days + 1
            days.update(range(max(first, 0), min(after, month_length)))
    return days


def _take_leave_days(regular: list[int], day_indexes: Iterable[int], norm: int) -> None:
    """Remove up to `norm` planned minutes from each leave day, day band first (see the module docstring)."""
    for day in day_indexes:
        left = norm
        base = day * SEGMENTS_PER_DAY
        for segment in (base + DAY_SEGMENT, base, base + 2):
            taken = min(left, regular[segment])
            regular[segment] -= taken
            left -= taken


def _collect(calendar: MonthCalendar, employee_id: str, regular: list[int], overtime: list[int]) -> EmployeeMinutes:
    """Fold the per-segment minutes into days and month classes."""
    classes = [0] * CLASS_COUNT
    days: dict[date, DayMinutes] = {}
    for index, (day, day_class) in enumerate(zip(calendar.days, calendar.day_classes, strict=True)):
        base = index * SEGMENTS_PER_DAY
        regular_day, overtime_day = regular[base + DAY_SEGMENT], overtime[base + DAY_SEGMENT]
        regular_night = regular[base] + regular[base + 2]
        overtime_night = overtime[base] + overtime[base + 2]
        if not (regular_day or regular_night or overtime_day or overtime_night):
            continue
        days[day] = DayMinutes(day, day_class, regular_day, regular_night, overtime_day, overtime_night)
        slot_regular_day, slot_regular_night, slot_overtime_day, slot_overtime_night = _DAY_SLOTS[day_class]
        classes[slot_regular_day] += regular_day
        classes[slot_regular_night] += regular_night
        classes[slot_overtime_day] += overtime_day
        classes[slot_overtime_night] += overtime_night
    return EmployeeMinutes(employee_id, days, tuple(classes))
