"""Test data through the services: a company with iFlow set up, its API key and a Bearer token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from flowsuite.iflow.keys import add_device, create_access_token, create_api_key
from flowsuite.iflow.models import IFlowSettings
from flowsuite.tenancy.service import create_company, revoke_credential
from tests.conftest import LiveServer
from tests.factories import CompanyRows

API = "/api/api_v2"


@dataclass
class IFlowTenant(CompanyRows):
    """A company of its own for one test, with an API key and an access token."""

    api_key: str
    token: str
    token_id: int

    def post(self, http: httpx.Client, path: str, **fields: str) -> httpx.Response:
        """A url-encoded POST (what `curl -d` sends) authenticated by this company's api_key."""
        return http.post(f"{API}/{path}", data={"api_key": self.api_key, **fields})

    def post_bearer(self, http: httpx.Client, path: str, token: str | None = None, **fields: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token if token is not None else self.token}"}
        return http.post(f"{API}/{path}", data=fields, headers=headers)

    def sync(self, http: httpx.Client, **fields: str) -> dict[str, Any]:
        """The `api_reply` of a user/sync that must succeed."""
        reply = self.post(http, "user/sync", **fields)
        assert reply.status_code == 200, reply.text
        body: dict[str, Any] = reply.json()["api_reply"]
        assert "error" not in body, body
        return body

    def new_user(self, http: httpx.Client, full_name: str = "Ion Popescu", **fields: str) -> str:
        """A new employee (by a fresh id card); returns its user_id."""
        id_card = fields.pop("id_card", f"RX{uuid.uuid4().hex[:6]}")
        body = self.sync(http, update_by="id_card", update_by_value=id_card, full_name=full_name, **fields)
        return str(body["new_user"]["user_id"])

    def add_device(self) -> str:
        """A new RFID terminal of this company; returns its serial (the RFID endpoints' access_token)."""
        serial = f"SN-{uuid.uuid4().hex[:12].upper()}"
        with self.server.db.transaction(write=True) as session:
            add_device(session, self.server.secret, company_id=self.company_id, serial=serial)
        return serial

    def set_strict_cnp(self, strict: bool) -> None:
        with self.server.db.transaction(write=True) as session:
            session.get_one(IFlowSettings, self.company_id).strict_cnp = strict

    def revoke_token(self) -> None:
        with self.server.db.transaction(write=True) as session:
            revoke_credential(session, self.token_id, "iflow_token")


def new_tenant(server: LiveServer, timezone: str = "Europe/Bucharest") -> IFlowTenant:
    with server.db.transaction(write=True) as session:
        company = create_company(session, f"Company {uuid.uuid4().hex[:10]}", timezone)
        key = create_api_key(session, server.secret, company_id=company.id, name="payroll")
        token = create_access_token(
            session, server.secret, company_id=company.id, label="reception", administrator_name="Ana Admin"
        )
        return IFlowTenant(server, company.id, key.secret, token.secret, token.id)
