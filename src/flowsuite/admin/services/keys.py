"""The key pages: each face's credentials of the signed-in company, created, listed and revoked.

Creating goes through each face's own key functions (the CLI's too); every read and every revocation is
scoped by the console's company, so an id of another company's key is simply not found.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from flowsuite.core.errors import InvalidInput
from flowsuite.core.secrets import ServerSecret
from flowsuite.iflow import keys as iflow_keys
from flowsuite.itflow import keys as itflow_keys
from flowsuite.itflow.models import Client
from flowsuite.tenancy.service import list_credentials, revoke_credential

# The faces whose credentials the console revokes, by the name its forms use.
REVOCABLE = {"itflow": itflow_keys.FACE, "iflow": iflow_keys.KEY_FACE, "iflow_token": iflow_keys.TOKEN_FACE}


@dataclass(frozen=True, slots=True)
class Credential:
    """One row of a key list: never the secret, only its last four characters."""

    id: int
    name: str
    hint: str
    scope: str
    created_at: dt.datetime
    expires_on: dt.date | None
    last_used_at: dt.datetime | None
    revoked: bool


@dataclass(frozen=True, slots=True)
class ClientChoice:
    id: int
    name: str


def itflow_clients(session: Session, company_id: int) -> list[ClientChoice]:
    """The company's active clients, for "specific client" on a new key."""
    rows = session.execute(
        select(Client.client_id, Client.client_name)
        .where(Client.company_id == company_id, Client.client_archived_at.is_(None))
        .order_by(Client.client_name)
    )
    return [ClientChoice(client_id, name) for client_id, name in rows]


def itflow_credentials(session: Session, company_id: int) -> list[Credential]:
    names = {choice.id: choice.name for choice in itflow_clients(session, company_id)}
    return [
        Credential(
            key.id,
            key.name,
            key.hint,
            "All clients" if key.client_id is None else names.get(key.client_id, f"Client {key.client_id}"),
            key.created_at,
            key.expires_on,
            key.last_used_at,
            key.revoked,
        )
        for key in itflow_keys.list_keys(session, company_id)
    ]


def create_itflow_key(
    session: Session,
    secret: ServerSecret,
    *,
    company_id: int,
    name: str,
    expires_on: dt.date | None,
    client_id: int | None,
    today: dt.date,
) -> itflow_keys.IssuedKey:
    """A new ITFlow key, as ITFlow's Admin → API Keys → New Key makes one."""
    if expires_on is not None and expires_on <= today:
        raise InvalidInput("expires_on", "The expiration date must be after today.")
    return itflow_keys.create_key(
        session, secret, company_id=company_id, name=name, client_id=client_id, expires_on=expires_on
    )


def iflow_credentials(session: Session, company_id: int) -> tuple[list[Credential], list[Credential]]:
    """The company's iFlow API keys and access tokens (the token's scope is its administrator)."""
    administrators = {token.id: token.administrator_name for token in iflow_keys.list_tokens(session, company_id)}

    def rows(face: str) -> list[Credential]:
        return [
            Credential(
                c.id,
                c.name,
                c.secret_hint,
                administrators.get(c.id, ""),
                c.created_at,
                c.expires_on,
                c.last_used_at,
                c.revoked_at is not None,
            )
            for c in list_credentials(session, company_id, face)
        ]

    return rows(iflow_keys.KEY_FACE), rows(iflow_keys.TOKEN_FACE)


def revoke(session: Session, *, company_id: int, kind: str, credential_id: int) -> str:
    """Revokes one of the company's credentials of `kind` (a REVOCABLE name); returns its name."""
    face = REVOCABLE.get(kind)
    if face is None:
        raise InvalidInput("kind", f"Unknown kind of key: {kind}.")
    return revoke_credential(session, credential_id, face, company_id=company_id).name
