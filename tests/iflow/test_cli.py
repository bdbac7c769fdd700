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
