"""The SDK's own machinery, without a server: retries, wrong base URLs, wire values, the distribution."""

from __future__ import annotations

import ast
import datetime as dt
import json
import subprocess
import sys
import tomllib
import venv
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

import flowsuite_client
from flowsuite_client import (
    AsyncITFlowClient,
    AuthenticationFailed,
    CflowClient,
    CflowError,
    ConnectionFailed,
    IFlowClient,
    IFlowValidationError,
    ITFlowClient,
    ITFlowError,
    RetryPolicy,
    UnexpectedResponse,
)
from flowsuite_client.itflow import to_wire

SDK = Path(__file__).resolve().parents[2] / "clients" / "python"
NO_WAIT = RetryPolicy(attempts=3, backoff=0.0)
EMPTY_READ = {
    "success": "False",
    "message": "No resource (for this client and company) with the specified parameter(s).",
}


def scripted(*answers: httpx.Response | type[Exception]) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """A transport answering each request with the next of `answers` (an exception class is raised)."""
    sent: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        answer = answers[len(sent)]
        sent.append(request)
        if isinstance(answer, type):
            raise answer("scripted failure")
        return answer

    return httpx.MockTransport(handle), sent


def itflow_with(transport: httpx.MockTransport) -> ITFlowClient:
    return ITFlowClient("http://itflow.test", "key", retry=NO_WAIT, transport=transport)


def test_reads_are_retried_after_a_503_and_a_dropped_connection() -> None:
    transport, sent = scripted(httpx.Response(503), httpx.ReadError, httpx.Response(200, json=EMPTY_READ))
    assert itflow_with(transport).clients.read() == []
    assert len(sent) == 3


def test_writes_are_not_retried_once_sent() -> None:
    transport, sent = scripted(httpx.ReadError, httpx.Response(200, json={"success": "True", "count": 1}))
    with pytest.raises(ConnectionFailed, match="ReadError"):
        itflow_with(transport).clients.archive(1)
    assert len(sent) == 1
    transport, sent = scripted(httpx.Response(503, json={"success": "False", "message": "busy"}))
    with pytest.raises(ITFlowError, match="busy"):
        itflow_with(transport).clients.archive(1)
    assert len(sent) == 1


def test_writes_are_retried_when_the_connection_never_opened() -> None:
    transport, sent = scripted(httpx.ConnectError, httpx.Response(200, json={"success": "True", "count": 1}))
    assert itflow_with(transport).clients.archive(1) == 1
    assert len(sent) == 2


def test_retries_give_up_after_the_attempts() -> None:
    transport, sent = scripted(httpx.ConnectError, httpx.ConnectError, httpx.ConnectError)
    with pytest.raises(ConnectionFailed):
        itflow_with(transport).clients.read()
    assert len(sent) == 3


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(attempts=10, backoff=1.0, max_backoff=4.0)
    read = ITFlowClient("http://x.test", "k").clients._calls.read().request
    delays = [policy.delay(read, attempt, httpx.ConnectError("x"), None) or 0.0 for attempt in range(1, 10)]
    # Half to all of 1, 2, 4, 4, ... seconds.
    assert 0.5 <= delays[0] <= 1.0 and 1.0 <= delays[1] <= 2.0
    assert all(2.0 <= delay <= 4.0 for delay in delays[2:])
    assert policy.delay(read, 10, httpx.ConnectError("x"), None) is None


@pytest.mark.parametrize(
    "make",
    [
        lambda t: ITFlowClient("http://x.test", "k", transport=t).clients.read(),
        lambda t: ITFlowClient("http://x.test", "k", transport=t).legacy.caller_id("1"),
        lambda t: IFlowClient("http://x.test", api_key="k", transport=t).get_work_schedule(2026, 1, ["total"]),
    ],
)
def test_an_html_page_is_a_wrong_base_url(make: Callable[[httpx.MockTransport], object]) -> None:
    page = httpx.Response(404, text="<html><body>Not Found</body></html>", headers={"content-type": "text/html"})
    transport, _ = scripted(page)
    with pytest.raises(UnexpectedResponse, match=r"HTML page.*base_url") as wrong:
        make(transport)
    assert wrong.value.status_code == 404


def test_legacy_text_sent_as_html_is_still_read() -> None:
    # ITFlow's own /api.php answers plain text with PHP's default text/html.
    transport, _ = scripted(httpx.Response(200, text="Jane Doe - 12125550110", headers={"content-type": "text/html"}))
    assert ITFlowClient("http://x.test", "k", transport=transport).legacy.caller_id("12125550110") == "Jane Doe"
    lines = "Acme - Jane Doe - jane@example.com<br>Beta - Bo - bo@example.com<br>"
    transport, _ = scripted(httpx.Response(200, text=lines, headers={"content-type": "text/html; charset=UTF-8"}))
    assert [
        e.contact_email for e in ITFlowClient("http://x.test", "k", transport=transport).legacy.client_emails()
    ] == [
        "jane@example.com",
        "bo@example.com",
    ]


