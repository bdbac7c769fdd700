"""A database that stops answering is a 503 with Retry-After in every face's shape and on the console's pages.

A server of its own on a PostgreSQL database of its own: its connections are killed and new ones refused
(`ALLOW_CONNECTIONS false`), as during a restart or a failover.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from flowsuite.core.db import Database
from flowsuite.core.http import DATABASE_BUSY
from flowsuite.core.migrate import upgrade
from flowsuite.core.secrets import ServerSecret
from flowsuite.itflow.keys import create_key, ensure_company_setup
from flowsuite.itflow.legacy import PATH as API_PHP
from flowsuite.tenancy.service import create_company
from tests.admin.factories import console_user
from tests.conftest import POSTGRES_ADMIN_URL, SECRET, LiveServer, fresh_database, start_server

pytestmark = pytest.mark.postgresql


@pytest.fixture(scope="module")
def lonely(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, str]]:
    """A server on a database nobody else uses, and that database's name."""
    if "postgresql" not in os.environ.get("FLOWSUITE_TEST_BACKENDS", "sqlite,postgresql"):
        pytest.skip("PostgreSQL is not among the backends under test")
    workdir: Path = tmp_path_factory.mktemp("outage")
    databases = fresh_database("postgresql", workdir)
    database_url = next(databases)
    try:
        upgrade(database_url)
        process, base_url = start_server(database_url, workdir)
        db = Database(database_url)
        try:
            yield LiveServer("postgresql", base_url, database_url, db, ServerSecret(SECRET.encode())), database_url
        finally:
            db.dispose()
            process.terminate()
            process.wait(timeout=10)
    finally:
        for _ in databases:
            pass


def _cut_off(database: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        )


def _restore(database: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')


def test_an_unreachable_database_is_a_503_everywhere(lonely: tuple[LiveServer, str]) -> None:
    server, database_url = lonely
    database = database_url.rsplit("/", 1)[1]
    with server.db.transaction(write=True) as session:
        company = create_company(session, f"Company {uuid.uuid4().hex[:10]}")
        ensure_company_setup(session, server.secret, company.id)
        api_key = create_key(session, server.secret, company_id=company.id, name="all").api_key
    person = console_user(server, company.id, f"ana-{uuid.uuid4().hex[:6]}@example.com")
    server.db.dispose()
    with person.signed_in() as (browser, _csrf), httpx.Client(base_url=server.base_url, timeout=30) as http:
        assert http.get("/api/v1/clients/read.php", params={"api_key": api_key}).status_code == 200
        _cut_off(database)
        try:
            replies = {
                "itflow read": http.get("/api/v1/clients/read.php", params={"api_key": api_key}),
                "itflow write": http.post("/api/v1/clients/create.php", json={"api_key": api_key, "client_name": "X"}),
                "api.php": http.get(API_PHP, params={"api_key": api_key, "client_emails": "1"}),
                "iflow": http.post("/api/api_v2/user/sync", data={"api_key": "whatever"}),
                "cflow": http.get("/integromat/api/connection/GetConnection", headers={"apikey": "k"}),
                "console": browser.get("/admin/"),
            }
        finally:
            _restore(database)
    for name, reply in replies.items():
        assert reply.status_code == 503, (name, reply.text)
        assert reply.headers["retry-after"] == "1", name
        assert DATABASE_BUSY in reply.text, (name, reply.text)
    assert replies["itflow read"].json() == {"success": "False", "message": DATABASE_BUSY}
    assert replies["cflow"].json() == {"Message": DATABASE_BUSY}
    assert replies["iflow"].json() == {"error": DATABASE_BUSY}
    assert replies["api.php"].text == DATABASE_BUSY
    assert "Database unavailable" in replies["console"].text


def _kill_backends(database: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        )


def test_connections_the_database_dropped_are_replaced_at_once(lonely: tuple[LiveServer, str]) -> None:
    """After a restart or an idle-connection kill, reads are answered at once (asked again on a fresh
    connection) and a write within a second; nothing waits for flowsuite to be restarted."""
    server, database_url = lonely
    database = database_url.rsplit("/", 1)[1]
    with server.db.transaction(write=True) as session:
        company = create_company(session, f"Company {uuid.uuid4().hex[:10]}")
        ensure_company_setup(session, server.secret, company.id)
        api_key = create_key(session, server.secret, company_id=company.id, name="all").api_key
    server.db.dispose()
    read = {"api_key": api_key}
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        for _ in range(3):  # connections in both pools
            assert http.get("/api/v1/clients/read.php", params=read).status_code == 200
            assert http.get(API_PHP, params={**read, "client_emails": "1"}).status_code == 200
            assert http.post("/api/v1/clients/create.php", json={**read, "client_name": "A"}).status_code == 200
        for _ in range(2):
            _kill_backends(database)
            assert http.get("/api/v1/clients/read.php", params=read).status_code == 200
            assert http.get(API_PHP, params={**read, "client_emails": "1"}).status_code == 200
            assert http.get("/readyz").json() == {"status": "ok", "database": "up"}
            statuses = []
            deadline = time.monotonic() + 1
            while time.monotonic() < deadline:
                reply = http.post("/api/v1/clients/create.php", json={**read, "client_name": "B"})
                statuses.append(reply.status_code)
                if reply.status_code == 200:
                    break
            assert statuses[-1] == 200 and statuses.count(503) <= 1, statuses
