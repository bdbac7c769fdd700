"""`flowsuite cflow ...` and the demo's Cflow part, run as real processes against the live server's database."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import httpx
import pytest

from flowsuite.cflow.models import CflowRecord
from tests.cflow.factories import API
from tests.conftest import LiveServer
from tests.test_cli import Cli

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture
def cli(server: LiveServer, tmp_path: Path) -> Cli:
    return Cli(server.database_url, tmp_path)


def _headers(api_key: str, user: dict[str, str]) -> dict[str, str]:
    return {"apikey": api_key, "userkey": user["userkey"], "username": user["username"]}


def test_import_keys_and_users_make_a_working_connector(cli: Cli, http: httpx.Client) -> None:
    company = cli.new_company()
    output = cli.run("cflow", "workflow", "import", str(EXAMPLES / "purchase-request.yaml"), "--company", company)
    assert output.startswith(f"workflow PurchaseRequest created for {company}\n")
    group_ids = re.findall(r"group_id (\d+): (.+)", output)
    assert [name for _, name in group_ids] == ["PurchaseRequest", "Manager Review", "Finance Review", "END"]
    cli.run("cflow", "workflow", "import", str(EXAMPLES / "leave-request.yaml"), "--company", company)

    issued = json.loads(cli.run("cflow", "key", "create", "--company", company, "--json"))
    assert set(issued) == {"id", "apikey"} and re.fullmatch(r"[A-Za-z0-9_-]{32}", issued["apikey"])
    ana = json.loads(
        cli.run("cflow", "user", "create", "--company", company, "--username", "Ana@Example.com", "--json")
    )
    assert set(ana) == {"id", "username", "userkey"} and ana["username"] == "ana@example.com"
    manager_output = cli.run("cflow", "user", "create", "--company", company, "--username", "manager@example.com")
    assert "cannot be shown again" in manager_output
    manager_key = re.search(r"userkey: (\S+)\n", manager_output)
    assert manager_key is not None
    manager = {"username": "manager@example.com", "userkey": manager_key[1]}

    workflows = http.get(f"{API}/cflow/getworkflows", headers=_headers(issued["apikey"], ana)).json()
    assert workflows == {"Workflows": [{"WorkflowDisplayName": "Purchase Request", "WorkflowName": "PurchaseRequest"}]}
    body = {"main": {"WorkflowName": "PurchaseRequest"}, "dynamicobj": {"Item": "Chair", "Amount": 80}}
    record = http.post(f"{API}/cflow/submitrecord", json=body, headers=_headers(issued["apikey"], ana)).json()
    update = {
        "main": {"WorkflowName": "PurchaseRequest", "group_id": group_ids[1][0], "RecordId": record["Record_Id"]},
        "Values": {"R_Status1": "Approved"},
    }
    reply = http.post(f"{API}/cflow/updaterecord", json=update, headers=_headers(issued["apikey"], manager))
    assert reply.json() == record

    listing = cli.run("cflow", "user", "list", "--company", company)
    assert ana["userkey"] not in listing and "ana@example.com" in listing
    workflows_listing = cli.run("cflow", "workflow", "list", "--company", company)
    [row] = [line for line in workflows_listing.splitlines() if "PurchaseRequest" in line]
    assert "Manager Review -> Finance Review -> END" in row and row.rstrip(" │").endswith("1")

    second = json.loads(cli.run("cflow", "key", "create", "--company", company, "--json"))
    old = http.get(f"{API}/cflow/getworkflows", headers=_headers(issued["apikey"], ana))
    assert (old.status_code, old.json()) == (401, {"Message": "No valid API key provided."})
    assert http.get(f"{API}/cflow/getworkflows", headers=_headers(second["apikey"], ana)).status_code == 200


def test_reimport_updates_and_keeps_records_in_flight(cli: Cli, server: LiveServer, tmp_path: Path) -> None:
    company = cli.new_company()
    definition = tmp_path / "flow.yaml"
    definition.write_text(
        "name: Trip\nfields:\n  - {name: Where, required: true}\n"
        "stages:\n  - {name: Boss, reviewers: [boss@example.com]}\n  - {name: Accounts, reviewers: [role:finance]}\n"
    )
    cli.run("cflow", "workflow", "import", str(definition), "--company", company)
    issued = json.loads(cli.run("cflow", "key", "create", "--company", company, "--json"))
    ana = json.loads(cli.run("cflow", "user", "create", "--company", company, "--username", "a@example.com", "--json"))
    with server.client() as http:
        body = {"main": {"WorkflowName": "Trip"}, "dynamicobj": {"Where": "Cluj"}}
        reply = http.post(f"{API}/cflow/submitrecord", json=body, headers=_headers(issued["apikey"], ana))
        assert reply.status_code == 200

    # Dropping the stage that holds the record is refused; renaming the display and adding a field is fine.
    definition.write_text("name: Trip\nfields:\n  - {name: Where}\nstages:\n  - {name: Accounts, reviewers: [x]}\n")
    refused = cli.run("cflow", "workflow", "import", str(definition), "--company", company, code=1)
    assert "cannot be removed: 'Boss' (1 records)" in refused
    definition.write_text(
        "name: Trip\ndisplay_name: Business trip\nfields:\n  - {name: Where}\n  - {name: Cost, type: number}\n"
        "stages:\n  - {name: Boss, reviewers: [boss@example.com]}\n  - {name: Accounts, reviewers: [role:finance]}\n"
    )
    output = cli.run("cflow", "workflow", "import", str(definition), "--company", company)
    assert "workflow Trip updated (revision 2)" in output
    with server.db.transaction() as session:
        [record] = session.query(CflowRecord).filter(CflowRecord.values.contains("Cluj")).all()
        assert json.loads(record.values) == {"Where": "Cluj"} and record.outcome == "in_progress"


def test_a_bad_definition_is_reported_whole(cli: Cli, tmp_path: Path) -> None:
    company = cli.new_company()
    definition = tmp_path / "bad.yaml"
    definition.write_text(
        "name: Bad\nfields:\n  - {name: A, type: colour}\n  - {name: R_Status1}\n  - {name: C, type: select}\n"
        "stages:\n  - {name: END, reviewers: []}\n"
    )
    output = cli.run("cflow", "workflow", "import", str(definition), "--company", company, code=1)
    assert output.splitlines() == [
        "bad.yaml: fields[0].type: 'colour' is not one of text, textarea, number, date, select, checkbox, email, url",
        "bad.yaml: fields[1].name: 'R_Status1' is reserved (R_* fields belong to the review stages)",
        "bad.yaml: fields[2].options: a select needs a non-empty list of options",
        "bad.yaml: stages[0].name: 'END' is the name of the first or the last stage",
        "bad.yaml: stages[0].reviewers: must be a non-empty list of names",
        "error: bad.yaml was not imported (5 problem(s))",
    ]
    definition.write_text("name: [unclosed\n")
    assert "not valid YAML or JSON" in cli.run(
        "cflow", "workflow", "import", str(definition), "--company", company, code=1
    )
    json_definition = tmp_path / "flow.json"
    json_definition.write_text(
        json.dumps({"name": "J", "fields": [{"name": "X"}], "stages": [{"name": "S", "reviewers": ["a"]}]})
    )
    assert "workflow J created" in cli.run("cflow", "workflow", "import", str(json_definition), "--company", company)
    assert "No such Company" in cli.run("cflow", "workflow", "list", "--company", "No such Company", code=1)


def test_user_names_are_unique_per_company(cli: Cli) -> None:
    company = cli.new_company()
    cli.run("cflow", "user", "create", "--company", company, "--username", "x@example.com")
    output = cli.run("cflow", "user", "create", "--company", company, "--username", "X@example.com", code=1)
    assert output == "error: A Cflow user named 'x@example.com' already exists.\n"


def test_the_demos_cflow_commands_work(server: LiveServer, tmp_path: Path) -> None:
    output = Cli(server.database_url, tmp_path).run("demo", "--base-url", server.base_url)
    commands: dict[str, list[str]] = {}
    comment = ""
    for line in output.splitlines():
        if line.startswith("# Cflow"):
            comment = line[2:]
        elif line.startswith("curl") and comment:
            commands[comment], comment = shlex.split(line), ""
    assert len(commands) == 3

    def send(words: list[str]) -> httpx.Response:
        headers = dict(words[i + 1].split(": ", 1) for i, word in enumerate(words) if word == "-H")
        url = next(word for word in words[1:] if word.startswith("http"))
        if "-X" in words:
            return httpx.post(url, headers=headers, content=words[words.index("-d") + 1], timeout=30)
        return httpx.get(url, headers=headers, timeout=30)

    workflows = send(commands["Cflow: the workflows Ana may start"]).json()["Workflows"]
    assert [w["WorkflowName"] for w in workflows] == ["PurchaseRequest", "LeaveRequest"]
    fields = send(commands["Cflow: the fields of the manager's review"]).json()
    assert fields[-1]["name"] == "RecordId" and "R_Status1" in [f["name"] for f in fields]
    submitted = send(commands["Cflow: submit a purchase request"])
    assert submitted.status_code == 200 and submitted.json()["Record_Id"].isdigit()
