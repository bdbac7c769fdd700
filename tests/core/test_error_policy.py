"""Every endpoint of every face answers a race's unique violation and an unlisted domain error in its own shape.

A real server process serves the real application with each endpoint's service replaced by the fault
(tests/core/faulty_app.py); the request, credential, transaction and reply are the real pipeline's. Nothing
may be a 500: the unique violation becomes the face's conflict reply (after the endpoint's retries), the
unlisted domain error the face's generic refusal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from flowsuite.cflow import router as cflow
from flowsuite.cflow.keys import create_api_key, create_user
from flowsuite.core.db import Database
from flowsuite.core.logs import logging_config
from flowsuite.core.migrate import upgrade
from flowsuite.core.secrets import ServerSecret
from flowsuite.iflow import router as iflow
from flowsuite.iflow.keys import add_device, create_access_token
from flowsuite.iflow.keys import create_api_key as create_iflow_key
from flowsuite.itflow import legacy
from flowsuite.itflow import router as itflow
from flowsuite.itflow.keys import create_key, ensure_company_setup
from flowsuite.settings import Settings
from flowsuite.tenancy.service import create_company
from tests.conftest import BACKENDS, SECRET, _free_port, fresh_database
from tests.core.faulty_app import UNLISTED_MESSAGE
from tests.core.operating import metric

ROOT = Path(__file__).resolve().parents[2]
ITFLOW_CONFLICT = {
    "read": itflow.NO_RESOURCE,
    **itflow.FAILURE_MESSAGES,
}


@dataclass
class Credentials:
    company: str
    itflow_key: str
    iflow_key: str
    iflow_token: str
    device_serial: str
    cflow_key: str
    cflow_user_key: str


def _credentials(database_url: str) -> Credentials:
    db = Database(database_url)
    secret = ServerSecret(SECRET.encode())
    try:
        with db.transaction(write=True) as session:
            company = create_company(session, f"Faults {uuid.uuid4().hex[:10]}")
            ensure_company_setup(session, secret, company.id)
            itflow_key = create_key(session, secret, company_id=company.id, name="all clients").api_key
            iflow_key = create_iflow_key(session, secret, company_id=company.id, name="payroll").secret
            token = create_access_token(session, secret, company_id=company.id, label="desk", administrator_name="A")
            serial = f"SN-{uuid.uuid4().hex[:10]}"
            add_device(session, secret, company_id=company.id, serial=serial)
            cflow_key = create_api_key(session, secret, company_id=company.id).secret
            user_key = create_user(session, secret, company_id=company.id, username="ana").secret
            return Credentials(company.name, itflow_key, iflow_key, token.secret, serial, cflow_key, user_key)
    finally:
        db.dispose()


def _start(database_url: str, workdir: Path, fault: str, company: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "FLOWSUITE_DATABASE_URL": database_url,
        "FLOWSUITE_SECRET_KEY": SECRET,
        "FLOWSUITE_TEST_FAULT": fault,
        "FLOWSUITE_TEST_EXISTING_COMPANY": company,
    }
    # The server's logging as `flowsuite serve` sets it up, in JSON lines.
    log_config = workdir / "logging.json"
    log_config.write_text(json.dumps(logging_config(Settings(log_format="json", log_level="warning"))))
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "tests.core.faulty_app:create_faulty_app",
        "--factory",
        "--log-config",
        str(log_config),
    ]
    with open(workdir / f"{fault}.log", "wb") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port), "--log-level", "warning"], env=env, cwd=workdir, stdout=log, stderr=log
        )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((workdir / f"{fault}.log").read_text())
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return process, base_url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError((workdir / f"{fault}.log").read_text())


@dataclass
class FaultyServers:
    credentials: Credentials
    urls: dict[str, str]
    logs: dict[str, Path]


@pytest.fixture(scope="module", params=BACKENDS)
def faulty(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultyServers]:
    workdir = tmp_path_factory.mktemp(f"faults-{request.param}")
    databases = fresh_database(request.param, workdir)
    database_url = next(databases)
    processes = []
    try:
        upgrade(database_url)
        credentials = _credentials(database_url)
        urls = {}
        for fault in ("unique", "unlisted"):
            process, urls[fault] = _start(database_url, workdir, fault, credentials.company)
            processes.append(process)
        yield FaultyServers(credentials, urls, {fault: workdir / f"{fault}.log" for fault in urls})
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        for _ in databases:
            pass


def _send(
    http: httpx.Client, face: str, path: str, method: str, kinds: tuple[str, ...], c: Credentials
) -> httpx.Response:
    """An authenticated request to the endpoint, with what its face needs to reach the service."""
    if face == "itflow":
        if method == "GET":
            return http.get(path, params={"api_key": c.itflow_key})
        return http.post(path, json={"api_key": c.itflow_key})
    if face == "cflow":
        headers = {"apikey": c.cflow_key, "userkey": c.cflow_user_key, "username": "ana"}
        if method == "GET":
            return http.get(path, headers=headers)
        return http.post(path, json={"main": {"WorkflowName": "none"}}, headers=headers)
    if "device" in kinds:
        return http.request(method, path, data={"access_token": c.device_serial, "rfid_tag": "0001"})
    if "api_key" in kinds:
        return http.request(method, path, data={"api_key": c.iflow_key})
    return http.request(method, path, headers={"Authorization": f"Bearer {c.iflow_token}"})


def _requests() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(face, path, method, credential kinds) of every endpoint, every method it takes."""
    every = []
    for face, endpoints in (("itflow", itflow.ENDPOINTS), ("iflow", iflow.ENDPOINTS), ("cflow", cflow.ENDPOINTS)):
        for endpoint in endpoints:
            for method in endpoint.info.methods:
                every.append((face, endpoint.path, method, endpoint.info.credentials))
    return every


