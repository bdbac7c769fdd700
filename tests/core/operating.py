"""What the operator tests share: a server process with settings of their own, a tenant with a credential of
every face, and the server's metrics and log lines read back."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from flowsuite.cflow.keys import create_api_key, create_user
from flowsuite.iflow.keys import create_access_token
from flowsuite.itflow.keys import create_key, ensure_company_setup
from flowsuite.tenancy.service import create_company
from tests.conftest import LiveServer, start_server


@dataclass
class Served:
    """A server process of a test's own and the file its log goes to."""

    base_url: str
    log: Path

    def lines(self) -> list[dict[str, Any]]:
        """The log's JSON lines (a server run with FLOWSUITE_LOG_FORMAT=json writes no other)."""
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]

    def lines_of(self, request_id: str, count: int) -> list[dict[str, Any]]:
        """The JSON lines of `request_id`, once there are `count` of them (an access line is written just after
        its reply is sent, so it may come a moment after the client has the reply)."""
        deadline = time.monotonic() + 5
        while True:
            lines = [line for line in self.lines() if line["request_id"] == request_id]
            if len(lines) >= count or time.monotonic() > deadline:
                return lines
            time.sleep(0.02)


@contextmanager
def serving(
    server: LiveServer, tmp_path_factory: pytest.TempPathFactory, name: str, settings: dict[str, str]
) -> Iterator[Served]:
    """A server process on the live server's database with `settings`; its log must hold no traceback."""
    workdir: Path = tmp_path_factory.mktemp(f"{name}-{server.backend}")
    process, base_url = start_server(server.database_url, workdir, settings)
    try:
        yield Served(base_url, workdir / "server.log")
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert "Traceback" not in (workdir / "server.log").read_text()


@dataclass
class Tenant:
    """A company with a credential of every face, and one successful read of each face."""

    itflow_key: str
    iflow_token: str
    cflow_key: str
    cflow_user_key: str

    def read_each_face(self, http: httpx.Client, request_id: str | None = None) -> dict[str, httpx.Response]:
        """The reply of one read of each face, by face; each must succeed."""
        headers = {"X-Request-Id": request_id} if request_id else {}
        replies = {
            "itflow": http.get("/api/v1/clients/read.php", params={"api_key": self.itflow_key}, headers=headers),
            "iflow": http.get(
                "/api/api_v2/users/get_today_status",
                headers={**headers, "Authorization": f"Bearer {self.iflow_token}"},
            ),
            "cflow": http.get(
                "/integromat/api/connection/GetConnection",
                headers={**headers, "apikey": self.cflow_key, "userkey": self.cflow_user_key, "username": "ana"},
            ),
        }
        for face, reply in replies.items():
            assert reply.status_code == 200, (face, reply.text)
        return replies


def make_tenant(server: LiveServer) -> Tenant:
    with server.db.transaction(write=True) as session:
        company = create_company(session, f"Operated {uuid.uuid4().hex[:10]}")
        ensure_company_setup(session, server.secret, company.id)
        itflow_key = create_key(session, server.secret, company_id=company.id, name="all clients").api_key
        token = create_access_token(session, server.secret, company_id=company.id, label="desk", administrator_name="A")
        cflow_key = create_api_key(session, server.secret, company_id=company.id).secret
        user_key = create_user(session, server.secret, company_id=company.id, username="ana").secret
        return Tenant(itflow_key, token.secret, cflow_key, user_key)


def metric(text: str, name: str, **labels: str) -> float:
    """The value of the sample `name` with exactly `labels` in a /metrics reply; 0 when there is none."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return 0.0
