"""The totals engine against hand-worked months (Europe/Bucharest: UTC+2 in winter, UTC+3 in summer).

2026 dates used below: Sat 31 Jan, Sun 1 Feb, Mon 2 Feb, Sat 7 Feb, Mon 9 Feb, Wed 11 Feb, Fri 13 Feb, Thu 5 Mar,
Sat 28 Mar (clocks go forward on Sun 29 Mar at 03:00), Sat 11 Apr, Sun 12 Apr (Orthodox Easter), Sat 24 Oct
(clocks go back on Sun 25 Oct at 04:00).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from flowsuite.iflow.calendar import DayClass, free_days, month_calendar
from flowsuite.iflow.totals import (
    TOTAL_NAMES,
    DateRange,
    DayMinutes,
    EmployeeMinutes,
    EmployeeMonth,
    Interval,
    LeaveEvent,
    OvertimeEvent,
    UnknownTotals,
    check_totals,
    employee_minutes,
    monthly_totals,
    named_totals,
)

# ------------------------------------------------------------------------------------------------- factories


def at(day: str, clock: str) -> datetime:
    """A wall-clock time in the company's zone: at("2026-03-05", "22:00")."""
    return datetime.fromisoformat(f"{day}T{clock}")


def shift(day: str, start: str, end: str) -> Interval:
    """A planned shift as the schedule writes it; an end at or before the start is on the next day."""
    begins, ends = at(day, start), at(day, end)
    return Interval(begins, ends if ends > begins else ends + timedelta(days=1))


def weekday_shifts(first: str, last: str, start: str = "08:00", end: str = "16:00") -> tuple[Interval, ...]:
    """The same shift on every Monday to Friday from `first` to `last`."""
    day, until = date.fromisoformat(first), date.fromisoformat(last)
    shifts = []
    while day <= until:
        if day.weekday() < 5:
            shifts.append(shift(day.isoformat(), start, end))
        day += timedelta(days=1)
    return tuple(shifts)


def month_of(
    year: int,
    month: int,
    schedule: tuple[Interval, ...] = (),
    overtime: tuple[OvertimeEvent, ...] = (),
    leaves: tuple[LeaveEvent, ...] = (),
    free: tuple[date, ...] = (),
    norm: float = 8,
) -> EmployeeMinutes:
    """One employee's month through the engine."""
    employee = EmployeeMonth("7", schedule, overtime, leaves, norm)
    return employee_minutes(month_calendar(year, month, company_free_days=free), employee)


def totals(minutes: EmployeeMinutes, *names: str) -> dict[str, float]:
    return named_totals(minutes, names)


# --------------------------------------------------------------------------------------- midnight and bands


def test_night_shift_across_midnight_splits_between_the_days() -> None:
    # Thu 5 Mar 22:00 -> Fri 6 Mar 06:00: 22:00-24:00 = 120 min on Thursday, 00:00-06:00 = 360 min on Friday,
    # all of it night, all of it weekdays: 480 min = 8 h.
    minutes = month_of(2026, 3, (shift("2026-03-05", "22:00", "06:00"),))
    assert minutes.days == {
        date(2026, 3, 5): DayMinutes(date(2026, 3, 5), DayClass.WEEKDAYS, 0, 120, 0, 0),
        date(2026, 3, 6): DayMinutes(date(2026, 3, 6), DayClass.WEEKDAYS, 0, 360, 0, 0),
    }
    assert totals(minutes, "regular", "regular_weekdays_night", "regular_day", "overtime", "total") == {
        "regular": 8.0,
        "regular_weekdays_night": 8.0,
        "regular_day": 0.0,
        "overtime": 0.0,
        "total": 8.0,
    }


def test_evening_shift_splits_at_22_00_into_day_and_night() -> None:
    # Thu 5 Mar 18:00 -> Fri 6 Mar 02:00: 18:00-22:00 = 4 h day; 22:00-24:00 + 00:00-02:00 = 4 h night.
    minutes = month_of(2026, 3, (shift("2026-03-05", "18:00", "02:00"),))
    assert totals(minutes, "regular_day", "regular_night") == {"regular_day": 4.0, "regular_night": 4.0}
    assert minutes.days[date(2026, 3, 6)].regular_night == 120