REQUESTS = _requests()


@pytest.mark.parametrize(("face", "path", "method", "kinds"), REQUESTS, ids=[f"{r[2]} {r[1]}" for r in REQUESTS])
def test_a_unique_violation_is_the_faces_conflict_reply(
    faulty: FaultyServers, face: str, path: str, method: str, kinds: tuple[str, ...]
) -> None:
    with httpx.Client(base_url=faulty.urls["unique"], timeout=30) as http:
        reply = _send(http, face, path, method, kinds, faulty.credentials)
    if face == "itflow":
        kind = path.rsplit("/", 1)[1].removesuffix(".php")
        kind = {"archive": "update", "unarchive": "update", "resolve": "update"}.get(kind, kind)
        assert reply.status_code == 200, reply.text
        assert reply.json() == {"success": "False", "message": ITFLOW_CONFLICT[kind]}
        assert reply.headers["x-flowsuite-reason"] == "conflicts with an existing record"
    elif face == "iflow":
        assert reply.status_code == 200, reply.text
        [error] = reply.json()["api_reply"]["error"]
        assert error["check_name"] == "conflict" and error["message"], error
    else:
        assert reply.status_code == 409, reply.text
        assert reply.json() == {"Message": cflow.CONFLICT}


@pytest.mark.parametrize(("face", "path", "method", "kinds"), REQUESTS, ids=[f"{r[2]} {r[1]}" for r in REQUESTS])
def test_an_unlisted_domain_error_is_the_faces_refusal(
    faulty: FaultyServers, face: str, path: str, method: str, kinds: tuple[str, ...]
) -> None:
    with httpx.Client(base_url=faulty.urls["unlisted"], timeout=30) as http:
        reply = _send(http, face, path, method, kinds, faulty.credentials)
    assert reply.status_code == 400, reply.text
    expected = {
        "itflow": {"success": "False", "message": UNLISTED_MESSAGE},
        "iflow": {"error": UNLISTED_MESSAGE},
        "cflow": {"Message": UNLISTED_MESSAGE},
    }[face]
    assert reply.json() == expected


@pytest.mark.parametrize("query", ["client_emails=1", "add_asset=Laptop&client_id=1", "cid=0722000000"])
def test_api_php_answers_both_faults_as_text(faulty: FaultyServers, query: str) -> None:
    c = faulty.credentials
    with httpx.Client(timeout=30) as http:
        unique = http.get(f"{faulty.urls['unique']}{legacy.PATH}?api_key={c.itflow_key}&{query}")
        unlisted = http.get(f"{faulty.urls['unlisted']}{legacy.PATH}?api_key={c.itflow_key}&{query}")
    assert (unique.status_code, unique.text) == (409, legacy.CONFLICT)
    assert (unlisted.status_code, unlisted.text) == (400, UNLISTED_MESSAGE)
    assert unique.headers["content-type"].startswith("text/plain")


def test_conflicts_are_counted_and_logged_under_the_request_id(faulty: FaultyServers) -> None:
    """The policy's conflicts are counted in /metrics, and its log line names the request (on PostgreSQL the
    unit of work runs on a worker thread: the request id travels there with it)."""
    endpoint = next(e for e in itflow.ENDPOINTS if e.info.writes and "POST" in e.info.methods)
    request_id = f"conflict-{uuid.uuid4().hex[:8]}"
    with httpx.Client(base_url=faulty.urls["unique"], timeout=30, headers={"X-Request-Id": request_id}) as http:
        before = http.get("/metrics").text
        reply = _send(http, "itflow", endpoint.path, "POST", endpoint.info.credentials, faulty.credentials)
        after = http.get("/metrics").text
    assert reply.headers["x-request-id"] == request_id
    conflicts = {"face": "itflow", "endpoint": endpoint.info.operation_id, "kind": "conflict"}
    counted = metric(after, "flowsuite_database_errors_total", **conflicts)
    assert counted - metric(before, "flowsuite_database_errors_total", **conflicts) == endpoint.retries + 1
    lines = [json.loads(line) for line in faulty.logs["unique"].read_text().splitlines()]
    [refused] = [line for line in lines if line["request_id"] == request_id]
    assert refused["logger"] == "flowsuite.pipeline" and refused["level"] == "WARNING"
    assert refused["message"].startswith(f"{endpoint.path}: still refused after {endpoint.retries + 1} attempts")
