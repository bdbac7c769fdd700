"""ticket_replies: the conversation on a ticket. Replies belong to their ticket, and so to its client."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, FromClause, and_, bindparam, select
from sqlalchemy.orm import Session

from flowsuite.core.db import utc_now
from flowsuite.core.errors import InvalidInput
from flowsuite.core.wiretext import wire_text
from flowsuite.itflow import models
from flowsuite.itflow.commands import RecordQuery, RecordWrite
from flowsuite.itflow.context import Scope
from flowsuite.itflow.errors import OperationFailed
from flowsuite.itflow.resources import Field, ReadFilter, Resource
from flowsuite.itflow.services.tickets import move_to_status
from flowsuite.tenancy.models import ApiCredential

_REPLIES = models.TicketReply.__table__
_TICKETS = models.Ticket.__table__
_KEYS = ApiCredential.__table__
_TICKET_COLUMNS = ("ticket_prefix", "ticket_number", "ticket_subject", "ticket_client_id")

# What the API may write, and what a read may ask for (client replies come from the client portal).
WRITABLE_TYPES = {"internal": "Internal", "public": "Public"}
READABLE_TYPES = {**WRITABLE_TYPES, "client": "Client"}


class ReplyView(NamedTuple):
    """The read conditions beyond filter and scope: one reply type only; archived replies too."""

    by_type: bool
    include_archived: bool


def reply_type(value: str) -> str:
    """Internal (also for an empty value) or Public, whatever the case; anything else is refused."""
    if not value:
        return "Internal"
    kind = WRITABLE_TYPES.get(value.lower())
    if kind is None:
        raise InvalidInput("ticket_reply_type", "ticket_reply_type must be Internal or Public.")
    return kind


class TicketRepliesResource(Resource):
    def scope_column(self) -> Any:
        return _TICKETS.c.ticket_client_id

    def global_rows_visible(self) -> bool:
        # Replies on client-less tickets are as private as those tickets (see tickets).
        return False

    def source(self, dialect: str, read_filter: ReadFilter | None) -> tuple[FromClause, list[Any]]:
        _, columns = super().source(dialect, read_filter)
        joined = _REPLIES.join(
            _TICKETS,
            and_(
                _TICKETS.c.company_id == _REPLIES.c.company_id,
                _TICKETS.c.ticket_id == _REPLIES.c.ticket_reply_ticket_id,
            ),
        ).outerjoin(_KEYS, and_(_KEYS.c.company_id == _REPLIES.c.company_id, _KEYS.c.id == _REPLIES.c.ticket_reply_by))
        ticket_columns = [wire_text(_TICKETS.c[name], dialect).label(name) for name in _TICKET_COLUMNS]
        # ticket_reply_by holds the API key (credential) that wrote the reply; its name stands for the user.
        return joined, [*columns, *ticket_columns, _KEYS.c.name.label("ticket_reply_by_name")]

    def read_variant(self, query: RecordQuery) -> tuple[Hashable, dict[str, Any]]:
        kind = query.reply_type
        return ReplyView(kind is not None, query.include_archived), {} if kind is None else {"reply_type": kind}

    def variant_conditions(self, variant: Hashable) -> list[ColumnElement[bool]]:
        assert isinstance(variant, ReplyView)
        conditions: list[ColumnElement[bool]] = []
        if variant.by_type:
            conditions.append(_REPLIES.c.ticket_reply_type == bindparam("reply_type"))
        if not variant.include_archived:
            conditions.append(_REPLIES.c.ticket_reply_archived_at.is_(None))
        return conditions

    def before_create(self, session: Session, scope: Scope, values: dict[str, Any], command: RecordWrite) -> None:
        status_id = command.ticket_status
        ticket = self.parent_ticket(session, scope, command, values["ticket_reply_ticket_id"])
        if status_id:
            self.require_status(session, scope, status_id)
            move_to_status(ticket, status_id)
        if values["ticket_reply_type"] == "Public" and ticket.ticket_first_response_at is None:
            ticket.ticket_first_response_at = utc_now()
        values["ticket_reply_by"] = command.reply_by

    def parent_ticket(self, session: Session, scope: Scope, command: RecordWrite, ticket_id: int) -> models.Ticket:
        """The ticket replied to: it must be in the scope, and the target client's if one is named."""
        ticket = session.scalar(
            select(models.Ticket).where(
                models.Ticket.company_id == scope.company_id, models.Ticket.ticket_id == ticket_id
            )
        )
        if ticket is None:
            raise OperationFailed(f"no ticket with ticket_id {ticket_id}")
        # A scoped key always targets its own client; an all-clients key only when it sends client_id.
        wanted = self.target_client(scope, command) or None
        if wanted is not None and ticket.ticket_client_id != wanted:
            raise OperationFailed(f"ticket {ticket_id} does not belong to client {wanted}")
        return ticket

    def require_status(self, session: Session, scope: Scope, status_id: int) -> None:
        exists = session.scalar(
            select(models.TicketStatus.ticket_status_id).where(
                models.TicketStatus.company_id == scope.company_id, models.TicketStatus.ticket_status_id == status_id
            )
        )
        if exists is None:
            raise InvalidInput("ticket_status", f"ticket_status {status_id} is not a ticket status of this company.")


ticket_replies = TicketRepliesResource(
    name="ticket_replies",
    model=models.TicketReply,
    pk="ticket_reply_id",
    # Replies have no client of their own: reads are scoped through the ticket (scope_column).
    client_column=None,
    entity="ticket_reply",
    fields=(
        Field("ticket_id", "ticket_reply_ticket_id", "int", required=True),
        Field("ticket_reply", "ticket_reply", "html", required=True),
        Field("ticket_reply_type", "ticket_reply_type", transform=reply_type, default="Internal"),
        # A TIME of day: a single reply books at most 23:59:59.
        Field("ticket_reply_time_worked", "ticket_reply_time_worked", "duration", default=dt.time(0, 0, 0)),
    ),
    read_filters=(
        ReadFilter("ticket_reply_id", "ticket_reply_id", by_id=True),
        ReadFilter("ticket_id", "ticket_reply_ticket_id", integer=True),
    ),
)