def test_utc_instants_are_read_as_instants() -> None:
    # 20:00Z -> 04:00Z on 5/6 Mar is 22:00 -> 06:00 in Bucharest (UTC+2): the same 2 h + 6 h of night.
    interval = Interval(datetime(2026, 3, 5, 20, tzinfo=UTC), datetime(2026, 3, 6, 4, tzinfo=UTC))
    minutes = month_of(2026, 3, (interval,))
    assert [day.regular_night for day in minutes.days.values()] == [120, 360]


# ------------------------------------------------------------------------------------------- kinds of days


def test_saturday_shift_is_weekend() -> None:
    # Sat 11 Apr 2026 08:00-16:00 = 8 h, day band, weekend.
    minutes = month_of(2026, 4, (shift("2026-04-11", "08:00", "16:00"),))
    assert totals(minutes, "regular_weekend", "regular_weekend_day", "regular_weekdays", "regular_holiday") == {
        "regular_weekend": 8.0,
        "regular_weekend_day": 8.0,
        "regular_weekdays": 0.0,
        "regular_holiday": 0.0,
    }


def test_orthodox_easter_sunday_is_holiday_not_weekend() -> None:
    # Sun 12 Apr 2026 is Orthodox Easter: 08:00-16:00 = 8 h holiday, nothing on the weekend.
    minutes = month_of(2026, 4, (shift("2026-04-12", "08:00", "16:00"),))
    assert totals(minutes, "regular_holiday", "regular_holiday_day", "regular_weekend") == {
        "regular_holiday": 8.0,
        "regular_holiday_day": 8.0,
        "regular_weekend": 0.0,
    }


def test_night_from_saturday_into_easter_splits_weekend_and_holiday() -> None:
    # Sat 11 Apr 22:00 -> Sun 12 Apr 06:00: 2 h of Saturday night (weekend), 6 h of Easter night (holiday).
    minutes = month_of(2026, 4, (shift("2026-04-11", "22:00", "06:00"),))
    assert totals(minutes, "regular_weekend_night", "regular_holiday_night", "regular") == {
        "regular_weekend_night": 2.0,
        "regular_holiday_night": 6.0,
        "regular": 8.0,
    }


def test_company_free_day_is_holiday_even_on_a_saturday() -> None:
    # Mon 2 Feb and Sat 7 Feb are company free days: 8 h on each (08:00-16:00) is holiday; nothing is weekend.
    schedule = (shift("2026-02-02", "08:00", "16:00"), shift("2026-02-07", "08:00", "16:00"))
    minutes = month_of(2026, 2, schedule, free=(date(2026, 2, 2), date(2026, 2, 7)))
    assert totals(minutes, "regular_holiday", "regular_weekdays", "regular_weekend") == {
        "regular_holiday": 16.0,
        "regular_weekdays": 0.0,
        "regular_weekend": 0.0,
    }
    assert minutes.days[date(2026, 2, 7)].day_class is DayClass.HOLIDAY


def test_free_days_list_national_holidays_and_company_days_sorted() -> None:
    # April 2026: Good Friday 10, Orthodox Easter 12 and Easter Monday 13; the company adds 30 April and
    # 1 March (outside the month, so left out).
    calendar = month_calendar(2026, 4, company_free_days=[date(2026, 4, 30), date(2026, 3, 1)])
    assert free_days(calendar) == ["2026-04-10", "2026-04-12", "2026-04-13", "2026-04-30"]
    # Rusalii 2026: Sunday 31 May and Monday 1 June (also Children's Day, one date), with 1 May (Labour Day).
    assert free_days(month_calendar(2026, 5)) == ["2026-05-01", "2026-05-31"]
    assert free_days(month_calendar(2026, 6)) == ["2026-06-01"]
    # January: 1, 2 (New Year), 6 (Epiphany), 7 (Saint John), 24 (Union Day, a Saturday).
    assert free_days(month_calendar(2026, 1)) == ["2026-01-01", "2026-01-02", "2026-01-06", "2026-01-07", "2026-01-24"]


def test_month_outside_1_to_12_is_refused() -> None:
    with pytest.raises(ValueError, match=r"month must be 1\.\.12, not 13"):
        month_calendar(2026, 13)


# ------------------------------------------------------------------------------------------ daylight saving


