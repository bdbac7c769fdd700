"""CflowClient and AsyncCflowClient against the live server: the nine endpoints, value formatting, errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import orjson
import pytest

from flowsuite.cflow.models import CflowRecord
from flowsuite.cflow.router import ENDPOINTS
from flowsuite_client import AsyncCflowClient, AuthenticationFailed, CflowClient, CflowError
from flowsuite_client.cflow import CflowCalls, cflow_datetime, cflow_value
from tests.cflow.factories import FINANCE, MANAGER, PURCHASE, REQUESTER, CflowTenant
from tests.cflow.factories import new_tenant as new_cflow_tenant
from tests.conftest import LiveServer

WF = "PurchaseRequest"
METHODS = {
    "connection/GetConnection": ("get_connection", ()),
    "cflow/getworkflows": ("get_workflows", ()),
    "cflow/getprocess": ("get_process", (WF,)),
    "cflow/getstatus": ("get_status", (WF, 1)),
    "cflow/submitrecord": ("submit_record", (WF, {})),
    "cflow/updaterecord": ("update_record", (WF, 1, 1, {})),
    "cflow/getworkflowprocessfieldsformap": ("get_workflow_process_fields_for_map", (WF, 1)),
    "cflow/getworkflowfieldsets": ("get_workflow_fieldsets", (WF,)),
    "cflow/getworkflowprocessfieldsets": ("get_workflow_process_fieldsets", (WF, 1)),
}


@pytest.fixture
def cflow_tenant(server: LiveServer) -> CflowTenant:
    return new_cflow_tenant(server)


@pytest.fixture
def stages(cflow_tenant: CflowTenant) -> list[str]:
    """ProcessIDs: the initiator's stage, Manager Review, Finance Review, END."""
    return cflow_tenant.import_workflow(PURCHASE)


def client_of(server: LiveServer, tenant: CflowTenant, username: str) -> CflowClient:
    return CflowClient(server.base_url, tenant.api_key, tenant.user_keys[username], username)


def stored(tenant: CflowTenant, record_id: str) -> dict[str, Any]:
    (row,) = tenant.rows(CflowRecord, number=int(record_id))
    return row


def test_every_endpoint_of_the_server_has_a_method() -> None:
    assert {f"/integromat/api/{path}" for path in METHODS} == {endpoint.path for endpoint in ENDPOINTS}
    calls = CflowCalls("k", "u", "ana@example.com")
    for path, (name, arguments) in METHODS.items():
        assert callable(getattr(CflowClient, name)) and callable(getattr(AsyncCflowClient, name))
        request = getattr(calls, name)(*arguments).request
        assert request.path == f"/integromat/api/{path}"
        assert request.headers == {"apikey": "k", "userkey": "u", "username": "ana@example.com"}


def test_values_are_written_as_cflow_reads_them() -> None:
    assert cflow_datetime(dt.datetime(2022, 3, 26, 18, 30)) == "3/26/2022 6:30:00 PM"
    assert cflow_datetime(dt.datetime(2022, 1, 2, 0, 5, 9)) == "1/2/2022 12:05:09 AM"
    assert cflow_datetime(dt.datetime(2022, 1, 2, 12, 0)) == "1/2/2022 12:00:00 PM"
    assert cflow_datetime(dt.date(2022, 12, 31)) == "12/31/2022 12:00:00 AM"
    assert cflow_value(("Stage", "Live")) == ["Stage", "Live"]
    assert cflow_value([dt.date(2022, 1, 2)]) == ["1/2/2022 12:00:00 AM"]
    assert cflow_value(Decimal("1200.50")) == "1200.50"
    assert cflow_value(True) is True
    with pytest.raises(TypeError):
        cflow_value(object())  # type: ignore[arg-type]


def test_reads(server: LiveServer, cflow_tenant: CflowTenant, stages: list[str]) -> None:
    with client_of(server, cflow_tenant, REQUESTER) as cflow:
        assert cflow.get_connection()["UserName"] == REQUESTER
        assert cflow.get_workflows() == [{"WorkflowDisplayName": "Purchase Request", "WorkflowName": WF}]
        process = cflow.get_process(WF)
        assert [s["ProcessID"] for s in process] == stages
        assert [s["ProcessStage"] for s in process][-1] == "END"
        statuses = cflow.get_status(WF, stages[2])
        assert [(s["Group_ID"], s["Field_Status"]) for s in statuses] == [
            (stages[2], "New"),
            (stages[2], "Approved"),
            (stages[2], "Rejected"),
            (stages[2], "On Hold"),
        ]
        form = cflow.get_workflow_fieldsets(WF)
        assert [f["name"] for f in form][:3] == ["Item", "Amount", "Needed_By"]
        assert form[0]["required"] is True and "default:" in form[0]
        stage_fields = [f["name"] for f in cflow.get_workflow_process_fieldsets(WF, stages[1])]
        assert "R_Status1" in stage_fields and "RecordId" not in stage_fields
        mapped = [f["name"] for f in cflow.get_workflow_process_fields_for_map(WF, stages[1])]
        assert mapped == [*stage_fields, "RecordId"]


