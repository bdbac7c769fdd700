"""The console's ITFlow views: searchable, paged lists and detail pages; new tickets and replies.

Lists page by keyset (newest first, `before` the last id shown) so that page 1,000 of 50,000 assets costs
what page one does; a search is a case-insensitive substring match on the columns a person looks for.
Creating a ticket or a reply calls the ITFlow face's own services (numbering, primary contact, first
response, status) with the company's whole scope: the form's fields are the API's, read by the same field
table, and the write is recorded as the signed-in person's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from flowsuite.core.audit import Caller
from flowsuite.core.errors import NotFound
from flowsuite.itflow import models
from flowsuite.itflow.commands import RecordWrite
from flowsuite.itflow.context import Scope
from flowsuite.itflow.params import field_values, to_integer
from flowsuite.itflow.services.ticket_replies import ticket_replies
from flowsuite.itflow.services.tickets import tickets
from flowsuite.tenancy.service import record_audit

PAGE_SIZE = 50
# Counting stops here: past it a person reads "10,000+", and a search never scans all rows twice.
COUNT_CAP = 10_000
Row = TypeVar("Row")


@dataclass(frozen=True, slots=True)
class Listing(Generic[Row]):
    rows: list[Row]
    # The `before` of the next (older) page, None on the last one.
    next_before: int | None
    query: str
    total: int

    @property
    def total_text(self) -> str:
        return f"{COUNT_CAP:,}+" if self.total > COUNT_CAP else f"{self.total:,}"


def _search(columns: list[Any], query: str) -> ColumnElement[bool]:
    needle = query.strip().lower()
    return or_(*(func.lower(func.coalesce(column, "")).contains(needle, autoescape=True) for column in columns))


def _page(
    session: Session, statement: Select[Any], id_column: Any, before: int | None, count_from: Select[Any]
) -> tuple[list[Any], int | None, int]:
    """One page, newest first, the next page's `before`, and how many rows match (at most COUNT_CAP + 1)."""
    page_statement = statement if before is None else statement.where(id_column < before)
    rows = list(session.execute(page_statement.order_by(id_column.desc()).limit(PAGE_SIZE + 1)).all())
    following = rows[PAGE_SIZE - 1][0] if len(rows) > PAGE_SIZE else None
    if before is None and following is None:
        total = len(rows)  # the first page holds them all: no need to count
    else:
        capped = count_from.limit(COUNT_CAP + 1).subquery()
        total = int(session.scalar(select(func.count()).select_from(capped)) or 0)
    return rows[:PAGE_SIZE], following, total


def _listing(
    session: Session,
    columns: list[Any],
    company_column: Any,
    company_id: int,
    id_column: Any,
    searched: list[Any],
    query: str,
    before: int | None,
    join: Any = None,
) -> Listing[Any]:
    statement = select(id_column, *columns)
    if join is not None:
        statement = statement.select_from(join)
    statement = statement.where(company_column == company_id)
    if query.strip():
        statement = statement.where(_search(searched, query))
    counted = statement.with_only_columns(id_column)
    rows, following, total = _page(session, statement, id_column, before, counted)
    return Listing([row._mapping for row in rows], following, query, total)


_CLIENT_OF = models.Client.__table__.alias("owner")


def clients(session: Session, company_id: int, query: str = "", before: int | None = None) -> Listing[Any]:
    client, contact, ticket = models.Client, models.Contact, models.Ticket
    contacts = (
        select(func.count())
        .where(contact.company_id == client.company_id, contact.contact_client_id == client.client_id)
        .scalar_subquery()
    )
    open_tickets = (
        select(func.count())
        .where(
            ticket.company_id == client.company_id,
            ticket.ticket_client_id == client.client_id,
            ticket.ticket_resolved_at.is_(None),
        )
        .scalar_subquery()
    )
    columns = [
        client.client_name,
        client.client_type,
        client.client_website,
        client.client_archived_at,
        contacts.label("contacts"),
        open_tickets.label("open_tickets"),
    ]
    return _listing(
        session,
        columns,
        client.company_id,
        company_id,
        client.client_id,
        [client.client_name, client.client_type, client.client_website],
        query,
        before,
    )


def _with_client(table: Any, client_column: Any) -> Any:
    owner = _CLIENT_OF
    return table.outerjoin(owner, and_(owner.c.company_id == table.c.company_id, owner.c.client_id == client_column))


def contacts(session: Session, company_id: int, query: str = "", before: int | None = None) -> Listing[Any]:
    contact = models.Contact
    columns = [
        contact.contact_name,
        contact.contact_title,
        contact.contact_email,
        contact.contact_phone,
        contact.contact_mobile,
        contact.contact_primary,
        contact.contact_client_id,
        _CLIENT_OF.c.client_name,
    ]
    return _listing(
        session,
        columns,
        contact.company_id,
        company_id,
        contact.contact_id,
        [contact.contact_name, contact.contact_email, contact.contact_phone, contact.contact_mobile],
        query,
        before,
        join=_with_client(contact.__table__, contact.contact_client_id),
    )


