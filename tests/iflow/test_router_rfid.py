"""The RFID terminal endpoints over HTTP: live scans, offline batches, device credentials, concurrency."""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from flowsuite.core.db import utc_now
from flowsuite.iflow.models import LiveAttendanceInterval
from tests.conftest import LiveServer
from tests.iflow.factories import IFlowTenant, new_tenant

AUTO = "/api/rfid_devices/auto_attendance"
OFFLINE = "/api/rfid_v2/offline_attendance/store_attendances"


@pytest.fixture
def tenant(server: LiveServer) -> IFlowTenant:
    return new_tenant(server)


@pytest.fixture
def serial(tenant: IFlowTenant) -> str:
    return tenant.add_device()


def scan(http: httpx.Client, serial: str, tag: str, **extra: str) -> httpx.Response:
    return http.post(AUTO, data={"access_token": serial, "rfid_tag": tag, **extra})


def store(http: httpx.Client, serial: str, rows: list[dict[str, str]], **extra: str) -> dict[str, Any]:
    reply = http.post(OFFLINE, data={"access_token": serial, "csv_data": json.dumps(rows), **extra})
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()["api_reply"]
    return body


def row(date: str, time: str, tag: str) -> dict[str, str]:
    return {"date": date, "time": time, "rfidTag": tag, "errorMsg": ""}


def test_first_scan_checks_in_and_the_next_checks_out(tenant: IFlowTenant, serial: str, http: httpx.Client) -> None:
    user_id = tenant.new_user(http, "Maria Ionescu", rfid_tag="0004471234")
    first = scan(http, serial, "0004471234").json()["api_reply"]
    assert (first["user_id"], first["full_name"], first["action"], first["check_out"]) == (
        user_id,
        "Maria Ionescu",
        "check_in",
        "",
    )
    [interval] = tenant.rows(LiveAttendanceInterval)
    assert (interval["source"], interval["check_out_at"]) == ("rfid", None)
    assert interval["device_id"] is not None
    # Move the check-in a minute back, so the next scan is not a double tap within the same second.
    with tenant.server.db.transaction(write=True) as session:
        session.get_one(LiveAttendanceInterval, interval["id"]).check_in_at -= dt.timedelta(minutes=1)
    second = http.get(AUTO, params={"access_token": serial, "rfid_tag": "0004471234"}).json()["api_reply"]
    assert second["action"] == "check_out" and second["check_out"] != ""
    [closed] = tenant.rows(LiveAttendanceInterval)
    assert closed["check_out_at"] is not None


def test_a_scan_not_after_the_check_in_is_a_duplicate(tenant: IFlowTenant, serial: str, http: httpx.Client) -> None:
    tenant.new_user(http, rfid_tag="TAG-DOUBLE")
    assert scan(http, serial, "TAG-DOUBLE").json()["api_reply"]["action"] == "check_in"
    # A check-in a minute ahead stands for a double tap within the same second, without depending on timing.
    [interval] = tenant.rows(LiveAttendanceInterval)
    with tenant.server.db.transaction(write=True) as session:
        session.get_one(LiveAttendanceInterval, interval["id"]).check_in_at += dt.timedelta(minutes=1)
    errors = scan(http, serial, "TAG-DOUBLE").json()["api_reply"]["error"]
    assert [(e["field_name"], e["check_name"]) for e in errors] == [("rfid_tag", "duplicate_scan")]
    assert tenant.count(LiveAttendanceInterval, check_out_at=None) == 1


def test_a_scan_after_the_reset_limit_checks_in_again(tenant: IFlowTenant, serial: str, http: httpx.Client) -> None:
    user_id = int(tenant.new_user(http, rfid_tag="TAG-LATE"))
    check_in = utc_now().replace(microsecond=0) - dt.timedelta(hours=14)
    with tenant.server.db.transaction(write=True) as session:
        session.add(
            LiveAttendanceInterval(
                company_id=tenant.company_id, employee_id=user_id, check_in_at=check_in, source="api"
            )
        )
    assert scan(http, serial, "TAG-LATE").json()["api_reply"]["action"] == "check_in"
    forgotten, current = tenant.rows(LiveAttendanceInterval)
    assert forgotten["check_out_at"] == check_in + dt.timedelta(hours=13)
    assert current["check_out_at"] is None


def test_unknown_device_missing_token_and_unknown_tag(tenant: IFlowTenant, serial: str, http: httpx.Client) -> None:
    tenant.new_user(http, rfid_tag="TAG-KNOWN")
    for reply in (
        scan(http, "SN-NOT-REGISTERED", "TAG-KNOWN"),
        http.post(AUTO, data={"rfid_tag": "TAG-KNOWN"}),
        http.post(OFFLINE, data={"access_token": "nope", "csv_data": "[]"}),
    ):
        assert (reply.status_code, reply.json()) == (401, {"error": "Key is invalid!"})
    reply = scan(http, serial, "TAG-NOBODY", api_language="ro_RO")
    assert reply.json() == {
        "api_reply": {
            "error": [
                {
                    "field_name": "rfid_tag",
                    "check_name": "rfid_unknown",
                    "message": "rfid_tag: niciun angajat activ nu are acest tag RFID",
                }
            ]
        }
    }
    assert scan(http, serial, "").json()["api_reply"]["error"][0]["check_name"] == "required"
    assert tenant.count(LiveAttendanceInterval) == 0


