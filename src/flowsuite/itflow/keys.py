"""ITFlow API keys: issuing (secret and decrypt password shown once), listing, revoking, resolving."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from flowsuite.core.audit import Caller
from flowsuite.core.errors import InvalidInput
from flowsuite.core.pipeline import Rejected
from flowsuite.core.secrets import ServerSecret, new_token
from flowsuite.core.wiretext import Readable
from flowsuite.itflow.context import Author, KeyContext, Scope
from flowsuite.itflow.crypto import new_company_data_key, open_company_data_key, seal_for_key
from flowsuite.itflow.models import Client, ITFlowApiKey, ITFlowSettings, TicketStatus
from flowsuite.tenancy.service import (
    CredentialLookup,
    issue_credential,
    list_credentials,
    revoke_credential,
)

FACE = "itflow"
_LOOKUP = CredentialLookup(FACE, ITFlowApiKey.__table__, ("client_id", "sealed_data_key"))  # type: ignore[arg-type]

# ITFlow's seeded ticket statuses: id, name, colour.
DEFAULT_TICKET_STATUSES = (
    (1, "New", "#dc3545"),
    (2, "Open", "#007bff"),
    (3, "On Hold", "#28a745"),
    (4, "Resolved", "#343a40"),
    (5, "Closed", "#343a40"),
)


@dataclass(frozen=True)
class IssuedKey:
    """A new key: the two secrets are only ever seen here."""

    id: int
    api_key: str
    decrypt_password: str


@dataclass(frozen=True)
class KeyInfo:
    id: int
    name: str
    client_id: int | None
    hint: str
    created_at: dt.datetime
    expires_on: dt.date | None
    revoked: bool
    last_used_at: dt.datetime | None


def ensure_company_setup(session: Session, secret: ServerSecret, company_id: int) -> ITFlowSettings:
    """The company's ITFlow settings (ticket numbering, data key) and statuses, made on first use."""
    settings = session.get(ITFlowSettings, company_id)
    if settings is None:
        _, sealed = new_company_data_key(secret, company_id)
        settings = ITFlowSettings(company_id=company_id, sealed_data_key=sealed)
        session.add(settings)
        for status_id, name, colour in DEFAULT_TICKET_STATUSES:
            session.add(
                TicketStatus(
                    company_id=company_id,
                    ticket_status_id=status_id,
                    ticket_status_name=name,
                    ticket_status_color=colour,
                    ticket_status_order=status_id,
                )
            )
        session.flush()
    return settings


def create_key(
    session: Session,
    secret: ServerSecret,
    *,
    company_id: int,
    name: str,
    client_id: int | None = None,
    expires_on: dt.date | None = None,
) -> IssuedKey:
    """A new ITFlow key for all clients, or for `client_id` only."""
    if client_id is not None:
        exists = session.scalar(
            select(Client.client_id).where(Client.company_id == company_id, Client.client_id == client_id)
        )
        if exists is None:
            raise InvalidInput("client_id", f"Client {client_id} does not exist in this company.")
    settings = ensure_company_setup(session, secret, company_id)
    data_key = open_company_data_key(secret, company_id, settings.sealed_data_key)
    credential, api_key = issue_credential(
        session, secret, company_id=company_id, face=FACE, name=name, expires_on=expires_on
    )
    decrypt_password = new_token(32)
    session.add(
        ITFlowApiKey(
            credential_id=credential.id,
            company_id=company_id,
            client_id=client_id,
            sealed_data_key=seal_for_key(data_key, company_id, decrypt_password),
        )
    )
    session.flush()
    return IssuedKey(credential.id, api_key, decrypt_password)


def list_keys(session: Session, company_id: int) -> list[KeyInfo]:
    scopes = dict(
        session.execute(
            select(ITFlowApiKey.credential_id, ITFlowApiKey.client_id).where(ITFlowApiKey.company_id == company_id)
        ).all()
    )
    return [
        KeyInfo(
            c.id,
            c.name,
            scopes.get(c.id),
            c.secret_hint,
            c.created_at,
            c.expires_on,
            c.revoked_at is not None,
            c.last_used_at,
        )
        for c in list_credentials(session, company_id, FACE)
    ]


def revoke_key(session: Session, credential_id: int) -> None:
    revoke_credential(session, credential_id, FACE)


def key_for(source: Readable, secret: ServerSecret, presented: str, caller: Caller, endpoint_path: str) -> KeyContext:
    """The valid key `presented` names; Rejected otherwise, noted in the audit log with the endpoint."""
    key = authenticate(source, secret, presented, caller)
    if key is None:
        raise Rejected(f"Incorrect or expired key (endpoint: {endpoint_path})")
    return key


def authenticate(source: Readable, secret: ServerSecret, presented: str, caller: Caller) -> KeyContext | None:
    """The valid key `presented` names, or None (unknown, revoked or expired)."""
    resolved = _LOOKUP.resolve(source, secret, presented)
    if resolved is None:
        return None
    client_id, sealed_data_key = resolved.extra
    return KeyContext(
        Scope(resolved.company_id, client_id), Author(resolved.id, resolved.name, caller), sealed_data_key
    )
