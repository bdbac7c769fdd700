"""A real server process on a real database, for SQLite and PostgreSQL alike.

Each backend gets a fresh database migrated with Alembic and one `flowsuite serve` process. Tests
isolate themselves by tenancy: each makes its own company (and keys) through the services, so no test
sees another's rows and nothing needs cleaning between tests.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest

from flowsuite.core.db import Database
from flowsuite.core.migrate import upgrade
from flowsuite.core.secrets import ServerSecret

POSTGRES_ADMIN_URL = os.environ.get("FLOWSUITE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
SECRET = "test-secret-" + "s" * 40
BACKENDS = [b for b in os.environ.get("FLOWSUITE_TEST_BACKENDS", "sqlite,postgresql").split(",") if b]


@dataclass
class LiveServer:
    """A running flowsuite process and direct access to its database for building test data."""

    backend: str
    base_url: str
    database_url: str
    db: Database
    secret: ServerSecret

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres_database() -> Iterator[str]:
    name = f"flowsuite_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL is not reachable: {error}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_database(backend: str, workdir: Path) -> Iterator[str]:
    """Yields the URL of an empty database of `backend`; a PostgreSQL one is dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'flowsuite.db'}"
    else:
        yield from _postgres_database()


def start_server(
    database_url: str, workdir: Path, settings: dict[str, str] | None = None, workers: int = 1
) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **os.environ,
        "FLOWSUITE_DATABASE_URL": database_url,
        "FLOWSUITE_SECRET_KEY": SECRET,
        "FLOWSUITE_LOG_LEVEL": "warning",
        "FLOWSUITE_MAX_BODY_BYTES": "65536",
        # Every failed authentication audited, so that tests of it do not depend on the ones before.
        "FLOWSUITE_FAILED_AUTH_AUDIT_SECONDS": "0",
        **(settings or {}),
    }
    serve = ["serve", "--port", str(port), "--no-migrate", "--workers", str(workers)]
    command = [sys.executable, "-m", "flowsuite", *serve]
    with open(workdir / "server.log", "wb") as log:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((workdir / "server.log").read_text())
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return process, base_url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start:\n" + (workdir / "server.log").read_text())


@pytest.fixture(scope="session", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    backend: str = request.param
    workdir = tmp_path_factory.mktemp(backend)
    urls = fresh_database(backend, workdir)
    database_url = next(urls)
    try:
        upgrade(database_url)
        process, base_url = start_server(database_url, workdir)
        db = Database(database_url)
        try:
            yield LiveServer(backend, base_url, database_url, db, ServerSecret(SECRET.encode()))
        finally:
            db.dispose()
            process.terminate()
            process.wait(timeout=10)
            server_log = (workdir / "server.log").read_text()
            assert "Traceback" not in server_log, server_log
    finally:
        for _ in urls:  # runs the PostgreSQL generator's clean-up
            pass


@pytest.fixture
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@contextmanager
def another_server(
    server: LiveServer, tmp_path_factory: pytest.TempPathFactory, name: str, settings: dict[str, str] | None = None
) -> Iterator[str]:
    """A further server process on the live server's database, with its own settings and in-process state
    (throttles, caches); its log must hold no traceback."""
    workdir: Path = tmp_path_factory.mktemp(f"{name}-{server.backend}")
    process, base_url = start_server(server.database_url, workdir, settings)
    try:
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)
        server_log = (workdir / "server.log").read_text()
        assert "Traceback" not in server_log, server_log


@pytest.fixture(scope="module")
def twin_url(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second server process on the same database, so that requests really run in parallel.

    (One process handles its requests one after another; two processes race like a deployment with
    several workers does.)
    """
    with another_server(server, tmp_path_factory, "twin") as base_url:
        yield base_url