def test_submit_formats_dates_and_lists_and_update_moves_the_record(
    server: LiveServer, cflow_tenant: CflowTenant, stages: list[str]
) -> None:
    values: dict[str, Any] = {
        "Item": "Laptop",
        "Amount": Decimal("1200.50"),
        "Needed_By": dt.datetime(2027, 3, 26, 18, 30),
        "Category": "Hardware",
        "Urgent": True,
        "Tags": ("it", "urgent"),
        "Work_Status": ["Stage"],
        "Supplier_Email": None,
    }
    with client_of(server, cflow_tenant, REQUESTER) as cflow:
        record_id = cflow.submit_record(WF, values)
    assert record_id.isdigit()
    row = stored(cflow_tenant, record_id)
    saved = orjson.loads(row["values"])
    assert (saved["Needed_By"], saved["Amount"], saved["Tags"], saved["Urgent"]) == (
        "2027-03-26T18:30:00",
        1200.5,
        ["it", "urgent"],
        True,
    )
    assert "Supplier_Email" not in saved and str(row["stage_id"]) == stages[1]

    with client_of(server, cflow_tenant, MANAGER) as manager:
        assert (
            manager.update_record(WF, stages[1], record_id, {"R_Status1": "Approved", "R_Comments1": "ok"}) == record_id
        )
    assert str(stored(cflow_tenant, record_id)["stage_id"]) == stages[2]
    with client_of(server, cflow_tenant, FINANCE) as finance:
        finance.update_record(
            WF, stages[2], int(record_id), {"R_Status2": "Approved", "Needed_By": dt.date(2027, 4, 1)}
        )
    row = stored(cflow_tenant, record_id)
    assert (str(row["stage_id"]), row["outcome"]) == (stages[3], "approved")
    assert orjson.loads(row["values"])["Needed_By"] == "2027-04-01T00:00:00"


def test_refusals_name_every_field(server: LiveServer, cflow_tenant: CflowTenant, stages: list[str]) -> None:
    with client_of(server, cflow_tenant, REQUESTER) as cflow:
        with pytest.raises(CflowError) as refused:
            cflow.submit_record(WF, {"Amount": "a lot", "Category": "Food", "Colour": "red"})
        assert refused.value.status_code == 400
        assert refused.value.message.startswith("Invalid value for:")
        assert {"Item", "Amount", "Category", "Colour"} <= {p.field for p in refused.value.problems}
        assert "Amount" in str(refused.value)
        record_id = cflow.submit_record(WF, {"Item": "Desk", "Amount": 10})
        with pytest.raises(CflowError) as not_reviewer:
            cflow.update_record(WF, stages[1], record_id, {"R_Status1": "Approved"})
        assert not_reviewer.value.status_code == 403
    with client_of(server, cflow_tenant, FINANCE) as finance, pytest.raises(CflowError) as wrong_stage:
        finance.update_record(WF, stages[2], record_id, {"R_Status2": "Approved"})
    assert wrong_stage.value.status_code == 409


def test_wrong_credentials_raise_authentication_failed(server: LiveServer, cflow_tenant: CflowTenant) -> None:
    with CflowClient(server.base_url, "not-a-key", "x", REQUESTER) as cflow, pytest.raises(AuthenticationFailed) as bad:
        cflow.get_connection()
    assert (bad.value.message, bad.value.status_code) == ("No valid API key provided.", 401)
    user_key = cflow_tenant.user_keys[MANAGER]
    cflow = CflowClient(server.base_url, cflow_tenant.api_key, user_key, REQUESTER)
    with cflow, pytest.raises(AuthenticationFailed, match="does not match the user key"):
        cflow.get_workflows()
    with pytest.raises(ValueError):
        CflowClient(server.base_url, cflow_tenant.api_key, "", REQUESTER)


@pytest.mark.anyio
async def test_async_client_calls_every_endpoint(
    server: LiveServer, cflow_tenant: CflowTenant, stages: list[str]
) -> None:
    keys = cflow_tenant.user_keys
    async with AsyncCflowClient(server.base_url, cflow_tenant.api_key, keys[REQUESTER], REQUESTER) as cflow:
        assert (await cflow.get_connection())["Status"] == "Connected"
        assert [w["WorkflowName"] for w in await cflow.get_workflows()] == [WF]
        assert [s["ProcessID"] for s in await cflow.get_process(WF)] == stages
        assert [s["Field_Status"] for s in await cflow.get_status(WF, stages[1])] == ["New", "Approved", "Rejected"]
        assert (await cflow.get_workflow_fieldsets(WF))[0]["name"] == "Item"
        assert "R_Status2" in [f["name"] for f in await cflow.get_workflow_process_fieldsets(WF, stages[2])]
        assert [f["name"] for f in await cflow.get_workflow_process_fields_for_map(WF, stages[2])][-1] == "RecordId"
        record_id = await cflow.submit_record(WF, {"Item": "Chair", "Amount": 80, "Needed_By": dt.date(2027, 1, 5)})
    async with AsyncCflowClient(server.base_url, cflow_tenant.api_key, keys[MANAGER], MANAGER) as manager:
        assert await manager.update_record(WF, stages[1], record_id, {"R_Status1": "Rejected"}) == record_id
    row = stored(cflow_tenant, record_id)
    assert (str(row["stage_id"]), row["outcome"]) == (stages[3], "rejected")