def test_spring_night_has_one_hour_less() -> None:
    # Sat 28 Mar 22:00 -> Sun 29 Mar 06:00 on the wall clock. Saturday 22:00-24:00 = 120 min (UTC+2).
    # Sunday 00:00 is 22:00Z, 06:00 (already UTC+3) is 03:00Z: 300 min. 420 min = 7 h, all weekend night.
    minutes = month_of(2026, 3, (shift("2026-03-28", "22:00", "06:00"),))
    assert [(day.day, day.regular_night) for day in minutes.days.values()] == [
        (date(2026, 3, 28), 120),
        (date(2026, 3, 29), 300),
    ]
    assert totals(minutes, "regular", "regular_weekend_night") == {"regular": 7.0, "regular_weekend_night": 7.0}


def test_autumn_night_has_one_hour_more() -> None:
    # Sat 24 Oct 22:00 -> Sun 25 Oct 06:00. Saturday 22:00-24:00 = 120 min (UTC+3). Sunday 00:00 is 21:00Z,
    # 06:00 (back on UTC+2) is 04:00Z: 420 min. 540 min = 9 h.
    minutes = month_of(2026, 10, (shift("2026-10-24", "22:00", "06:00"),))
    assert [day.regular_night for day in minutes.days.values()] == [120, 420]
    assert totals(minutes, "regular", "regular_weekend_night") == {"regular": 9.0, "regular_weekend_night": 9.0}


def test_day_shift_on_a_clock_change_day_keeps_its_length() -> None:
    # Sun 29 Mar 08:00-16:00 is after the change: 05:00Z-13:00Z = 8 h of day.
    minutes = month_of(2026, 3, (shift("2026-03-29", "08:00", "16:00"),))
    assert totals(minutes, "regular_weekend_day") == {"regular_weekend_day": 8.0}


# ------------------------------------------------------------------------------------------- month boundary


def test_month_boundary_counts_each_month_its_own_minutes() -> None:
    # Sat 31 Jan 22:00 -> Sun 1 Feb 06:00: January gets 22:00-24:00 = 2 h, February 00:00-06:00 = 6 h,
    # both weekend night.
    night = (shift("2026-01-31", "22:00", "06:00"),)
    january, february = month_of(2026, 1, night), month_of(2026, 2, night)
    assert totals(january, "regular", "regular_weekend_night") == {"regular": 2.0, "regular_weekend_night": 2.0}
    assert totals(february, "regular", "regular_weekend_night") == {"regular": 6.0, "regular_weekend_night": 6.0}
    assert list(january.days) == [date(2026, 1, 31)]
    assert list(february.days) == [date(2026, 2, 1)]


# ----------------------------------------------------------------------------------------------------- leaves


FEBRUARY = weekday_shifts("2026-02-02", "2026-02-27")  # 20 weekdays x 8 h = 160 h, no holiday in February 2026


def sick(first: str, last: str, status: str = "approved") -> LeaveEvent:
    return LeaveEvent(DateRange(date.fromisoformat(first), date.fromisoformat(last)), status)


def test_sick_leave_week_subtracts_the_norm_from_regular() -> None:
    # Sick Mon 9 Feb - Sun 15 Feb: five planned weekdays lose 8 h each = 40 h; the weekend had no plan and
    # loses nothing. 160 - 40 = 120 h; Mon 9 Feb keeps no minute and drops out of the days.
    minutes = month_of(2026, 2, FEBRUARY, leaves=(sick("2026-02-09", "2026-02-15"),))
    assert totals(minutes, "regular", "regular_weekdays_day", "total") == {
        "regular": 120.0,
        "regular_weekdays_day": 120.0,
        "total": 120.0,
    }
    assert date(2026, 2, 9) not in minutes.days
    assert minutes.days[date(2026, 2, 16)].regular == 480


def test_sick_leave_uses_the_employee_daily_norm() -> None:
    # Norm 6 h: the same week removes 5 x 6 h = 30 h, leaving 160 - 30 = 130 h (2 h on each sick day).
    minutes = month_of(2026, 2, FEBRUARY, leaves=(sick("2026-02-09", "2026-02-15"),), norm=6)
    assert totals(minutes, "regular") == {"regular": 130.0}
    assert minutes.days[date(2026, 2, 9)].regular == 120


@pytest.mark.parametrize(
    ("status", "regular"),
    [
        ("approved", 152.0),  # 160 - 8
        ("not_required", 152.0),
        ("waiting", 160.0),
        ("partially_approved", 160.0),
        ("request_edit", 160.0),
        ("not_approved", 160.0),
    ],
)
def test_only_approved_or_not_required_leaves_count(status: str, regular: float) -> None:
    minutes = month_of(2026, 2, FEBRUARY, leaves=(sick("2026-02-10", "2026-02-10", status),))
    assert totals(minutes, "regular") == {"regular": regular}


