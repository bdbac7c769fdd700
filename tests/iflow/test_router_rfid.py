"""The RFID terminal endpoints over HTTP: live scans, offline batches, device credentials, concurrency."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import time
import zoneinfo
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text, update

from flowsuite.core.db import utc_now
from flowsuite.iflow.keys import list_devices, remove_device
from flowsuite.iflow.models import Employee, LiveAttendanceInterval
from tests.conftest import LiveServer
from tests.factories import in_parallel
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


def test_a_revoked_device_stops_working_at_once(tenant: IFlowTenant, serial: str, http: httpx.Client) -> None:
    tenant.new_user(http, rfid_tag="TAG-REVOKED")
    assert scan(http, serial, "TAG-REVOKED").json()["api_reply"]["action"] == "check_in"
    with tenant.server.db.transaction(write=True) as session:
        [device] = list_devices(session, tenant.company_id)
        remove_device(session, tenant.company_id, device.id)
    for reply in (
        scan(http, serial, "TAG-REVOKED"),
        scan(http, serial, "TAG-NOBODY"),
        http.post(OFFLINE, data={"access_token": serial, "csv_data": "[]"}),
    ):
        assert (reply.status_code, reply.json()) == (401, {"error": "Key is invalid!"})
    assert tenant.count(LiveAttendanceInterval) == 1


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


# Late offline scans (the rules are in services/rfid.py's docstring). "Online" intervals are clocked through
# user/clock, as another terminal or system records them while this one is offline; times are Bucharest's
# (UTC+2 in December).


def clock(tenant: IFlowTenant, http: httpx.Client, user_id: str, action: str, time: str) -> None:
    reply = tenant.post(http, "user/clock", user_id=user_id, action=action, time=time).json()["api_reply"]
    assert "error" not in reply, reply


def worked_online(tenant: IFlowTenant, http: httpx.Client, tag: str, day: str = "2026-12-07") -> str:
    """An employee with `tag` who was at work 09:00-17:00 on `day`, recorded online; returns the user_id."""
    user_id = tenant.new_user(http, rfid_tag=tag)
    clock(tenant, http, user_id, "check_in", f"{day}T09:00:00")
    clock(tenant, http, user_id, "check_out", f"{day}T17:00:00")
    return user_id


def intervals(tenant: IFlowTenant) -> list[tuple[dt.datetime, dt.datetime | None]]:
    return sorted((r["check_in_at"], r["check_out_at"]) for r in tenant.rows(LiveAttendanceInterval))


def utc(hour: int, minute: int = 0, day: int = 7) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute)


ONLINE = (utc(7), utc(15))


def test_offline_scan_inside_a_recorded_interval_is_refused(
    tenant: IFlowTenant, serial: str, http: httpx.Client
) -> None:
    worked_online(tenant, http, "TAG-INSIDE")
    body = store(http, serial, [row("2026-12-07", "12:00", "TAG-INSIDE")])
    assert (body["stored"], body["refused"]) == (0, 1)
    assert body["attendances"][0]["error_check_in_out"] == "time: this scan falls inside an interval already recorded"
    body = store(http, serial, [row("2026-12-07", "16:59:59", "TAG-INSIDE")], api_language="ro_RO")
    assert (
        body["attendances"][0]["error_check_in_out"] == "time: această pontare cade într-un interval deja înregistrat"
    )
    # A scan exactly at a recorded check-out is the duplicate rule's, not this one's.
    body = store(http, serial, [row("2026-12-07", "17:00", "TAG-INSIDE")])
    assert body["attendances"][0]["error_check_in_out"] == "rfidTag: this scan is already recorded"
    assert intervals(tenant) == [ONLINE]


def test_offline_pair_before_a_recorded_interval_is_stored_whole(
    tenant: IFlowTenant, serial: str, http: httpx.Client
) -> None:
    worked_online(tenant, http, "TAG-EARLY")
    rows = [row("2026-12-07", "07:00", "TAG-EARLY"), row("2026-12-07", "08:30", "TAG-EARLY")]
    rows.append(row("2026-12-07", "18:00", "TAG-EARLY"))
    body = store(http, serial, rows)
    assert (body["stored"], body["refused"]) == (3, 0)
    assert all(r["error_check_in_out"] == "" for r in body["attendances"])
    # 07:00-08:30 as one closed interval before the online one; 18:00 checks in after it.
    assert intervals(tenant) == [(utc(5), utc(6, 30)), ONLINE, (utc(16), None)]


def test_offline_check_in_that_would_overlap_a_recorded_interval_is_refused(
    tenant: IFlowTenant, serial: str, http: httpx.Client
) -> None:
    worked_online(tenant, http, "TAG-OVERLAP")
    rows = [row("2026-12-07", t, "TAG-OVERLAP") for t in ("08:00", "12:00", "18:00")]
    body = store(http, serial, rows)
    assert (body["stored"], body["refused"]) == (1, 2)
    check_in, inside, evening = body["attendances"]
    assert check_in["error_check_in_out"] == (
        "time: this check-in has no check-out before the next recorded interval, which it would overlap"
    )
    assert inside["error_check_in_out"] == "time: this scan falls inside an interval already recorded"
    assert evening["error_check_in_out"] == ""
    # The refused rows wrote nothing; the accepted 18:00 checked in.
    assert intervals(tenant) == [ONLINE, (utc(16), None)]


def test_offline_waiting_check_in_closes_at_the_reset_limit_only_before_the_next_interval(
    tenant: IFlowTenant, serial: str, http: httpx.Client
) -> None:
    worked_online(tenant, http, "TAG-LIMIT", day="2026-12-08")
    # Alone before a recorded interval: closed at check-in + 13 h (19:00), still before 12-08 09:00.
    body = store(http, serial, [row("2026-12-07", "06:00", "TAG-LIMIT")])
    assert (body["stored"], body["refused"]) == (1, 0)
    # The same, 13 h before 08:30 would run into the recorded interval: refused.
    body = store(http, serial, [row("2026-12-08", "08:00", "TAG-LIMIT")], api_language="ro_RO")
    assert (body["stored"], body["refused"]) == (0, 1)
    assert body["attendances"][0]["error_check_in_out"] == (
        "time: această intrare nu are o ieșire înaintea următorului interval înregistrat, peste care s-ar suprapune"
    )
    assert intervals(tenant) == [(utc(4), utc(17)), (utc(7, day=8), utc(15, day=8))]


def test_offline_scan_inside_an_interval_the_batch_just_stored_is_refused(
    tenant: IFlowTenant, serial: str, http: httpx.Client
) -> None:
    tenant.new_user(http, rfid_tag="TAG-ORDER")
    rows = [row("2026-12-07", t, "TAG-ORDER") for t in ("08:00", "16:00", "12:00", "16:00")]
    body = store(http, serial, rows)
    assert (body["stored"], body["refused"]) == (2, 2)
    assert [r["error_check_in_out"] for r in body["attendances"]] == [
        "",
        "",
        "time: this scan falls inside an interval already recorded",
        "rfidTag: this scan is already recorded",
    ]
    assert intervals(tenant) == [(utc(6), utc(14))]


# Concurrent scans of one badge, from two server processes, must leave intervals that tell one story: the
# replies and the stored rows agree. A scan that waited for another scan's lock must decide on what that
# scan committed (it once decided on the interval as it was before, and checked out again over it).
RACE_ROUNDS = 20
RACE_SCANS = 8


def test_racing_scans_of_one_badge_agree_with_the_stored_intervals(
    server: LiveServer, twin_url: str, tenant: IFlowTenant, serial: str
) -> None:
    with server.client() as http:
        user_id = tenant.new_user(http, rfid_tag="TAG-RACE-ROUNDS")
    clients = [httpx.Client(base_url=(server.base_url, twin_url)[i % 2], timeout=30) for i in range(RACE_SCANS)]
    replies: list[dict[str, Any]] = []
    try:
        for client in clients:  # connections open before the first round, so the scans start together
            assert client.get("/healthz").status_code == 200
        for _ in range(RACE_ROUNDS):
            # Each round in a later second than the last one's check-in, so its first scan is never a duplicate.
            time.sleep(1.05 - time.time() % 1)
            round_replies = in_parallel(RACE_SCANS, lambda i: scan(clients[i], serial, "TAG-RACE-ROUNDS"))
            for reply in round_replies:
                assert reply.status_code == 200, reply.text
                replies.append(reply.json()["api_reply"])
    finally:
        for client in clients:
            client.close()

    actions = [r.get("action") or r["error"][0]["check_name"] for r in replies]
    assert set(actions) <= {"check_in", "check_out", "duplicate_scan"}, actions
    tz = zoneinfo.ZoneInfo("Europe/Bucharest")

    def local(instant: dt.datetime | None) -> str:
        return "" if instant is None else instant.replace(tzinfo=dt.UTC).astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")

    stored = intervals(tenant)
    for (check_in, check_out), (next_check_in, _) in itertools.pairwise(stored):
        assert check_out is not None and check_in <= check_out <= next_check_in, stored
    assert all(check_out is None or check_in <= check_out for check_in, check_out in stored)
    by_check_in = {local(check_in): local(check_out) for check_in, check_out in stored}
    assert len(by_check_in) == len(stored)
    for reply in replies:
        if "action" in reply:
            assert reply["user_id"] == user_id
            # A check-out's reply is what is stored; a check-in's interval may have been closed since.
            assert reply["check_in"] in by_check_in, (reply, stored)
            if reply["action"] == "check_out":
                assert by_check_in[reply["check_in"]] == reply["check_out"], (reply, stored)
    boundaries = len(stored) + sum(1 for _, check_out in stored if check_out is not None)
    assert actions.count("check_in") + actions.count("check_out") == boundaries, (actions, stored)
    # Every round met an open interval or opened one: at least one accepted scan per round.
    assert actions.count("check_in") + actions.count("check_out") >= RACE_ROUNDS


def wait_for_a_lock_wait(server: LiveServer) -> None:
    """Returns once some session of the server's database waits for a lock (PostgreSQL)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    deadline = time.monotonic() + 10
    with server.db.engine.connect() as connection:
        while connection.execute(query).scalar_one() == 0:
            assert time.monotonic() < deadline, "no request waits for the lock"
            connection.rollback()
            time.sleep(0.02)


