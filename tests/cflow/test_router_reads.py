"""The GET endpoints against the vendor's sample replies, key for key ("default:" with its colon)."""

from __future__ import annotations

import httpx
import pytest

from tests.cflow.factories import API, FINANCE, MANAGER, PURCHASE, REQUESTER, SEED_WORKFLOW, CflowTenant, new_tenant
from tests.cflow.seed import SAMPLES
from tests.conftest import LiveServer


@pytest.fixture
def tenant(server: LiveServer) -> CflowTenant:
    return new_tenant(server)


def _seed_ids(stages: list[str]) -> dict[str, str]:
    """The seed's ProcessIDs mapped to this database's."""
    return dict(zip(("27405", "27406", "27407"), stages, strict=True))


def test_get_connection_names_the_user_and_company(tenant: CflowTenant, http: httpx.Client) -> None:
    reply = tenant.get(http, "connection/GetConnection")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/json"
    body = reply.json()
    assert body["Status"] == "Connected" and body["UserName"] == REQUESTER
    assert body["CompanyName"].startswith("Company ")


def test_getworkflows_lists_what_the_user_may_start(tenant: CflowTenant, http: httpx.Client) -> None:
    tenant.import_workflow(SEED_WORKFLOW)
    tenant.import_workflow({**PURCHASE, "initiators": ["role:finance", "someone@example.com"]})
    reply = tenant.get(http, "cflow/getworkflows", username=REQUESTER)
    assert reply.json() == {"Workflows": [SAMPLES["getworkflows"]["Workflows"][1]]}
    both = tenant.get(http, "cflow/getworkflows", FINANCE).json()["Workflows"]
    assert both == [
        {"WorkflowDisplayName": "User Workflow", "WorkflowName": "User Workflow"},
        {"WorkflowDisplayName": "Purchase Request", "WorkflowName": "PurchaseRequest"},
    ]
    assert all(list(item) == ["WorkflowDisplayName", "WorkflowName"] for item in both)


def test_getprocess_matches_the_seed(tenant: CflowTenant, http: httpx.Client) -> None:
    ids = _seed_ids(tenant.import_workflow(SEED_WORKFLOW))
    reply = tenant.get(http, "cflow/getprocess", username=REQUESTER, WorkflowName="User Workflow")
    expected = [{**stage, "ProcessID": ids[stage["ProcessID"]]} for stage in SAMPLES["getprocess"]]
    assert reply.json() == expected
    assert [list(stage) for stage in reply.json()] == [list(stage) for stage in SAMPLES["getprocess"]]


def test_getstatus_matches_the_seed_and_custom_tags(tenant: CflowTenant, http: httpx.Client) -> None:
    ids = _seed_ids(tenant.import_workflow(SEED_WORKFLOW))
    reply = tenant.get(http, "cflow/getstatus", group_id=ids["27406"], WorkflowName="User Workflow")
    expected = {"Status": [{**s, "Group_ID": ids["27406"]} for s in SAMPLES["getstatus"]["Status"]]}
    assert reply.json() == expected
    finance = tenant.import_workflow(PURCHASE)[2]
    statuses = tenant.get(http, "cflow/getstatus", group_id=finance, WorkflowName="PurchaseRequest").json()
    assert [s["Field_Status"] for s in statuses["Status"]] == ["New", "Approved", "Rejected", "On Hold"]


def test_getworkflowfieldsets_is_the_seed_exactly(tenant: CflowTenant, http: httpx.Client) -> None:
    tenant.import_workflow(SEED_WORKFLOW)
    reply = tenant.get(http, "cflow/getworkflowfieldsets", username=REQUESTER, WorkflowName="User Workflow")
    assert reply.json() == SAMPLES["getworkflowfieldsets"]
    assert [list(field) for field in reply.json()] == [list(field) for field in SAMPLES["getworkflowfieldsets"]]
    assert '"default:":null' in reply.text


def _by_name(fields: list[dict[str, object]]) -> dict[object, dict[str, object]]:
    return {field["name"]: field for field in fields}


def test_process_fields_for_map_are_the_seeds_fields(tenant: CflowTenant, http: httpx.Client) -> None:
    ids = _seed_ids(tenant.import_workflow(SEED_WORKFLOW))
    params = {"username": REQUESTER, "WorkflowName": "User Workflow", "group_id": ids["27406"]}
    reply = tenant.get(http, "cflow/getworkflowprocessfieldsformap", **params)
    fields = reply.json()
    # The same field objects as the seed (whose order is its own); RecordId, required, comes last.
    assert _by_name(fields) == _by_name(SAMPLES["getworkflowprocessfieldsformap"])
    assert len(fields) == len(SAMPLES["getworkflowprocessfieldsformap"])
    assert fields[-1]["name"] == "RecordId" and fields[-1]["required"] is True
    assert all(list(field) == list(SAMPLES["getworkflowprocessfieldsformap"][0]) for field in fields)
    assert '"default:":""' in reply.text  # R_Comments1, as in the seed


