"""Readiness follows the database: a server whose database is down is alive but not ready."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.conftest import start_server


def test_readyz_is_503_when_the_database_is_down(tmp_path: Path) -> None:
    process, base_url = start_server("postgresql+psycopg://postgres@127.0.0.1:9/nowhere", tmp_path)
    try:
        assert httpx.get(f"{base_url}/healthz").status_code == 200
        reply = httpx.get(f"{base_url}/readyz", timeout=30)
        assert reply.status_code == 503
        assert reply.json() == {"status": "unavailable", "database": "down"}
    finally:
        process.terminate()
        process.wait(timeout=10)
