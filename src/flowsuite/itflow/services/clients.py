"""clients: the MSP's customers. A client-scoped key sees only its own client and cannot create one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flowsuite.core.db import utc_now
from flowsuite.itflow import models
from flowsuite.itflow.commands import RecordWrite
from flowsuite.itflow.context import Scope
from flowsuite.itflow.errors import OperationFailed
from flowsuite.itflow.resources import Field, ReadFilter, Resource, deny_scoped

# Tables whose rows belong to a client; a client that still owns any of them is not deleted.
_OWNED = (
    (models.Contact, "contact_client_id"),
    (models.Asset, "asset_client_id"),
    (models.Certificate, "certificate_client_id"),
    (models.Credential, "credential_client_id"),
    (models.Domain, "domain_client_id"),
    (models.Network, "network_client_id"),
    (models.Software, "software_client_id"),
    (models.Ticket, "ticket_client_id"),
    (models.Location, "location_client_id"),
    (models.Invoice, "invoice_client_id"),
)


def _website(value: str) -> str:
    for scheme in ("https://", "http://"):
        if value.startswith(scheme):
            return value[len(scheme) :]
    return value


class ClientsResource(Resource):
    def before_create(self, session: Session, scope: Scope, values: dict[str, Any], command: RecordWrite) -> None:
        deny_scoped(scope, "create clients")
        values["client_accessed_at"] = utc_now()

    def delete(self, session: Session, scope: Scope, command: RecordWrite) -> int:
        row = self.load_for_write(session, scope, command)
        for model, column in _OWNED:
            table = model.__table__
            owned = session.scalar(
                select(table.c.company_id)
                .where(table.c.company_id == scope.company_id, table.c[column] == row.client_id)
                .limit(1)
            )
            if owned is not None:
                raise OperationFailed(f"client {row.client_id} still has {model.__tablename__.removeprefix('itflow_')}")
        return super().delete(session, scope, command)


clients = ClientsResource(
    name="clients",
    model=models.Client,
    pk="client_id",
    client_column=None,
    entity="client",
    archivable=True,
    client_required=False,
    fields=(
        Field("client_name", "client_name", required=True),
        Field("client_type", "client_type"),
        Field("client_website", "client_website", transform=_website),
        Field("client_referral", "client_referral"),
        Field("client_rate", "client_rate", "money"),
        Field("client_currency_code", "client_currency_code"),
        Field("client_net_terms", "client_net_terms", "int"),
        Field("client_tax_id_number", "client_tax_id_number"),
        # The original keeps the first six characters of an abbreviation.
        Field("client_abbreviation", "client_abbreviation", transform=lambda s: s[:6].strip()),
        Field("client_is_lead", "client_lead", "flag"),
        Field("client_notes", "client_notes"),
    ),
    read_filters=(ReadFilter("client_name", "client_name"),),
)
