"""Two server processes on one database, requests in parallel: approvals move a record once, Record_Ids differ."""

from __future__ import annotations

import httpx
import orjson

from flowsuite.cflow.models import CflowRecord, CflowRecordHistory
from tests.cflow.factories import MANAGER, PURCHASE, CflowTenant, new_tenant
from tests.conftest import LiveServer
from tests.factories import in_parallel

WF = "PurchaseRequest"
GOOD = {"Item": "Desk", "Amount": 300}


def _clients(server: LiveServer, twin_url: str) -> tuple[httpx.Client, httpx.Client]:
    return httpx.Client(base_url=server.base_url, timeout=60), httpx.Client(base_url=twin_url, timeout=60)


def test_concurrent_approvals_move_the_record_once(server: LiveServer, twin_url: str) -> None:
    tenant: CflowTenant = new_tenant(server)
    stages = tenant.import_workflow(PURCHASE)
    first, second = _clients(server, twin_url)
    with first, second:
        numbers = [tenant.record_id(first, WF, GOOD) for _ in range(5)]
        for number in numbers:
            replies = in_parallel(
                6,
                lambda i, number=number: tenant.update(  # type: ignore[misc]
                    (first, second)[i % 2], WF, stages[1], number, {"R_Status1": "Approved"}, MANAGER
                ),
            )
            codes = sorted(reply.status_code for reply in replies)
            assert codes == [200, 409, 409, 409, 409, 409], [r.text for r in replies]
            [row] = tenant.rows(CflowRecord, number=int(number))
            assert str(row["stage_id"]) == stages[2] and row["version"] == 2
            approvals = tenant.rows(CflowRecordHistory, record_id=row["id"], status="Approved")
            assert len(approvals) == 1
            assert orjson.loads(row["reviews"])[stages[1]]["approved_by"] == MANAGER


def test_concurrent_submits_get_distinct_record_ids(server: LiveServer, twin_url: str) -> None:
    tenant = new_tenant(server)
    tenant.import_workflow(PURCHASE)
    first, second = _clients(server, twin_url)
    with first, second:
        replies = in_parallel(16, lambda i: tenant.submit((first, second)[i % 2], WF, {**GOOD, "Item": f"Desk {i}"}))
    assert all(reply.status_code == 200 for reply in replies), [r.text for r in replies]
    numbers = sorted(int(reply.json()["Record_Id"]) for reply in replies)
    assert numbers == list(range(1, 17))
    assert tenant.count(CflowRecord) == 16