def test_a_scan_whose_tag_moves_while_it_waits_acts_on_the_employee_it_locked(
    server: LiveServer, tenant: IFlowTenant, serial: str
) -> None:
    if server.backend != "postgresql":
        pytest.skip("SQLite's writers queue before they read anything")
    with server.client() as http:
        earlier = int(tenant.new_user(http, rfid_tag="TAG-BEFORE"))
        locked = int(tenant.new_user(http, rfid_tag="TAG-MOVING"))
    an_hour_ago = utc_now() - dt.timedelta(hours=1)
    for employee_id in (earlier, locked):
        tenant.add(LiveAttendanceInterval, employee_id=employee_id, check_in_at=an_hour_ago, source="api")
    with server.db.engine.connect() as other, ThreadPoolExecutor(max_workers=1) as pool, server.client() as http:
        # The scan locks `locked` (the tag's only holder when it began), then reads the open interval in a
        # statement of its own, which already sees the tag on `earlier` (a lower id): it must not take
        # `earlier`'s interval for `locked`'s.
        other.execute(select(Employee.id).where(Employee.id == locked).with_for_update())
        other.execute(update(Employee).where(Employee.id == earlier).values(rfid_tag="TAG-MOVING"))
        waiting = pool.submit(scan, http, serial, "TAG-MOVING")
        wait_for_a_lock_wait(server)
        other.commit()
        reply = waiting.result().json()["api_reply"]
    assert (reply["user_id"], reply["action"]) == (str(locked), "check_out")
    stored = {r["employee_id"]: r["check_out_at"] for r in tenant.rows(LiveAttendanceInterval)}
    assert stored[earlier] is None and stored[locked] is not None


