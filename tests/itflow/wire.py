"""The ITFlow wire as tests check it: the fixed messages and the exact envelopes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import text

from tests.conftest import LiveServer
from tests.factories import in_parallel

NO_RESOURCE = "No resource (for this client and company) with the specified parameter(s)."
CREATE_FAILED = (
    "Auth success but insert query failed, ensure ALL required variables are provided (and aren't duplicates "
    "where applicable) and database schema is up-to-date. Turn on error logging and look for 'undefined index'."
)
UPDATE_FAILED = (
    "Auth success but update query failed/returned no results. Ensure ALL required variables are provided and "
    "database schema is up-to-date. Most likely cause: non-existent module ID (i.e. bad contact ID/ticket ID/etc) "
    "or no rows changed."
)
DELETE_FAILED = (
    "Auth success but delete query failed. Ensure ALL required variables are provided and database schema is "
    "up-to-date. Most likely cause: asset/client/company ID mismatch."
)


def get(http: httpx.Client, path: str, api_key: str, **params: Any) -> httpx.Response:
    return http.get(f"/api/v1/{path}.php", params={"api_key": api_key, **params})


def post(http: httpx.Client, path: str, api_key: str, **body: Any) -> httpx.Response:
    return http.post(f"/api/v1/{path}.php", json={"api_key": api_key, **body})


def rows(reply: httpx.Response) -> list[dict[str, Any]]:
    """The rows of a successful read, after checking its envelope and that every value is text or null."""
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/json"
    body = reply.json()
    assert list(body) == ["success", "count", "data"], body
    assert body["success"] == "True"
    assert body["count"] == len(body["data"]) and isinstance(body["count"], int)
    for row in body["data"]:
        assert all(value is None or isinstance(value, str) for value in row.values()), row
    return list(body["data"])


def created(reply: httpx.Response) -> int:
    """The insert_id of a successful create, after checking its exact envelope."""
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["success"] == "True" and body["count"] == "1", body
    assert list(body) == ["success", "count", "data"] and len(body["data"]) == 1
    (row,) = body["data"]
    assert list(row) == ["insert_id"] and isinstance(row["insert_id"], int)
    return int(row["insert_id"])


def done(reply: httpx.Response) -> None:
    """Checks the exact envelope of a successful update, delete, archive, unarchive or resolve."""
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"success": "True", "count": 1}


def failed(reply: httpx.Response, message: str, status: int = 200) -> None:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"] == "application/json"
    assert reply.json() == {"success": "False", "message": message}


def parallel_posts(base_urls: list[str], path: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    """POSTs every body at once, one thread each, spread over the server processes of `base_urls`."""

    def send_one(index: int) -> httpx.Response:
        with httpx.Client(base_url=base_urls[index % len(base_urls)], timeout=60) as client:
            return client.post(f"/api/v1/{path}.php", json=bodies[index])

    return in_parallel(len(bodies), send_one)


def wait_for_lock_waiter(server: LiveServer, timeout: float = 10) -> None:
    """Returns once a request of the server waits for a lock the test holds.

    PostgreSQL shows it in pg_stat_activity. SQLite does not show waiters; a short pause lets the
    request reach its BEGIN IMMEDIATE, which waits for the test's write transaction to end.
    """
    if server.backend != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + timeout
    with server.db.engine.connect() as connection:
        while time.monotonic() < deadline:
            waiting = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            connection.rollback()
            if waiting:
                return
            time.sleep(0.02)
    raise AssertionError("no request came to wait for the test's lock")


class Background:
    """One request run in a thread, so the test can hold a lock while the request waits for it."""

    def __init__(self, run: Callable[[], httpx.Response]) -> None:
        self.reply: httpx.Response | None = None
        self._thread = threading.Thread(target=self._run, args=(run,))
        self._thread.start()

    def _run(self, run: Callable[[], httpx.Response]) -> None:
        self.reply = run()

    def result(self) -> httpx.Response:
        self._thread.join(timeout=60)
        assert self.reply is not None
        return self.reply


def check_guards(http: httpx.Client, path: str, method: str, api_key: str) -> None:
    """The pipeline's answers before any module work: wrong method, missing key, unknown key."""
    url = f"/api/v1/{path}.php"
    other = "POST" if method == "GET" else "GET"
    failed(
        http.request(other, url, params={"api_key": api_key}), f"Can only send {method} requests to this endpoint.", 405
    )
    missing = http.request(method, url)
    assert (missing.status_code, missing.content) == (401, b"")
    failed(
        http.request(method, url, params={"api_key": api_key + "x"}),
        "Authentication failed. API key is invalid or has expired.",
        401,
    )
