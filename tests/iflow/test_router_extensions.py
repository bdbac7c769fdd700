"""The extension endpoints: set_work_schedule, add_event, set_approve_status, clock."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from flowsuite.iflow.models import Event, LiveAttendanceInterval, WorkScheduleInterval
from tests.conftest import LiveServer
from tests.iflow.factories import IFlowTenant, new_tenant


@pytest.fixture
def tenant(server: LiveServer) -> IFlowTenant:
    return new_tenant(server)


def errors(reply: httpx.Response) -> list[tuple[str, str]]:
    assert reply.status_code == 200, reply.text
    return [(e["field_name"], e["check_name"]) for e in reply.json()["api_reply"]["error"]]


# --- set_work_schedule


def test_plan_a_day_and_replace_it(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http)
    reply = tenant.post(
        http, "user/set_work_schedule", user_id=user_id, date="2026-12-07", intervals="12:30-16:30,08:00-12:00"
    )
    assert reply.json() == {
        "api_reply": {"user_id": user_id, "date": "2026-12-07", "intervals": "08:00-12:00,12:30-16:30", "planned": 8.0}
    }
    reply = tenant.post(http, "user/set_work_schedule", user_id=user_id, date="2026-12-07", intervals="22:00-06:00")
    assert reply.json()["api_reply"]["planned"] == 8.0
    [row] = tenant.rows(WorkScheduleInterval)
    assert (row["work_date"], row["start_time"], row["end_time"]) == (dt.date(2026, 12, 7), dt.time(22), dt.time(6))


def test_night_when_clocks_go_forward_plans_one_hour_less(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http)
    # 29 March 2026, 03:00 in Bucharest becomes 04:00: 22:00-06:00 lasts 7 hours.
    reply = tenant.post(http, "user/set_work_schedule", user_id=user_id, date="2026-03-28", intervals="22:00-06:00")
    assert reply.json()["api_reply"]["planned"] == 7.0


def test_empty_intervals_clear_the_day(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http)
    tenant.post(http, "user/set_work_schedule", user_id=user_id, date="2026-12-07", intervals="08:00-16:00")
    reply = tenant.post(http, "user/set_work_schedule", user_id=user_id, date="2026-12-07", intervals="")
    assert reply.json()["api_reply"] == {"user_id": user_id, "date": "2026-12-07", "intervals": "", "planned": 0.0}
    assert tenant.count(WorkScheduleInterval) == 0


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, [("user_id", "required"), ("date", "required"), ("intervals", "required")]),
        (
            {"user_id": "999999", "date": "2026-13-01", "intervals": "8-16"},
            [("user_id", "user_exists"), ("date", "valid_date"), ("intervals", "valid_intervals")],
        ),
        (
            {"date": "07.12.2026", "intervals": "08:00-12:00,11:00-13:00"},
            [("user_id", "required"), ("date", "valid_date"), ("intervals", "valid_intervals")],
        ),
        (
            {"user_id": "abc", "date": "2026-02-30", "intervals": "22:00-06:00,23:00-23:30"},
            [("user_id", "valid_integer"), ("date", "valid_date"), ("intervals", "valid_intervals")],
        ),
        (
            {"user_id": "999999", "date": "2026-12-07", "intervals": "08:00-08:00"},
            [("user_id", "user_exists"), ("intervals", "valid_intervals")],
        ),
    ],
)
def test_bad_plans_list_every_failed_check(
    tenant: IFlowTenant, http: httpx.Client, fields: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    tenant.new_user(http)
    assert errors(tenant.post(http, "user/set_work_schedule", **fields)) == expected
    assert tenant.count(WorkScheduleInterval) == 0


def test_another_companys_user_is_unknown(server: LiveServer, tenant: IFlowTenant, http: httpx.Client) -> None:
    stranger = new_tenant(server).new_user(http)
    reply = tenant.post(http, "user/set_work_schedule", user_id=stranger, date="2026-12-07", intervals="08:00-16:00")
    assert errors(reply) == [("user_id", "user_exists")]


# --- events


def test_add_a_sick_leave_and_approve_it_with_a_token(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http)
    reply = tenant.post_bearer(
        http,
        "events/add_event",
        user_id=user_id,
        event_type="other_leave",
        start_date="2026-12-07",
        end_date="2026-12-11",
        other_leave_type_name="01 - Common illness",
    )
    event_id = reply.json()["api_reply"]["event_id"]
    [event] = tenant.rows(Event)
    assert event_id == str(event["id"])
    assert event["approve_status"] == "waiting"
    assert (event["start_date"], event["end_date"], event["start_time"]) == (
        dt.date(2026, 12, 7),
        dt.date(2026, 12, 11),
        None,
    )
    assert event["other_leave_type_name"] == "01 - Common illness"
    reply = tenant.post_bearer(http, "events/set_approve_status", event_id=event_id, approve_status="approved")
    assert reply.json() == {"api_reply": {"event_id": event_id, "approve_status": "approved"}}
    assert tenant.rows(Event)[0]["approve_status"] == "approved"


def test_add_a_time_interval_event(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http)
    reply = tenant.post(
        http,
        "events/add_event",
        user_id=user_id,
        event_type="overtime",
        date="2026-12-05",
        start_time="16:00",
        end_time="18:30",
        approve_status="approved",
    )
    assert set(reply.json()["api_reply"]) == {"event_id"}
    [event] = tenant.rows(Event)
    assert (event["start_time"], event["end_time"], event["approve_status"]) == (
        dt.time(16),
        dt.time(18, 30),
        "approved",
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {},
            [("user_id", "required"), ("event_type", "required"), ("start_date", "required"), ("end_date", "required")],
        ),
        (
            {
                "event_type": "holiday_on_mars",
                "start_date": "2026-12-10",
                "end_date": "2026-12-01",
                "approve_status": "yes",
            },
            [
                ("user_id", "required"),
                ("event_type", "event_type_exists"),
                ("end_date", "date_order"),
                ("approve_status", "in_list"),
            ],
        ),
        (
            {"event_type": "overtime", "date": "2026-12-05", "start_time": "18:00", "end_time": "16:00"},
            [("user_id", "required"), ("end_time", "time_order")],
        ),
        (
            {"event_type": "overtime", "date": "2026-12-05", "start_date": "2026-12-05"},
            [("user_id", "required"), ("date", "one_of_forms")],
        ),
        (
            {"event_type": "overtime", "date": "5/12/2026", "start_time": "25:00"},
            [("user_id", "required"), ("date", "valid_date"), ("start_time", "valid_time"), ("end_time", "required")],
        ),
    ],
)
def test_bad_events_list_every_failed_check(
    tenant: IFlowTenant, http: httpx.Client, fields: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    assert errors(tenant.post(http, "events/add_event", **fields)) == expected
    assert tenant.count(Event) == 0


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en_US", "event_type: this event type adds hours, so give date with start_time and end_time"),
        ("ro_RO", "event_type: acest tip de eveniment adaugă ore, deci trimiteți date cu start_time și end_time"),
    ],
)
def test_overtime_over_whole_days_is_refused(
    tenant: IFlowTenant, http: httpx.Client, language: str, message: str
) -> None:
    user_id = tenant.new_user(http)
    reply = tenant.post(
        http,
        "events/add_event",
        api_language=language,
        user_id=user_id,
        event_type="overtime",
        start_date="2026-12-05",
        end_date="2026-12-06",
    )
    assert reply.json()["api_reply"]["error"] == [
        {"field_name": "event_type", "check_name": "hours_needed", "message": message}
    ]
    assert tenant.count(Event) == 0


def test_approve_status_messages_in_romanian(tenant: IFlowTenant, http: httpx.Client) -> None:
    reply = tenant.post(http, "events/set_approve_status", api_language="ro_RO", event_id="424242", approve_status="ok")
    assert reply.json()["api_reply"]["error"] == [
        {
            "field_name": "event_id",
            "check_name": "event_exists",
            "message": "event_id: nu există niciun eveniment cu acest id",
        },
        {
            "field_name": "approve_status",
            "check_name": "in_list",
            "message": "approve_status trebuie să fie una dintre valorile: approved, not_approved, waiting, "
            "partially_approved, not_required, request_edit",
        },
    ]


# --- clock


def test_check_in_and_out_in_local_time(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http)
    reply = tenant.post(http, "user/clock", user_id=user_id, action="check_in", time="2026-12-07T08:00:00")
    assert reply.json() == {
        "api_reply": {"user_id": user_id, "action": "check_in", "check_in": "2026-12-07 08:00:00", "check_out": ""}
    }
    reply = tenant.post(http, "user/clock", user_id=user_id, action="check_out", time="2026-12-07T14:30:00Z")
    assert reply.json()["api_reply"] == {
        "user_id": user_id,
        "action": "check_out",
        "check_in": "2026-12-07 08:00:00",
        "check_out": "2026-12-07 16:30:00",
    }
    [row] = tenant.rows(LiveAttendanceInterval)
    # Bucharest is UTC+2 in December: stored as UTC instants.
    assert (row["check_in_at"], row["check_out_at"]) == (dt.datetime(2026, 12, 7, 6), dt.datetime(2026, 12, 7, 14, 30))


def test_clock_by_rfid_tag(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http, rfid_tag="04A1B2C3")
    reply = tenant.post_bearer(http, "user/clock", rfid_tag="04A1B2C3", action="check_in", time="2026-12-07T07:00:00")
    assert reply.json()["api_reply"]["user_id"] == user_id


def test_double_check_in_and_lone_check_out_are_refused(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http)
    assert errors(tenant.post(http, "user/clock", user_id=user_id, action="check_out")) == [
        ("action", "not_checked_in")
    ]
    tenant.post(http, "user/clock", user_id=user_id, action="check_in", time="2026-12-07T08:00:00")
    reply = tenant.post(http, "user/clock", user_id=user_id, action="check_in", time="2026-12-07T09:00:00")
    assert errors(reply) == [("action", "already_checked_in")]
    reply = tenant.post(http, "user/clock", user_id=user_id, action="check_out", time="2026-12-07T07:00:00")
    assert errors(reply) == [("time", "after_check_in")]
    assert tenant.count(LiveAttendanceInterval) == 1


def test_check_in_after_the_reset_limit_closes_the_forgotten_interval(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http)
    tenant.post(http, "user/clock", user_id=user_id, action="check_in", time="2026-12-07T08:00:00")
    reply = tenant.post(http, "user/clock", user_id=user_id, action="check_in", time="2026-12-08T08:00:00")
    assert reply.json()["api_reply"]["check_in"] == "2026-12-08 08:00:00"
    first, second = tenant.rows(LiveAttendanceInterval)
    # Closed 13 hours after it opened (the default limit), in UTC: 06:00 + 13 h.
    assert first["check_out_at"] == dt.datetime(2026, 12, 7, 19)
    assert second["check_out_at"] is None


def test_a_past_check_in_may_not_land_inside_or_before_a_recorded_interval(
    tenant: IFlowTenant, http: httpx.Client
) -> None:
    user_id = tenant.new_user(http)

    def clock(action: str, time: str, language: str = "en_US") -> httpx.Response:
        return tenant.post(http, "user/clock", user_id=user_id, action=action, time=time, api_language=language)

    clock("check_in", "2026-12-07T10:00:00")
    clock("check_out", "2026-12-07T12:00:00")
    inside = clock("check_in", "2026-12-07T11:00:00")
    assert inside.json()["api_reply"]["error"] == [
        {
            "field_name": "time",
            "check_name": "inside_interval",
            "message": "time: this scan falls inside an interval already recorded",
        }
    ]
    before = clock("check_in", "2026-12-07T08:00:00", "ro_RO")
    assert [(e["check_name"], e["message"][:40]) for e in before.json()["api_reply"]["error"]] == [
        ("overlaps_interval", "time: această intrare nu are o ieșire în")
    ]
    assert errors(clock("check_in", "2026-12-07T10:00:00")) == [("time", "overlaps_interval")]
    # After the recorded interval: accepted, and so is closing it.
    assert clock("check_in", "2026-12-07T13:00:00").json()["api_reply"]["action"] == "check_in"
    assert clock("check_out", "2026-12-07T15:00:00").json()["api_reply"]["action"] == "check_out"
    rows = [(row["check_in_at"], row["check_out_at"]) for row in tenant.rows(LiveAttendanceInterval)]
    assert rows == [
        (dt.datetime(2026, 12, 7, 8), dt.datetime(2026, 12, 7, 10)),
        (dt.datetime(2026, 12, 7, 11), dt.datetime(2026, 12, 7, 13)),
    ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, [("user_id", "required"), ("action", "required")]),
        (
            {"user_id": "999999", "action": "lunch", "time": "yesterday"},
            [("user_id", "user_exists"), ("action", "in_list"), ("time", "valid_datetime")],
        ),
        ({"rfid_tag": "NOPE", "action": "check_in"}, [("rfid_tag", "user_exists")]),
        (
            {"user_id": "999999", "action": "check_in", "time": "2026-13-01T08:00:00"},
            [("user_id", "user_exists"), ("time", "valid_datetime")],
        ),
    ],
)
def test_bad_clocks_list_every_failed_check(
    tenant: IFlowTenant, http: httpx.Client, fields: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    assert errors(tenant.post(http, "user/clock", **fields)) == expected
    assert tenant.count(LiveAttendanceInterval) == 0


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00", "9999-12-31T23:59:59-05:00", "1899-12-31T12:00:00"])
def test_clock_times_far_out_of_range_are_refused(tenant: IFlowTenant, http: httpx.Client, moment: str) -> None:
    user_id = tenant.new_user(http)
    reply = tenant.post(http, "user/clock", user_id=user_id, action="check_in", time=moment)
    assert errors(reply) == [("time", "valid_datetime")]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_plan_dates_far_out_of_range_are_refused(tenant: IFlowTenant, http: httpx.Client, day: str) -> None:
    user_id = tenant.new_user(http)
    reply = tenant.post(http, "user/set_work_schedule", user_id=user_id, date=day, intervals="00:30-06:00")
    assert errors(reply) == [("date", "valid_date")]
