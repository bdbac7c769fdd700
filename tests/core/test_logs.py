"""Every reply carries a request id, and the log lines of its request carry the same; the access line (JSON or
text) has the method, the path without its query string, the status and the duration."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import LiveServer
from tests.core.operating import Served, Tenant, make_tenant, serving

GENERATED_ID = re.compile(r"[0-9a-f]{16}")


@pytest.fixture(scope="module")
def json_logged(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    settings = {"FLOWSUITE_ACCESS_LOG": "true", "FLOWSUITE_LOG_FORMAT": "json", "FLOWSUITE_LOG_LEVEL": "info"}
    with serving(server, tmp_path_factory, "json-log", settings) as served:
        yield served


@pytest.fixture(scope="module")
def tenant(server: LiveServer) -> Tenant:
    return make_tenant(server)


def test_a_sane_request_id_is_echoed_and_in_each_faces_access_line(json_logged: Served, tenant: Tenant) -> None:
    request_id = "trace-7f3a.01:web@edge+x=1/2"
    with httpx.Client(base_url=json_logged.base_url, timeout=30) as http:
        replies = tenant.read_each_face(http, request_id)
    for reply in replies.values():
        assert reply.headers["x-request-id"] == request_id
    access = json_logged.lines_of(request_id, 3)
    assert sorted(line["path"] for line in access) == [
        "/api/api_v2/users/get_today_status",
        "/api/v1/clients/read.php",
        "/integromat/api/connection/GetConnection",
    ]
    for line in access:
        assert line["logger"] == "flowsuite.access"
        assert line["level"] == "INFO"
        assert line["method"] == "GET"
        assert line["status"] == 200
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
        assert line["client"] == "127.0.0.1"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
        assert line["path"] in line["message"]
    # ITFlow's key travels in the query string: it must not reach the log.
    assert tenant.itflow_key not in json_logged.log.read_text()


@pytest.mark.parametrize(
    "sent",
    [None, "", "two words", "x" * 129, 'quote"d', "semi;colon", "new%0Aline", "é"],
    ids=["none", "empty", "space", "too-long", "quote", "semicolon", "percent", "non-ascii"],
)
def test_a_missing_or_insane_request_id_is_replaced_by_a_new_one(json_logged: Served, sent: str | None) -> None:
    headers = {} if sent is None else {"X-Request-Id": sent.encode()}
    with httpx.Client(base_url=json_logged.base_url, timeout=30) as http:
        first = http.get("/api/v1/clients/read.php", headers=headers)
        second = http.get("/api/v1/clients/read.php", headers=headers)
    assert first.status_code == second.status_code == 401
    assert GENERATED_ID.fullmatch(first.headers["x-request-id"])
    assert GENERATED_ID.fullmatch(second.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


def test_a_longest_sane_request_id_is_kept(json_logged: Served) -> None:
    request_id = "a" * 128
    with httpx.Client(base_url=json_logged.base_url, timeout=30) as http:
        reply = http.get("/healthz", headers={"X-Request-Id": request_id})
    assert reply.headers["x-request-id"] == request_id


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/openapi.json", "/admin/sign-in", "/admin/", "/no/such/path"])
def test_health_the_console_and_unknown_paths_carry_the_id_too(json_logged: Served, path: str) -> None:
    with httpx.Client(base_url=json_logged.base_url, timeout=30) as http:
        reply = http.get(path, headers={"X-Request-Id": f"probe-{path.strip('/').replace('/', '-')}"})
    assert reply.headers["x-request-id"] == f"probe-{path.strip('/').replace('/', '-')}"
    [line] = json_logged.lines_of(reply.headers["x-request-id"], 1)
    assert (line["path"], line["status"]) == (path, reply.status_code)


def test_the_wire_is_unchanged_but_for_the_id(json_logged: Served, server: LiveServer, tenant: Tenant) -> None:
    """The same request to a server without the access log or JSON logs gets the same headers and body."""
    with httpx.Client(base_url=json_logged.base_url, timeout=30) as logged, server.client() as plain:
        for http in (logged, plain):
            assert list(http.get("/healthz").headers.keys())[-1] == "x-request-id"
        a = logged.get("/api/v1/clients/read.php", params={"api_key": tenant.itflow_key})
        b = plain.get("/api/v1/clients/read.php", params={"api_key": tenant.itflow_key})
    assert a.content == b.content
    skip = {"date", "x-request-id"}
    assert [(k, v) for k, v in a.headers.items() if k not in skip] == [
        (k, v) for k, v in b.headers.items() if k not in skip
    ]


def test_a_text_access_line_has_the_id_and_no_query(
    server: LiveServer, tmp_path_factory: pytest.TempPathFactory, tenant: Tenant
) -> None:
    settings = {"FLOWSUITE_ACCESS_LOG": "true", "FLOWSUITE_LOG_FORMAT": "text"}
    with (
        serving(server, tmp_path_factory, "text-log", settings) as served,
        httpx.Client(base_url=served.base_url, timeout=30) as http,
    ):
        http.get("/api/v1/clients/read.php", params={"api_key": tenant.itflow_key}, headers={"X-Request-Id": "t-1"})
    text = served.log.read_text()  # the server has stopped: every line is written
    [line] = [line for line in text.splitlines() if "[t-1]" in line]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO flowsuite\.access \[t-1\] 127\.0\.0\.1 "
        r'"GET /api/v1/clients/read\.php" 200 \d+\.\d{3}ms',
        line,
    ), line
    assert tenant.itflow_key not in text


def test_the_access_log_is_off_by_default(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    with (
        serving(server, tmp_path_factory, "quiet-log", {"FLOWSUITE_LOG_LEVEL": "info"}) as served,
        httpx.Client(base_url=served.base_url, timeout=30) as http,
    ):
        assert http.get("/healthz", headers={"X-Request-Id": "quiet-1"}).status_code == 200
    text = served.log.read_text()
    assert "Application startup complete" in text
    assert "quiet-1" not in text and "flowsuite.access" not in text
