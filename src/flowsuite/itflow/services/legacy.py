"""The legacy /api.php actions: caller ID, phonebook, client emails, account balance, add asset.

ITFlow's first API (2019-2022) was one GET page whose query parameters each selected an action; several
could be combined and their outputs were concatenated. This module holds the rules; the router renders
the plain-text and XML answers. Every query is scoped by the key's company and, for a client-scoped key,
by its client (plus the "global" rows of client 0 where a table has them, as the v1 API does).

Decisions where the original was silent or wrong:
- phone numbers are compared as digits only, on both sides (the original int-cast the number, losing
  leading zeros and `+`, and compared it with the raw stored text);
- archived clients, contacts, locations and vendors are left out of caller ID, the phonebook and the
  email list, which are for reaching people now; the balance counts every invoice, as the original did;
- the phonebook and the email list skip people they have nothing to list for (no number, no email).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from flowsuite.core.db import ReadSession
from flowsuite.core.errors import InvalidInput, NotFound
from flowsuite.itflow import models
from flowsuite.itflow.context import Author, Scope
from flowsuite.itflow.params import to_integer, to_text
from flowsuite.tenancy.service import record_audit

ACTIONS = ("cid", "phonebook", "client_emails", "client_id", "add_asset")
# Invoices that do not count towards what a client owes (ITFlow's statuses).
UNBILLED_STATUSES = ("Draft", "Cancelled")
# A phone number longer than this is not a phone number; it would only make the digit pattern costly.
MAX_PHONE_LENGTH = 64
# add_asset's optional query parameters and the asset columns they fill.
ASSET_FIELDS = (
    ("type", "asset_type"),
    ("make", "asset_make"),
    ("model", "asset_model"),
    ("serial", "asset_serial"),
    ("os", "asset_os"),
)
PHONEBOOK_CLIENTS = 0
# What the reading actions run on: a read-only session, or the write transaction of a request that also writes.
Reads = Session | ReadSession
PHONEBOOK_VENDORS = 1


@dataclass(frozen=True)
class NewAsset:
    name: str
    client_id: int | None
    fields: dict[str, str]


@dataclass(frozen=True)
class LegacyRequest:
    """What one /api.php call asks for; absent actions are None / False."""

    cid: str | None = None
    phonebook: bool = False
    client_emails: bool = False
    balance_client_id: int | None = None
    new_asset: NewAsset | None = None

    @property
    def writes(self) -> bool:
        """Whether the request changes data (caller ID records the call; add_asset inserts)."""
        return not self.phonebook and (self.cid is not None or self.new_asset is not None)


@dataclass(frozen=True)
class CallerName:
    """Who called: `name` is "" when the number is unknown, as in the original."""

    name: str
    number: str


@dataclass(frozen=True)
class PhonebookEntry:
    name: str
    number: str
    group: int


@dataclass(frozen=True)
class EmailLine:
    client_name: str
    contact_name: str
    contact_email: str


@dataclass
class LegacyAnswer:
    """The results of the actions that ran, in the original's output order."""

    caller: CallerName | None = None
    phonebook: list[PhonebookEntry] | None = None
    client_emails: list[EmailLine] | None = None
    balance: Decimal | None = None
    added_asset_id: int | None = None


# ---- request -----------------------------------------------------------------------------------


def parse_request(query: Mapping[str, str]) -> LegacyRequest:
    """The actions `query` asks for; InvalidInput (naming the parameter) for anything malformed."""
    if not any(name in query for name in ACTIONS):
        raise InvalidInput("action", "No action given: use cid, phonebook, client_emails, client_id or add_asset.")
    if "phonebook" in query:
        # The phonebook is an XML document: nothing else can share the answer, so nothing else runs
        # (running an action whose result the caller never sees would be worse than ignoring it).
        return LegacyRequest(phonebook=True)
    client_id = _client_id(query)
    new_asset = _new_asset(query, client_id) if "add_asset" in query else None
    return LegacyRequest(
        cid=_phone_digits(query["cid"]) if "cid" in query else None,
        client_emails="client_emails" in query,
        balance_client_id=client_id if new_asset is None else None,
        new_asset=new_asset,
    )


def _client_id(query: Mapping[str, str]) -> int | None:
    if "client_id" not in query:
        return None
    client_id = to_integer("client_id", query["client_id"])
    if client_id is None:
        raise InvalidInput("client_id", "client_id must be a whole number.")
    return client_id


def _phone_digits(raw: str) -> str:
    number = to_text("cid", raw, max_length=MAX_PHONE_LENGTH) or ""
    digits = only_digits(number)
    if not digits:
        raise InvalidInput("cid", "cid must be a phone number (it has no digits).")
    return digits


def _column_length(column: str) -> int:
    length = getattr(models.Asset.__table__.c[column].type, "length", None)
    assert isinstance(length, int), column
    return length