def assets(session: Session, company_id: int, query: str = "", before: int | None = None) -> Listing[Any]:
    asset = models.Asset
    columns = [
        asset.asset_name,
        asset.asset_type,
        asset.asset_make,
        asset.asset_model,
        asset.asset_serial,
        asset.asset_os,
        asset.asset_status,
        asset.asset_client_id,
        _CLIENT_OF.c.client_name,
    ]
    return _listing(
        session,
        columns,
        asset.company_id,
        company_id,
        asset.asset_id,
        [asset.asset_name, asset.asset_serial, asset.asset_make, asset.asset_model],
        query,
        before,
        join=_with_client(asset.__table__, asset.asset_client_id),
    )


def _ticket_source(ticket_table: Any) -> Any:
    status = models.TicketStatus.__table__
    return _with_client(ticket_table, ticket_table.c.ticket_client_id).outerjoin(
        status,
        and_(
            status.c.company_id == ticket_table.c.company_id, status.c.ticket_status_id == ticket_table.c.ticket_status
        ),
    )


def ticket_list(session: Session, company_id: int, query: str = "", before: int | None = None) -> Listing[Any]:
    ticket, status = models.Ticket, models.TicketStatus.__table__
    columns = [
        ticket.ticket_prefix,
        ticket.ticket_number,
        ticket.ticket_subject,
        ticket.ticket_priority,
        ticket.ticket_created_at,
        ticket.ticket_client_id,
        _CLIENT_OF.c.client_name,
        status.c.ticket_status_name,
    ]
    number = func.coalesce(ticket.ticket_prefix, "") + cast(ticket.ticket_number, String)
    searched = [ticket.ticket_subject, number]
    source = _ticket_source(ticket.__table__)
    return _listing(session, columns, ticket.company_id, company_id, ticket.ticket_id, searched, query, before, source)


@dataclass(frozen=True, slots=True)
class ClientPage:
    client: Any
    contacts: list[Any]
    assets: list[Any]
    tickets: list[Any]


def client_page(session: Session, company_id: int, client_id: int) -> ClientPage:
    client = session.scalar(
        select(models.Client).where(models.Client.company_id == company_id, models.Client.client_id == client_id)
    )
    if client is None:
        raise NotFound(f"No client with id {client_id}.")

    def of_client(model: Any, client_column: Any, pk: Any, *columns: Any) -> list[Any]:
        statement = (
            select(pk, *columns)
            .where(model.company_id == company_id, client_column == client_id)
            .order_by(pk.desc())
            .limit(PAGE_SIZE)
        )
        return [row._mapping for row in session.execute(statement)]

    contact, asset, ticket = models.Contact, models.Asset, models.Ticket
    return ClientPage(
        client,
        of_client(
            contact,
            contact.contact_client_id,
            contact.contact_id,
            contact.contact_name,
            contact.contact_email,
            contact.contact_phone,
            contact.contact_primary,
        ),
        of_client(asset, asset.asset_client_id, asset.asset_id, asset.asset_name, asset.asset_type, asset.asset_serial),
        of_client(
            ticket,
            ticket.ticket_client_id,
            ticket.ticket_id,
            ticket.ticket_prefix,
            ticket.ticket_number,
            ticket.ticket_subject,
            ticket.ticket_resolved_at,
        ),
    )


@dataclass(frozen=True, slots=True)
class TicketPage:
    ticket: Any
    replies: list[Any]
    statuses: list[tuple[int, str]]


def ticket_page(session: Session, company_id: int, ticket_id: int) -> TicketPage:
    ticket, status = models.Ticket, models.TicketStatus.__table__
    row = session.execute(
        select(ticket.__table__, _CLIENT_OF.c.client_name, status.c.ticket_status_name)
        .select_from(_ticket_source(ticket.__table__))
        .where(ticket.company_id == company_id, ticket.ticket_id == ticket_id)
    ).first()
    if row is None:
        raise NotFound(f"No ticket with id {ticket_id}.")
    reply = models.TicketReply
    replies = session.execute(
        select(
            reply.ticket_reply, reply.ticket_reply_type, reply.ticket_reply_time_worked, reply.ticket_reply_created_at
        )
        .where(
            reply.company_id == company_id,
            reply.ticket_reply_ticket_id == ticket_id,
            reply.ticket_reply_archived_at.is_(None),
        )
        .order_by(reply.ticket_reply_id)
    )
    statuses = session.execute(
        select(status.c.ticket_status_id, status.c.ticket_status_name)
        .where(status.c.company_id == company_id, status.c.ticket_status_active == 1)
        .order_by(status.c.ticket_status_id)
    )
    return TicketPage(row._mapping, [r._mapping for r in replies], [(i, n) for i, n in statuses])


def _filled(form: Mapping[str, str]) -> dict[str, str]:
    """The form's fields a person filled in: an empty one is left out, as an absent API parameter is."""
    return {name: value for name, value in form.items() if value != ""}


