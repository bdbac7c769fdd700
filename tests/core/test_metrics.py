"""/metrics counts each face's requests by endpoint and status, times them, reports the database pools, and
answers loopback callers, or only callers with the bearer token when one is set."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import LiveServer
from tests.core.operating import Served, make_tenant, metric, serving

TOKEN = "metrics-token-" + "m" * 30
READS = {
    "itflow": "itflow_clients_read",
    "iflow": "iflow_get_today_status",
    "cflow": "cflow_getconnection",
}


@pytest.fixture(scope="module")
def guarded(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(server, tmp_path_factory, "metrics-token", {"FLOWSUITE_METRICS_TOKEN": TOKEN}) as served:
        yield served


def test_each_faces_requests_are_counted_and_timed(server: LiveServer, http: httpx.Client) -> None:
    tenant = make_tenant(server)
    before = http.get("/metrics").text
    tenant.read_each_face(http)
    tenant.read_each_face(http)
    assert http.get("/api/v1/clients/read.php", params={"api_key": "wrong"}).status_code == 401
    after = http.get("/metrics")
    assert after.status_code == 200
    assert after.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    for face, endpoint in READS.items():
        ok = {"face": face, "endpoint": endpoint, "status": "200"}
        assert (
            metric(after.text, "flowsuite_requests_total", **ok) - metric(before, "flowsuite_requests_total", **ok) == 2
        )
        timed = {"face": face, "endpoint": endpoint}
        count = "flowsuite_request_duration_seconds_count"
        # Every reply is timed, the refused one too.
        assert metric(after.text, count, **timed) - metric(before, count, **timed) == (3 if face == "itflow" else 2)
        assert metric(after.text, "flowsuite_request_duration_seconds_sum", **timed) > 0
    refused = {"face": "itflow", "endpoint": "itflow_clients_read", "status": "401"}
    assert (
        metric(after.text, "flowsuite_requests_total", **refused)
        - metric(before, "flowsuite_requests_total", **refused)
        == 1
    )
    # Health, the console and /metrics itself are not API endpoints: they are not counted as one.
    assert 'endpoint="healthz"' not in after.text


def test_the_pools_are_reported(server: LiveServer, http: httpx.Client) -> None:
    text = http.get("/metrics").text
    pools = ["primary"] if server.backend == "sqlite" else ["primary", "read"]
    for pool in pools:
        assert metric(text, "flowsuite_db_pool_size", pool=pool) >= 8
        # Nothing is being served while /metrics answers.
        assert metric(text, "flowsuite_db_pool_checked_out", pool=pool) == 0
    assert "process_resident_memory_bytes" in text


def test_metrics_is_not_in_the_api_description(http: httpx.Client) -> None:
    assert "/metrics" not in http.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer  x", f"Basic {TOKEN}", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer wrong"],
    ids=["none", "empty", "no-token", "two-spaces", "basic", "longer", "shorter", "wrong"],
)
def test_with_a_token_set_metrics_needs_it(guarded: Served, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    reply = httpx.get(f"{guarded.base_url}/metrics", headers=headers, timeout=30)
    assert reply.status_code == 403
    assert reply.content == b""


def test_with_a_token_set_metrics_answers_the_bearer(guarded: Served) -> None:
    reply = httpx.get(f"{guarded.base_url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    assert reply.status_code == 200
    assert "# TYPE flowsuite_requests_total counter" in reply.text
    assert "# TYPE flowsuite_db_pool_checked_out gauge" in reply.text
