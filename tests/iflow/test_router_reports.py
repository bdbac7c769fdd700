"""user/get_work_schedule (api_key) and users/get_work_schedule (Bearer): the monthly report."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from flowsuite.iflow.models import FreeDay
from flowsuite.iflow.totals import TOTAL_NAMES
from tests.conftest import LiveServer
from tests.iflow.factories import API, IFlowTenant, new_tenant

REPORT = "user/get_work_schedule"


@pytest.fixture
def tenant(server: LiveServer) -> IFlowTenant:
    return new_tenant(server)


def api_reply(reply: httpx.Response) -> dict[str, Any]:
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()["api_reply"]
    return body


def add_free_day(tenant: IFlowTenant, day: dt.date) -> None:
    """A company free day (no endpoint makes one yet)."""
    with tenant.server.db.transaction(write=True) as session:
        session.add(FreeDay(company_id=tenant.company_id, day=day, name="Company day"))


def plan(tenant: IFlowTenant, http: httpx.Client, user_id: str, day: str, intervals: str) -> None:
    reply = tenant.post(http, "user/set_work_schedule", user_id=user_id, date=day, intervals=intervals)
    assert "error" not in api_reply(reply)


def add_event(tenant: IFlowTenant, http: httpx.Client, user_id: str, **fields: str) -> None:
    assert "event_id" in api_reply(tenant.post(http, "events/add_event", user_id=user_id, **fields))


# --- the seed's sample


def test_the_seeds_curl_sample_urlencoded(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http, "John Deer", cnp="1860222222222", mark_number="M7", team_name="Sales")
    plan(tenant, http, user_id, "2019-12-02", "08:00-16:00")
    # curl -d "api_key=...&api_language=ro_RO&year=2019&month=12&totals=total,overtime" -X POST .../get_work_schedule
    reply = http.post(
        f"{API}/{REPORT}",
        content=f"api_key={tenant.api_key}&api_language=ro_RO&year=2019&month=12&totals=total,overtime",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert api_reply(reply) == {
        "year": "2019",
        "month": "12",
        "free_days": ["2019-12-01", "2019-12-25", "2019-12-26"],
        "users": [
            {
                "user_id": user_id,
                "full_name": "John Deer",
                "cnp": "1860222222222",
                "mark_number": "M7",
                "team_name": "Sales",
                "totals": {"total": 8.0, "overtime": 0.0},
                "days": {"2019-12-02": {"regular": 8.0, "overtime": 0.0, "events": []}},
            }
        ],
    }


def test_the_seeds_sample_as_multipart(tenant: IFlowTenant, http: httpx.Client) -> None:
    tenant.new_user(http)
    fields = {"api_key": tenant.api_key, "api_language": "ro_RO", "year": "2019", "month": "12", "totals": "total"}
    reply = http.post(f"{API}/{REPORT}", files={name: (None, value) for name, value in fields.items()})
    body = api_reply(reply)
    assert (body["year"], body["month"], [u["totals"] for u in body["users"]]) == ("2019", "12", [{"total": 0.0}])


def test_all_36_totals_come_in_the_order_asked(tenant: IFlowTenant, http: httpx.Client) -> None:
    tenant.new_user(http)
    names = ",".join(reversed(TOTAL_NAMES))
    [user] = api_reply(tenant.post(http, REPORT, year="2026", month="5", totals=names))["users"]
    assert list(user["totals"]) == list(reversed(TOTAL_NAMES))
    assert set(user["totals"].values()) == {0.0}


# --- hand-worked numbers


def test_night_shift_sick_week_overtime_and_free_day(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http, "Maria Ionescu", team_name="Night")
    add_free_day(tenant, dt.date(2026, 12, 21))
    # 30 Nov 22:00 - 1 Dec 06:00: only the 6 hours on 1 December (National Day, a holiday) are in the month.
    plan(tenant, http, user_id, "2026-11-30", "22:00-06:00")
    for day in range(7, 12):  # Mon 7 - Fri 11 December, 8 hours with a half-hour break
        plan(tenant, http, user_id, f"2026-12-{day:02d}", "08:00-12:00,12:30-16:30")
    add_event(
        tenant,
        http,
        user_id,
        event_type="other_leave",
        start_date="2026-12-07",
        end_date="2026-12-11",
        approve_status="approved",
    )
    plan(tenant, http, user_id, "2026-12-14", "22:00-06:00")  # 2 h on Monday 14, 6 h on Tuesday 15, all night
    plan(tenant, http, user_id, "2026-12-16", "08:00-16:00")
    add_event(
        tenant,
        http,
        user_id,
        event_type="overtime",
        date="2026-12-16",
        start_time="16:00",
        end_time="18:30",
        approve_status="approved",
    )
    # Still waiting: neither counted nor listed.
    add_event(tenant, http, user_id, event_type="overtime", date="2026-12-17", start_time="16:00", end_time="18:00")
    plan(tenant, http, user_id, "2026-12-18", "08:00-16:00")
    add_event(
        tenant,
        http,
        user_id,
        event_type="delegation",
        start_date="2026-12-18",
        end_date="2026-12-18",
        approve_status="not_required",
    )
    plan(tenant, http, user_id, "2026-12-19", "08:00-12:00")  # a Saturday
    plan(tenant, http, user_id, "2026-12-21", "08:00-16:00")  # the company's free day

    totals = "regular,regular_weekdays_day,regular_weekdays_night,regular_weekend,regular_holiday_day,"
    totals += "regular_holiday_night,overtime,overtime_weekdays_day,total,total_night,total_day,total_weekend_night"
    body = api_reply(tenant.post(http, REPORT, year="2026", month="12", totals=totals))
    assert body["free_days"] == ["2026-12-01", "2026-12-21", "2026-12-25", "2026-12-26"]
    [user] = body["users"]
    assert user["totals"] == {
        "regular": 42.0,  # 6 + 2 + 6 + 8 + 8 + 4 + 8; the sick week's 40 hours are gone
        "regular_weekdays_day": 16.0,  # 16 and 18 December
        "regular_weekdays_night": 8.0,  # 14 and 15 December
        "regular_weekend": 4.0,
        "regular_holiday_day": 8.0,  # 21 December
        "regular_holiday_night": 6.0,  # 1 December
        "overtime": 2.5,
        "overtime_weekdays_day": 2.5,
        "total": 44.5,
        "total_night": 14.0,
        "total_day": 30.5,
        "total_weekend_night": 0.0,
    }
    sick = {"regular": 0.0, "overtime": 0.0, "events": ["other_leave"]}
    assert user["days"] == {
        "2026-12-01": {"regular": 6.0, "overtime": 0.0, "events": []},
        **{f"2026-12-{day:02d}": sick for day in range(7, 12)},
        "2026-12-14": {"regular": 2.0, "overtime": 0.0, "events": []},
        "2026-12-15": {"regular": 6.0, "overtime": 0.0, "events": []},
        "2026-12-16": {"regular": 8.0, "overtime": 2.5, "events": ["overtime"]},
        "2026-12-18": {"regular": 8.0, "overtime": 0.0, "events": ["delegation"]},
        "2026-12-19": {"regular": 4.0, "overtime": 0.0, "events": []},
        "2026-12-21": {"regular": 8.0, "overtime": 0.0, "events": []},
    }


def test_the_spring_night_is_an_hour_shorter(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http)
    plan(tenant, http, user_id, "2026-03-28", "22:00-06:00")  # 03:00 becomes 04:00 on Sunday 29 March
    [user] = api_reply(tenant.post(http, REPORT, year="2026", month="03", totals="regular_weekend_night"))["users"]
    assert user["totals"] == {"regular_weekend_night": 7.0}
    assert {day: value["regular"] for day, value in user["days"].items()} == {"2026-03-28": 2.0, "2026-03-29": 5.0}


# --- who is in the report


def test_only_the_companys_enabled_employees(server: LiveServer, tenant: IFlowTenant, http: httpx.Client) -> None:
    other = new_tenant(server)
    stranger = other.new_user(http, "Someone Else")
    plan(other, http, stranger, "2026-12-02", "08:00-16:00")
    first = tenant.new_user(http, "Ana")
    second = tenant.new_user(http, "Bogdan")
    tenant.new_user(http, "Gone", is_enabled="0")
    users = api_reply(tenant.post(http, REPORT, year="2026", month="12", totals="total"))["users"]
    assert [(u["user_id"], u["full_name"], u["days"]) for u in users] == [(first, "Ana", {}), (second, "Bogdan", {})]


# --- validator errors


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, [("year", "required"), ("month", "required"), ("totals", "required")]),
        ({"year": "2026", "month": "12", "totals": " , "}, [("totals", "required")]),
        (
            {"year": "19", "month": "13", "totals": "total"},
            [("year", "valid_year"), ("month", "valid_month")],
        ),
        (
            {"year": "2301", "month": "0", "totals": "total,hours"},
            [("year", "valid_year"), ("month", "valid_month"), ("totals", "valid_totals")],
        ),
        (
            {"year": "abcd", "month": "1x", "totals": ""},
            [("year", "valid_year"), ("month", "valid_month"), ("totals", "required")],
        ),
    ],
)
def test_bad_requests_list_every_failed_check(
    tenant: IFlowTenant, http: httpx.Client, fields: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    errors = api_reply(tenant.post(http, REPORT, **fields))["error"]
    assert [(e["field_name"], e["check_name"]) for e in errors] == expected


@pytest.mark.parametrize(
    ("language", "messages"),
    [
        (
            "en_US",
            [
                "year must be a year from 1900 to 2200",
                "month must be a month from 01 to 12",
                "totals: unknown totals: worked, overtime_weekly",
            ],
        ),
        (
            "ro_RO",
            [
                "year trebuie să fie un an între 1900 și 2200",
                "month trebuie să fie o lună între 01 și 12",
                "totals: totaluri necunoscute: worked, overtime_weekly",
            ],
        ),
    ],
)
def test_messages_name_the_unknown_totals_in_both_languages(
    tenant: IFlowTenant, http: httpx.Client, language: str, messages: list[str]
) -> None:
    reply = tenant.post(
        http, REPORT, api_language=language, year="1899", month="13", totals="total,worked,overtime_weekly,worked"
    )
    assert [e["message"] for e in api_reply(reply)["error"]] == messages


def test_missing_api_key_and_totals_in_romanian(tenant: IFlowTenant, http: httpx.Client) -> None:
    reply = http.post(f"{API}/{REPORT}", data={"api_language": "ro_RO", "year": "2019", "month": "12"})
    assert api_reply(reply) == {
        "error": [{"field_name": "api_key", "check_name": "required", "message": "api_key este obligatoriu"}]
    }
    reply = tenant.post(http, REPORT, api_language="ro_RO", year="2019", month="12")
    assert api_reply(reply)["error"] == [
        {"field_name": "totals", "check_name": "required", "message": "totals este obligatoriu"}
    ]


# --- the Bearer variant


def test_bearer_report_defaults_to_the_current_month(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http)
    today = dt.datetime.now(ZoneInfo("Europe/Bucharest")).date()
    plan(tenant, http, user_id, today.isoformat(), "08:00-10:00")
    reply = http.get(
        f"{API}/users/get_work_schedule",
        params={"totals": "regular"},
        headers={"Authorization": f"Bearer {tenant.token}"},
    )
    body = api_reply(reply)
    assert (body["year"], body["month"]) == (str(today.year), f"{today.month:02d}")
    [user] = body["users"]
    assert user["totals"] == {"regular": 2.0}
    assert user["days"][today.isoformat()]["regular"] == 2.0


def test_bearer_report_without_totals_gives_regular_overtime_and_total(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http)
    plan(tenant, http, user_id, "2026-12-01", "08:00-12:00")
    add_event(
        tenant,
        http,
        user_id,
        event_type="overtime",
        date="2026-12-01",
        start_time="12:00",
        end_time="13:30",
        approve_status="approved",
    )
    body = api_reply(tenant.post_bearer(http, "users/get_work_schedule", year="2026", month="12"))
    [user] = body["users"]
    assert list(user["totals"].items()) == [("regular", 4.0), ("overtime", 1.5), ("total", 5.5)]
    blank = api_reply(tenant.post_bearer(http, "users/get_work_schedule", year="2026", month="12", totals=" , "))
    assert blank["error"] == [{"field_name": "totals", "check_name": "required", "message": "totals is required"}]


def test_bearer_report_of_a_given_month_by_post(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http)
    plan(tenant, http, user_id, "2026-04-12", "08:00-12:00")  # Orthodox Easter Sunday 2026
    body = api_reply(
        tenant.post_bearer(http, "users/get_work_schedule", year="2026", month="4", totals="total_holiday")
    )
    assert body["month"] == "04"
    assert body["users"][0]["totals"] == {"total_holiday": 4.0}


def test_bearer_report_still_checks_its_fields(tenant: IFlowTenant, http: httpx.Client) -> None:
    reply = tenant.post_bearer(http, "users/get_work_schedule", month="13", totals="nope")
    assert [(e["field_name"], e["check_name"]) for e in api_reply(reply)["error"]] == [
        ("month", "valid_month"),
        ("totals", "valid_totals"),
    ]


def test_the_api_key_report_refuses_a_token_and_the_token_report_an_api_key(
    tenant: IFlowTenant, http: httpx.Client
) -> None:
    reply = tenant.post_bearer(http, REPORT, year="2026", month="12", totals="total")
    assert api_reply(reply)["error"] == [
        {"field_name": "api_key", "check_name": "required", "message": "api_key is required"}
    ]
    reply = tenant.post(http, "users/get_work_schedule", totals="total")
    assert (reply.status_code, reply.json()) == (401, {"error": "Key is invalid!"})
    bad = tenant.post_bearer(http, "users/get_work_schedule", token="wrong", totals="total")
    assert (bad.status_code, bad.json()) == (401, {"error": "Key is invalid!"})
