"""The console's iFlow pages against the API's own numbers: timesheet and exports, the board, an employee."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import httpx
import openpyxl
import pytest

from flowsuite.iflow.keys import create_api_key
from flowsuite.iflow.models import Event
from tests.admin.factories import ConsoleTenant, new_console_tenant
from tests.conftest import LiveServer

API = "/api/api_v2"
TOTALS = "regular,overtime,total,regular_night,total_weekend,total_holiday"


@pytest.fixture
def tenant(server: LiveServer) -> ConsoleTenant:
    return new_console_tenant(server)


class Payroll:
    """The tenant's iFlow data, put in through the API as an integrator would."""

    def __init__(self, tenant: ConsoleTenant, http: httpx.Client) -> None:
        with tenant.server.db.transaction(write=True) as session:
            self.api_key = create_api_key(session, tenant.server.secret, company_id=tenant.company_id, name="t").secret
        self.http = http

    def post(self, path: str, **fields: str) -> dict[str, Any]:
        reply: dict[str, Any] = self.http.post(f"{API}/{path}", data={"api_key": self.api_key, **fields}).json()
        assert "error" not in reply["api_reply"], reply
        return dict(reply["api_reply"])

    def person(self, name: str, team: str) -> str:
        body = self.post("user/sync", update_by="id_card", update_by_value=f"ID-{name}", full_name=name, team_name=team)
        return str(body["new_user"]["user_id"])

    def report(self, period: str) -> dict[str, dict[str, float]]:
        year, month = period.split("-")
        users = self.post("user/get_work_schedule", year=year, month=month, totals=TOTALS)["users"]
        return {user["full_name"]: user["totals"] for user in users}


def _december(payroll: Payroll) -> tuple[str, str]:
    ana = payroll.person("Ana", "Day")
    dan = payroll.person("Dan", "Night")
    payroll.post("user/set_work_schedule", user_id=ana, date="2026-12-01", intervals="08:00-16:00")  # National Day
    payroll.post("user/set_work_schedule", user_id=ana, date="2026-12-02", intervals="08:00-12:00,12:30-16:30")
    payroll.post("user/set_work_schedule", user_id=ana, date="2026-12-05", intervals="09:00-13:00")  # Saturday
    payroll.post(
        "events/add_event",
        user_id=ana,
        event_type="overtime",
        date="2026-12-02",
        start_time="16:30",
        end_time="18:00",
        approve_status="approved",
    )
    for day in ("2026-12-03", "2026-12-04"):
        payroll.post("user/set_work_schedule", user_id=dan, date=day, intervals="22:00-06:00")
    payroll.post(
        "events/add_event",
        user_id=dan,
        event_type="paid_leave",
        start_date="2026-12-04",
        end_date="2026-12-04",
        approve_status="approved",
    )
    return ana, dan


def test_the_timesheet_and_its_exports_match_the_api(tenant: ConsoleTenant) -> None:
    with tenant.signed_in() as (http, _):
        payroll = Payroll(tenant, http)
        _december(payroll)
        expected = payroll.report("2026-12")
        page = http.get("/admin/iflow/timesheet", params={"period": "2026-12"})
        assert page.status_code == 200
        assert "Timesheet 2026-12" in page.text
        assert 'class="day holiday"' in page.text and 'class="day weekend"' in page.text
        assert 'class="day leave"' in page.text  # Dan's paid leave on the 4th
        assert "night" in page.text and "overtime" in page.text

        exported = http.get("/admin/iflow/timesheet.csv", params={"period": "2026-12"})
        assert exported.headers["content-disposition"] == 'attachment; filename="timesheet-2026-12.csv"'
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        assert [row["full_name"] for row in rows] == ["Ana", "Dan"]
        for row in rows:
            assert {name: float(row[name]) for name in TOTALS.split(",")} == expected[row["full_name"]]
        ana = rows[0]
        assert (ana["2026-12-01"], ana["2026-12-02"], ana["2026-12-05"], ana["2026-12-03"]) == ("8.0", "9.5", "4.0", "")

        workbook = http.get("/admin/iflow/timesheet.xlsx", params={"period": "2026-12", "team": "Night"})
        sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
        assert sheet is not None and sheet.title == "2026-12"
        values = list(sheet.iter_rows(values_only=True))
        header, [dan] = values[0], values[1:]
        assert header[:5] == ("user_id", "full_name", "team_name", "mark_number", "2026-12-01")
        assert dan[1] == "Dan" and dict(zip(header[-6:], dan[-6:], strict=True)) == expected["Dan"]


