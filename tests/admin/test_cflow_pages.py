"""The console's Cflow pages: import, board, a record's life through two reviews, and the API settings."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from flowsuite.cflow.models import CflowRecord, CflowUser
from flowsuite.tenancy.models import ApiCredential
from tests.admin.factories import console_user, new_console_tenant, secrets_shown
from tests.cflow.factories import FINANCE, MANAGER, PURCHASE, REQUESTER, CflowTenant, new_tenant
from tests.conftest import LiveServer

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture
def cflow(server: LiveServer) -> CflowTenant:
    return new_tenant(server)


def test_import_a_definition_file_and_see_it_listed(server: LiveServer, cflow: CflowTenant) -> None:
    person = console_user(server, cflow.company_id, f"{uuid.uuid4().hex[:8]}@example.com")
    with person.signed_in() as (http, csrf):
        definition = (EXAMPLES / "leave-request.yaml").read_bytes()
        reply = http.post(
            "/admin/cflow/workflows/import",
            data={"csrf_token": csrf},
            files={"definition": ("leave-request.yaml", definition, "text/yaml")},
        )
        assert reply.status_code == 303
        listing = http.get(reply.headers["location"]).text
        assert "The workflow was imported" in listing and "Leave Request" in listing
        broken = http.post(
            "/admin/cflow/workflows/import",
            data={"csrf_token": csrf},
            files={"definition": ("bad.yaml", b"name: X\nfields: 7\n", "text/yaml")},
        )
        assert broken.status_code == 400 and "The definition was not imported." in broken.text
        forged = http.post(
            "/admin/cflow/workflows/import",
            data={"csrf_token": "no"},
            files={"definition": ("leave-request.yaml", definition, "text/yaml")},
        )
        assert forged.status_code == 403


def test_a_record_through_both_reviews_in_the_console(server: LiveServer, cflow: CflowTenant) -> None:
    # Managers review by role, so that a console user (whose address is unique to this test) can be one.
    stages = [{**PURCHASE["stages"][0], "reviewers": [MANAGER, "role:manager"]}, PURCHASE["stages"][1]]
    cflow.import_workflow({**PURCHASE, "stages": stages})
    with server.client() as api:
        number = cflow.record_id(api, "PurchaseRequest", {"Item": "Laptop", "Amount": 1200})
    manager = console_user(server, cflow.company_id, f"boss-{uuid.uuid4().hex[:6]}@example.com")
    cflow.add_user(manager.email, role="manager")  # the console acts as the Cflow user of the same address
    outsider = console_user(server, cflow.company_id, f"{uuid.uuid4().hex[:6]}@example.com")

    with outsider.signed_in() as (http, csrf):
        page = http.get(f"/admin/cflow/records/{number}").text
        assert "Laptop" in page and ">Approve</button>" not in page
        assert "there is none in this company" in page
        refused = http.post(f"/admin/cflow/records/{number}/decision", data={"csrf_token": csrf, "status": "Approved"})
        assert refused.status_code == 403

    with manager.signed_in() as (http, csrf):
        board = http.get("/admin/cflow/workflows/PurchaseRequest").text
        assert f"#{number} Laptop · 1200" in board
        assert ">Approve</button>" in http.get(f"/admin/cflow/records/{number}").text
        decided = http.post(
            f"/admin/cflow/records/{number}/decision",
            data={"csrf_token": csrf, "status": "Approved", "comments": "Fine by me"},
        )
        assert decided.headers["location"] == f"/admin/cflow/records/{number}?notice=decided"
        page = http.get(decided.headers["location"]).text
        assert "now at <strong>Finance Review</strong>" in page and "“Fine by me”" in page
        assert f"{manager.email.lower()}: Approved (Manager Review → Finance Review)" in page
        again = http.post(f"/admin/cflow/records/{number}/decision", data={"csrf_token": csrf, "status": "Approved"})
        assert again.status_code == 403  # not a finance reviewer

    with server.client() as api:
        process = cflow.get(api, "cflow/getprocess", username=REQUESTER, WorkflowName="PurchaseRequest").json()
        reply = cflow.update(
            api, "PurchaseRequest", process[2]["ProcessID"], number, {"R_Status2": "Rejected"}, FINANCE
        )
        assert reply.status_code == 200, reply.text
    [record] = cflow.rows(CflowRecord, number=int(number))
    assert record["outcome"] == "rejected"
    with manager.signed_in() as (http, csrf):
        closed = http.post(f"/admin/cflow/records/{number}/decision", data={"csrf_token": csrf, "status": "Approved"})
        assert closed.status_code == 409 and "it can no longer be updated" in closed.text
        assert ">Approve</button>" not in http.get(f"/admin/cflow/records/{number}").text


def test_api_key_and_user_keys_made_here_work_on_the_api(server: LiveServer, cflow: CflowTenant) -> None:
    admin = console_user(server, cflow.company_id, f"{uuid.uuid4().hex[:6]}@example.com")
    with admin.signed_in() as (http, csrf):
        [api_key] = secrets_shown(http.post("/admin/cflow/key", data={"csrf_token": csrf}))
        [user_key] = secrets_shown(
            http.post("/admin/cflow/users", data={"csrf_token": csrf, "username": "Bob@Example.com", "role": "finance"})
        )
        headers = {"apikey": api_key, "userkey": user_key, "username": "bob@example.com"}
        assert http.get("/integromat/api/connection/GetConnection", headers=headers).status_code == 200
        assert http.get("/integromat/api/connection/GetConnection", headers=cflow.headers(REQUESTER)).status_code == 401
        page = http.get("/admin/cflow/access").text
        assert "bob@example.com" in page and "finance" in page and user_key not in page
        duplicate = http.post("/admin/cflow/users", data={"csrf_token": csrf, "username": "bob@example.com"})
        assert duplicate.status_code == 400 and "already exists" in duplicate.text

        [bob] = [u for u in cflow.rows(CflowUser) if u["username"] == "bob@example.com"]
        [fresh] = secrets_shown(http.post(f"/admin/cflow/users/{bob['id']}/rotate", data={"csrf_token": csrf}))
        assert http.get("/integromat/api/connection/GetConnection", headers=headers).status_code == 401
        headers["userkey"] = fresh
        assert http.get("/integromat/api/connection/GetConnection", headers=headers).status_code == 200

        [active] = [row for row in cflow.rows(ApiCredential, face="cflow") if row["revoked_at"] is None]
        revoked = http.post(f"/admin/keys/cflow/{active['id']}/revoke", data={"csrf_token": csrf})
        assert revoked.headers["location"] == "/admin/cflow/access?notice=revoked"
        assert http.get("/integromat/api/connection/GetConnection", headers=headers).status_code == 401


def test_another_companys_workflows_and_users_are_out_of_reach(server: LiveServer, cflow: CflowTenant) -> None:
    cflow.import_workflow(PURCHASE)
    with server.client() as api:
        number = cflow.record_id(api, "PurchaseRequest", {"Item": "Desk", "Amount": 300})
    [manager_row] = [u for u in cflow.rows(CflowUser) if u["username"] == MANAGER]
    stranger = new_console_tenant(server, "Dan Ion")
    with stranger.signed_in() as (http, csrf):
        assert http.get("/admin/cflow/workflows/PurchaseRequest").status_code == 404
        assert http.get(f"/admin/cflow/records/{number}").status_code == 404
        assert http.post(f"/admin/cflow/users/{manager_row['id']}/rotate", data={"csrf_token": csrf}).status_code == 404
        assert "PurchaseRequest" not in http.get("/admin/cflow/workflows").text
    with server.client() as api:  # the company's own keys still work
        assert cflow.get(api, "connection/GetConnection", as_user=MANAGER).status_code == 200
