"""Cflow credentials: the company's API key (a core credential of face "cflow") and each user's user key."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from flowsuite.cflow.context import CflowUserContext
from flowsuite.cflow.errors import NotAuthenticated
from flowsuite.cflow.models import CflowUser
from flowsuite.core.db import utc_now
from flowsuite.core.errors import Conflict, InvalidInput
from flowsuite.core.secrets import ServerSecret, new_token, same_digest
from flowsuite.core.wiretext import PreparedQuery, Readable
from flowsuite.tenancy.models import ApiCredential, Company
from flowsuite.tenancy.service import CredentialLookup, issue_credential

FACE = "cflow"
_KEYS = CredentialLookup(FACE)

NO_API_KEY = "No valid API key provided."
NO_USER_KEY = "No valid user key provided."
NO_USERNAME = "No username provided: send the username header."
WRONG_USERNAME = "The username does not match the user key."


@dataclass(frozen=True)
class IssuedSecret:
    """A new API key or user key: the secret is only ever seen here."""

    id: int
    secret: str


def create_api_key(session: Session, secret: ServerSecret, *, company_id: int) -> IssuedSecret:
    """The company's API key. A company has one: issuing a new one revokes the previous ones at once."""
    session.execute(
        update(ApiCredential)
        .where(ApiCredential.company_id == company_id, ApiCredential.face == FACE, ApiCredential.revoked_at.is_(None))
        .values(revoked_at=utc_now())
    )
    credential, api_key = issue_credential(
        session, secret, company_id=company_id, face=FACE, name="Cflow API key", expires_on=None
    )
    return IssuedSecret(credential.id, api_key)


def create_user(
    session: Session, secret: ServerSecret, *, company_id: int, username: str, role: str = ""
) -> IssuedSecret:
    """A new Cflow user and its user key; Conflict if the username is taken in this company."""
    username = username.strip().lower()
    if not username:
        raise InvalidInput("username", "A user needs a username (a login or an email address).")
    exists = session.scalar(
        select(CflowUser.id).where(CflowUser.company_id == company_id, CflowUser.username == username)
    )
    if exists is not None:
        raise Conflict(f"A Cflow user named {username!r} already exists.")
    user = CflowUser(company_id=company_id, username=username, role=role.strip().lower())
    return IssuedSecret(*_new_user_key(session, secret, user))


def rotate_user_key(session: Session, secret: ServerSecret, user: CflowUser) -> IssuedSecret:
    """A fresh user key for `user`; the old one stops working at once."""
    return IssuedSecret(*_new_user_key(session, secret, user))


def _new_user_key(session: Session, secret: ServerSecret, user: CflowUser) -> tuple[int, str]:
    user_key = new_token(32)
    user.user_key_hash, user.user_key_hint = secret.hash_token(user_key), user_key[-4:]
    session.add(user)
    session.flush()
    return user.id, user_key


def list_users(session: Session, company_id: int) -> list[CflowUser]:
    return list(session.scalars(select(CflowUser).where(CflowUser.company_id == company_id).order_by(CflowUser.id)))


# One indexed read by the user key's hash, within the company the API key resolved to.
_USER = PreparedQuery(
    lambda _dialect: select(CflowUser.id, CflowUser.username, CflowUser.role, CflowUser.user_key_hash).where(
        CflowUser.company_id == bindparam("company_id"), CflowUser.user_key_hash == bindparam("user_key_hash")
    )
)


def authenticate(
    source: Readable, secret: ServerSecret, api_key: str, user_key: str, username: str, named: str = ""
) -> CflowUserContext:
    """The user the three headers name; NotAuthenticated with the reason when any of them is wrong.

    `named` is the `username` query parameter the endpoints also take: when given, it must be the same user.
    """
    resolved = _KEYS.resolve(source, secret, api_key.strip()) if api_key.strip() else None
    if resolved is None:
        raise NotAuthenticated(NO_API_KEY)
    if not user_key.strip():
        raise NotAuthenticated(NO_USER_KEY)
    presented = secret.hash_token(user_key.strip())
    _, rows = _USER.execute(source, {"company_id": resolved.company_id, "user_key_hash": presented})
    if not rows or not same_digest(rows[0][3], presented):
        raise NotAuthenticated(NO_USER_KEY)
    user_id, stored_username, role, _ = rows[0]
    username = username or named
    if not username.strip():
        raise NotAuthenticated(NO_USERNAME)
    if stored_username != username.strip().lower() or (named.strip() and stored_username != named.strip().lower()):
        raise NotAuthenticated(WRONG_USERNAME)
    return CflowUserContext(resolved.company_id, resolved.id, int(user_id), stored_username, role)


_COMPANY_NAME = PreparedQuery(lambda _dialect: select(Company.name).where(Company.id == bindparam("company_id")))


def company_name(source: Readable, company_id: int) -> str:
    _, [(name,)] = _COMPANY_NAME.execute(source, {"company_id": company_id})
    return str(name)
