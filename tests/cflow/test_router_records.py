"""submitrecord and updaterecord: the life of a record, rejection, permissions, and refused input."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from flowsuite.cflow.models import CflowRecord, CflowRecordHistory
from flowsuite.tenancy.models import AuditEvent
from tests.cflow.factories import API, FINANCE, MANAGER, PURCHASE, REQUESTER, CflowTenant, new_tenant
from tests.cflow.seed import SAMPLES
from tests.conftest import LiveServer

WF = "PurchaseRequest"
GOOD = {"Item": "Laptop", "Amount": "1200.50", "Needed_By": "3/26/2027 6:30:00 PM", "Category": "Hardware"}


@pytest.fixture
def tenant(server: LiveServer) -> CflowTenant:
    return new_tenant(server)


@pytest.fixture
def stages(tenant: CflowTenant) -> list[str]:
    """ProcessIDs: the initiator's stage, Manager Review, Finance Review, END."""
    return tenant.import_workflow(PURCHASE)


def _record(tenant: CflowTenant, number: str) -> dict[str, Any]:
    [row] = tenant.rows(CflowRecord, number=int(number))
    return row


def test_submit_answers_the_seeds_shape_and_stores_the_record(
    tenant: CflowTenant, stages: list[str], http: httpx.Client
) -> None:
    values = {**GOOD, "Tags": ["it", "urgent"], "Work_Status": ["Stage"], "Urgent": True}
    reply = tenant.submit(http, WF, values)
    assert reply.status_code == 200
    assert list(reply.json()) == list(SAMPLES["submitrecord"]) and reply.json()["Record_Id"].isdigit()
    row = _record(tenant, reply.json()["Record_Id"])
    assert (str(row["stage_id"]), row["outcome"]) == (stages[1], "in_progress")
    stored = orjson.loads(row["values"])
    assert stored["Needed_By"] == "2027-03-26T18:30:00" and stored["Amount"] == 1200.5
    assert stored["Tags"] == ["it", "urgent"] and stored["Urgent"] is True
    assert orjson.loads(row["reviews"]) == {stages[1]: {"status": "New"}}
    [history] = tenant.rows(CflowRecordHistory, record_id=row["id"])
    assert (history["from_stage_id"], str(history["to_stage_id"]), history["status"]) == (None, stages[1], "New")
    assert tenant.count(AuditEvent, action="submitrecord") == 1


def test_record_ids_count_per_company(server: LiveServer, tenant: CflowTenant, http: httpx.Client) -> None:
    tenant.import_workflow(PURCHASE)
    other = new_tenant(server)
    other.import_workflow(PURCHASE)
    assert [tenant.record_id(http, WF, GOOD) for _ in range(3)] == ["1", "2", "3"]
    assert other.record_id(http, WF, GOOD) == "1"


def test_iso_dates_are_accepted(tenant: CflowTenant, stages: list[str], http: httpx.Client) -> None:
    number = tenant.record_id(http, WF, {**GOOD, "Needed_By": "2027-03-26T18:30:00+02:00"})
    assert orjson.loads(_record(tenant, number)["values"])["Needed_By"] == "2027-03-26T18:30:00+02:00"
    number = tenant.record_id(http, WF, {**GOOD, "Needed_By": "2027-03-26"})
    assert orjson.loads(_record(tenant, number)["values"])["Needed_By"] == "2027-03-26T00:00:00"


def test_a_record_through_both_reviews_to_end(tenant: CflowTenant, stages: list[str], http: httpx.Client) -> None:
    number = tenant.record_id(http, WF, GOOD)
    reply = tenant.update(http, WF, stages[1], number, {"R_Status1": "Approved", "R_Comments1": "fine"}, MANAGER)
    assert (reply.status_code, reply.json()) == (200, {"Record_Id": number})
    assert list(reply.json()) == list(SAMPLES["updaterecord"])
    row = _record(tenant, number)
    assert str(row["stage_id"]) == stages[2]
    manager_review = orjson.loads(row["reviews"])[stages[1]]
    assert manager_review["status"] == "Approved" and manager_review["comments"] == "fine"
    assert manager_review["approved_by"] == MANAGER and manager_review["approved_at"]

    reply = tenant.update(http, WF, stages[2], number, {"R_Status2": "On Hold", "Amount": 999}, FINANCE)
    assert reply.status_code == 200
    row = _record(tenant, number)
    assert str(row["stage_id"]) == stages[2] and orjson.loads(row["values"])["Amount"] == 999

    reply = tenant.update(http, WF, stages[2], number, {"R_Status2": "Approved"}, FINANCE)
    assert reply.status_code == 200
    row = _record(tenant, number)
    assert (str(row["stage_id"]), row["outcome"]) == (stages[3], "approved")
    reviews = orjson.loads(row["reviews"])
    assert reviews[stages[2]]["approved_by"] == FINANCE and reviews[stages[3]]["approved_by"] == FINANCE
    moves = [(str(h["from_stage_id"]), str(h["to_stage_id"]), h["status"]) for h in tenant.rows(CflowRecordHistory)]
    assert moves == [
        ("None", stages[1], "New"),
        (stages[1], stages[2], "Approved"),
        (stages[2], stages[2], "On Hold"),
        (stages[2], stages[3], "Approved"),
    ]

    after_end = tenant.update(http, WF, stages[3], number, {"Amount": 1}, FINANCE)
    assert after_end.status_code == 409
    assert after_end.json() == {"Message": f"Record {number} has reached END (approved); it can no longer be updated."}