def _new_asset(query: Mapping[str, str], client_id: int | None) -> NewAsset:
    name = to_text("add_asset", query["add_asset"], max_length=_column_length("asset_name"))
    if not name:
        raise InvalidInput("add_asset", "add_asset (the asset's name) must not be empty.")
    fields = {}
    for param, column in ASSET_FIELDS:
        fields[column] = to_text(param, query.get(param, ""), max_length=_column_length(column)) or ""
    return NewAsset(name, client_id, fields)


def only_digits(text: str | None) -> str:
    return "".join(ch for ch in text or "" if ch.isascii() and ch.isdigit())


# ---- actions -----------------------------------------------------------------------------------


def perform(session: Session, scope: Scope, author: Author, request: LegacyRequest) -> LegacyAnswer:
    """Runs every action of `request` in `scope`, recording its writes as `author`'s; writes are flushed,
    never committed here."""
    answer = LegacyAnswer()
    if request.phonebook:
        answer.phonebook = phonebook(session, scope)
        return answer
    if request.cid is not None:
        answer.caller = caller_id(session, scope, author, request.cid)
    _read_actions(session, scope, request, answer)
    if request.new_asset is not None:
        answer.added_asset_id = add_asset(session, scope, author, request.new_asset)
    return answer


def look_up(session: ReadSession, scope: Scope, request: LegacyRequest) -> LegacyAnswer:
    """Runs the actions of a request that changes nothing (`request.writes` is false)."""
    answer = LegacyAnswer()
    if request.phonebook:
        answer.phonebook = phonebook(session, scope)
        return answer
    _read_actions(session, scope, request, answer)
    return answer


def _read_actions(session: Reads, scope: Scope, request: LegacyRequest, answer: LegacyAnswer) -> None:
    if request.client_emails:
        answer.client_emails = client_emails(session, scope)
    if request.balance_client_id is not None:
        answer.balance = account_balance(session, scope, request.balance_client_id)