def test_overlapping_leaves_remove_a_day_once() -> None:
    # Two approved leaves both covering Tue 10 Feb: 8 h go once; 160 - 8 - 8 (Wed 11) = 144 h.
    leaves = (sick("2026-02-10", "2026-02-11"), sick("2026-02-10", "2026-02-10"))
    assert totals(month_of(2026, 2, FEBRUARY, leaves=leaves), "regular") == {"regular": 144.0}


def test_leave_ranges_are_clipped_to_the_month() -> None:
    # Sick Wed 28 Jan - Tue 3 Feb: in February only Mon 2 and Tue 3 are planned: 160 - 16 = 144 h.
    # Leaves wholly in January (20-25 Jan) or March (2-6 Mar) change nothing in February.
    leaves = (sick("2026-01-28", "2026-02-03"), sick("2026-01-20", "2026-01-25"), sick("2026-03-02", "2026-03-06"))
    assert totals(month_of(2026, 2, FEBRUARY, leaves=leaves), "regular") == {"regular": 144.0}
    # A leave from 1 Jan to 31 Mar covers all 20 planned days: 160 - 20 x 8 = 0.
    whole = month_of(2026, 2, FEBRUARY, leaves=(sick("2026-01-01", "2026-03-31"),))
    assert totals(whole, "regular") == {"regular": 0.0}
    assert whole.days == {}


def test_leave_over_a_time_interval_removes_the_planned_minutes_inside_it() -> None:
    # Tue 10 Feb 10:00-12:00 inside the 08:00-16:00 plan: -2 h. Wed 11 Feb 15:00-18:00 overlaps the plan by
    # 15:00-16:00 only: -1 h. 160 - 3 = 157 h.
    leaves = (
        LeaveEvent(Interval(at("2026-02-10", "10:00"), at("2026-02-10", "12:00")), "approved"),
        LeaveEvent(Interval(at("2026-02-11", "15:00"), at("2026-02-11", "18:00")), "not_required"),
    )
    minutes = month_of(2026, 2, FEBRUARY, leaves=leaves)
    assert totals(minutes, "regular") == {"regular": 157.0}
    assert minutes.days[date(2026, 2, 10)].regular == 360


def test_leave_day_on_a_long_evening_shift_takes_the_day_band_first() -> None:
    # Mon 2 Feb 14:00 -> Tue 3 Feb 02:00: Monday has 8 h day (14-22) + 2 h night (22-24), Tuesday 2 h night.
    # A sick Monday with the 8 h norm removes Monday's 8 h of day; 2 h of Monday night and Tuesday's 2 h stay.
    minutes = month_of(2026, 2, (shift("2026-02-02", "14:00", "02:00"),), leaves=(sick("2026-02-02", "2026-02-02"),))
    assert totals(minutes, "regular", "regular_day", "regular_night") == {
        "regular": 4.0,
        "regular_day": 0.0,
        "regular_night": 4.0,
    }


def test_leave_day_never_takes_more_than_is_planned() -> None:
    # Mon 2 Feb 18:00 -> Tue 3 Feb 06:00: Monday has 4 h day + 2 h night = 6 h < 8 h norm, all removed;
    # Tuesday's 6 h of night are another day and stay.
    minutes = month_of(2026, 2, (shift("2026-02-02", "18:00", "06:00"),), leaves=(sick("2026-02-02", "2026-02-02"),))
    assert totals(minutes, "regular", "regular_night") == {"regular": 6.0, "regular_night": 6.0}
    assert list(minutes.days) == [date(2026, 2, 3)]


# --------------------------------------------------------------------------------------------------- overtime


def overtime(day: str, start: str, end: str, status: str = "approved") -> OvertimeEvent:
    return OvertimeEvent(shift(day, start, end), status)