def test_the_originals_empty_500_is_an_itflow_error() -> None:
    transport, _ = scripted(httpx.Response(500, headers={"content-type": "application/json"}))
    with pytest.raises(ITFlowError, match="empty body"):
        itflow_with(transport).assets.create(asset_name="PC", asset_purchase_date="notadate")


def test_cflows_plain_text_401_is_an_authentication_failure() -> None:
    transport, _ = scripted(httpx.Response(401, text="No valid API key provided."))
    client = CflowClient("http://cflow.test", "key", "user key", "ana@example.com", transport=transport)
    with pytest.raises(AuthenticationFailed, match="No valid API key provided"):
        client.get_workflows()


def test_cflow_reads_are_retried_and_writes_are_not() -> None:
    transport, sent = scripted(httpx.Response(503), httpx.Response(200, json={"Workflows": []}))
    assert CflowClient("http://cflow.test", "k", "u", "n", retry=NO_WAIT, transport=transport).get_workflows() == []
    assert len(sent) == 2
    refused = {"Message": "busy"}
    transport, sent = scripted(httpx.Response(503, json=refused), httpx.Response(200, json={"Record_Id": "1"}))
    with pytest.raises(CflowError, match="busy"):
        CflowClient("http://cflow.test", "k", "u", "n", retry=NO_WAIT, transport=transport).submit_record("W", {})
    assert len(sent) == 1


def test_a_body_that_is_not_json_is_reported() -> None:
    transport, _ = scripted(httpx.Response(200, text="<?php echo 1;"))
    with pytest.raises(UnexpectedResponse, match="not JSON"):
        itflow_with(transport).clients.read()


def test_timeouts_are_set_by_default() -> None:
    client = ITFlowClient("http://x.test", "k")
    assert client._runner.http.timeout == httpx.Timeout(30.0, connect=5.0)


@pytest.mark.anyio
async def test_async_reads_are_retried_too() -> None:
    transport, sent = scripted(httpx.ConnectError, httpx.Response(502), httpx.Response(200, json=EMPTY_READ))

    async def handle(request: httpx.Request) -> httpx.Response:
        return transport.handle_request(request)

    async with AsyncITFlowClient("http://x.test", "k", retry=NO_WAIT, transport=httpx.MockTransport(handle)) as client:
        assert await client.assets.read() == []
    assert len(sent) == 3


def test_validator_errors_list_every_check() -> None:
    errors = [
        {"field_name": "year", "check_name": "required", "message": "year is required"},
        {"field_name": "totals", "check_name": "required", "message": "totals is required"},
    ]
    transport, _ = scripted(httpx.Response(200, json={"api_reply": {"error": errors}}))
    with pytest.raises(IFlowValidationError) as refused:
        IFlowClient("http://x.test", api_key="k", transport=transport).get_work_schedule(2026, 1, [])
    assert [(e.field_name, e.check_name) for e in refused.value.errors] == [
        ("year", "required"),
        ("totals", "required"),
    ]
    assert "year (required): year is required; totals (required): totals is required" in str(refused.value)


def test_wire_values() -> None:
    assert to_wire(True) == 1
    assert to_wire(dt.date(2024, 1, 2)) == "2024-01-02"
    assert to_wire(dt.datetime(2024, 1, 2, 3, 4, 5)) == "2024-01-02 03:04:05"
    assert to_wire(dt.timedelta(hours=26, minutes=5)) == "26:05:00"


def test_the_distribution_depends_on_httpx_alone() -> None:
    project = tomllib.loads((SDK / "pyproject.toml").read_text())["project"]
    assert [dependency.split(">")[0].split("=")[0] for dependency in project["dependencies"]] == ["httpx"]
    assert (SDK / "src" / "flowsuite_client" / "py.typed").exists()


def test_the_package_imports_nothing_but_the_standard_library_and_httpx() -> None:
    allowed = {"httpx", "flowsuite_client", "__future__"}
    for source in (SDK / "src" / "flowsuite_client").glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert top in allowed or top in sys.stdlib_module_names, (source.name, module)


def test_the_sdk_installs_alone_in_a_fresh_virtualenv(tmp_path: Path) -> None:
    """pip install of clients/python into an empty virtualenv brings httpx and nothing of the server's."""
    # A virtualenv without pip of its own (seeding one takes most of the time); this pip installs into it.
    venv.create(tmp_path / "venv", with_pip=False)
    python = str(tmp_path / "venv" / "bin" / "python")
    pip = [sys.executable, "-m", "pip", "--python", python]
    subprocess.run([*pip, "install", "-q", str(SDK)], check=True, capture_output=True, timeout=300)
    listed = subprocess.run([*pip, "list", "--format=json"], check=True, capture_output=True, text=True, timeout=60)
    installed = {package["name"].lower(): package["version"] for package in json.loads(listed.stdout)}
    assert installed["flowsuite-client"] == flowsuite_client.__version__
    assert "httpx" in installed
    assert not installed.keys() & {"flowsuite", "fastapi", "sqlalchemy", "pydantic", "uvicorn", "psycopg"}
    imported = subprocess.run(
        [python, "-c", "import flowsuite_client; print(flowsuite_client.ITFlowClient.__module__)"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert imported.stdout.strip() == "flowsuite_client.itflow"
