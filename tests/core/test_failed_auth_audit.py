"""Failed authentications are audited without one write per attempt: one row per window, then a count."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from flowsuite.tenancy.models import AuditEvent
from tests.conftest import LiveServer, another_server

WINDOW_SECONDS = 2


@pytest.fixture(scope="module")
def throttled_url(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server on the same database that audits failed authentications once per WINDOW_SECONDS."""
    settings = {"FLOWSUITE_FAILED_AUTH_AUDIT_SECONDS": str(WINDOW_SECONDS)}
    with another_server(server, tmp_path_factory, "throttled", settings) as base_url:
        yield base_url


def audited(server: LiveServer, *agents: str) -> list[tuple[str, str, str | None]]:
    with server.db.transaction() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.user_agent.in_(agents)).order_by(AuditEvent.id)
        ).all()
        return [(row.face, row.description, row.user_agent) for row in rows]


def test_a_flood_of_bad_keys_writes_one_row_per_window_then_counts(server: LiveServer, throttled_url: str) -> None:
    flood, later, other_face = (f"probe-{uuid.uuid4().hex}" for _ in range(3))
    with httpx.Client(base_url=throttled_url) as http:
        started = time.monotonic()
        for _ in range(5):
            reply = http.get("/api/v1/clients/read.php", params={"api_key": "bad"}, headers={"User-Agent": flood})
            assert reply.status_code == 401
        # Another face keeps its own window.
        reply = http.post(
            "/api/api_v2/users/get_today_status",
            headers={"Authorization": "Bearer bad", "User-Agent": other_face},
        )
        assert reply.status_code == 401
        assert time.monotonic() - started < WINDOW_SECONDS, "the machine is too slow for this window"
        time.sleep(WINDOW_SECONDS + 0.2)
        reply = http.get("/api/v1/clients/read.php", params={"api_key": "bad"}, headers={"User-Agent": later})
        assert reply.status_code == 401

    endpoint = "Incorrect or expired key (endpoint: /api/v1/clients/read.php)"
    assert audited(server, flood, later, other_face) == [
        ("itflow", endpoint, flood),
        ("iflow", "Invalid token (/api/api_v2/users/get_today_status)", other_face),
        ("itflow", f"{endpoint} (and 4 more from this address since the previous entry)", later),
    ]
