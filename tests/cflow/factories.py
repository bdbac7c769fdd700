"""Test data through the services: a company with a Cflow API key, users with user keys, and workflows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from flowsuite.cflow.definitions import parse_definition
from flowsuite.cflow.keys import create_api_key, create_user
from flowsuite.cflow.services.workflows import import_workflow
from flowsuite.tenancy.service import create_company
from tests.conftest import LiveServer
from tests.factories import CompanyRows

API = "/integromat/api"
MANAGER, FINANCE, REQUESTER = "manager@example.com", "fin@example.com", "ana@example.com"

# The seed's "User Workflow": the five text fields its fieldsets sample lists, and one Manager Review.
SEED_WORKFLOW: dict[str, Any] = {
    "name": "User Workflow",
    "fields": [{"name": n} for n in ("Name", "Phone", "Email", "City", "GoogleSheetRowNumber")],
    "stages": [{"name": "Manager Review", "reviewers": [MANAGER]}],
}
PURCHASE: dict[str, Any] = {
    "name": "PurchaseRequest",
    "display_name": "Purchase Request",
    "fields": [
        {"name": "Item", "type": "text", "required": True},
        {"name": "Amount", "type": "number", "required": True},
        {"name": "Needed_By", "type": "date"},
        {"name": "Category", "type": "select", "options": ["Hardware", "Software", "Services"]},
        {"name": "Urgent", "type": "checkbox"},
        {"name": "Supplier_Email", "type": "email"},
        {"name": "Tags", "type": "text", "multiple": True},
        {"name": "Work_Status", "type": "select", "multiple": True, "options": ["Stage", "Live"]},
    ],
    "stages": [
        {"name": "Manager Review", "reviewers": [MANAGER]},
        {
            "name": "Finance Review",
            "reviewers": ["role:finance"],
            "statuses": ["New", "Approved", "Rejected", "On Hold"],
        },
    ],
}


@dataclass
class CflowTenant(CompanyRows):
    """A company of its own for one test: its API key and user keys by username."""

    api_key: str
    user_keys: dict[str, str] = field(default_factory=dict)

    def add_user(self, username: str, role: str = "") -> str:
        with self.server.db.transaction(write=True) as session:
            issued = create_user(session, self.server.secret, company_id=self.company_id, username=username, role=role)
        self.user_keys[username] = issued.secret
        return issued.secret

    def import_workflow(self, definition: dict[str, Any]) -> list[str]:
        """Imports `definition`; returns its stages' ProcessIDs in order."""
        with self.server.db.transaction(write=True) as session:
            outcome = import_workflow(session, self.company_id, parse_definition(definition))
        return [str(stage_id) for stage_id, _ in outcome.stages]

    def headers(self, username: str) -> dict[str, str]:
        return {"apikey": self.api_key, "userkey": self.user_keys[username], "username": username}

    def get(self, http: httpx.Client, path: str, as_user: str = REQUESTER, **params: str) -> httpx.Response:
        return http.get(f"{API}/{path}", params=params, headers=self.headers(as_user))

    def post(self, http: httpx.Client, path: str, body: Any, as_user: str = REQUESTER, **params: str) -> httpx.Response:
        return http.post(f"{API}/{path}", params=params, json=body, headers=self.headers(as_user))

    def submit(
        self, http: httpx.Client, workflow: str, values: dict[str, Any], username: str = REQUESTER
    ) -> httpx.Response:
        body = {"main": {"WorkflowName": workflow}, "dynamicobj": values}
        return self.post(http, "cflow/submitrecord", body, username, username=username, WorkflowName=workflow)

    def update(
        self, http: httpx.Client, workflow: str, group_id: str, record_id: str, values: dict[str, Any], username: str
    ) -> httpx.Response:
        body = {"main": {"WorkflowName": workflow, "group_id": group_id, "RecordId": record_id}, "Values": values}
        return self.post(http, "cflow/updaterecord", body, username)

    def record_id(self, http: httpx.Client, workflow: str, values: dict[str, Any]) -> str:
        """The Record_Id of a submit that must succeed."""
        reply = self.submit(http, workflow, values)
        assert reply.status_code == 200, reply.text
        return str(reply.json()["Record_Id"])


def new_tenant(server: LiveServer) -> CflowTenant:
    """A company with an API key and three users: a requester, the manager, and a finance reviewer."""
    with server.db.transaction(write=True) as session:
        company = create_company(session, f"Company {uuid.uuid4().hex[:10]}")
        key = create_api_key(session, server.secret, company_id=company.id)
    tenant = CflowTenant(server, company.id, key.secret)
    tenant.add_user(REQUESTER)
    tenant.add_user(MANAGER)
    tenant.add_user(FINANCE, role="finance")
    return tenant
