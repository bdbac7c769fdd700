"""tickets: the help desk. Each company numbers its tickets (prefix + sequential number) itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy import FromClause, Table, and_, bindparam, select, update
from sqlalchemy.orm import Session

from flowsuite.core.db import utc_now
from flowsuite.core.secrets import new_token
from flowsuite.core.wiretext import PreparedQuery, PreparedWrite, insert_statement, timestamp_param, wire_text
from flowsuite.itflow import models
from flowsuite.itflow.commands import RecordWrite
from flowsuite.itflow.context import Scope
from flowsuite.itflow.errors import OperationFailed
from flowsuite.itflow.resources import Field, ReadFilter, Resource

# ITFlow's seeded statuses that carry meaning of their own (keys.DEFAULT_TICKET_STATUSES).
STATUS_NEW = 1
STATUS_RESOLVED = 4
STATUS_CLOSED = 5

_TICKETS: Table = models.Ticket.__table__  # type: ignore[assignment]
_STATUSES: Table = models.TicketStatus.__table__  # type: ignore[assignment]
_SETTINGS: Table = models.ITFlowSettings.__table__  # type: ignore[assignment]
_CONTACTS: Table = models.Contact.__table__  # type: ignore[assignment]


# tickets/create is a hot path: its statements are built and compiled once and run on the driver cursor.
_TAKE_NUMBER = PreparedWrite(
    lambda _dialect: (
        update(_SETTINGS)
        .where(_SETTINGS.c.company_id == bindparam("company"))
        .values(ticket_next_number=_SETTINGS.c.ticket_next_number + 1)
        .returning(_SETTINGS.c.ticket_prefix, _SETTINGS.c.ticket_next_number)
    )
)
_PRIMARY_CONTACT = PreparedQuery(
    lambda _dialect: (
        select(_CONTACTS.c.contact_id)
        .where(
            _CONTACTS.c.company_id == bindparam("company"),
            _CONTACTS.c.contact_client_id == bindparam("client"),
            _CONTACTS.c.contact_primary == 1,
        )
        .order_by(_CONTACTS.c.contact_id)
        .limit(1)
    )
)
# What a create writes besides the fields: the generated values and the tenant.
_GENERATED = ("ticket_prefix", "ticket_number", "ticket_source", "ticket_status", "ticket_url_key", "ticket_created_at")


def next_ticket_number(session: Session, company_id: int) -> tuple[str | None, int]:
    """The company's ticket prefix and the next number, taken in one atomic statement.

    The UPDATE holds the settings row until the transaction ends, so concurrent creates queue for it
    and each gets its own number (on SQLite the write transaction already serialises them).
    """
    _, taken = _TAKE_NUMBER.execute(session, {"company": company_id})
    if not taken:
        raise OperationFailed(f"company {company_id} has no ITFlow settings")
    prefix, following = taken[0]
    return prefix, int(following) - 1


def primary_contact(session: Session, company_id: int, client_id: int) -> int:
    """The client's primary contact, or 0 if it has none."""
    _, found = _PRIMARY_CONTACT.execute(session, {"company": company_id, "client": client_id})
    return int(found[0][0]) if found else 0


def move_to_status(ticket: models.Ticket, status_id: int) -> None:
    """Sets a ticket's status, keeping `ticket_resolved_at` in step with it.

    Moving into Resolved stamps the time (once); moving back to an open status (a reopen) clears it,
    so that the ticket can be resolved again. Closing keeps the resolution time.
    """
    resolved_at = ticket.ticket_resolved_at
    if status_id == STATUS_RESOLVED:
        resolved_at = resolved_at or utc_now()
    elif status_id != STATUS_CLOSED:
        resolved_at = None
    if (status_id, resolved_at) != (ticket.ticket_status, ticket.ticket_resolved_at):
        ticket.ticket_status = status_id
        ticket.ticket_resolved_at = resolved_at
        ticket.ticket_updated_at = utc_now()


TICKET_FIELDS = (
    Field("ticket_subject", "ticket_subject", required=True),
    Field("ticket_details", "ticket_details", "html"),
    Field("ticket_priority", "ticket_priority", default="Low"),
    Field("ticket_contact_id", "ticket_contact_id", "int"),
    Field("ticket_asset_id", "ticket_asset_id", "int"),
    Field("ticket_vendor_id", "ticket_vendor_id", "int"),
    Field("ticket_assigned_to", "ticket_assigned_to", "int"),
    # Stored as the text sent: vendors' ticket numbers are rarely plain numbers ("ABC-123").
    Field("ticket_vendor_ticket_id", "ticket_vendor_ticket_number"),
    Field("ticket_billable", "ticket_billable", "flag"),
)
_INSERT_TICKET = PreparedWrite(
    lambda _dialect: insert_statement(
        _TICKETS, ("company_id", "ticket_client_id", *_GENERATED, *(spec.column for spec in TICKET_FIELDS))
    ).returning(_TICKETS.c.ticket_id)
)


class TicketsResource(Resource):
    def global_rows_visible(self) -> bool:
        # A ticket without a client is the MSP's own, not something every client may see.
        return False

    def source(self, dialect: str, read_filter: ReadFilter | None) -> tuple[FromClause, list[Any]]:
        table, columns = super().source(dialect, read_filter)
        if read_filter is None or not read_filter.by_id:
            return table, columns
        # One ticket comes with its status row, as the original's ticket_id lookup does.
        joined = _TICKETS.outerjoin(
            _STATUSES,
            and_(
                _STATUSES.c.company_id == _TICKETS.c.company_id,
                _STATUSES.c.ticket_status_id == _TICKETS.c.ticket_status,
            ),
        )
        status_columns = [wire_text(c, dialect).label(c.name) for c in self.wire_columns(_STATUSES)]
        return joined, [*columns, *status_columns]

    def before_create(self, session: Session, scope: Scope, values: dict[str, Any], command: RecordWrite) -> None:
        values["ticket_prefix"], values["ticket_number"] = next_ticket_number(session, scope.company_id)
        values["ticket_source"] = "API"
        values["ticket_status"] = STATUS_NEW
        values["ticket_url_key"] = new_token(32)
        values["ticket_created_at"] = timestamp_param(utc_now())
        client_id = values["ticket_client_id"]
        if not values["ticket_contact_id"] and client_id:
            values["ticket_contact_id"] = primary_contact(session, scope.company_id, client_id)

    def insert(self, session: Session, scope: Scope, values: dict[str, Any], command: RecordWrite) -> int:
        # A prepared INSERT ... RETURNING on the driver cursor instead of an ORM flush.
        _, inserted = _INSERT_TICKET.execute(session, {**values, "company_id": scope.company_id})
        return int(inserted[0][0])

    def resolve(self, session: Session, scope: Scope, command: RecordWrite) -> int:
        """tickets/resolve: marks one ticket of the target client resolved; refused if it already is."""
        ticket = self.load_for_write(session, scope, command)
        if ticket.ticket_resolved_at is not None:
            raise OperationFailed(f"ticket {ticket.ticket_id} is already resolved")
        move_to_status(ticket, STATUS_RESOLVED)
        # Resolving answers the ticket too, as in the original.
        if ticket.ticket_first_response_at is None:
            ticket.ticket_first_response_at = ticket.ticket_resolved_at
        session.flush()
        return 1


tickets = TicketsResource(
    name="tickets",
    model=models.Ticket,
    pk="ticket_id",
    client_column="ticket_client_id",
    entity="ticket",
    # Client 0 is a client-less ticket.
    client_required=False,
    fields=TICKET_FIELDS,
    read_filters=(ReadFilter("ticket_id", "ticket_id", by_id=True),),
)
