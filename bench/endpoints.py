"""The endpoints the bench measures, how wrk requests each, and how one response is judged."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from bench.dataset import Loaded
from bench.wrkrun import Script

REFERENCE = "reference clients/read?limit=50"
CLIENTS = "clients/read?limit=50"
ASSET_BY_ID = "assets/read?asset_id=N"
ASSETS_DEEP = "assets/read?limit=50&offset=40000"
TICKET_CREATE = "tickets/create"

# FastAPI's own answer for a path or method no route serves: the endpoint is not there yet.
_NO_ROUTE = ({"detail": "Not Found"}, {"detail": "Method Not Allowed"})


@dataclass(frozen=True)
class Endpoint:
    name: str
    server: str  # "flowsuite" or "reference"
    # wrk's URL path (with the query for fixed requests; a Lua generator supplies it otherwise)
    url_path: str
    script: Script
    # One request as wrk sends it, for the probe and the after-run sample.
    sample: Callable[[httpx.Client], httpx.Response]
    # What a good reply holds: rows per read (None: any number >= 1), or "create".
    rows: int | str | None
    writes: bool = False


def read_envelope(rows: int) -> str:
    return f'"success":"True","count":{rows},'


def build(loaded: Loaded) -> list[Endpoint]:
    """Every endpoint, the reference first; `loaded` gives the key and the id ranges."""
    key = loaded.api_key
    shape = loaded.shape
    clients_query = f"/api/v1/clients/read.php?api_key={key}&limit=50"
    deep_offset = min(40_000, max(shape.assets - 50, 0))
    deep_query = f"/api/v1/assets/read.php?api_key={key}&limit=50&offset={deep_offset}"
    asset_prefix = f"/api/v1/assets/read.php?api_key={key}&asset_id="

    def get(path: str) -> Callable[[httpx.Client], httpx.Response]:
        return lambda http: http.get(path)

    def asset(http: httpx.Client) -> httpx.Response:
        return http.get(f"{asset_prefix}{random.randint(1, shape.assets)}")

    def ticket(http: httpx.Client) -> httpx.Response:
        client = random.randint(1, shape.clients)
        contact = (client - 1) * shape.contacts_per_client + random.randint(1, shape.contacts_per_client)
        return http.post(
            "/api/v1/tickets/create.php",
            json={
                "api_key": key,
                "client_id": client,
                "ticket_subject": "Printer offline on second floor",
                "ticket_details": "<p>Printer offline on second floor. Reported by phone.</p>",
                "ticket_priority": "Medium",
                "ticket_contact_id": contact,
                "ticket_billable": 1,
            },
        )

    return [
        Endpoint(REFERENCE, "reference", clients_query, Script(expect=read_envelope(50)), get(clients_query), 50),
        Endpoint(CLIENTS, "flowsuite", clients_query, Script(expect=read_envelope(50)), get(clients_query), 50),
        Endpoint(
            ASSET_BY_ID,
            "flowsuite",
            "/",
            Script("random_id", [asset_prefix, "1", str(shape.assets)], expect=read_envelope(1)),
            asset,
            1,
        ),
        Endpoint(ASSETS_DEEP, "flowsuite", deep_query, Script(expect=read_envelope(50)), get(deep_query), 50),
        Endpoint(
            TICKET_CREATE,
            "flowsuite",
            "/",
            Script(
                "ticket_create",
                ["/api/v1/tickets/create.php", key, str(shape.clients), str(shape.contacts_per_client)],
                expect='"success":"True","count":"1"',
            ),
            ticket,
            "create",
            writes=True,
        ),
    ]


def judge(endpoint: Endpoint, reply: httpx.Response) -> str | None:
    """What is wrong with one reply (None when it is a good one): status, envelope, row count, value types."""
    if reply.status_code != 200:
        return f"HTTP {reply.status_code}: {reply.text[:200]}"
    if reply.headers.get("content-type") != "application/json":
        return f"content-type {reply.headers.get('content-type')!r}"
    try:
        body: Any = reply.json()
    except ValueError:
        return f"not JSON: {reply.text[:200]}"
    if not isinstance(body, dict) or body.get("success") != "True":
        return f"not a success: {reply.text[:200]}"
    data = body.get("data")
    if not isinstance(data, list) or not data or not all(isinstance(row, dict) for row in data):
        return f"no data rows: {reply.text[:200]}"
    if endpoint.rows == "create":
        if body.get("count") != "1" or not isinstance(data[0].get("insert_id"), int):
            return f"not a create envelope: {reply.text[:200]}"
        return None
    if body.get("count") != len(data) or (endpoint.rows is not None and len(data) != endpoint.rows):
        return f"count {body.get('count')!r} with {len(data)} rows (expected {endpoint.rows})"
    for row in data:
        for column, value in row.items():
            if value is not None and not isinstance(value, str):
                return f"{column} is {type(value).__name__}, not a string or null"
    return None


def probe(endpoint: Endpoint, http: httpx.Client) -> tuple[str, str | None]:
    """("ok", None), ("missing", why) when no route serves it yet, or ("failing", why)."""
    try:
        reply = endpoint.sample(http)
    except httpx.HTTPError as error:
        return "failing", f"{type(error).__name__}: {error}"
    if reply.status_code in (404, 405):
        try:
            if reply.json() in _NO_ROUTE:
                return "missing", f"HTTP {reply.status_code} {reply.text}"
        except ValueError:
            pass
    problem = judge(endpoint, reply)
    return ("ok", None) if problem is None else ("failing", problem)
