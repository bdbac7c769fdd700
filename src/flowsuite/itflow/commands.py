"""What the ITFlow services are asked to do, in domain terms: the records' own column names and parsed
values, never the wire's parameters. The wire adapter (router, params) builds these from a request; the
console builds them from its forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flowsuite.itflow.resources import ReadFilter

# A parsed value of a writable column.
ColumnValue = str | int | Decimal | dt.date | dt.time | None


@dataclass(frozen=True, slots=True)
class Page:
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class DecryptMaterial:
    """What opens the company's data key: the key's seal of it, and the decrypt password brought along
    (None when none was)."""

    sealed_data_key: str
    decrypt_password: str | None


@dataclass(frozen=True, slots=True)
class RecordQuery:
    """A read of one module's records."""

    # The filter asked for (None: the whole list) and the value it compares with: a whole number for
    # id and integer filters, else text.
    read_filter: ReadFilter | None = None
    value: int | str | None = None
    # Only this client's records (None: every client the scope sees).
    client_id: int | None = None
    page: Page = Page(50, 0)
    # Ticket replies: only replies of this type (Internal, Public or Client; None: all), archived ones too.
    reply_type: str | None = None
    include_archived: bool = False
    # Credentials: what opens the data key the stored logins are sealed under.
    decrypt: DecryptMaterial | None = None


@dataclass(frozen=True, slots=True)
class RecordWrite:
    """A create, update, delete, archive (or a ticket's resolve) of one module's record."""

    # The record written (None for a create; a create's id comes back as its result).
    record_id: int | None = None
    # The client named (None or 0: none; a client-scoped write always targets the scope's own).
    client_id: int | None = None
    # The module's fields that were sent, parsed, by column; absent ones are left out.
    values: Mapping[str, ColumnValue] = field(default_factory=dict)
    # Assets: the primary interface's fields that were sent, by interface column.
    related: Mapping[str, ColumnValue] = field(default_factory=dict)
    # Ticket replies: the status the ticket moves to (None or 0: it keeps its status), and the API key
    # (credential) that writes the reply, 0 for a person (ITFlow's "no user").
    ticket_status: int | None = None
    reply_by: int = 0
    # Credentials: what opens the data key the stored logins are sealed under.
    decrypt: DecryptMaterial | None = None