def _visible(scope: Scope, client_column: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """A client-scoped key sees its own client's rows and the global ones (client 0)."""
    if scope.client_id is None:
        return true()
    return or_(client_column == 0, client_column == scope.client_id)


@dataclass(frozen=True)
class _PhoneSource:
    """A table whose rows can name a caller; its columns follow ITFlow's `<entity>_<column>` naming."""

    model: type[Any]
    entity: str
    phone_column: str

    def column(self, name: str) -> Any:
        return getattr(self.model, f"{self.entity}_{name}")


_CALLER_SOURCES = (
    _PhoneSource(models.Contact, "contact", "phone"),
    _PhoneSource(models.Contact, "contact", "mobile"),
    _PhoneSource(models.Location, "location", "phone"),
    _PhoneSource(models.Vendor, "vendor", "phone"),
)


def _match_phone(session: Reads, scope: Scope, source: _PhoneSource, digits: str) -> tuple[int, str] | None:
    """The first (lowest id) row of `source` whose number has exactly these digits."""
    phone = source.column(source.phone_column)
    # "%5%5%5%0%1%" finds every stored number holding these digits in order, however it is formatted;
    # the exact digit comparison below then drops the numbers that merely contain them.
    pattern = "%" + "%".join(digits) + "%"
    statement = (
        select(source.column("id"), source.column("name"), phone)
        .where(
            source.model.company_id == scope.company_id,
            _visible(scope, source.column("client_id")),
            source.column("archived_at").is_(None),
            phone.like(pattern),
        )
        .order_by(source.column("id"))
    )
    for row_id, name, stored in session.execute(statement):
        if only_digits(stored) == digits:
            return int(row_id), str(name)
    return None


def caller_id(session: Session, scope: Scope, author: Author, digits: str) -> CallerName:
    """The caller's name: a contact by phone, then by mobile, then a location, then a vendor.

    Every call is recorded in the audit log, known caller or not (the original logged it too).
    """
    entity, entity_id, name = "", None, ""
    for source in _CALLER_SOURCES:
        match = _match_phone(session, scope, source, digits)
        if match is not None:
            entity, (entity_id, name) = source.entity, match
            break
    record_audit(
        session,
        face="itflow",
        action="inbound_call",
        caller=author.caller,
        company_id=scope.company_id,
        credential_id=author.credential_id,
        entity_type=entity,
        entity_id=entity_id,
        description=f"Inbound call from {name or 'an unknown caller'} - {digits} via api.php ({author.name})",
    )
    return CallerName(name, digits)


def _primary_contacts(session: Reads, scope: Scope) -> list[Any]:
    """Each client's primary contact (the lowest id if a client has several), by client name."""
    client, contact = models.Client, models.Contact
    statement = (
        select(
            client.client_id,
            client.client_name,
            contact.contact_name,
            contact.contact_email,
            contact.contact_phone,
            contact.contact_mobile,
        )
        .join(contact, (contact.company_id == client.company_id) & (contact.contact_client_id == client.client_id))
        .where(
            client.company_id == scope.company_id,
            client.client_archived_at.is_(None),
            contact.contact_primary == 1,
            contact.contact_archived_at.is_(None),
        )
        .order_by(client.client_name, client.client_id, contact.contact_id)
    )
    if scope.client_id is not None:
        statement = statement.where(client.client_id == scope.client_id)
    rows, seen = [], set()
    for row in session.execute(statement):
        if row.client_id not in seen:
            seen.add(row.client_id)
            rows.append(row)
    return rows


def phonebook(session: Reads, scope: Scope) -> list[PhonebookEntry]:
    """Clients' primary contacts (group 0), then vendors (group 1), each by name.

    A contact without a desk phone is listed with their mobile; one with neither is left out.
    """
    entries = []
    for row in _primary_contacts(session, scope):
        number = row.contact_phone or row.contact_mobile
        if number:
            entries.append(PhonebookEntry(row.contact_name, number, PHONEBOOK_CLIENTS))
    vendor = models.Vendor
    vendors = session.execute(
        select(vendor.vendor_name, vendor.vendor_phone)
        .where(
            vendor.company_id == scope.company_id,
            _visible(scope, vendor.vendor_client_id),
            vendor.vendor_archived_at.is_(None),
        )
        .order_by(vendor.vendor_name, vendor.vendor_id)
    )
    for name, phone in vendors:
        number = (phone or "").strip()
        if number:
            entries.append(PhonebookEntry(name, number, PHONEBOOK_VENDORS))
    return entries


def client_emails(session: Reads, scope: Scope) -> list[EmailLine]:
    """One line per client whose primary contact has an email address, by client name."""
    return [
        EmailLine(row.client_name, row.contact_name, row.contact_email)
        for row in _primary_contacts(session, scope)
        if row.contact_email
    ]


def _client_in_scope(session: Reads, scope: Scope, client_id: int) -> bool:
    """Whether the client exists in the key's company and the key may see it."""
    if scope.client_id is not None and client_id != scope.client_id:
        return False
    found = session.scalar(
        select(models.Client.client_id).where(
            models.Client.company_id == scope.company_id, models.Client.client_id == client_id
        )
    )
    return found is not None


def _money(value: Any) -> Decimal:
    # Money columns come back as floats; str() keeps the digits a sum shows, cents make them exact.
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def account_balance(session: Reads, scope: Scope, client_id: int) -> Decimal:
    """What the client owes: its invoices except drafts and cancelled ones, minus every payment made
    on any of its invoices (so a payment on a cancelled invoice still counts, as in the original)."""
    if not _client_in_scope(session, scope, client_id):
        raise NotFound(f"No client with client_id {client_id}.")
    invoice, payment = models.Invoice, models.Payment
    invoiced = session.scalar(
        select(func.sum(invoice.invoice_amount)).where(
            invoice.company_id == scope.company_id,
            invoice.invoice_client_id == client_id,
            invoice.invoice_status.not_in(UNBILLED_STATUSES),
        )
    )
    paid = session.scalar(
        select(func.sum(payment.payment_amount))
        .join(invoice, (invoice.company_id == payment.company_id) & (invoice.invoice_id == payment.payment_invoice_id))
        .where(payment.company_id == scope.company_id, invoice.invoice_client_id == client_id)
    )
    return _money(invoiced) - _money(paid)


def add_asset(session: Session, scope: Scope, author: Author, new: NewAsset) -> int:
    """Inserts the asset with an empty primary interface, as the v1 assets/create does; returns its id.

    The client rules are the v1 API's: an all-clients key must name an existing client; a client-scoped
    key writes to its own client, and naming another one fails as if that client did not exist.
    """
    client_id = new.client_id if new.client_id is not None else scope.client_id
    if client_id is None:
        raise InvalidInput("client_id", "client_id is required to add an asset.")
    if not _client_in_scope(session, scope, client_id):
        raise InvalidInput("client_id", f"No client with client_id {client_id}.")
    asset = models.Asset(
        company_id=scope.company_id,
        asset_name=new.name,
        asset_client_id=client_id,
        asset_description="",
        asset_uri="",
        asset_status="",
        asset_notes="",
        **new.fields,
    )
    session.add(asset)
    session.flush()
    session.add(
        models.AssetInterface(
            company_id=scope.company_id,
            interface_name="1",
            interface_mac="",
            interface_ip="",
            interface_primary=1,
            interface_network_id=0,
            interface_asset_id=asset.asset_id,
        )
    )
    record_audit(
        session,
        face="itflow",
        action="create",
        caller=author.caller,
        company_id=scope.company_id,
        credential_id=author.credential_id,
        entity_type="asset",
        entity_id=asset.asset_id,
        description=f"create asset {asset.asset_id} via api.php ({author.name})",
    )
    session.flush()
    return asset.asset_id