def test_rejection_ends_the_record(tenant: CflowTenant, stages: list[str], http: httpx.Client) -> None:
    number = tenant.record_id(http, WF, GOOD)
    reply = tenant.update(http, WF, stages[1], number, {"R_Status1": "Rejected"}, MANAGER)
    assert reply.status_code == 200
    row = _record(tenant, number)
    assert (str(row["stage_id"]), row["outcome"]) == (stages[3], "rejected")
    again = tenant.update(http, WF, stages[2], number, {"R_Status2": "Approved"}, FINANCE)
    assert again.status_code == 409 and "reached END (rejected)" in again.json()["Message"]


def test_only_a_reviewer_of_the_stage_may_update(tenant: CflowTenant, stages: list[str], http: httpx.Client) -> None:
    number = tenant.record_id(http, WF, GOOD)
    for username in (REQUESTER, FINANCE):
        reply = tenant.update(http, WF, stages[1], number, {"R_Status1": "Approved"}, username)
        assert reply.status_code == 403
        assert reply.json() == {"Message": f"{username} is not a reviewer of the stage 'Manager Review'."}
    tenant.update(http, WF, stages[1], number, {"R_Status1": "Approved"}, MANAGER)
    # The finance stage names a role: any user with it reviews, the manager does not.
    assert tenant.update(http, WF, stages[2], number, {"R_Status2": "Approved"}, MANAGER).status_code == 403
    tenant.add_user("other.finance@example.com", role="finance")
    reply = tenant.update(http, WF, stages[2], number, {"R_Status2": "Approved"}, "other.finance@example.com")
    assert reply.status_code == 200


def test_updating_at_a_stage_that_is_not_current_is_refused(
    tenant: CflowTenant, stages: list[str], http: httpx.Client
) -> None:
    number = tenant.record_id(http, WF, GOOD)
    reply = tenant.update(http, WF, stages[2], number, {"R_Status2": "Approved"}, FINANCE)
    assert reply.status_code == 409
    assert reply.json()["Message"] == (
        f"Record {number} is at the stage 'Manager Review' (group_id {stages[1]}), "
        f"not 'Finance Review' (group_id {stages[2]})."
    )
    assert str(_record(tenant, number)["stage_id"]) == stages[1]


def test_another_stages_fields_are_refused(tenant: CflowTenant, stages: list[str], http: httpx.Client) -> None:
    number = tenant.record_id(http, WF, GOOD)
    values = {"R_Status2": "Approved", "R_Approved By1": "me", "R_Status1": "Maybe", "R_Status9": "x"}
    reply = tenant.update(http, WF, stages[1], number, values, MANAGER)
    assert reply.status_code == 400
    assert [e["Field"] for e in reply.json()["Errors"]] == ["R_Status2", "R_Approved By1", "R_Status1", "R_Status9"]
    row = _record(tenant, number)
    assert str(row["stage_id"]) == stages[1] and row["version"] == 1


def test_unknown_record_is_404(tenant: CflowTenant, stages: list[str], http: httpx.Client) -> None:
    reply = tenant.update(http, WF, stages[1], "424242", {"R_Status1": "Approved"}, MANAGER)
    assert (reply.status_code, reply.json()) == (404, {"Message": f"No record 424242 in the workflow '{WF}'."})


def test_bad_values_name_every_field_and_store_nothing(
    tenant: CflowTenant, stages: list[str], http: httpx.Client
) -> None:
    values = {
        "Amount": "twelve",
        "Needed_By": "31/31/2027",
        "Category": "Food",
        "Colour": "red",
        "Tags": "not a list",
        "Urgent": "perhaps",
        "Supplier_Email": "nobody",
        "Work_Status": ["Stage", "Gone"],
    }
    reply = tenant.submit(http, WF, values)
    assert reply.status_code == 400
    errors = {e["Field"]: e["Message"] for e in reply.json()["Errors"]}
    assert list(errors) == [*values, "Item"]
    assert errors["Item"] == "Item is required."
    assert errors["Colour"] == "Colour is not a field of this workflow."
    assert errors["Category"] == "Category: 'Food' is not one of its options (Hardware, Software, Services)."
    assert "M/D/YYYY h:mm:ss AM/PM or ISO 8601" in errors["Needed_By"]
    assert reply.json()["Message"].startswith("Invalid value for: Amount, Needed_By,")
    assert tenant.count(CflowRecord) == 0 and tenant.count(CflowRecordHistory) == 0
    assert tenant.count(AuditEvent, action="submitrecord") == 0