def create_ticket(session: Session, company_id: int, email: str, caller: Caller, form: Mapping[str, str]) -> int:
    """A new ticket, numbered like the API's; `form` holds the API's field names (`ticket_subject`, ...)
    and `client_id`."""
    filled = _filled(form)
    values = field_values(tickets, tickets.fields, filled.get)
    command = RecordWrite(client_id=to_integer("client_id", filled.get("client_id")), values=values)
    ticket_id = tickets.create(session, Scope(company_id), command)
    _audit(session, company_id, email, caller, tickets.entity, ticket_id)
    return ticket_id


def add_reply(session: Session, company_id: int, email: str, caller: Caller, form: Mapping[str, str]) -> int:
    """A reply on a ticket (`ticket_id`, `ticket_reply`, `ticket_reply_type`, `ticket_reply_time_worked`), and
    the status the ticket moves to (`ticket_status`). A person writes it: its `ticket_reply_by` is 0."""
    filled = _filled(form)
    values = field_values(ticket_replies, ticket_replies.fields, filled.get)
    command = RecordWrite(values=values, ticket_status=to_integer("ticket_status", filled.get("ticket_status")))
    reply_id = ticket_replies.create(session, Scope(company_id), command)
    _audit(session, company_id, email, caller, ticket_replies.entity, reply_id)
    return reply_id


def _audit(session: Session, company_id: int, email: str, caller: Caller, entity: str, record_id: int) -> None:
    """A person's ITFlow write, audited as the API's are (the face, the record) and naming the person."""
    record_audit(
        session,
        face="itflow",
        action="create",
        caller=caller,
        company_id=company_id,
        entity_type=entity,
        entity_id=record_id,
        description=f"create {entity} {record_id} via console ({email})",
    )


@dataclass(frozen=True, slots=True)
class RecordPage:
    """One asset or contact: its filled columns by label, its client, and what refers to it."""

    title: str
    client_id: int
    client_name: str | None
    fields: list[tuple[str, Any]]
    interfaces: list[Any]
    tickets: list[Any]


# Columns a person does not read on a detail page (ids shown elsewhere, internal keys, photos).
_HIDDEN = {"company_id", "asset_client_id", "contact_client_id", "contact_pin", "contact_photo", "asset_photo"}


def _labelled(row: Any, prefix: str) -> list[tuple[str, Any]]:
    fields = []
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        if column.key in _HIDDEN or (value in (None, "", 0) and column.key != f"{prefix}id"):
            continue
        label = column.key.removeprefix(prefix).replace("_", " ").capitalize()
        fields.append((label, value))
    return fields


def _client_name(session: Session, company_id: int, client_id: int) -> str | None:
    return session.scalar(
        select(models.Client.client_name).where(
            models.Client.company_id == company_id, models.Client.client_id == client_id
        )
    )


def _tickets_where(session: Session, company_id: int, column: Any, value: int) -> list[Any]:
    ticket = models.Ticket
    statement = (
        select(
            ticket.ticket_id,
            ticket.ticket_prefix,
            ticket.ticket_number,
            ticket.ticket_subject,
            ticket.ticket_resolved_at,
        )
        .where(ticket.company_id == company_id, column == value)
        .order_by(ticket.ticket_id.desc())
        .limit(PAGE_SIZE)
    )
    return [row._mapping for row in session.execute(statement)]


def asset_page(session: Session, company_id: int, asset_id: int) -> RecordPage:
    asset = session.scalar(
        select(models.Asset).where(models.Asset.company_id == company_id, models.Asset.asset_id == asset_id)
    )
    if asset is None:
        raise NotFound(f"No asset with id {asset_id}.")
    interface = models.AssetInterface
    interfaces = session.execute(
        select(
            interface.interface_name,
            interface.interface_type,
            interface.interface_ip,
            interface.interface_mac,
            interface.interface_primary,
        )
        .where(interface.company_id == company_id, interface.interface_asset_id == asset_id)
        .order_by(interface.interface_id)
    )
    return RecordPage(
        asset.asset_name,
        asset.asset_client_id,
        _client_name(session, company_id, asset.asset_client_id),
        _labelled(asset, "asset_"),
        [row._mapping for row in interfaces],
        _tickets_where(session, company_id, models.Ticket.ticket_asset_id, asset_id),
    )


def contact_page(session: Session, company_id: int, contact_id: int) -> RecordPage:
    contact = session.scalar(
        select(models.Contact).where(models.Contact.company_id == company_id, models.Contact.contact_id == contact_id)
    )
    if contact is None:
        raise NotFound(f"No contact with id {contact_id}.")
    return RecordPage(
        contact.contact_name,
        contact.contact_client_id,
        _client_name(session, company_id, contact.contact_client_id),
        _labelled(contact, "contact_"),
        [],
        _tickets_where(session, company_id, models.Ticket.ticket_contact_id, contact_id),
    )
