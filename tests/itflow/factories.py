"""Test data through the services: a company with ITFlow set up, keys, and records."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from flowsuite.itflow import models
from flowsuite.itflow.keys import create_key, ensure_company_setup
from flowsuite.tenancy.service import create_company
from tests.conftest import LiveServer
from tests.factories import CompanyRows


@dataclass
class Tenant(CompanyRows):
    """A company of its own for one test, with an all-clients key."""

    api_key: str
    decrypt_password: str

    def key(self, client_id: int | None = None, expires_on: dt.date | None = None) -> tuple[str, str]:
        """Another key of this company: (api_key, decrypt_password)."""
        with self.server.db.transaction(write=True) as session:
            issued = create_key(
                session,
                self.server.secret,
                company_id=self.company_id,
                name=f"key-{uuid.uuid4().hex[:6]}",
                client_id=client_id,
                expires_on=expires_on,
            )
        return issued.api_key, issued.decrypt_password

    def client(self, name: str = "Acme Corp", **values: Any) -> int:
        return self.add(models.Client, client_name=name, **values)


def new_tenant(server: LiveServer, timezone: str = "Europe/Bucharest") -> Tenant:
    with server.db.transaction(write=True) as session:
        company = create_company(session, f"Company {uuid.uuid4().hex[:10]}", timezone)
        ensure_company_setup(session, server.secret, company.id)
        issued = create_key(session, server.secret, company_id=company.id, name="all clients")
        return Tenant(server, company.id, issued.api_key, issued.decrypt_password)
