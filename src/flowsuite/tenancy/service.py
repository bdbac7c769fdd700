"""Companies, credentials and the audit log: the rules every face shares."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from flowsuite.core.audit import Actor, AuditEntry, Caller
from flowsuite.core.db import Database, utc_now
from flowsuite.core.errors import Conflict, InvalidInput, NotFound
from flowsuite.core.runtime import Runtime
from flowsuite.core.secrets import ServerSecret, new_token, same_digest
from flowsuite.core.wiretext import (
    PreparedQuery,
    PreparedWrite,
    Readable,
    Writable,
    insert_statement,
    timestamp_param,
    wire_text,
)
from flowsuite.settings import Settings
from flowsuite.tenancy.models import ApiCredential, AuditEvent, Company

DEFAULT_TIMEZONE = "Europe/Bucharest"


@dataclass(frozen=True, slots=True)
class ResolvedCredential:
    """A valid credential: its id, company, name, and the face's own columns in `extra`."""

    id: int
    company_id: int
    name: str
    extra: tuple[Any, ...]


@lru_cache(maxsize=256)
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def validate_timezone(name: str) -> str:
    try:
        zone(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidInput("timezone", f"Unknown time zone: {name!r}.") from error
    return name


def create_company(session: Session, name: str, timezone: str = DEFAULT_TIMEZONE) -> Company:
    """A new tenant; raises Conflict if the name is taken."""
    name = name.strip()
    if not name:
        raise InvalidInput("name", "A company needs a name.")
    if session.scalar(select(Company.id).where(Company.name == name)) is not None:
        raise Conflict(f"A company named {name!r} already exists.")
    company = Company(name=name, timezone=validate_timezone(timezone))
    session.add(company)
    session.flush()
    return company


def list_companies(session: Session) -> Sequence[Company]:
    return session.scalars(select(Company).order_by(Company.id)).all()


def company_by_name(session: Session, name: str) -> Company:
    company = session.scalar(select(Company).where(Company.name == name))
    if company is None:
        raise NotFound(f"No company named {name!r}.")
    return company


def issue_credential(
    session: Session,
    secret: ServerSecret,
    *,
    company_id: int,
    face: str,
    name: str,
    expires_on: dt.date | None,
) -> tuple[ApiCredential, str]:
    """A new credential and its secret; the secret is returned here once and never stored."""
    if not name.strip():
        raise InvalidInput("name", "A key needs a name.")
    token = new_token(32)
    credential = ApiCredential(
        company_id=company_id,
        face=face,
        name=name.strip(),
        secret_hash=secret.hash_token(token),
        secret_hint=token[-4:],
        expires_on=expires_on,
    )
    session.add(credential)
    session.flush()
    return credential, token


def list_credentials(session: Session, company_id: int, face: str) -> Sequence[ApiCredential]:
    return session.scalars(
        select(ApiCredential)
        .where(ApiCredential.company_id == company_id, ApiCredential.face == face)
        .order_by(ApiCredential.id)
    ).all()


def revoke_credential(session: Session, credential_id: int, face: str, company_id: int | None = None) -> ApiCredential:
    """Makes the credential invalid at once; revoking twice is harmless. With `company_id`, a credential of
    another company is not found (the console's revocations are scoped; the CLI's reach every company)."""
    credential = session.get(ApiCredential, credential_id)
    if credential is None or credential.face != face or company_id not in (None, credential.company_id):
        raise NotFound(f"No {face} key with id {credential_id}.")
    if credential.revoked_at is None:
        credential.revoked_at = utc_now()
    session.flush()
    return credential


class CredentialLookup:
    """Resolves a presented secret to a valid credential of one face, with the face's own columns.

    One prepared query joins the credential, its company (for the time zone that decides expiry) and
    the face's extension table, so authenticating costs a single indexed read.
    """

    def __init__(self, face: str, extension: Table | None = None, extra: Sequence[str] = ()) -> None:
        self.face = face

        def build(dialect: str) -> Any:
            credentials = ApiCredential.__table__
            companies = Company.__table__
            source = credentials.join(companies, companies.c.id == credentials.c.company_id)
            columns: list[Any] = [
                credentials.c.id,
                credentials.c.company_id,
                credentials.c.name,
                wire_text(credentials.c.expires_on, dialect).label("expires_on"),
                companies.c.timezone,
                credentials.c.secret_hash,
            ]
            if extension is not None:
                source = source.join(extension, extension.c.credential_id == credentials.c.id)
                columns += [extension.c[name] for name in extra]
            return (
                select(*columns)
                .select_from(source)
                .where(
                    credentials.c.secret_hash == bindparam("secret_hash"),
                    credentials.c.face == bindparam("face"),
                    credentials.c.revoked_at.is_(None),
                )
            )

        self._query = PreparedQuery(build)

    def resolve(self, source: Readable, secret: ServerSecret, presented: str) -> ResolvedCredential | None:
        """The credential `presented` belongs to, or None if unknown, revoked or expired."""
        presented_hash = secret.hash_token(presented)
        _, rows = self._query.execute(source, {"secret_hash": presented_hash, "face": self.face})
        if not rows:
            return None
        credential_id, company_id, name, expires_on, timezone, stored_hash, *extra = rows[0]
        # The index lookup finds the row; the final comparison takes the same time whatever it compares.
        if not same_digest(stored_hash, presented_hash):
            return None
        if expires_on is not None:
            today = dt.datetime.now(zone(timezone)).date().isoformat()
            if today >= expires_on:
                return None
        return ResolvedCredential(credential_id, company_id, name, tuple(extra))


class LastUseTracker:
    """Writes a credential's last-used time at most once per `resolution` seconds per process."""

    def __init__(self, resolution: float) -> None:
        self.resolution = resolution
        self._written: dict[int, float] = {}

    def note(self, db: Database, credential_id: int | None) -> None:
        if credential_id is None:  # a person in the console, not a credential
            return
        now = time.monotonic()
        if now - self._written.get(credential_id, -self.resolution - 1) < self.resolution:
            return
        self._written[credential_id] = now
        with db.transaction(write=True) as session:
            session.execute(
                update(ApiCredential).where(ApiCredential.id == credential_id).values(last_used_at=utc_now())
            )


@dataclass(slots=True)
class _Throttled:
    written_at: float
    unwritten: int = 0


class FailedAuthLog:
    """Audits failed authentications, at most one row per `window` seconds per (face, address) per process.

    The failures in between are counted, and the next row written for that face and address says how many
    there were, so the log still tells a probe from a flood without one write per request. At most
    `max_addresses` addresses are remembered; past that the quiet ones are forgotten first.
    """

    def __init__(self, window: float, max_addresses: int = 10_000) -> None:
        self.window = window
        self.max_addresses = max_addresses
        self._seen: dict[tuple[str, str | None], _Throttled] = {}

    def record(self, db: Database, *, face: str, caller: Caller, description: str) -> None:
        key = (face, caller.ip)
        now = time.monotonic()
        seen = self._seen.pop(key, None)
        if seen is not None and now - seen.written_at < self.window:
            seen.unwritten += 1
            self._seen[key] = seen  # re-inserted last: the most recently active address is forgotten last
            return
        if seen is not None and seen.unwritten:
            description += f" (and {seen.unwritten} more from this address since the previous entry)"
        self._remember(key, now)
        with db.transaction(write=True) as session:
            record_audit(session, face=face, action="auth_failed", caller=caller, description=description)

    def _remember(self, key: tuple[str, str | None], now: float) -> None:
        if len(self._seen) >= self.max_addresses:
            for stale in list(self._seen)[: len(self._seen) // 2]:
                del self._seen[stale]
        self._seen[key] = _Throttled(now)


def record_audit(
    session: Writable,
    *,
    face: str,
    action: str,
    caller: Caller,
    company_id: int | None = None,
    credential_id: int | None = None,
    entity_type: str = "",
    entity_id: int | None = None,
    description: str = "",
) -> None:
    """Adds one audit event to the session's transaction, so it lands only if the change does."""
    _INSERT_AUDIT_EVENT.execute(
        session,
        {
            "company_id": company_id,
            "credential_id": credential_id,
            "face": face,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "description": description[:1000],
            "ip": caller.ip,
            "user_agent": (caller.user_agent or "")[:255] or None,
            "created_at": timestamp_param(utc_now()),
        },
    )


# Every API write records one event: a prepared INSERT on the driver cursor costs a fraction of an ORM flush.
_INSERT_AUDIT_EVENT = PreparedWrite(
    lambda _dialect: insert_statement(
        AuditEvent.__table__,  # type: ignore[arg-type]
        (
            "company_id",
            "credential_id",
            "face",
            "action",
            "entity_type",
            "entity_id",
            "description",
            "ip",
            "user_agent",
            "created_at",
        ),
    )
)


class TenancyLedger:
    """The pipeline's ledger (core.audit.Ledger): the audit log, failed authentications and last use."""

    def __init__(self, settings: Settings) -> None:
        self.last_use = LastUseTracker(settings.last_used_resolution_seconds)
        self.failed_auth = FailedAuthLog(settings.failed_auth_audit_seconds)

    def record(self, connection: Writable, *, face: str, caller: Caller, actor: Actor, entry: AuditEntry) -> None:
        record_audit(
            connection,
            face=face,
            action=entry.action,
            caller=caller,
            company_id=actor.company_id,
            credential_id=actor.credential_id,
            entity_type=entry.entity_type,
            entity_id=entry.entity_id,
            description=entry.description,
        )

    def failed_authentication(self, db: Database, *, face: str, caller: Caller, description: str) -> None:
        self.failed_auth.record(db, face=face, caller=caller, description=description)

    def used(self, db: Database, credential_id: int) -> None:
        self.last_use.note(db, credential_id)


def start_runtime(settings: Settings, *, require_database: bool = True) -> Runtime:
    """The runtime of a server or a command: engines, secret, and tenancy's ledger (see Runtime.start)."""
    return Runtime.start(settings, TenancyLedger(settings), require_database=require_database)
