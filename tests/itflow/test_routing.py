"""Which ITFlow reads are served on a worker thread where the database is a server: those walking many rows."""

from __future__ import annotations

from typing import Any

import pytest

from flowsuite.core.pipeline import READ, SCAN
from flowsuite.itflow.endpoints import OPERATIONS
from flowsuite.itflow.router import ENDPOINTS, MANY_ROWS, ITFlowRequest, walks_many_rows

ASSETS_READ = next(operation for operation in OPERATIONS if operation.path == "/api/v1/assets/read.php")


def request(query: dict[str, Any], body: dict[str, Any] | None = None) -> ITFlowRequest:
    return ITFlowRequest(ASSETS_READ, query, body or {}, 10_000)


@pytest.mark.parametrize(
    ("query", "body", "many"),
    [
        ({"asset_id": "7"}, {}, False),
        ({}, {}, False),
        ({"limit": "50", "offset": "40000"}, {}, True),
        ({"offset": str(MANY_ROWS)}, {}, True),
        ({"offset": str(MANY_ROWS - 50)}, {}, False),
        ({"limit": "5000"}, {}, True),
        ({}, {"offset": 40000}, True),
        ({"offset": "-5"}, {}, False),
        ({"offset": "lots"}, {}, False),  # refused by the parse step, on the loop
    ],
)
def test_a_page_past_many_rows_walks_many(query: dict[str, Any], body: dict[str, Any], many: bool) -> None:
    assert walks_many_rows(request(query, body)) is many


def test_reads_route_deep_pages_to_the_scanning_access() -> None:
    endpoint = next(e for e in ENDPOINTS if e.path == ASSETS_READ.path)
    assert endpoint.access is READ and endpoint.route is not None
    assert endpoint.route(request({"asset_id": "7"})) is None
    deep = endpoint.route(request({"offset": "40000"}))
    assert deep is not None and deep.access is SCAN and deep.route is None
