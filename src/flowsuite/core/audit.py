"""What the request pipeline records about a request: who called, what they changed, which key was used.

The core knows no tables: tenancy keeps the audit log and the credentials, and gives the pipeline a Ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from flowsuite.core.db import Database
from flowsuite.core.wiretext import Writable


@dataclass(frozen=True, slots=True)
class Caller:
    """Where a request came from, as the audit log records it."""

    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change as the audit log describes it."""

    action: str
    description: str = ""
    entity_type: str = ""
    entity_id: int | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acted: the tenant and, for an API call, the credential (None for a person or a device)."""

    company_id: int
    credential_id: int | None


class Ledger(Protocol):
    """The records the pipeline keeps, in tenancy's tables."""

    def record(self, connection: Writable, *, face: str, caller: Caller, actor: Actor, entry: AuditEntry) -> None:
        """Adds `entry` to the write's own transaction, so it lands only if the change does."""

    def failed_authentication(self, db: Database, *, face: str, caller: Caller, description: str) -> None:
        """Notes a rejected credential (in a transaction of its own: the request's was rolled back)."""

    def used(self, db: Database, credential_id: int) -> None:
        """Notes that the credential was used now (its last-use time)."""
