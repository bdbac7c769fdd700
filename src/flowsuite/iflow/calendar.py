"""A company's month as the totals engine sees it: which days are free, where the bands begin, in real minutes.

Everything here is computed once per (time zone, month, company free days) and shared by every employee of
the report. Instants are whole minutes since the Unix epoch (UTC), so that a span's length is plain
subtraction and both daylight-saving nights come out right without special cases.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

DEFAULT_TIME_ZONE = "Europe/Bucharest"
NIGHT_ENDS = time(6)
NIGHT_BEGINS = time(22)
# The three bands of a local day, in order: 00:00-06:00 night, 06:00-22:00 day, 22:00-24:00 night.
SEGMENTS_PER_DAY = 3
DAY_SEGMENT = 1

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MINUTE = timedelta(minutes=1)


class DayClass(enum.IntEnum):
    """The class of a calendar day; its name is the totals' modifier (`regular_weekend`...)."""

    WEEKDAYS = 0
    WEEKEND = 1
    HOLIDAY = 2

    @property
    def modifier(self) -> str:
        """The suffix used in total names: `weekdays`, `weekend` or `holiday`."""
        return self.name.lower()


def utc_minute(moment: datetime, zone: ZoneInfo) -> int:
    """Return the moment as whole minutes since the epoch (seconds dropped).

    A naive datetime is the company's wall clock in `zone`; in the repeated autumn hour `fold` picks the
    occurrence (0: the first), and a wall time inside the skipped spring hour is read with the offset in
    force before the change (PEP 495). An aware datetime is taken as the instant it names.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return (moment - _EPOCH) // _MINUTE


@lru_cache(maxsize=64)
def national_holidays(year: int) -> frozenset[date]:
    """Return Romania's legal holidays of `year` (Orthodox Easter and Rusalii included), from `holidays`."""
    return frozenset(holidays.country_holidays("RO", years=year))


def is_working_day(day: date, company_free_days: Collection[date] = ()) -> bool:
    """Monday to Friday, and neither a national holiday nor one of the company's free days."""
    return day.weekday() < 5 and day not in company_free_days and day not in national_holidays(day.year)


def working_days(first: date, last: date, company_free_days: Collection[date] = ()) -> int:
    """Return how many working days (see is_working_day) `first`..`last` holds, both included."""
    count = (last - first).days + 1
    return sum(1 for offset in range(count) if is_working_day(first + timedelta(days=offset), company_free_days))


@dataclass(frozen=True, slots=True)
class MonthCalendar:
    """One month of one company: its days, their classes and the band boundaries as real minutes.

    `boundaries` has three entries per day (local 00:00, 06:00, 22:00) plus the local midnight that ends the
    month; segment `i` runs from `boundaries[i]` to `boundaries[i + 1]`, lies on day `i // 3` and is the day
    band when `i % 3 == 1`, night otherwise.
    """

    year: int
    month: int
    zone: ZoneInfo
    days: tuple[date, ...]
    day_classes: tuple[DayClass, ...]
    boundaries: tuple[int, ...]
    free_days: tuple[date, ...]
    # Local midnight, as a real minute, of each day of the month (and the days either side) with no clock change:
    # on those a wall-clock time converts by plain addition, which spares zoneinfo on nearly every interval.
    plain_midnights: Mapping[int, int]

    def minute(self, moment: datetime) -> int:
        """Return `moment` as whole minutes since the epoch, read as `utc_minute` does in this month's zone."""
        if moment.tzinfo is None:
            midnight = self.plain_midnights.get(moment.toordinal())
            if midnight is not None:
                return midnight + moment.hour * 60 + moment.minute
        return utc_minute(moment, self.zone)

    @property
    def start(self) -> int:
        """The month's first minute (local midnight of the 1st)."""
        return self.boundaries[0]

    @property
    def end(self) -> int:
        """The minute just after the month (local midnight of the next month's 1st)."""
        return self.boundaries[-1]


def month_calendar(
    year: int,
    month: int,
    company_free_days: Iterable[date] = (),
    time_zone: str = DEFAULT_TIME_ZONE,
) -> MonthCalendar:
    """Return the calendar of `year`-`month` in `time_zone`, with the national holidays and the company's own
    free days (dates outside the month are ignored) classed as holidays.

    Raises ValueError for a month outside 1..12, ZoneInfoNotFoundError for an unknown time zone.
    """
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, not {month}")
    return _month_calendar(year, month, frozenset(company_free_days), time_zone)


def free_days(calendar: MonthCalendar) -> list[str]:
    """Return the month's free days (national holidays and company free days) as sorted `YYYY-MM-DD` strings."""
    return [day.isoformat() for day in calendar.free_days]


@lru_cache(maxsize=256)
def _month_calendar(year: int, month: int, company_free_days: frozenset[date], time_zone: str) -> MonthCalendar:
    zone = ZoneInfo(time_zone)
    days = _days_of_month(year, month)
    free = (national_holidays(year) | company_free_days).intersection(days)
    day_classes = tuple(_day_class(day, free) for day in days)
    boundaries = [
        utc_minute(datetime.combine(day, at), zone) for day in days for at in (time(0), NIGHT_ENDS, NIGHT_BEGINS)
    ]
    following = date(year + month // 12, month % 12 + 1, 1)
    boundaries.append(utc_minute(datetime.combine(following, time(0)), zone))
    plain_midnights = _plain_midnights((days[0] - timedelta(days=1), *days, following), zone)
    return MonthCalendar(year, month, zone, days, day_classes, tuple(boundaries), tuple(sorted(free)), plain_midnights)


def _days_of_month(year: int, month: int) -> tuple[date, ...]:
    first = date(year, month, 1)
    days: list[date] = []
    day = first
    while day.month == month:
        days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def _plain_midnights(days: Iterable[date], zone: ZoneInfo) -> dict[int, int]:
    """Return {ordinal: local midnight as a real minute} for the days whose UTC offset holds all day."""
    return {day.toordinal(): utc_minute(datetime.combine(day, time(0)), zone) for day in days if _is_plain(day, zone)}


def _is_plain(day: date, zone: ZoneInfo) -> bool:
    # Offsets change at whole minutes of some hour and never twice within one, so sampling every hour of the
    # day (and its closing midnight) finds any change.
    midnight = datetime.combine(day, time(0), zone)
    start = midnight.astimezone(UTC)
    offsets = {(start + timedelta(hours=hour)).astimezone(zone).utcoffset() for hour in range(25)}
    return offsets == {midnight.utcoffset()}


def _day_class(day: date, free: frozenset[date]) -> DayClass:
    # A free day that falls on a weekend is still a holiday: holiday beats weekend.
    if day in free:
        return DayClass.HOLIDAY
    return DayClass.WEEKEND if day.weekday() >= 5 else DayClass.WEEKDAYS
