"""The status endpoints (today / tomorrow / next work day) and events/get_activity_events, over HTTP.

The server reads the real clock, so every test builds its data around "now" in Europe/Bucharest. A test
whose data would cross local midnight is skipped in the hour around it instead of flaking.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from flowsuite.iflow.models import FreeDay, IFlowSettings
from flowsuite.iflow.services.schedule import plan_instants
from flowsuite.iflow.services.status import asked_day, next_work_day
from tests.conftest import LiveServer
from tests.iflow.factories import API, IFlowTenant, new_tenant

ZONE = ZoneInfo("Europe/Bucharest")
TODAY, TOMORROW, NEXT_WORK_DAY = "users/get_today_status", "users/get_tomorrow_status", "users/get_next_work_day_status"
ACTIVITY = "events/get_activity_events"
EMPLOYEE_KEYS = ["status", "at_work", "full_name", "cnp", "user_id", "mark_number"]
EVENT_KEYS = [
    "event_id",
    "user_id",
    "event_type",
    "event_type_name",
    "position",
    "consecutive_days_position",
    "event_type_color",
    "approve_status",
    "partial_approved_by_user_id",
    "other_leave_type_name",
    "event_meta",
]
HMS = re.compile(r"\d{2}:\d{2}:\d{2}")


@pytest.fixture
def tenant(server: LiveServer) -> IFlowTenant:
    return new_tenant(server)


def now_local() -> dt.datetime:
    return dt.datetime.now(ZONE).replace(microsecond=0)


def away_from_midnight(margin: dt.timedelta = dt.timedelta(minutes=75)) -> dt.datetime:
    """Local now, skipping the test when "today" would not hold for `margin` either side."""
    now = now_local()
    midnight = now.replace(hour=0, minute=0, second=0)
    if now - midnight < margin or midnight + dt.timedelta(days=1) - now < margin:
        pytest.skip("too close to midnight in Europe/Bucharest for a same-day scenario")
    return now


def day(offset: int = 0) -> str:
    return (now_local().date() + dt.timedelta(days=offset)).isoformat()


def wire(iso_day: str) -> str:
    return dt.date.fromisoformat(iso_day).strftime("%d/%m/%Y")


def statuses(tenant: IFlowTenant, http: httpx.Client, path: str = TODAY, **fields: str) -> list[dict[str, Any]]:
    reply = tenant.post_bearer(http, path, **fields)
    assert reply.status_code == 200, reply.text
    body: list[dict[str, Any]] = reply.json()
    assert isinstance(body, list), body
    return body


def by_user(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["user_id"]: item for item in items}


def add_event(tenant: IFlowTenant, http: httpx.Client, user_id: str, **fields: str) -> str:
    reply = tenant.post(http, "events/add_event", user_id=user_id, **fields)
    body = reply.json()["api_reply"]
    assert "error" not in body, body
    return str(body["event_id"])


def sick_leave(tenant: IFlowTenant, http: httpx.Client, user_id: str, first: str, last: str, **fields: str) -> str:
    return add_event(
        tenant,
        http,
        user_id,
        event_type="other_leave",
        start_date=first,
        end_date=last,
        other_leave_type_name="01 - Common illness",
        **fields,
    )


def clock(tenant: IFlowTenant, http: httpx.Client, user_id: str, action: str, at: dt.datetime) -> None:
    reply = tenant.post(http, "user/clock", user_id=user_id, action=action, time=at.isoformat())
    assert "error" not in reply.json()["api_reply"], reply.text


def plan(tenant: IFlowTenant, http: httpx.Client, user_id: str, on: str, intervals: str) -> None:
    reply = tenant.post(http, "user/set_work_schedule", user_id=user_id, date=on, intervals=intervals)
    assert "error" not in reply.json()["api_reply"], reply.text


def hm(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


# --- the seed's shape


def test_the_seeds_sample_shape_in_english(tenant: IFlowTenant, http: httpx.Client) -> None:
    now = away_from_midnight()
    sick = tenant.new_user(http, "Miclea Dorian", cnp="2222222222222", mark_number="111111")
    present = tenant.new_user(http, "Abrudan Alexandru", cnp="3333333333333", mark_number="77777")
    event_id = sick_leave(tenant, http, sick, day(), day(), reason_message="")
    clock(tenant, http, present, "check_in", now - dt.timedelta(minutes=30))

    items = statuses(tenant, http)
    assert [item["full_name"] for item in items] == ["Abrudan Alexandru", "Miclea Dorian"]
    at_work, missing = items
    assert list(missing) == [*EMPLOYEE_KEYS, "events"]
    assert {k: missing[k] for k in EMPLOYEE_KEYS} == {
        "status": "Missing, Sick Leave",
        "at_work": False,
        "full_name": "Miclea Dorian",
        "cnp": "2222222222222",
        "user_id": sick,
        "mark_number": "111111",
    }
    [event] = missing["events"]
    assert list(event) == EVENT_KEYS
    assert event == {
        "event_id": event_id,
        "user_id": sick,
        "event_type": "other_leave",
        "event_type_name": "Sick Leave",
        "position": 0,
        "consecutive_days_position": "solo",
        "event_type_color": "#FA28FF",
        "approve_status": "waiting",
        "partial_approved_by_user_id": None,
        "other_leave_type_name": "01 - Common illness",
        "event_meta": {
            "user_id": sick,
            "days": 1,
            "start_date": wire(day()),
            "end_date": wire(day()),
            "reason_message": "",
        },
    }
    assert list(at_work) == [*EMPLOYEE_KEYS, "live_attendance"]
    assert (at_work["status"], at_work["at_work"], at_work["user_id"]) == ("At work", True, present)


def test_romanian_statuses_and_event_names(tenant: IFlowTenant, http: httpx.Client) -> None:
    now = away_from_midnight()
    sick = tenant.new_user(http, "Miclea Dorian")
    present = tenant.new_user(http, "Abrudan Alexandru")
    sick_leave(tenant, http, sick, day(), day())
    clock(tenant, http, present, "check_in", now - dt.timedelta(minutes=30))
    found = by_user(statuses(tenant, http, api_language="ro_RO"))
    assert found[sick]["status"] == "Absent, Concediu medical"
    assert found[sick]["events"][0]["event_type_name"] == "Concediu medical"
    assert found[present]["status"] == "La muncă"


def test_get_with_query_parameters(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http, "Ban Alina")
    reply = http.get(
        f"{API}/{TODAY}",
        params={"api_language": "ro_RO", "attendance_type": "work_schedule"},
        headers={"Authorization": f"Bearer {tenant.token}"},
    )
    assert reply.status_code == 200
    assert reply.json() == [
        {
            "status": "Zi liberă",
            "at_work": False,
            "full_name": "Ban Alina",
            "cnp": None,
            "user_id": user_id,
            "mark_number": None,
        }
    ]


# --- live attendance


def test_live_intervals_an_open_one_and_the_current_time(tenant: IFlowTenant, http: httpx.Client) -> None:
    now = away_from_midnight()
    user_id = tenant.new_user(http)
    first_in, first_out = now - dt.timedelta(minutes=70), now - dt.timedelta(minutes=40, seconds=30)
    second_in = now - dt.timedelta(minutes=20)
    clock(tenant, http, user_id, "check_in", first_in)
    clock(tenant, http, user_id, "check_out", first_out)
    clock(tenant, http, user_id, "check_in", second_in)

    [item] = statuses(tenant, http)
    *intervals, summary = item["live_attendance"]
    assert intervals == [
        {"check_in": f"{first_in:%H:%M:%S}", "check_out": f"{first_out:%H:%M:%S}", "worked": "00:29:30"},
        {"check_in": f"{second_in:%H:%M:%S}", "check_out": "", "worked": "00:00:00"},
    ]
    assert list(summary) == ["current_time", "total_worked"]
    assert summary["total_worked"] == "00:29:30"
    assert HMS.fullmatch(summary["current_time"])
    served_at = dt.datetime.combine(now.date(), dt.time.fromisoformat(summary["current_time"]))
    assert abs(served_at - now.replace(tzinfo=None)) < dt.timedelta(seconds=30)
    assert (item["status"], item["at_work"]) == ("At work", True)


def test_checked_out_is_left_work_and_not_clocked_has_no_live_attendance(
    tenant: IFlowTenant, http: httpx.Client
) -> None:
    now = away_from_midnight()
    gone, absent = tenant.new_user(http, "A Gone"), tenant.new_user(http, "B Absent")
    clock(tenant, http, gone, "check_in", now - dt.timedelta(hours=1))
    clock(tenant, http, gone, "check_out", now - dt.timedelta(minutes=5))
    plan(tenant, http, absent, day(), f"{hm(now - dt.timedelta(minutes=60))}-{hm(now + dt.timedelta(minutes=60))}")
    found = by_user(statuses(tenant, http))
    assert (found[gone]["status"], found[gone]["at_work"]) == ("Left work", False)
    assert found[gone]["live_attendance"][-1]["total_worked"] == "00:55:00"
    assert (found[absent]["status"], found[absent]["at_work"]) == ("Missing", False)
    assert "live_attendance" not in found[absent]


def test_the_reset_limit_closes_a_stale_open_interval(tenant: IFlowTenant, http: httpx.Client) -> None:
    now = away_from_midnight(dt.timedelta(minutes=90))
    stale, fresh = tenant.new_user(http, "A Stale"), tenant.new_user(http, "B Fresh")
    check_in = now - dt.timedelta(minutes=80)
    clock(tenant, http, stale, "check_in", check_in)
    assert by_user(statuses(tenant, http))[stale]["at_work"] is True  # 13 h by default
    with tenant.server.db.transaction(write=True) as session:
        session.get_one(IFlowSettings, tenant.company_id).checkin_reset_limit_hours = 1
    clock(tenant, http, fresh, "check_in", now - dt.timedelta(minutes=10))

    found = by_user(statuses(tenant, http))
    assert (found[stale]["status"], found[stale]["at_work"]) == ("Left work", False)
    closed_at = check_in + dt.timedelta(hours=1)
    assert found[stale]["live_attendance"][0] == {
        "check_in": f"{check_in:%H:%M:%S}",
        "check_out": f"{closed_at:%H:%M:%S}",
        "worked": "01:00:00",
    }
    assert found[stale]["live_attendance"][1]["total_worked"] == "01:00:00"
    assert found[fresh]["at_work"] is True


# --- work schedule mode


def test_work_schedule_mode_uses_the_plan(tenant: IFlowTenant, http: httpx.Client) -> None:
    now = away_from_midnight(dt.timedelta(minutes=130))
    names = ("A Now", "B Later", "C Clocked", "D Done")
    planned_now, planned_later, clocked, done = (tenant.new_user(http, name) for name in names)
    plan(tenant, http, done, day(), f"{hm(now - dt.timedelta(minutes=120))}-{hm(now - dt.timedelta(minutes=60))}")
    plan(tenant, http, planned_now, day(), f"{hm(now - dt.timedelta(minutes=60))}-{hm(now + dt.timedelta(minutes=60))}")
    plan(
        tenant,
        http,
        planned_later,
        day(),
        f"{hm(now + dt.timedelta(minutes=60))}-{hm(now + dt.timedelta(minutes=120))}",
    )
    clock(tenant, http, clocked, "check_in", now - dt.timedelta(minutes=10))

    by_plan = by_user(statuses(tenant, http, attendance_type="work_schedule"))
    assert (by_plan[planned_now]["status"], by_plan[planned_now]["at_work"]) == ("At work", True)
    assert (by_plan[planned_later]["status"], by_plan[planned_later]["at_work"]) == ("Not at work yet", False)
    assert (by_plan[clocked]["status"], by_plan[clocked]["at_work"]) == ("Day off", False)
    assert (by_plan[done]["status"], by_plan[done]["at_work"]) == ("Left work", False)
    assert all("live_attendance" not in item for item in by_plan.values())

    live = by_user(statuses(tenant, http, attendance_type="live_attendance"))
    assert (live[planned_now]["status"], live[planned_now]["at_work"]) == ("Missing", False)
    assert live[planned_later]["status"] == "Not at work yet"
    assert (live[clocked]["status"], live[clocked]["at_work"]) == ("At work", True)
    ro = by_user(statuses(tenant, http, attendance_type="work_schedule", api_language="ro_RO"))
    assert ro[planned_later]["status"] == "Nu a ajuns încă la muncă"


def test_a_leave_outweighs_the_plan(tenant: IFlowTenant, http: httpx.Client) -> None:
    now = away_from_midnight()
    user_id = tenant.new_user(http)
    plan(tenant, http, user_id, day(), f"{hm(now - dt.timedelta(minutes=60))}-{hm(now + dt.timedelta(minutes=60))}")
    add_event(tenant, http, user_id, event_type="paid_leave", start_date=day(), end_date=day())
    [item] = statuses(tenant, http, attendance_type="work_schedule")
    assert (item["status"], item["at_work"]) == ("Missing, Paid Leave", False)


# --- events of the day


def test_consecutive_days_position_on_each_day_of_a_leave(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http)
    sick_leave(tenant, http, user_id, day(), day(2))
    tomorrow_off = tenant.new_user(http, "Ana Ended")
    sick_leave(tenant, http, tomorrow_off, day(-2), day(1))

    [today, ended] = [by_user(statuses(tenant, http))[u]["events"][0] for u in (user_id, tomorrow_off)]
    assert (today["consecutive_days_position"], today["event_meta"]["days"]) == ("start", 3)
    assert (today["event_meta"]["start_date"], today["event_meta"]["end_date"]) == (wire(day()), wire(day(2)))
    assert ended["consecutive_days_position"] == "middle"
    tomorrow = by_user(statuses(tenant, http, TOMORROW))
    assert tomorrow[user_id]["events"][0]["consecutive_days_position"] == "middle"
    assert tomorrow[tomorrow_off]["events"][0]["consecutive_days_position"] == "end"
    assert tomorrow[tomorrow_off]["events"][0]["event_meta"]["days"] == 4


def test_several_events_get_their_positions_and_a_rejected_one_is_left_out(
    tenant: IFlowTenant, http: httpx.Client
) -> None:
    now = away_from_midnight()
    user_id = tenant.new_user(http)
    first = add_event(tenant, http, user_id, event_type="delegation", start_date=day(), end_date=day())
    # Half an hour off that is not under way now: listed, but only the delegation keeps him away.
    later = (now + dt.timedelta(minutes=40)).strftime("%H:%M")
    end = (now + dt.timedelta(minutes=70)).strftime("%H:%M")
    second = add_event(tenant, http, user_id, event_type="time_off", date=day(), start_time=later, end_time=end)
    add_event(
        tenant, http, user_id, event_type="paid_leave", start_date=day(), end_date=day(), approve_status="not_approved"
    )
    [item] = statuses(tenant, http)
    assert [(e["event_id"], e["position"]) for e in item["events"]] == [(first, 0), (second, 1)]
    assert item["status"] == "Missing, Delegation"


def test_a_part_day_event_keeps_someone_away_only_while_it_lasts(tenant: IFlowTenant, http: httpx.Client) -> None:
    now = away_from_midnight()
    under_way = tenant.new_user(http, "Ana Now")
    over = tenant.new_user(http, "Dan Earlier")
    start, end = (now - dt.timedelta(minutes=30)).strftime("%H:%M"), (now + dt.timedelta(minutes=30)).strftime("%H:%M")
    add_event(tenant, http, under_way, event_type="time_off", date=day(), start_time=start, end_time=end)
    earlier = (now - dt.timedelta(minutes=70)).strftime("%H:%M"), (now - dt.timedelta(minutes=40)).strftime("%H:%M")
    add_event(tenant, http, over, event_type="time_off", date=day(), start_time=earlier[0], end_time=earlier[1])
    people = by_user(statuses(tenant, http))
    assert people[under_way]["status"] == "Missing, Time Off"
    # No plan and the time off is over: a day off, with the event still listed.
    assert people[over]["status"] == "Day off" and len(people[over]["events"]) == 1


# --- tomorrow and the next work day


def test_tomorrow_from_its_plan_and_events(tenant: IFlowTenant, http: httpx.Client) -> None:
    now = away_from_midnight()
    planned, sick, idle = (tenant.new_user(http, name) for name in ("A Planned", "B Sick", "C Idle"))
    plan(tenant, http, planned, day(1), "08:00-16:00")
    plan(tenant, http, sick, day(1), "08:00-16:00")
    sick_leave(tenant, http, sick, day(1), day(1))
    clock(tenant, http, idle, "check_in", now - dt.timedelta(minutes=30))

    found = by_user(statuses(tenant, http, TOMORROW))
    assert (found[planned]["status"], found[planned]["at_work"]) == ("At work", True)
    assert (found[sick]["status"], found[sick]["at_work"]) == ("Missing, Sick Leave", False)
    assert found[sick]["events"][0]["consecutive_days_position"] == "solo"
    assert (found[idle]["status"], found[idle]["at_work"]) == ("Day off", False)
    assert all("live_attendance" not in item for item in found.values())


@pytest.mark.parametrize(
    ("after", "free", "expected"),
    [
        (dt.date(2026, 12, 24), (), dt.date(2026, 12, 28)),  # Christmas (25, 26), then Sunday
        (dt.date(2026, 11, 27), (), dt.date(2026, 12, 2)),  # weekend, St Andrew (30 Nov), National Day (1 Dec)
        (dt.date(2026, 11, 27), (dt.date(2026, 12, 2),), dt.date(2026, 12, 3)),  # and a company free day
        (dt.date(2026, 4, 9), (), dt.date(2026, 4, 14)),  # Orthodox Good Friday, Easter and Easter Monday
        (dt.date(2026, 12, 7), (), dt.date(2026, 12, 8)),
    ],
)
def test_next_work_day_skips_weekends_holidays_and_free_days(
    after: dt.date, free: tuple[dt.date, ...], expected: dt.date
) -> None:
    assert next_work_day(after, free) == expected


def test_next_work_day_status_skips_the_company_free_days(tenant: IFlowTenant, http: httpx.Client) -> None:
    today = now_local().date()
    skipped = [next_work_day(today, [])]
    skipped.append(next_work_day(today, skipped))
    expected = next_work_day(today, skipped)
    with tenant.server.db.transaction(write=True) as session:
        session.add_all(FreeDay(company_id=tenant.company_id, day=free, name="Company day") for free in skipped)
    on_free_day, on_work_day = tenant.new_user(http, "A Free"), tenant.new_user(http, "B Work")
    plan(tenant, http, on_free_day, skipped[0].isoformat(), "08:00-16:00")
    plan(tenant, http, on_work_day, expected.isoformat(), "08:00-16:00")
    sick_leave(tenant, http, on_work_day, expected.isoformat(), (expected + dt.timedelta(days=1)).isoformat())

    found = by_user(statuses(tenant, http, NEXT_WORK_DAY, api_language="ro_RO"))
    assert (found[on_free_day]["status"], found[on_free_day]["at_work"]) == ("Zi liberă", False)
    assert found[on_work_day]["status"] == "Absent, Concediu medical"
    assert found[on_work_day]["events"][0]["consecutive_days_position"] == "start"


# --- who is listed


def test_disabled_employees_and_other_companies_are_not_listed(
    server: LiveServer, tenant: IFlowTenant, http: httpx.Client
) -> None:
    now = away_from_midnight()
    kept = tenant.new_user(http, "Kept")
    tenant.new_user(http, "Disabled", is_enabled="0")
    tenant.new_user(http, "Left the company", disable_date=day(-1))
    stranger_company = new_tenant(server)
    stranger = stranger_company.new_user(http, "Stranger")
    sick_leave(stranger_company, http, stranger, day(), day())
    clock(stranger_company, http, stranger, "check_in", now - dt.timedelta(minutes=5))
    for path in (TODAY, TOMORROW, NEXT_WORK_DAY):
        assert [item["user_id"] for item in statuses(tenant, http, path)] == [kept]
    assert statuses(tenant, http, ACTIVITY) == []
    assert statuses(tenant, http, ACTIVITY, users_ids=stranger) == []


@pytest.mark.parametrize("path", [TODAY, TOMORROW, NEXT_WORK_DAY, ACTIVITY])
def test_a_bad_missing_or_revoked_token_is_refused(tenant: IFlowTenant, http: httpx.Client, path: str) -> None:
    invalid = {"error": "Key is invalid!"}
    assert tenant.post_bearer(http, path, token="nope").json() == invalid
    assert tenant.post_bearer(http, path, token="nope").status_code == 401
    assert http.get(f"{API}/{path}").status_code == 401
    assert http.get(f"{API}/{path}", headers={"Authorization": "Bearer nope"}).json() == invalid
    tenant.revoke_token()
    assert tenant.post_bearer(http, path).status_code == 401


def test_an_unknown_attendance_type_is_a_validation_error(tenant: IFlowTenant, http: httpx.Client) -> None:
    reply = tenant.post_bearer(http, TODAY, attendance_type="guesswork")
    [error] = reply.json()["api_reply"]["error"]
    assert (error["field_name"], error["check_name"]) == ("attendance_type", "in_list")


# --- events/get_activity_events


@pytest.fixture
def activity(tenant: IFlowTenant, http: httpx.Client) -> dict[str, str]:
    """Two employees in two teams and four events of three types, two statuses and three weeks."""
    ana = tenant.new_user(http, "Ana", team_name="Sales")
    dan = tenant.new_user(http, "Dan", team_name="Support")
    ids = {
        "ana": ana,
        "dan": dan,
        "ana_sick": sick_leave(tenant, http, ana, "2026-12-07", "2026-12-09", approve_status="approved"),
        "ana_leave": add_event(
            tenant, http, ana, event_type="paid_leave", start_date="2026-12-21", end_date="2026-12-23"
        ),
        "dan_overtime": add_event(
            tenant,
            http,
            dan,
            event_type="overtime",
            date="2026-12-08",
            start_time="16:00",
            end_time="18:00",
            approve_status="approved",
        ),
        "dan_leave": add_event(
            tenant, http, dan, event_type="paid_leave", start_date="2026-12-14", end_date="2026-12-15"
        ),
    }
    return ids


def event_ids(tenant: IFlowTenant, http: httpx.Client, **fields: str) -> list[str]:
    return [item["event_id"] for item in statuses(tenant, http, ACTIVITY, **fields)]


def type_id(tenant: IFlowTenant, code: str) -> str:
    from flowsuite.iflow.models import EventType

    [row] = tenant.rows(EventType, code=code)
    return str(row["id"])


def test_activity_events_shape(tenant: IFlowTenant, http: httpx.Client, activity: dict[str, str]) -> None:
    items = statuses(tenant, http, ACTIVITY, users_ids=activity["dan"], api_language="ro_RO")
    overtime = items[0]
    assert overtime == {
        "event_id": activity["dan_overtime"],
        "user_id": activity["dan"],
        "event_type": "overtime",
        "event_type_name": "Ore suplimentare",
        "event_type_color": "#F5A623",
        "approve_status": "approved",
        "partial_approved_by_user_id": None,
        "other_leave_type_name": None,
        "event_type_id": type_id(tenant, "overtime"),
        "full_name": "Dan",
        "team_name": "Support",
        "start_time": "16:00",
        "end_time": "18:00",
        "event_meta": {
            "user_id": activity["dan"],
            "days": 1,
            "start_date": "08/12/2026",
            "end_date": "08/12/2026",
            "reason_message": "",
        },
    }


def test_activity_events_each_filter(tenant: IFlowTenant, http: httpx.Client, activity: dict[str, str]) -> None:
    every = [activity[k] for k in ("ana_sick", "ana_leave", "dan_overtime", "dan_leave")]
    assert event_ids(tenant, http) == every
    assert event_ids(tenant, http, users_ids=activity["ana"]) == every[:2]
    assert event_ids(tenant, http, users_ids=f"{activity['dan']}, {activity['ana']}") == every
    assert event_ids(tenant, http, teams="Support") == every[2:]
    assert event_ids(tenant, http, teams="Sales,Nobody") == every[:2]
    assert event_ids(tenant, http, event_ids=type_id(tenant, "paid_leave")) == [
        activity["ana_leave"],
        activity["dan_leave"],
    ]
    assert event_ids(tenant, http, status="approved") == [activity["ana_sick"], activity["dan_overtime"]]
    assert event_ids(tenant, http, status="waiting,not_approved") == [activity["ana_leave"], activity["dan_leave"]]
    # Overlapping the interval: 9 Dec ends the sick leave; 14-15 Dec is a whole leave.
    window = {"date_interval_start": "2026-12-09", "date_interval_end": "2026-12-14"}
    assert event_ids(tenant, http, **window) == [activity["ana_sick"], activity["dan_leave"]]
    assert event_ids(tenant, http, teams="Sales", status="approved", **window) == [activity["ana_sick"]]


def test_paid_leave_counts_working_days_and_sick_leave_calendar_days(tenant: IFlowTenant, http: httpx.Client) -> None:
    # Mon 23 Nov - Fri 4 Dec 2026: ten weekdays, less St Andrew's Day (30 Nov), the National Day (1 Dec) and a
    # company free day (4 Dec); the same fortnight of sick leave is twelve calendar days.
    with tenant.server.db.transaction(write=True) as session:
        session.add(FreeDay(company_id=tenant.company_id, day=dt.date(2026, 12, 4), name="Company day"))
    ana = tenant.new_user(http, "Ana")
    paid = add_event(tenant, http, ana, event_type="paid_leave", start_date="2026-11-23", end_date="2026-12-04")
    weekend = add_event(tenant, http, ana, event_type="paid_leave", start_date="2026-12-05", end_date="2026-12-06")
    sick = sick_leave(tenant, http, ana, "2026-11-23", "2026-12-04")
    hours = add_event(
        tenant, http, ana, event_type="paid_leave", date="2026-12-12", start_time="09:00", end_time="11:00"
    )
    days = {item["event_id"]: item["event_meta"]["days"] for item in statuses(tenant, http, ACTIVITY)}
    assert days == {paid: 7, weekend: 0, sick: 12, hours: 1}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"date_interval_start": "2026-12-01"}, [("date_interval_end", "required_with")]),
        ({"date_interval_end": "2026-12-01"}, [("date_interval_start", "required_with")]),
        (
            {"date_interval_start": "2026-12-10", "date_interval_end": "2026-12-01"},
            [("date_interval_end", "date_order")],
        ),
        (
            {"date_interval_start": "10.12.2026", "date_interval_end": "2026-12-31"},
            [("date_interval_start", "valid_date")],
        ),
        (
            {"users_ids": "1,x", "event_ids": "-3", "status": "maybe"},
            [
                ("users_ids", "valid_integer"),
                ("event_ids", "valid_integer"),
                ("status", "in_list"),
            ],
        ),
    ],
)
def test_activity_events_bad_filters_get_the_validator_shape(
    tenant: IFlowTenant, http: httpx.Client, fields: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    reply = tenant.post_bearer(http, ACTIVITY, **fields)
    assert reply.status_code == 200
    assert [(e["field_name"], e["check_name"]) for e in reply.json()["api_reply"]["error"]] == expected


def test_activity_events_required_with_message_in_romanian(tenant: IFlowTenant, http: httpx.Client) -> None:
    reply = tenant.post_bearer(http, ACTIVITY, date_interval_start="2026-12-01", api_language="ro_RO")
    assert reply.json() == {
        "api_reply": {
            "error": [
                {
                    "field_name": "date_interval_end",
                    "check_name": "required_with",
                    "message": "date_interval_end este obligatoriu când este trimis date_interval_start",
                }
            ]
        }
    }


# --- the day's clock: plain offset on ordinary days, zoneinfo around a clock change


@pytest.mark.parametrize(
    ("on", "plain"),
    [
        (dt.date(2026, 12, 7), True),
        (dt.date(2026, 3, 28), False),
        (dt.date(2026, 3, 29), False),
        (dt.date(2026, 10, 25), False),
    ],
)
def test_the_asked_days_clock_agrees_with_zoneinfo(on: dt.date, plain: bool) -> None:
    asked = asked_day(on, ZONE, None)
    assert (asked.plain_offset is not None) == plain
    night = asked.plan_instants(on, dt.time(22), dt.time(6))
    assert night == plan_instants(on, dt.time(22), dt.time(6), ZONE)
    instant = dt.datetime.combine(on, dt.time(23, 30))
    expected = instant.replace(tzinfo=dt.UTC).astimezone(ZONE)
    assert asked.local_hms(instant) == f"{expected:%H:%M:%S}"