def test_a_device_of_another_company_does_not_see_its_tags(
    server: LiveServer, tenant: IFlowTenant, http: httpx.Client
) -> None:
    tenant.new_user(http, rfid_tag="TAG-MINE")
    other_serial = new_tenant(server).add_device()
    assert scan(http, other_serial, "TAG-MINE").json()["api_reply"]["error"][0]["check_name"] == "rfid_unknown"


def test_offline_batch_each_row_on_its_own(tenant: IFlowTenant, serial: str, http: httpx.Client) -> None:
    tenant.new_user(http, rfid_tag="TAG-A")
    rows = [
        row("2026-12-07", "08:00:05", "TAG-A"),
        row("2026-12-07", "08:00:05", "TAG-A"),  # the terminal sent it twice
        row("2026-12-07", "25:00", "TAG-A"),
        row("2026-12-07", "12:00", "TAG-NOBODY"),
        row("2026-12-07", "16:30:00", "TAG-A"),
    ]
    body = store(http, serial, rows, api_language="en_US")
    assert (body["stored"], body["refused"]) == (2, 3)
    ok, duplicate, malformed, unknown, out = body["attendances"]
    blank = {"error_authenticate": "", "error_check_in_out": "", "error_csv": ""}
    assert ok == {"date": "2026-12-07", "time": "08:00:05", "rfidTag": "TAG-A", **blank}
    assert duplicate["error_check_in_out"] == "rfidTag: this scan is already recorded"
    assert malformed["error_csv"] == "time must be a time in the HH:MM or HH:MM:SS format"
    assert unknown["error_authenticate"] == "rfidTag: no enabled employee has this RFID tag"
    assert out == {"date": "2026-12-07", "time": "16:30:00", "rfidTag": "TAG-A", **blank}
    [interval] = tenant.rows(LiveAttendanceInterval)
    # 08:00:05 and 16:30 in Bucharest (UTC+2 in December).
    assert (interval["check_in_at"], interval["check_out_at"]) == (
        dt.datetime(2026, 12, 7, 6, 0, 5),
        dt.datetime(2026, 12, 7, 14, 30),
    )
    # Sending the whole buffer again stores nothing new: every row is now a duplicate (or still malformed).
    again = store(http, serial, rows)
    assert (again["stored"], again["refused"]) == (0, 5)
    assert tenant.count(LiveAttendanceInterval) == 1


def test_offline_rows_that_are_not_objects_and_bad_csv_data(
    tenant: IFlowTenant, serial: str, http: httpx.Client
) -> None:
    body = store(http, serial, ["nonsense", {"date": "07/12/2026", "time": "08:00", "rfidTag": "X"}])  # type: ignore[list-item]
    assert [r["error_csv"] != "" for r in body["attendances"]] == [True, True]
    for csv_data in ("not json", '{"date": "2026-12-07"}'):
        reply = http.post(OFFLINE, data={"access_token": serial, "csv_data": csv_data}).json()
        assert reply["api_reply"]["error"][0]["check_name"] == "valid_scan_list"
    assert tenant.count(LiveAttendanceInterval) == 0


def test_offline_scan_applies_the_reset_limit(tenant: IFlowTenant, serial: str, http: httpx.Client) -> None:
    tenant.new_user(http, rfid_tag="TAG-FORGOT")
    body = store(http, serial, [row("2026-12-07", "08:00", "TAG-FORGOT"), row("2026-12-08", "08:00", "TAG-FORGOT")])
    assert body["refused"] == 0
    first, second = tenant.rows(LiveAttendanceInterval)
    assert first["check_out_at"] == dt.datetime(2026, 12, 7, 19, 0)  # 06:00 UTC + 13 h
    assert second["check_out_at"] is None


def test_concurrent_scans_of_one_tag_never_leave_two_open_intervals(
    server: LiveServer, tenant: IFlowTenant, serial: str
) -> None:
    with server.client() as http:
        tenant.new_user(http, rfid_tag="TAG-RACE")

    def one_scan(_: int) -> int:
        with server.client() as client:
            return scan(client, serial, "TAG-RACE").status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(one_scan, range(20)))
    assert set(codes) == {200}
    assert tenant.count(LiveAttendanceInterval, check_out_at=None) <= 1
    assert tenant.count(LiveAttendanceInterval) >= 1
