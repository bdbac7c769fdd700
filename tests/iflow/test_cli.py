"""`flowsuite iflow key|token ...` against the live server's database: a secret shown once, and it works."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import httpx
import pytest

from tests.conftest import LiveServer
from tests.iflow.factories import API
from tests.test_cli import Cli


@pytest.fixture
def cli(server: LiveServer, tmp_path: Path) -> Cli:
    return Cli(server.database_url, tmp_path)


def _company(cli: Cli) -> str:
    name = f"iFlow {uuid.uuid4().hex[:8]}"
    cli.run("company", "create", name)
    return name


def _sync(http: httpx.Client, api_key: str) -> httpx.Response:
    return http.post(
        f"{API}/user/sync",
        data={"api_key": api_key, "update_by": "id_card", "update_by_value": "CLI1", "full_name": "Ana"},
    )


def test_key_create_json_works_once_and_revoke_stops_it(cli: Cli, http: httpx.Client) -> None:
    company = _company(cli)
    issued = json.loads(cli.run("iflow", "key", "create", "--company", company, "--json"))
    assert set(issued) == {"id", "api_key"}
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", issued["api_key"])
    assert "new_user" in _sync(http, issued["api_key"]).json()["api_reply"]

    listing = cli.run("iflow", "key", "list", "--company", company)
    assert issued["api_key"] not in listing
    [row] = [line for line in listing.splitlines() if f"************{issued['api_key'][-4:]}" in line]
    assert "API Access" in row and "active" in row

    assert cli.run("iflow", "key", "revoke", str(issued["id"])) == f"revoked iFlow key {issued['id']}\n"
    assert "revoked" in cli.run("iflow", "key", "list", "--company", company)
    assert _sync(http, issued["api_key"]).json()["api_reply"]["error"][0]["check_name"] == "valid_key"


def test_token_create_with_label_and_administrator(cli: Cli, http: httpx.Client) -> None:
    company = _company(cli)
    output = cli.run(
        "iflow", "token", "create", "--company", company, "--label", "Reception", "--admin", "Ana Pop", "--json"
    )
    issued = json.loads(output)
    assert set(issued) == {"id", "token"}
    headers = {"Authorization": f"Bearer {issued['token']}"}
    reply = http.post(f"{API}/user/clock", data={"user_id": "999999", "action": "check_in"}, headers=headers)
    assert reply.json()["api_reply"]["error"][0]["check_name"] == "user_exists"

    listing = cli.run("iflow", "token", "list", "--company", company)
    assert issued["token"] not in listing
    [row] = [line for line in listing.splitlines() if "Reception" in line]
    assert "Ana Pop" in row and "active" in row

    cli.run("iflow", "token", "revoke", str(issued["id"]))
    reply = http.post(f"{API}/user/clock", data={"user_id": "1", "action": "check_in"}, headers=headers)
    assert (reply.status_code, reply.json()) == (401, {"error": "Key is invalid!"})


def test_token_secret_is_shown_once_in_plain_output(cli: Cli) -> None:
    company = _company(cli)
    output = cli.run("iflow", "token", "create", "--company", company, "--label", "Door")
    assert "cannot be shown again" in output
    assert re.search(r"token: [A-Za-z0-9_-]{32}\n", output)


def test_key_create_for_an_unknown_company_fails(cli: Cli) -> None:
    output = cli.run("iflow", "key", "create", "--company", "No Such Company", code=1)
    assert output == "error: No company named 'No Such Company'.\n"


def test_revoking_a_key_of_another_face_fails(cli: Cli) -> None:
    company = _company(cli)
    issued = json.loads(cli.run("iflow", "token", "create", "--company", company, "--label", "x", "--json"))
    output = cli.run("iflow", "key", "revoke", str(issued["id"]), code=1)
    assert output == f"error: No iflow key with id {issued['id']}.\n"


# --- RFID devices and the employee import


def _key(cli: Cli, company: str) -> str:
    return str(json.loads(cli.run("iflow", "key", "create", "--company", company, "--json"))["api_key"])


def test_device_add_list_remove(cli: Cli, http: httpx.Client) -> None:
    company = _company(cli)
    serial = f"SN-{uuid.uuid4().hex[:10]}"
    output = cli.run("iflow", "device", "add", "--company", company, "--serial", serial, "--name", "Front door")
    device_id = re.search(r"\(id (\d+)\)", output)
    assert device_id is not None and "Front door" in output
    scan = {"access_token": serial, "rfid_tag": "NOBODY"}
    reply = http.post("/api/rfid_devices/auto_attendance", data=scan)
    assert reply.json()["api_reply"]["error"][0]["check_name"] == "rfid_unknown"

    listing = cli.run("iflow", "device", "list", "--company", company)
    assert serial not in listing
    [row] = [line for line in listing.splitlines() if "Front door" in line]
    assert f"********{serial[-4:]}" in row and "active" in row

    again = cli.run("iflow", "device", "add", "--company", company, "--serial", serial, code=1)
    assert again == "error: This serial is already registered.\n"

    cli.run("iflow", "device", "remove", "--company", company, device_id.group(1))
    assert "revoked" in cli.run("iflow", "device", "list", "--company", company)
    reply = http.post("/api/rfid_devices/auto_attendance", data=scan)
    assert (reply.status_code, reply.json()) == (401, {"error": "Key is invalid!"})


def test_import_employees_creates_updates_warns_and_rejects(cli: Cli, http: httpx.Client, tmp_path: Path) -> None:
    company = _company(cli)
    csv_file = tmp_path / "employees.csv"
    csv_file.write_text(
        "full_name,cnp,id_card,team_name,job_title,rfid_tag\n"
        "Ana Pop,1900315123450,,Depozit,Operator,TAG1\n"
        ",1900315123450,,,Șef tură,\n"
        "Dan Ene,1234567890123,,Birou,,\n"
        ",,RX999,,,\n",
        encoding="utf-8",
    )
    output = cli.run("iflow", "import-employees", "--company", company, str(csv_file))
    assert "created 2, updated 1, rejected 1" in output
    assert "line 4: warning: cnp is not a valid CNP (check digit or birth date)" in output
    assert "line 5: rejected: full_name is required" in output

    api_key = _key(cli, company)
    reply = http.post(
        f"{API}/user/sync", data={"api_key": api_key, "update_by": "cnp", "update_by_value": "1900315123450"}
    )
    user = reply.json()["api_reply"]["updated_user"]
    assert (user["full_name"], user["job_title"], user["team_name"], user["rfid_tag"]) == (
        "Ana Pop",
        "Șef tură",
        "Depozit",
        "TAG1",
    )


def test_import_employees_of_an_unknown_company_fails(cli: Cli, tmp_path: Path) -> None:
    csv_file = tmp_path / "e.csv"
    csv_file.write_text("full_name,cnp\nAna,1900315123450\n", encoding="utf-8")
    output = cli.run("iflow", "import-employees", "--company", "No Such Company", str(csv_file), code=1)
    assert output == "error: No company named 'No Such Company'.\n"


def test_settings_make_the_cnp_check_strict(cli: Cli, http: httpx.Client) -> None:
    company = _company(cli)
    api_key = json.loads(cli.run("iflow", "key", "create", "--company", company, "--json"))["api_key"]
    shown = cli.run("iflow", "settings", "--company", company)
    assert "lenient (warn)" in shown and "13 h" in shown
    bad_cnp = {"api_key": api_key, "update_by": "cnp", "full_name": "Ana"}
    # 1900315123450 is valid; a different check digit is not.
    lenient = http.post(f"{API}/user/sync", data={**bad_cnp, "update_by_value": "1900315123451"}).json()
    assert "new_user" in lenient["api_reply"]
    assert [(w["field_name"], w["check_name"]) for w in lenient["api_reply"]["warning"]] == [("cnp", "valid_cnp")]
    shown = cli.run("iflow", "settings", "--company", company, "--strict-cnp", "--reset-limit-hours", "10")
    assert "strict (refuse)" in shown and "10 h" in shown
    strict = http.post(f"{API}/user/sync", data={**bad_cnp, "update_by_value": "1900315123452"}).json()
    assert [(e["field_name"], e["check_name"]) for e in strict["api_reply"]["error"]] == [("cnp", "valid_cnp")]
    assert "1 to 48 hours" in cli.run("iflow", "settings", "--company", company, "--reset-limit-hours", "0", code=1)


def test_free_days_count_in_the_monthly_report(cli: Cli, http: httpx.Client) -> None:
    company = _company(cli)
    api_key = json.loads(cli.run("iflow", "key", "create", "--company", company, "--json"))["api_key"]
    cli.run("iflow", "free-day", "add", "--company", company, "2026-07-10", "--name", "Company anniversary")
    assert "already a free day" in cli.run("iflow", "free-day", "add", "--company", company, "2026-07-10", code=1)
    assert "Company anniversary" in cli.run("iflow", "free-day", "list", "--company", company, "--year", "2026")
    form = {"api_key": api_key, "api_language": "en_US", "year": "2026", "month": "07", "totals": "total"}
    report = http.post(f"{API}/user/get_work_schedule", data=form).json()["api_reply"]
    assert "2026-07-10" in report["free_days"]
    cli.run("iflow", "free-day", "remove", "--company", company, "2026-07-10")
    report = http.post(f"{API}/user/get_work_schedule", data=form).json()["api_reply"]
    assert "2026-07-10" not in report["free_days"]
    assert "not a free day" in cli.run("iflow", "free-day", "remove", "--company", company, "2026-07-10", code=1)