@pytest.mark.parametrize(
    ("value", "field_type"), [(12, "string"), (True, "string"), ({"a": 1}, "string"), (None, "required")]
)
def test_wrong_types_are_refused(
    tenant: CflowTenant, stages: list[str], http: httpx.Client, value: object, field_type: str
) -> None:
    reply = tenant.submit(http, WF, {**GOOD, "Item": value})
    assert reply.status_code == 400
    assert reply.json()["Errors"] == [
        {"Field": "Item", "Message": "Item must be a string." if field_type == "string" else "Item is required."}
    ]


def test_unknown_workflow_is_400(tenant: CflowTenant, http: httpx.Client) -> None:
    reply = tenant.submit(http, "NoSuchWorkflow", GOOD)
    assert reply.status_code == 400
    assert reply.json()["Errors"] == [{"Field": "WorkflowName", "Message": "No workflow named 'NoSuchWorkflow'."}]


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b'{"dynamicobj": {"Item": "x"}}', "main"),
        (b'{"main": "PurchaseRequest"}', "main"),
        (b'{"main": {"WorkflowName": "PurchaseRequest"}, "dynamicobj": [1]}', "dynamicobj"),
        (b'{"main": {"WorkflowName": "PurchaseRequest"', "body"),
        (b"[1, 2]", "body"),
        (b"", "body"),
        (b'{"main": {"WorkflowName": "Purchase\\u0000Request"}}', "body"),
    ],
)
def test_malformed_bodies_are_400_not_500(
    tenant: CflowTenant, stages: list[str], http: httpx.Client, content: bytes, field: str
) -> None:
    headers = {**tenant.headers(REQUESTER), "Content-Type": "application/json"}
    reply = http.post(f"{API}/cflow/submitrecord", content=content, headers=headers)
    assert reply.status_code == 400, reply.text
    assert [e["Field"] for e in reply.json()["Errors"]] == [field]
    assert reply.json()["Message"]


def test_update_needs_group_and_record_ids(tenant: CflowTenant, stages: list[str], http: httpx.Client) -> None:
    reply = tenant.post(http, "cflow/updaterecord", {"main": {"WorkflowName": WF}, "Values": {}}, MANAGER)
    assert reply.status_code == 400
    assert reply.json()["Errors"] == [
        {"Field": "group_id", "Message": f"group_id is required: the ProcessID of a stage of the workflow '{WF}'."},
        {"Field": "RecordId", "Message": "RecordId is required."},
    ]


def test_query_and_body_disagreeing_is_400(tenant: CflowTenant, stages: list[str], http: httpx.Client) -> None:
    body = {"main": {"WorkflowName": WF}, "dynamicobj": GOOD}
    reply = tenant.post(http, "cflow/submitrecord", body, WorkflowName="Other")
    assert reply.status_code == 400 and reply.json()["Errors"][0]["Field"] == "WorkflowName"


def test_initiators_limit_who_may_submit(tenant: CflowTenant, http: httpx.Client) -> None:
    tenant.import_workflow({**PURCHASE, "initiators": ["role:finance"]})
    reply = tenant.submit(http, WF, GOOD)
    assert (reply.status_code, reply.json()) == (403, {"Message": f"{REQUESTER} may not start the workflow '{WF}'."})
    assert tenant.submit(http, WF, GOOD, username=FINANCE).status_code == 200


def test_reimport_keeps_records_in_flight(tenant: CflowTenant, stages: list[str], http: httpx.Client) -> None:
    number = tenant.record_id(http, WF, GOOD)
    changed = {**PURCHASE, "display_name": "Purchase (v2)", "fields": [*PURCHASE["fields"], {"name": "Project"}]}
    assert tenant.import_workflow(changed) == stages
    row = _record(tenant, number)
    assert str(row["stage_id"]) == stages[1] and orjson.loads(row["values"])["Item"] == "Laptop"
    reply = tenant.update(http, WF, stages[1], number, {"Project": "Apollo", "R_Status1": "Approved"}, MANAGER)
    assert reply.status_code == 200
    assert orjson.loads(_record(tenant, number)["values"])["Project"] == "Apollo"
