"""The `flowsuite` console script, run as a real process against a real database."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from flowsuite.core.db import Database
from flowsuite.itflow.models import Client, ITFlowSettings
from flowsuite.tenancy.models import ApiCredential, Company
from tests.conftest import SECRET, LiveServer, _free_port

FLOWSUITE = Path(sys.executable).with_name("flowsuite")


@dataclass
class Cli:
    """Runs `flowsuite` with FLOWSUITE_DATABASE_URL and FLOWSUITE_SECRET_KEY set."""

    database_url: str
    cwd: Path

    def run(self, *args: str, code: int = 0) -> str:
        env = {
            **os.environ,
            "FLOWSUITE_DATABASE_URL": self.database_url,
            "FLOWSUITE_SECRET_KEY": SECRET,
            # Wide enough that rich never wraps or truncates a line the tests look at.
            "COLUMNS": "250",
        }
        result = subprocess.run(
            [str(FLOWSUITE), *args], env=env, cwd=self.cwd, capture_output=True, text=True, timeout=120, check=False
        )
        output = result.stdout + result.stderr
        assert result.returncode == code, output
        assert "Traceback" not in output, output
        return output

    def new_company(self) -> str:
        name = f"Company {uuid.uuid4().hex[:8]}"
        self.run("company", "create", name)
        return name

    def new_key(self, company: str, *options: str) -> dict[str, object]:
        issued: dict[str, object] = json.loads(
            self.run("itflow", "key", "create", "--company", company, "--name", "cli key", "--json", *options)
        )
        return issued


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    workdir = tmp_path_factory.mktemp("cli")
    runner = Cli(f"sqlite:///{workdir / 'cli.db'}", workdir)
    assert "database is up to date" in runner.run("db", "upgrade")
    return runner


def test_db_upgrade_builds_the_schema_and_is_repeatable(tmp_path: Path) -> None:
    runner = Cli(f"sqlite:///{tmp_path / 'fresh.db'}", tmp_path)
    assert runner.run("db", "upgrade").strip() == "database is up to date"
    assert runner.run("db", "upgrade").strip() == "database is up to date"
    engine = create_engine(runner.database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"companies", "api_credentials", "audit_events", "itflow_clients", "itflow_assets"} <= tables


def test_company_create_and_list(cli: Cli) -> None:
    name = f"Acme IT {uuid.uuid4().hex[:6]}"
    created = cli.run("company", "create", name, "--timezone", "Europe/London")
    assert re.fullmatch(rf"created company {name} \(id \d+, Europe/London\)\n", created)
    listing = cli.run("company", "list")
    [row] = [line for line in listing.splitlines() if name in line]
    assert "Europe/London" in row


def test_duplicate_company_name_fails_clearly(cli: Cli) -> None:
    name = cli.new_company()
    output = cli.run("company", "create", name, code=1)
    assert output == f"error: A company named '{name}' already exists.\n"


def test_unknown_time_zone_fails_clearly_and_creates_nothing(cli: Cli) -> None:
    name = f"Mars Base {uuid.uuid4().hex[:6]}"
    output = cli.run("company", "create", name, "--timezone", "Mars/Olympus_Mons", code=1)
    assert output == "error: Unknown time zone: 'Mars/Olympus_Mons'.\n"
    assert name not in cli.run("company", "list")


def test_key_create_json_prints_only_the_key(cli: Cli) -> None:
    company = cli.new_company()
    output = cli.run("itflow", "key", "create", "--company", company, "--name", "rmm sync", "--json")
    issued = json.loads(output)
    assert set(issued) == {"id", "api_key", "decrypt_password"}
    assert isinstance(issued["id"], int)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", issued["api_key"])
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", issued["decrypt_password"])
    assert output == json.dumps(issued) + "\n"


def test_key_list_never_shows_secrets(cli: Cli) -> None:
    company = cli.new_company()
    issued = cli.new_key(company)
    api_key, password = str(issued["api_key"]), str(issued["decrypt_password"])
    listing = cli.run("itflow", "key", "list", "--company", company)
    assert api_key not in listing and password not in listing
    assert api_key[:8] not in listing and password[-4:] not in listing
    [row] = [line for line in listing.splitlines() if "cli key" in line]
    assert f"************{api_key[-4:]}" in row
    assert "all clients" in row and "never" in row and "active" in row


def test_key_scope_and_expiry_are_listed(cli: Cli) -> None:
    company = cli.new_company()
    db = Database(cli.database_url)
    with db.transaction(write=True) as session:
        company_id = session.scalar(select(Company.id).where(Company.name == company))
        client = Client(company_id=company_id, client_name="Scoped", client_currency_code="USD")
        session.add(client)
        session.flush()
        client_id = client.client_id
    db.dispose()
    cli.new_key(company, "--client-id", str(client_id), "--expires", "2031-12-31")
    listing = cli.run("itflow", "key", "list", "--company", company)
    [row] = [line for line in listing.splitlines() if "cli key" in line]
    assert f"client {client_id}" in row and "2031-12-31" in row


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--expires", "2026-02-30"), "error: not a date (YYYY-MM-DD): 2026-02-30\n"),
        (("--expires", "next week"), "error: not a date (YYYY-MM-DD): next week\n"),
        (("--client-id", "999999"), "error: Client 999999 does not exist in this company.\n"),
    ],
)
def test_key_create_refuses_bad_options(cli: Cli, options: tuple[str, ...], message: str) -> None:
    company = cli.new_company()
    output = cli.run("itflow", "key", "create", "--company", company, "--name", "k", *options, code=1)
    assert output == message
    assert "cli key" not in cli.run("itflow", "key", "list", "--company", company)


def test_key_create_for_an_unknown_company_fails(cli: Cli) -> None:
    output = cli.run("itflow", "key", "create", "--company", "No Such Company", "--name", "k", code=1)
    assert output == "error: No company named 'No Such Company'.\n"


def test_key_revoke(cli: Cli) -> None:
    company = cli.new_company()
    issued = cli.new_key(company)
    assert cli.run("itflow", "key", "revoke", str(issued["id"])) == f"revoked ITFlow key {issued['id']}\n"
    [row] = [line for line in cli.run("itflow", "key", "list", "--company", company).splitlines() if "cli key" in line]
    assert "revoked" in row
    # Revoking again is harmless; an unknown id is an error.
    cli.run("itflow", "key", "revoke", str(issued["id"]))
    assert cli.run("itflow", "key", "revoke", "987654", code=1) == "error: No itflow key with id 987654.\n"


def _row_counts(database_url: str) -> dict[str, int]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        tables = [
            t
            for t in inspect(connection).get_table_names()
            if t.startswith(("itflow_", "iflow_", "cflow_")) or t == "companies"
        ]
        counts = {t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}
        counts["keys"] = connection.execute(select(func.count()).select_from(ApiCredential)).scalar_one()
        counts["next ticket"] = connection.execute(select(ITFlowSettings.ticket_next_number)).scalar_one()
    engine.dispose()
    return counts


def test_demo_twice_only_issues_new_keys(tmp_path: Path) -> None:
    runner = Cli(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path)
    first_output = runner.run("demo")
    first = _row_counts(runner.database_url)
    assert first["companies"] == 1
    for table in ("clients", "contacts", "locations", "vendors", "assets", "asset_interfaces", "networks"):
        assert first[f"itflow_{table}"] > 0, table
    for table in ("certificates", "domains", "software", "credentials", "tickets", "ticket_replies", "invoices"):
        assert first[f"itflow_{table}"] > 0, table
    assert first["itflow_payments"] > 0
    assert first["next ticket"] == first["itflow_tickets"] + 1
    second_output = runner.run("demo")
    second = _row_counts(runner.database_url)
    assert (first["iflow_employees"], first["iflow_teams"], first["iflow_rfid_devices"]) == (40, 4, 1)
    for table in ("work_schedule_intervals", "live_attendance_intervals", "events"):
        assert first[f"iflow_{table}"] > 0, table
    assert (first["cflow_workflows"], first["cflow_stages"], first["cflow_users"], first["cflow_records"]) == (
        2,
        8,
        5,
        9,
    )
    # Each run: two ITFlow keys, one iFlow api_key and one iFlow Bearer token, the Cflow API key (the previous
    # one revoked) and new Cflow user keys; the terminal is registered once, the Cflow records made once.
    assert second == {
        **first,
        "keys": first["keys"] + 5,
        "itflow_api_keys": first["itflow_api_keys"] + 2,
        "iflow_access_tokens": first["iflow_access_tokens"] + 1,
    }
    assert "(existing data; new keys)" in second_output
    assert _keys_in(first_output).isdisjoint(_keys_in(second_output))


def _keys_in(output: str) -> set[str]:
    return set(re.findall(r"api_key(?:_decrypt_password)?: +(\S+)", output))


# ---- against a live server ------------------------------------------------------------------------


def test_a_cli_key_works_until_revoked(server: LiveServer, tmp_path: Path) -> None:
    runner = Cli(server.database_url, tmp_path)
    company = runner.new_company()
    issued = runner.new_key(company)
    with server.client() as http:
        legacy = {"api_key": issued["api_key"], "client_emails": ""}
        v1 = {"api_key": issued["api_key"]}
        assert http.get("/api.php", params=legacy).status_code == 200
        assert http.get("/api/v1/clients/read.php", params=v1).json()["success"] == "False"  # no clients yet
        runner.run("itflow", "key", "revoke", str(issued["id"]))
        reply = http.get("/api.php", params=legacy)
        assert (reply.status_code, reply.text) == (401, "Incorrect or expired API Key.")
        reply = http.get("/api/v1/clients/read.php", params=v1)
        assert reply.status_code == 401


def _curl_urls(output: str) -> dict[str, str]:
    """The URL of each GET curl command the demo printed, by the comment line above it."""
    urls, comment = {}, ""
    for line in output.splitlines():
        if line.startswith("# "):
            comment = line[2:]
        elif line.startswith('curl "'):
            urls[comment] = line.split('"')[1]
    return urls


def test_the_demos_curl_commands_work(server: LiveServer, tmp_path: Path) -> None:
    output = Cli(server.database_url, tmp_path).run("demo", "--base-url", server.base_url)
    urls = _curl_urls(output)
    with httpx.Client(timeout=30) as http:
        clients = http.get(urls["clients, first page of one"]).json()
        assert clients["count"] == 1 and clients["data"][0]["client_name"] == "Example Corp"
        assert http.get(urls["api.php: who is calling"]).text == "Jane Doe - 12125550110"
        book = ElementTree.fromstring(http.get(urls["api.php: XML phonebook"]).content)
        assert "AT&T Business" in [entry.findtext("LastName") for entry in book]
        emails = http.get(urls["api.php: primary contacts' emails"]).text.splitlines()
        assert "Example Corp - Jane Doe - jane.doe@example.com" in emails
        assert "Smith & Sons Plumbing - Bob Smith - bob@smithandsons.example" in emails
        assert http.get(urls["api.php: Example Corp's balance"]).text == "600"
        assert http.get(urls["api.php: add an asset with the Example Corp-only key"]).text == "Asset added!"


def _curl_posts(output: str) -> dict[str, tuple[str, str]]:
    """(URL, body) of each `curl -d BODY -X POST URL` command the demo printed, by its comment line."""
    commands, comment = {}, ""
    for line in output.splitlines():
        if line.startswith("# "):
            comment = line[2:]
        elif line.startswith('curl -d "'):
            body, url = re.fullmatch(r'curl -d "([^"]*)" -X POST (\S+)', line).groups()  # type: ignore[union-attr]
            commands[comment] = (url, body)
    return commands


def test_the_demos_iflow_commands_work(server: LiveServer, tmp_path: Path) -> None:
    output = Cli(server.database_url, tmp_path).run("demo", "--base-url", server.base_url)
    posts = _curl_posts(output)
    url, body = posts["a badge scan on the RFID terminal"]
    form = "application/x-www-form-urlencoded"
    with httpx.Client(timeout=30) as http:
        scan = http.post(url, content=body, headers={"Content-Type": form}).json()["api_reply"]
        assert scan["action"] in ("check_in", "check_out") and scan["full_name"]
        token = re.search(r'Authorization: Bearer (\S+)"', output)
        assert token is not None
        status = http.get(
            f"{server.base_url}/api/api_v2/users/get_today_status", headers={"Authorization": f"Bearer {token[1]}"}
        )
        assert status.status_code == 200
        people = status.json()
        assert isinstance(people, list) and len(people) == 40
        assert {"status", "at_work", "full_name", "cnp", "user_id", "mark_number"} <= set(people[0])
        report_url, report_body = posts["the seed's monthly report, this month"]
        assert "user/get_work_schedule" in report_url
        report = http.post(report_url, content=report_body, headers={"Content-Type": form}).json()["api_reply"]
        assert len(report["users"]) == 40 and report["free_days"] is not None


# ---- serve --demo, as someone trying flowsuite runs it ---------------------------------------------


def _serve_demo(cwd: Path, port: int) -> tuple[subprocess.Popen[bytes], str]:
    """`flowsuite serve --demo --port PORT` in `cwd` with no FLOWSUITE_* setting, once it answers; its output so far."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("FLOWSUITE_")}
    log_path = cwd / f"serve-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(FLOWSUITE), "serve", "--demo", "--port", str(port)],
            env={**env, "COLUMNS": "250", "FLOWSUITE_LOG_LEVEL": "warning"},
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log_path.read_text()
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process, log_path.read_text()
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError(log_path.read_text())


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=10)