def test_racing_check_outs_through_user_clock_close_the_interval_once(
    server: LiveServer, twin_url: str, tenant: IFlowTenant
) -> None:
    # user/clock locks the employee and reads the open interval in a statement after it (as the offline
    # batch does), so of concurrent check-outs one closes the interval and the others find none open.
    with server.client() as http:
        user_id = tenant.new_user(http, rfid_tag="TAG-CLOCK-RACE")
        clock(tenant, http, user_id, "check_in", "2026-12-07T09:00:00")
    clients = [httpx.Client(base_url=(server.base_url, twin_url)[i % 2], timeout=30) for i in range(RACE_SCANS)]
    try:
        replies = in_parallel(
            RACE_SCANS,
            lambda i: tenant.post(
                clients[i], "user/clock", user_id=user_id, action="check_out", time=f"2026-12-07T17:{i:02d}:00"
            ).json()["api_reply"],
        )
    finally:
        for client in clients:
            client.close()
    [winner] = [r for r in replies if "error" not in r]
    assert [r["error"][0]["check_name"] for r in replies if "error" in r] == ["not_checked_in"] * (RACE_SCANS - 1)
    check_out = dt.datetime.fromisoformat(winner["check_out"]) - dt.timedelta(hours=2)  # Bucharest in December
    assert intervals(tenant) == [(utc(7), check_out)]