def test_overtime_event_counts_as_overtime_and_in_total() -> None:
    # Wed 4 Feb 16:00-19:00 after the plan: 3 h weekday day. Thu 5 Feb 20:00-23:00 (not required): 2 h day +
    # 1 h night. A waiting event on Fri 6 Feb counts nothing. Overtime 6 h; total = 160 + 6 = 166 h.
    events = (
        overtime("2026-02-04", "16:00", "19:00"),
        overtime("2026-02-05", "20:00", "23:00", "not_required"),
        overtime("2026-02-06", "16:00", "20:00", "waiting"),
    )
    minutes = month_of(2026, 2, FEBRUARY, overtime=events)
    assert totals(minutes, "overtime", "overtime_weekdays_day", "overtime_night", "regular", "total") == {
        "overtime": 6.0,
        "overtime_weekdays_day": 5.0,
        "overtime_night": 1.0,
        "regular": 160.0,
        "total": 166.0,
    }
    assert minutes.days[date(2026, 2, 5)] == DayMinutes(date(2026, 2, 5), DayClass.WEEKDAYS, 480, 0, 120, 60)


def test_overtime_inside_the_plan_is_not_counted_twice() -> None:
    # Fri 6 Feb overtime 15:00-17:00 against the 08:00-16:00 plan: only 16:00-17:00 = 1 h is overtime.
    minutes = month_of(2026, 2, FEBRUARY, overtime=(overtime("2026-02-06", "15:00", "17:00"),))
    assert totals(minutes, "overtime", "total") == {"overtime": 1.0, "total": 161.0}


def test_overlapping_plan_intervals_count_once() -> None:
    # 08:00-16:00 and 12:00-18:00 on Mon 2 Feb cover 08:00-18:00 = 10 h.
    schedule = (shift("2026-02-02", "08:00", "16:00"), shift("2026-02-02", "12:00", "18:00"))
    assert totals(month_of(2026, 2, schedule), "regular") == {"regular": 10.0}


def test_hours_are_rounded_once_at_the_end() -> None:
    # Three 20-minute overtimes in three classes: each is 0.33 h, but overtime is 60 min = 1.0 h, not 0.99.
    events = (
        overtime("2026-02-02", "17:00", "17:20"),  # weekday day
        overtime("2026-02-02", "23:00", "23:20"),  # weekday night
        overtime("2026-02-07", "10:00", "10:20"),  # weekend day
    )
    minutes = month_of(2026, 2, overtime=events)
    assert totals(minutes, "overtime", "overtime_weekdays_day", "overtime_weekdays_night", "overtime_weekend") == {
        "overtime": 1.0,
        "overtime_weekdays_day": 0.33,
        "overtime_weekdays_night": 0.33,
        "overtime_weekend": 0.33,
    }


# ------------------------------------------------------------------------------------------------ the 36 names