def test_the_timesheet_says_what_it_did_with_bad_asks(tenant: ConsoleTenant) -> None:
    with tenant.signed_in() as (http, _):
        page = http.get("/admin/iflow/timesheet", params={"period": "2026-13"})
        assert "Choose a month from the list; showing this month instead." in page.text
        page = http.get("/admin/iflow/timesheet", params={"period": "2026-12", "totals": ["total", "nope"]})
        assert "Unknown totals: nope; showing the usual ones." in page.text
        page = http.get("/admin/iflow/timesheet", params={"period": "2026-12", "totals": ["overtime_weekend_night"]})
        assert ">overtime_weekend_night</th>" in page.text and ">regular</th>" not in page.text


def test_the_board_groups_who_is_in_away_and_off(tenant: ConsoleTenant) -> None:
    with tenant.signed_in() as (http, _):
        payroll = Payroll(tenant, http)
        ana, dan = payroll.person("Ana", "Day"), payroll.person("Dan", "Day")
        payroll.person("Ion", "Day")
        earlier = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)).isoformat(timespec="seconds")
        payroll.post("user/clock", user_id=ana, action="check_in", time=earlier)
        today = dt.date.today().isoformat()
        payroll.post(
            "events/add_event",
            user_id=dan,
            event_type="other_leave",
            start_date=today,
            end_date=today,
            other_leave_type_name="01 - Common illness",
            approve_status="approved",
        )
        page = http.get("/admin/iflow/now").text
        at_work, away = page.index(">At work"), page.index(">Away")
        assert at_work < page.index(">Ana<") < away < page.index(">Dan<")
        assert "Missing, Sick Leave" in page and "–now" in page


def test_an_employees_month_and_approving_their_events(server: LiveServer, tenant: ConsoleTenant) -> None:
    with tenant.signed_in() as (http, csrf):
        payroll = Payroll(tenant, http)
        ana, _ = _december(payroll)
        leave = payroll.post(
            "events/add_event", user_id=ana, event_type="paid_leave", start_date="2026-12-21", end_date="2026-12-23"
        )["event_id"]
        page = http.get(f"/admin/iflow/employees/{ana}", params={"period": "2026-12"}).text
        assert "08:00–12:00, 12:30–16:30" in page and "2026-12-21 – 2026-12-23" in page
        assert "<strong>20.00 h</strong> regular" in page
        assert "<strong>1.50 h</strong> overtime" in page

        decided = http.post(
            f"/admin/iflow/events/{leave}/decision",
            data={"csrf_token": csrf, "decision": "approved", "employee_id": ana, "period": "2026-12"},
        )
        assert decided.status_code == 303
        assert decided.headers["location"] == f"/admin/iflow/employees/{ana}?period=2026-12&notice=decided"
        assert [row["approve_status"] for row in tenant.rows(Event, id=int(leave))] == ["approved"]
        forged = http.post(
            f"/admin/iflow/events/{leave}/decision", data={"csrf_token": "x", "decision": "not_approved"}
        )
        assert forged.status_code == 403
        assert [row["approve_status"] for row in tenant.rows(Event, id=int(leave))] == ["approved"]

    neighbour = new_console_tenant(server, "Dan Ion")
    with neighbour.signed_in() as (http, csrf):
        assert http.get(f"/admin/iflow/employees/{ana}").status_code == 404
        reply = http.post(
            f"/admin/iflow/events/{leave}/decision", data={"csrf_token": csrf, "decision": "not_approved"}
        )
        assert reply.status_code == 404
    assert [row["approve_status"] for row in tenant.rows(Event, id=int(leave))] == ["approved"]