def _demo_credentials_work(base_url: str, output: str) -> bool:
    """Whether the Cflow keys and the console sign-in the demo printed in `output` are accepted."""
    apikey = re.search(r"^  apikey:  (\S+)$", output, re.MULTILINE)
    userkey = re.search(r"^  userkey: (\S+)  \(username (\S+)\)$", output, re.MULTILINE)
    password = re.search(r"^  password: (\S+)$", output, re.MULTILINE)
    assert apikey and userkey and password, output
    headers = {"apikey": apikey[1], "userkey": userkey[1], "username": userkey[2]}
    with httpx.Client(base_url=base_url, timeout=30) as http:
        workflows = http.get("/integromat/api/cflow/getworkflows", headers=headers)
        form = http.get("/admin/sign-in")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None, form.text
        sign_in = http.post(
            "/admin/sign-in",
            data={"email": "mihai.manager@demo.example", "password": password[1], "csrf_token": token[1]},
        )
    return workflows.status_code == 200 and sign_in.status_code == 303


def test_serve_demo_twice_never_rotates_the_demos_credentials(tmp_path: Path) -> None:
    port = _free_port()
    first, shown = _serve_demo(tmp_path, port)
    try:
        env = {name: value for name, value in os.environ.items() if not name.startswith("FLOWSUITE_")}
        again = subprocess.run(
            [str(FLOWSUITE), "serve", "--demo", "--port", str(port)],
            env={**env, "COLUMNS": "250"},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert again.returncode == 1
        assert (again.stdout + again.stderr).startswith(f"error: cannot listen on 127.0.0.1:{port} (")
        assert _demo_credentials_work(f"http://127.0.0.1:{port}", shown)
    finally:
        _stop(first)

    second_port = _free_port()
    second, output = _serve_demo(tmp_path, second_port)
    try:
        assert "The demo in flowsuite-demo.db exists" in output and "flowsuite serve --demo --new-keys" in output
        assert "apikey" not in output
        assert _demo_credentials_work(f"http://127.0.0.1:{second_port}", shown)
    finally:
        _stop(second)


def test_the_cli_beside_a_demo_says_which_database_it_uses(tmp_path: Path) -> None:
    process, _ = _serve_demo(tmp_path, _free_port())
    _stop(process)
    env = {name: value for name, value in os.environ.items() if not name.startswith("FLOWSUITE_")}
    listing = subprocess.run(
        [str(FLOWSUITE), "company", "list"],
        env={**env, "COLUMNS": "250"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert listing.returncode == 1
    assert listing.stdout == (
        "error: the database sqlite:///flowsuite.db has no flowsuite tables yet: run `flowsuite db upgrade`; "
        "`serve --demo` uses flowsuite-demo.db: FLOWSUITE_DATABASE_URL=sqlite:///flowsuite-demo.db flowsuite ...\n"
    )
    demo = {**env, "COLUMNS": "250", "FLOWSUITE_DATABASE_URL": "sqlite:///flowsuite-demo.db"}
    listed = subprocess.run(
        [str(FLOWSUITE), "company", "list"], env=demo, cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert listed.returncode == 0 and "Demo MSP" in listed.stdout