# February 2026 with company free days Wed 11 and Fri 13, one interval per class (minutes):
#   regular  weekdays day   Mon  2 Feb 08:00-16:00  480
#   regular  weekdays night Tue  3 Feb 00:00-01:00   60
#   regular  weekend  day   Sat  7 Feb 10:00-14:00  240
#   regular  weekend  night Sat  7 Feb 22:00-24:00  120
#   regular  holiday  day   Wed 11 Feb 06:00-22:00  960
#   regular  holiday  night Wed 11 Feb 00:00-03:00  180
#   overtime weekdays day   Mon  2 Feb 16:00-16:30   30
#   overtime weekdays night Tue  3 Feb 22:00-22:15   15
#   overtime weekend  day   Sun  8 Feb 12:00-12:45   45
#   overtime weekend  night Sun  8 Feb 04:30-06:00   90
#   overtime holiday  day   Fri 13 Feb 09:00-19:00  600
#   overtime holiday  night Fri 13 Feb 22:00-23:20   80
CLASS_SCHEDULE = (
    shift("2026-02-02", "08:00", "16:00"),
    shift("2026-02-03", "00:00", "01:00"),
    shift("2026-02-07", "10:00", "14:00"),
    shift("2026-02-07", "22:00", "00:00"),
    shift("2026-02-11", "06:00", "22:00"),
    shift("2026-02-11", "00:00", "03:00"),
)
CLASS_OVERTIME = (
    overtime("2026-02-02", "16:00", "16:30"),
    overtime("2026-02-03", "22:00", "22:15"),
    overtime("2026-02-08", "12:00", "12:45"),
    overtime("2026-02-08", "04:30", "06:00"),
    overtime("2026-02-13", "09:00", "19:00"),
    overtime("2026-02-13", "22:00", "23:20"),
)
ALL_36 = {
    "regular": 34.0,  # 480+60+240+120+960+180 = 2040 min
    "regular_day": 28.0,  # 480+240+960 = 1680
    "regular_night": 6.0,  # 60+120+180 = 360
    "regular_weekdays": 9.0,  # 480+60 = 540
    "regular_weekdays_day": 8.0,  # 480
    "regular_weekdays_night": 1.0,  # 60
    "regular_weekend": 6.0,  # 240+120 = 360
    "regular_weekend_day": 4.0,  # 240
    "regular_weekend_night": 2.0,  # 120
    "regular_holiday": 19.0,  # 960+180 = 1140
    "regular_holiday_day": 16.0,  # 960
    "regular_holiday_night": 3.0,  # 180
    "overtime": 14.33,  # 30+15+45+90+600+80 = 860 min = 14.333
    "overtime_day": 11.25,  # 30+45+600 = 675
    "overtime_night": 3.08,  # 15+90+80 = 185 = 3.083
    "overtime_weekdays": 0.75,  # 30+15 = 45
    "overtime_weekdays_day": 0.5,  # 30
    "overtime_weekdays_night": 0.25,  # 15
    "overtime_weekend": 2.25,  # 45+90 = 135
    "overtime_weekend_day": 0.75,  # 45
    "overtime_weekend_night": 1.5,  # 90
    "overtime_holiday": 11.33,  # 600+80 = 680 = 11.333
    "overtime_holiday_day": 10.0,  # 600
    "overtime_holiday_night": 1.33,  # 80 = 1.333
    "total": 48.33,  # 2040+860 = 2900 = 48.333
    "total_day": 39.25,  # 1680+675 = 2355
    "total_night": 9.08,  # 360+185 = 545 = 9.083
    "total_weekdays": 9.75,  # 540+45 = 585
    "total_weekdays_day": 8.5,  # 480+30 = 510
    "total_weekdays_night": 1.25,  # 60+15 = 75
    "total_weekend": 8.25,  # 360+135 = 495
    "total_weekend_day": 4.75,  # 240+45 = 285
    "total_weekend_night": 3.5,  # 120+90 = 210
    "total_holiday": 30.33,  # 1140+680 = 1820 = 30.333
    "total_holiday_day": 26.0,  # 960+600 = 1560
    "total_holiday_night": 4.33,  # 180+80 = 260 = 4.333
}


def test_every_one_of_the_36_names_resolves() -> None:
    minutes = month_of(2026, 2, CLASS_SCHEDULE, CLASS_OVERTIME, free=(date(2026, 2, 11), date(2026, 2, 13)))
    assert len(TOTAL_NAMES) == 36
    assert set(TOTAL_NAMES) == set(ALL_36)
    assert named_totals(minutes, ALL_36) == ALL_36


def test_report_keeps_the_requested_order_and_drops_repeats() -> None:
    calendar = month_calendar(2026, 2)
    employees = [EmployeeMonth("1", FEBRUARY), EmployeeMonth("2")]
    report = monthly_totals(calendar, employees, ["total", "regular_weekend", "total"])
    assert [(row.minutes.employee_id, row.totals) for row in report] == [
        ("1", {"total": 160.0, "regular_weekend": 0.0}),
        ("2", {"total": 0.0, "regular_weekend": 0.0}),
    ]
    assert list(report[0].totals) == ["total", "regular_weekend"]


def test_unknown_names_are_rejected_all_at_once() -> None:
    with pytest.raises(UnknownTotals) as refused:
        check_totals(["total", "overtime_weekday", "regular_night_weekend", "Total", ""])
    assert refused.value.names == ("overtime_weekday", "regular_night_weekend", "Total", "")
    assert str(refused.value).startswith("unknown totals: overtime_weekday, regular_night_weekend, Total, ")


def test_report_refuses_unknown_names_before_any_work() -> None:
    def employees() -> Iterator[EmployeeMonth]:
        raise AssertionError("an employee was read before the names were checked")
        yield EmployeeMonth("never")

    with pytest.raises(UnknownTotals, match="unknown totals: worked"):
        monthly_totals(month_calendar(2026, 2), employees(), ["worked"])


def test_intervals_and_ranges_must_not_run_backwards() -> None:
    with pytest.raises(ValueError, match="ends"):
        Interval(at("2026-02-02", "16:00"), at("2026-02-02", "08:00"))
    with pytest.raises(ValueError, match="ends"):
        DateRange(date(2026, 2, 3), date(2026, 2, 2))
