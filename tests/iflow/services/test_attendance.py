"""Clocking rules without HTTP: what a badge scan means, which scans are refused, and how intervals are written.

Depends on: iflow.services.attendance (decided_action, refused_scan, OpenInterval, parse_instant, local_time,
open_interval, record_scan, misplaced_check_in, Scan) and user/sync's service for the employees (tests.services).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from sqlalchemy.orm import Session

from flowsuite.iflow.services.attendance import (
    OpenInterval,
    Scan,
    decided_action,
    local_time,
    misplaced_check_in,
    open_interval,
    parse_datetime,
    record_scan,
    refused_scan,
    utc_instant,
)
from tests.services import iflow_employee, new_company

LIMIT = dt.timedelta(hours=13)
CHECK_IN = dt.datetime(2026, 11, 23, 6, 0, 0)  # naive UTC, as stored
OPEN = OpenInterval(1, CHECK_IN)
SECOND = dt.timedelta(seconds=1)
BUCHAREST = zoneinfo.ZoneInfo("Europe/Bucharest")


def test_a_scan_without_an_open_interval_is_a_check_in() -> None:
    assert decided_action(None, CHECK_IN, LIMIT) == "check_in"


def test_a_scan_while_checked_in_is_a_check_out_until_the_reset_limit() -> None:
    assert decided_action(OPEN, CHECK_IN + SECOND, LIMIT) == "check_out"
    assert decided_action(OPEN, CHECK_IN + LIMIT - SECOND, LIMIT) == "check_out"


def test_an_interval_open_for_the_reset_limit_has_expired_and_the_scan_checks_in() -> None:
    assert decided_action(OPEN, CHECK_IN + LIMIT, LIMIT) == "check_in"
    assert decided_action(OPEN, CHECK_IN + LIMIT + dt.timedelta(days=3), LIMIT) == "check_in"


@pytest.mark.parametrize("action", ["check_in", "check_out"])
@pytest.mark.parametrize("offset", [dt.timedelta(0), -SECOND, -dt.timedelta(days=1)])
def test_a_scan_at_or_before_the_open_check_in_is_refused(action: str, offset: dt.timedelta) -> None:
    assert refused_scan(OPEN, action, CHECK_IN + offset, LIMIT) == ("time", "after_check_in")


def test_checking_in_twice_is_refused_while_the_interval_is_live() -> None:
    assert refused_scan(OPEN, "check_in", CHECK_IN + LIMIT - SECOND, LIMIT) == ("action", "already_checked_in")
    assert refused_scan(OPEN, "check_in", CHECK_IN + LIMIT, LIMIT) is None


def test_checking_out_needs_an_open_interval() -> None:
    assert refused_scan(None, "check_out", CHECK_IN, LIMIT) == ("action", "not_checked_in")
    assert refused_scan(None, "check_in", CHECK_IN, LIMIT) is None
    assert refused_scan(OPEN, "check_out", CHECK_IN + SECOND, LIMIT) is None
    # A late check-out of an expired interval is accepted: it is closed at the limit (record_scan).
    assert refused_scan(OPEN, "check_out", CHECK_IN + LIMIT + SECOND, LIMIT) is None


@pytest.mark.parametrize("interval", [None, OPEN])
@pytest.mark.parametrize("after", [SECOND, dt.timedelta(hours=4), LIMIT - SECOND, LIMIT, 2 * LIMIT])
def test_the_action_a_badge_scan_decides_is_never_refused(interval: OpenInterval | None, after: dt.timedelta) -> None:
    instant = CHECK_IN + after
    assert refused_scan(interval, decided_action(interval, instant, LIMIT), instant, LIMIT) is None


def parse_instant(text: str, tz: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """A `time` field as user/clock reads it: an ISO date and time, in `tz` when it carries no offset."""
    moment = parse_datetime(text)
    return None if moment is None else utc_instant(moment, tz)


def test_an_instant_without_an_offset_is_the_companys_local_time() -> None:
    # 09:00 in Bucharest is 07:00 UTC in winter and 06:00 UTC in summer.
    assert parse_instant("2026-11-23 09:00:00", BUCHAREST) == dt.datetime(2026, 11, 23, 7, 0, 0)
    assert parse_instant("2026-07-01T09:00:00", BUCHAREST) == dt.datetime(2026, 7, 1, 6, 0, 0)
    assert parse_instant("2026-11-23T09:00:00+00:00", BUCHAREST) == dt.datetime(2026, 11, 23, 9, 0, 0)
    assert parse_instant("2026-11-23 09:00:00.750", BUCHAREST) == dt.datetime(2026, 11, 23, 7, 0, 0)
    assert parse_instant("23.11.2026 09:00", BUCHAREST) is None
    assert parse_instant("0001-01-01 00:00:00", BUCHAREST) is None
    assert local_time(dt.datetime(2026, 7, 1, 6, 0, 0), BUCHAREST) == "2026-07-01 09:00:00"
    assert local_time(None, BUCHAREST) == ""


# ---- the intervals written, on a real session ------------------------------------------------------------


def _scan(company_id: int, employee_id: int, action: str, instant: dt.datetime) -> Scan:
    return Scan(company_id, employee_id, action, instant, "api")


def test_a_check_out_closes_the_open_interval(session: Session) -> None:
    company_id = new_company(session).id
    employee_id = iflow_employee(session, company_id)
    record_scan(session, None, _scan(company_id, employee_id, "check_in", CHECK_IN), LIMIT)
    interval = open_interval(session, company_id, employee_id)
    assert interval is not None and interval.check_in_at == CHECK_IN

    out = CHECK_IN + dt.timedelta(hours=8)
    assert record_scan(session, interval, _scan(company_id, employee_id, "check_out", out), LIMIT) == (CHECK_IN, out)
    assert open_interval(session, company_id, employee_id) is None


def test_a_late_check_out_closes_the_interval_at_the_reset_limit(session: Session) -> None:
    company_id = new_company(session).id
    employee_id = iflow_employee(session, company_id)
    record_scan(session, None, _scan(company_id, employee_id, "check_in", CHECK_IN), LIMIT)
    interval = open_interval(session, company_id, employee_id)

    late = CHECK_IN + LIMIT + dt.timedelta(hours=5)
    assert record_scan(session, interval, _scan(company_id, employee_id, "check_out", late), LIMIT) == (
        CHECK_IN,
        CHECK_IN + LIMIT,
    )


def test_a_check_in_after_an_expired_interval_closes_it_at_the_limit_and_opens_another(session: Session) -> None:
    company_id = new_company(session).id
    employee_id = iflow_employee(session, company_id)
    record_scan(session, None, _scan(company_id, employee_id, "check_in", CHECK_IN), LIMIT)
    expired = open_interval(session, company_id, employee_id)
    next_day = CHECK_IN + dt.timedelta(days=1)

    record_scan(session, expired, _scan(company_id, employee_id, "check_in", next_day), LIMIT)

    reopened = open_interval(session, company_id, employee_id)
    assert reopened is not None and reopened.check_in_at == next_day
    # The expired interval now ends at its limit: a check-in inside it is misplaced, one after it is not.
    assert misplaced_check_in(session, company_id, employee_id, CHECK_IN + LIMIT - SECOND) == "inside_interval"
    assert misplaced_check_in(session, company_id, employee_id, CHECK_IN - SECOND) == "overlaps_interval"


def test_intervals_are_the_employees_own(session: Session) -> None:
    company_id = new_company(session).id
    ana, ion = iflow_employee(session, company_id, "Ana Pop"), iflow_employee(session, company_id, "Ion Pop")
    record_scan(session, None, _scan(company_id, ana, "check_in", CHECK_IN), LIMIT)

    assert open_interval(session, company_id, ion) is None
    assert misplaced_check_in(session, company_id, ion, CHECK_IN - SECOND) is None
    other_company = new_company(session).id
    assert open_interval(session, other_company, ana) is None
