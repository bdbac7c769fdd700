"""IFlowClient and AsyncIFlowClient against the live server: every endpoint, credentials, validator errors."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from flowsuite.iflow.router import ENDPOINTS
from flowsuite_client import AsyncIFlowClient, AuthenticationFailed, IFlowClient, IFlowValidationError
from flowsuite_client.iflow import IFlowCalls
from tests.conftest import LiveServer
from tests.iflow.factories import IFlowTenant

BUCHAREST = ZoneInfo("Europe/Bucharest")
# The server's endpoint paths and the method that calls each.
METHODS = {
    "/api/api_v2/user/get_work_schedule": "get_work_schedule",
    "/api/api_v2/users/get_work_schedule": "users_get_work_schedule",
    "/api/api_v2/user/sync": "sync_user",
    "/api/api_v2/users/get_today_status": "get_today_status",
    "/api/api_v2/users/get_tomorrow_status": "get_tomorrow_status",
    "/api/api_v2/users/get_next_work_day_status": "get_next_work_day_status",
    "/api/api_v2/events/get_activity_events": "get_activity_events",
    "/api/api_v2/user/set_work_schedule": "set_work_schedule",
    "/api/api_v2/events/add_event": "add_event",
    "/api/api_v2/events/set_approve_status": "set_approve_status",
    "/api/api_v2/user/clock": "clock",
    "/api/rfid_devices/auto_attendance": "rfid_auto_attendance",
    "/api/rfid_v2/offline_attendance/store_attendances": "rfid_store_attendances",
}
EXAMPLE_ARGUMENTS: dict[str, tuple[Any, ...]] = {
    "get_work_schedule": (2026, 1, ["total"]),
    "sync_user": ("cnp", "1"),
    "set_work_schedule": (1, "2026-01-05", []),
    "add_event": (1, "paid_leave"),
    "set_approve_status": (1, "approved"),
    "clock": ("check_in",),
    "rfid_auto_attendance": ("serial", "tag"),
    "rfid_store_attendances": ("serial", []),
}


def test_every_endpoint_of_the_server_has_a_method() -> None:
    assert set(METHODS) == {endpoint.path for endpoint in ENDPOINTS}
    calls = IFlowCalls("key", "token", "en_US")
    for path, name in METHODS.items():
        assert callable(getattr(IFlowClient, name)) and callable(getattr(AsyncIFlowClient, name))
        assert getattr(calls, name)(*EXAMPLE_ARGUMENTS.get(name, ())).request.path == path


def today() -> dt.date:
    return dt.datetime.now(BUCHAREST).date()


def new_employee(iflow: IFlowClient, name: str = "Ion Popescu", **fields: Any) -> str:
    reply = iflow.sync_user("id_card", f"RX{uuid.uuid4().hex[:6]}", full_name=name, **fields)
    return reply["new_user"]["user_id"]


def test_sync_creates_then_updates(iflow: IFlowClient) -> None:
    created = iflow.sync_user(
        "id_card", "RX123456", full_name="Ana Pop", team_name="Night", is_enabled=True, birth_date=dt.date(1990, 1, 2)
    )
    user = created["new_user"]
    assert (user["full_name"], user["team_name"], user["is_enabled"], user["birth_date"]) == (
        "Ana Pop",
        "Night",
        "1",
        "1990-01-02",
    )
    updated = iflow.sync_user("id_card", "RX123456", job_title="Nurse")
    assert updated["updated_user"]["user_id"] == user["user_id"]
    assert updated["updated_user"]["job_title"] == "Nurse"
    warned = iflow.sync_user("id_card", "RX123456", cnp="1234567890123")
    assert [(w["field_name"], w["check_name"]) for w in warned["warning"]] == [("cnp", "valid_cnp")]


def test_plan_report_and_status(iflow: IFlowClient) -> None:
    user_id = new_employee(iflow)
    planned = iflow.set_work_schedule(user_id, dt.date(2026, 12, 7), ["08:00-12:00", "12:30-16:30"])
    assert planned == {"user_id": user_id, "date": "2026-12-07", "intervals": "08:00-12:00,12:30-16:30", "planned": 8.0}
    report = iflow.get_work_schedule(2026, 12, ["regular", "total"])
    assert (report["year"], report["month"]) == ("2026", "12")
    (row,) = report["users"]
    assert row["totals"] == {"regular": 8.0, "total": 8.0}
    assert row["days"]["2026-12-07"]["regular"] == 8.0
    assert "2026-12-25" in report["free_days"]
    by_token = iflow.users_get_work_schedule(2026, 12, ["regular"])
    assert by_token["users"][0]["totals"] == {"regular": 8.0}
    assert iflow.users_get_work_schedule()["month"] == f"{today().month:02d}"

    tomorrow = today() + dt.timedelta(days=1)
    iflow.set_work_schedule(user_id, tomorrow, "08:00-16:00")
    assert [(s["user_id"], s["at_work"]) for s in iflow.get_tomorrow_status()] == [(user_id, True)]
    assert [s["user_id"] for s in iflow.get_next_work_day_status("work_schedule")] == [user_id]


def test_clock_and_today_status(iflow: IFlowClient) -> None:
    user_id = new_employee(iflow)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    checked_in = iflow.clock("check_in", user_id=user_id, time=now - dt.timedelta(minutes=2))
    assert (checked_in["action"], checked_in["check_out"]) == ("check_in", "")
    (status,) = iflow.get_today_status()
    assert (status["user_id"], status["at_work"]) == (user_id, True)
    assert status["live_attendance"][0]["check_out"] == ""
    checked_out = iflow.clock("check_out", user_id=user_id, time=now - dt.timedelta(minutes=1))
    assert checked_out["check_out"] != ""
    assert iflow.get_today_status("work_schedule")[0]["user_id"] == user_id


def test_events(iflow: IFlowClient) -> None:
    user_id = new_employee(iflow)
    event_id = iflow.add_event(
        user_id,
        "paid_leave",
        start_date=dt.date(2026, 12, 7),
        end_date=dt.date(2026, 12, 9),
        reason_message="Holiday",
    )
    assert iflow.set_approve_status(event_id, "approved") == {"event_id": event_id, "approve_status": "approved"}
    overtime = iflow.add_event(
        user_id, "overtime", date="2026-12-10", start_time=dt.time(18), end_time=dt.time(20), approve_status="approved"
    )
    events = iflow.get_activity_events(
        users_ids=[user_id], date_interval_start="2026-12-01", date_interval_end="2026-12-31"
    )
    assert [(e["event_id"], e["event_type"], e["approve_status"]) for e in events] == [
        (event_id, "paid_leave", "approved"),
        (overtime, "overtime", "approved"),
    ]
    assert events[0]["event_meta"]["reason_message"] == "Holiday"
    assert events[1]["start_time"] == "18:00"
    assert iflow.get_activity_events(status=["waiting"]) == []


def test_rfid_terminal(iflow: IFlowClient, iflow_tenant: IFlowTenant) -> None:
    serial = iflow_tenant.add_device()
    user_id = new_employee(iflow, rfid_tag="0004471234")
    yesterday = (today() - dt.timedelta(days=1)).isoformat()
    stored = iflow.rfid_store_attendances(
        serial,
        [
            {"date": yesterday, "time": "08:00", "rfidTag": "0004471234"},
            {"date": yesterday, "time": "08:00", "rfidTag": "0004471234"},
            {"date": yesterday, "time": "09:00", "rfidTag": "unknown"},
        ],
    )
    assert (stored["stored"], stored["refused"]) == (1, 2)
    assert [bool(r["error_check_in_out"]) for r in stored["attendances"]] == [False, True, False]
    assert [bool(r["error_authenticate"]) for r in stored["attendances"]] == [False, False, True]
    # Yesterday's interval is past the reset limit, so today's scan checks in anew.
    scan = iflow.rfid_auto_attendance(serial, "0004471234")
    assert (scan["user_id"], scan["action"], scan["rfid_tag"]) == (user_id, "check_in", "0004471234")
    with pytest.raises(AuthenticationFailed, match="Key is invalid!"):
        iflow.rfid_auto_attendance("not-a-terminal", "0004471234")


def test_validator_errors_list_every_check_in_the_language(server: LiveServer, iflow_tenant: IFlowTenant) -> None:
    messages = {}
    for language in ("en_US", "ro_RO"):
        iflow = IFlowClient(server.base_url, api_key=iflow_tenant.api_key, language=language)
        with iflow, pytest.raises(IFlowValidationError) as refused:
            iflow.set_work_schedule(999999, "2026-13-01", "8-16")
        errors = refused.value.errors
        assert [(e.field_name, e.check_name) for e in errors] == [
            ("user_id", "user_exists"),
            ("date", "valid_date"),
            ("intervals", "valid_intervals"),
        ]
        messages[language] = [e.message for e in errors]
        assert all(message in str(refused.value) for message in messages[language])
    assert messages["en_US"] != messages["ro_RO"]
    with pytest.raises(ValueError):
        IFlowClient(server.base_url, language="fr_FR")


def test_credentials(server: LiveServer, iflow_tenant: IFlowTenant) -> None:
    with IFlowClient(server.base_url, token="not-a-token") as iflow, pytest.raises(AuthenticationFailed) as refused:
        iflow.get_today_status()
    assert (refused.value.message, refused.value.status_code) == ("Key is invalid!", 401)
    with IFlowClient(server.base_url, api_key="not-a-key") as iflow, pytest.raises(IFlowValidationError) as bad_key:
        iflow.get_work_schedule(2026, 1, ["total"])
    assert [(e.field_name, e.check_name) for e in bad_key.value.errors] == [("api_key", "valid_key")]
    with IFlowClient(server.base_url, api_key=iflow_tenant.api_key) as iflow, pytest.raises(ValueError, match="token"):
        iflow.get_today_status()
    # The extensions take the token when the client has no api_key.
    with IFlowClient(server.base_url, token=iflow_tenant.token) as iflow:
        assert iflow.get_activity_events() == []
        with pytest.raises(IFlowValidationError):
            iflow.clock("check_in", user_id=999999)


@pytest.mark.anyio
async def test_async_client_calls_every_endpoint(server: LiveServer, iflow_tenant: IFlowTenant) -> None:
    serial = iflow_tenant.add_device()
    async with AsyncIFlowClient(server.base_url, iflow_tenant.api_key, iflow_tenant.token, "ro_RO") as iflow:
        synced = await iflow.sync_user("id_card", "RX777", full_name="Maria Ionescu", rfid_tag="77")
        user_id = synced["new_user"]["user_id"]
        assert (await iflow.set_work_schedule(user_id, "2026-12-07", "08:00-16:00"))["planned"] == 8.0
        assert (await iflow.get_work_schedule(2026, 12, ["regular"]))["users"][0]["totals"] == {"regular": 8.0}
        assert (await iflow.users_get_work_schedule(2026, 12))["users"][0]["user_id"] == user_id
        event_id = await iflow.add_event(user_id, "paid_leave", start_date="2026-12-08", end_date="2026-12-08")
        assert (await iflow.set_approve_status(event_id, "not_approved"))["approve_status"] == "not_approved"
        assert [e["event_id"] for e in await iflow.get_activity_events(users_ids=[user_id])] == [event_id]
        now = dt.datetime.now(dt.UTC)
        assert (await iflow.clock("check_in", rfid_tag="77", time=now - dt.timedelta(minutes=10)))["check_out"] == ""
        assert (await iflow.rfid_auto_attendance(serial, "77"))["action"] == "check_out"
        (status,) = await iflow.get_today_status()
        assert (status["user_id"], status["at_work"], status["status"]) == (user_id, False, "A plecat de la muncă")
        assert [s["user_id"] for s in await iflow.get_tomorrow_status()] == [user_id]
        assert [s["user_id"] for s in await iflow.get_next_work_day_status()] == [user_id]
        yesterday = (today() - dt.timedelta(days=1)).isoformat()
        stored = await iflow.rfid_store_attendances(serial, [{"date": yesterday, "time": "07:00", "rfidTag": "77"}])
        assert stored["stored"] == 1
