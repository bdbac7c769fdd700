"""Test data through the services: a company with ITFlow set up, keys, and records."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from flowsuite.itflow import models
from flowsuite.itflow.keys import create_key, ensure_company_setup
from flowsuite.tenancy.service import create_company
from tests.conftest import LiveServer


@dataclass
class Tenant:
    """A company of its own for one test, with an all-clients key."""

    server: LiveServer
    company_id: int
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

    def add(self, model: type[Any], **values: Any) -> int:
        """Inserts one row of `model` for this company; returns its primary key."""
        with self.server.db.transaction(write=True) as session:
            row = model(company_id=self.company_id, **values)
            session.add(row)
            session.flush()
            return int(row.__mapper__.primary_key_from_instance(row)[0])

    def client(self, name: str = "Acme Corp", **values: Any) -> int:
        return self.add(models.Client, client_name=name, **values)

    def count(self, model: type[Any], **where: Any) -> int:
        """How many rows of `model` this company has that match `where` (column=value)."""
        conditions = [model.company_id == self.company_id, *(getattr(model, c) == v for c, v in where.items())]
        with self.server.db.transaction() as session:
            return int(session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0)

    def rows(self, model: type[Any], **where: Any) -> list[dict[str, Any]]:
        """This company's rows of `model` matching `where`, as column -> Python value, by primary key."""
        table = model.__table__
        conditions = [table.c.company_id == self.company_id, *(table.c[c] == v for c, v in where.items())]
        with self.server.db.transaction() as session:
            result = session.execute(select(table).where(*conditions).order_by(*table.primary_key.columns))
            return [dict(row) for row in result.mappings()]


def new_tenant(server: LiveServer, timezone: str = "Europe/Bucharest") -> Tenant:
    with server.db.transaction(write=True) as session:
        company = create_company(session, f"Company {uuid.uuid4().hex[:10]}", timezone)
        ensure_company_setup(session, server.secret, company.id)
        issued = create_key(session, server.secret, company_id=company.id, name="all clients")
        return Tenant(server, company.id, issued.api_key, issued.decrypt_password)