def test_process_fieldsets_are_the_seeds_without_record_id(tenant: CflowTenant, http: httpx.Client) -> None:
    ids = _seed_ids(tenant.import_workflow(SEED_WORKFLOW))
    params = {"username": REQUESTER, "WorkflowName": "User Workflow", "group_id": ids["27406"]}
    fields = tenant.get(http, "cflow/getworkflowprocessfieldsets", **params).json()
    assert _by_name(fields) == _by_name(SAMPLES["getworkflowprocessfieldsets"])
    assert len(fields) == len(SAMPLES["getworkflowprocessfieldsets"])


def test_process_fields_of_two_reviews_and_a_select(tenant: CflowTenant, http: httpx.Client) -> None:
    stages = tenant.import_workflow(PURCHASE)
    params = {"WorkflowName": "PurchaseRequest", "group_id": stages[2]}
    names = [f["name"] for f in tenant.get(http, "cflow/getworkflowprocessfieldsformap", **params).json()]
    assert names[-11:] == [
        "R_Status1", "R_Comments1", "R_Approved By1", "R_Approved Date1",
        "R_Status2", "R_Comments2", "R_Approved By2", "R_Approved Date2",
        "R_Approved By3", "R_Approved Date3", "RecordId",
    ]  # fmt: skip
    category = _by_name(tenant.get(http, "cflow/getworkflowfieldsets", WorkflowName="PurchaseRequest").json())
    assert category["Category"]["options"] == [{"label": v, "value": v} for v in ("Hardware", "Software", "Services")]
    assert category["Tags"]["multiple"] is True


def test_parameter_names_and_headers_ignore_case(tenant: CflowTenant, http: httpx.Client) -> None:
    tenant.import_workflow(SEED_WORKFLOW)
    headers = {"APIKEY": tenant.api_key, "UserKey": tenant.user_keys[MANAGER], "UserName": "Manager@Example.com"}
    reply = http.get(f"{API}/cflow/getprocess", params={"workflowname": "User Workflow"}, headers=headers)
    assert reply.status_code == 200 and len(reply.json()) == 3


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("cflow/getprocess", {"WorkflowName": "Nope"}, "WorkflowName"),
        ("cflow/getprocess", {}, "WorkflowName"),
        ("cflow/getstatus", {"WorkflowName": "User Workflow", "group_id": "999999"}, "group_id"),
        ("cflow/getstatus", {"WorkflowName": "User Workflow", "group_id": "x"}, "group_id"),
        ("cflow/getworkflowprocessfieldsets", {"WorkflowName": "User Workflow"}, "group_id"),
    ],
)
def test_unknown_workflow_or_stage_is_400_naming_it(
    tenant: CflowTenant, http: httpx.Client, path: str, params: dict[str, str], field: str
) -> None:
    tenant.import_workflow(SEED_WORKFLOW)
    reply = tenant.get(http, path, **params)
    assert reply.status_code == 400
    assert [error["Field"] for error in reply.json()["Errors"]] == [field]


def test_a_stage_of_another_companys_workflow_is_unknown(server: LiveServer, http: httpx.Client) -> None:
    first, second = new_tenant(server), new_tenant(server)
    stages = first.import_workflow(SEED_WORKFLOW)
    second.import_workflow({**SEED_WORKFLOW, "stages": [{"name": "Other", "reviewers": [MANAGER]}]})
    reply = second.get(http, "cflow/getstatus", WorkflowName="User Workflow", group_id=stages[1])
    assert reply.status_code == 400
    assert first.get(http, "cflow/getprocess", WorkflowName="PurchaseRequest").status_code == 400


def test_openapi_documents_the_nine_endpoints_with_their_headers(http: httpx.Client) -> None:
    paths = {path: item for path, item in http.get("/openapi.json").json()["paths"].items() if path.startswith(API)}
    assert len(paths) == 9
    for item in paths.values():
        [operation] = item.values()
        assert operation["tags"] == ["Cflow integration API"]
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert headers == {"apikey", "userkey", "username"}
    assert set(paths[f"{API}/cflow/submitrecord"]) == {"post"}
    assert "requestBody" in paths[f"{API}/cflow/updaterecord"]["post"]


def test_a_wrong_method_is_405(tenant: CflowTenant, http: httpx.Client) -> None:
    reply = http.post(f"{API}/cflow/getworkflows", headers=tenant.headers(REQUESTER))
    assert (reply.status_code, reply.json()) == (405, {"Message": "Use GET for this endpoint."})
    reply = http.get(f"{API}/cflow/submitrecord", headers=tenant.headers(REQUESTER))
    assert reply.status_code == 405
