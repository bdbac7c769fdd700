"""Tickets' status rules, run on a real session without HTTP: resolve, replies that move the ticket, first response.

Depends on: itflow.services.tickets (move_to_status, next_ticket_number, primary_contact, TicketsResource.resolve) and
itflow.services.ticket_replies (TicketRepliesResource.create and its before_create). Both are reached through
`resolve` and `reply` below, the one place that speaks their current signatures.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from flowsuite.core.errors import InvalidInput
from flowsuite.itflow import models
from flowsuite.itflow.commands import RecordWrite
from flowsuite.itflow.context import Scope
from flowsuite.itflow.errors import OperationFailed
from flowsuite.itflow.services.ticket_replies import ticket_replies
from flowsuite.itflow.services.tickets import (
    STATUS_CLOSED,
    STATUS_NEW,
    STATUS_RESOLVED,
    move_to_status,
    next_ticket_number,
    primary_contact,
    tickets,
)
from tests.services import MigratedDatabase, itflow_client, itflow_company, itflow_ticket, new_company

STATUS_OPEN, STATUS_ON_HOLD = 2, 3
LONG_AGO = dt.datetime(2026, 1, 2, 3, 4, 5)


def resolve(session: Session, company_id: int, ticket_id: int, client_id: int = 0) -> int:
    # An all-clients scope, as the console acts for the company.
    return tickets.resolve(session, Scope(company_id), RecordWrite(record_id=ticket_id, client_id=client_id))


def reply(
    session: Session, company_id: int, ticket_id: int, *, reply_type: str = "Internal", status: int | None = None
) -> int:
    values = {"ticket_reply_ticket_id": ticket_id, "ticket_reply": "Looked at it.", "ticket_reply_type": reply_type}
    command = RecordWrite(values=values, ticket_status=status)
    return ticket_replies.create(session, Scope(company_id), command)


def stored(session: Session, ticket_id: int) -> models.Ticket:
    """The ticket as the database has it now (flushed), not as the session's object says."""
    session.flush()
    session.expire_all()
    return session.execute(select(models.Ticket).where(models.Ticket.ticket_id == ticket_id)).scalar_one()


def status_and_resolution(ticket: models.Ticket) -> tuple[int, dt.datetime | None]:
    return ticket.ticket_status, ticket.ticket_resolved_at


@pytest.fixture
def company_id(session: Session, migrated: MigratedDatabase) -> int:
    return itflow_company(session, migrated.secret)


def test_resolving_sets_the_status_the_resolution_time_and_the_first_response(
    session: Session, company_id: int
) -> None:
    ticket_id = itflow_ticket(session, company_id).ticket_id

    assert resolve(session, company_id, ticket_id) == 1

    ticket = stored(session, ticket_id)
    assert ticket.ticket_status == STATUS_RESOLVED
    assert ticket.ticket_resolved_at is not None
    assert ticket.ticket_first_response_at == ticket.ticket_resolved_at


def test_resolving_a_resolved_ticket_is_refused_and_keeps_its_resolution_time(
    session: Session, company_id: int
) -> None:
    ticket = itflow_ticket(session, company_id)
    ticket.ticket_status, ticket.ticket_resolved_at = STATUS_RESOLVED, LONG_AGO

    with pytest.raises(OperationFailed, match="already resolved"):
        resolve(session, company_id, ticket.ticket_id)

    assert stored(session, ticket.ticket_id).ticket_resolved_at == LONG_AGO


def test_resolving_keeps_an_earlier_first_response(session: Session, company_id: int) -> None:
    ticket = itflow_ticket(session, company_id)
    ticket.ticket_first_response_at = LONG_AGO

    resolve(session, company_id, ticket.ticket_id)

    assert stored(session, ticket.ticket_id).ticket_first_response_at == LONG_AGO


def test_resolving_needs_the_tickets_own_client(session: Session, company_id: int) -> None:
    client_id = itflow_client(session, company_id).client_id
    ticket_id = itflow_ticket(session, company_id, client_id).ticket_id

    with pytest.raises(OperationFailed, match="does not belong"):
        resolve(session, company_id, ticket_id, client_id=0)
    assert stored(session, ticket_id).ticket_status == STATUS_NEW

    resolve(session, company_id, ticket_id, client_id=client_id)
    assert stored(session, ticket_id).ticket_status == STATUS_RESOLVED


def test_a_reply_with_a_status_moves_the_ticket(session: Session, company_id: int) -> None:
    ticket_id = itflow_ticket(session, company_id).ticket_id

    reply(session, company_id, ticket_id, status=STATUS_ON_HOLD)

    ticket = stored(session, ticket_id)
    assert ticket.ticket_status == STATUS_ON_HOLD
    assert ticket.ticket_updated_at is not None
    assert ticket.ticket_resolved_at is None


def test_a_reply_that_reopens_a_resolved_ticket_lets_it_be_resolved_again(session: Session, company_id: int) -> None:
    ticket_id = itflow_ticket(session, company_id).ticket_id
    resolve(session, company_id, ticket_id)

    reply(session, company_id, ticket_id, status=STATUS_OPEN)

    reopened = stored(session, ticket_id)
    assert (reopened.ticket_status, reopened.ticket_resolved_at) == (STATUS_OPEN, None)
    assert resolve(session, company_id, ticket_id) == 1
    assert stored(session, ticket_id).ticket_status == STATUS_RESOLVED


def test_a_reply_that_closes_a_resolved_ticket_keeps_its_resolution_time(session: Session, company_id: int) -> None:
    ticket = itflow_ticket(session, company_id)
    ticket.ticket_status, ticket.ticket_resolved_at = STATUS_RESOLVED, LONG_AGO

    reply(session, company_id, ticket.ticket_id, status=STATUS_CLOSED)

    closed = stored(session, ticket.ticket_id)
    assert (closed.ticket_status, closed.ticket_resolved_at) == (STATUS_CLOSED, LONG_AGO)


def test_a_reply_with_a_status_the_company_lacks_is_refused_and_changes_nothing(
    session: Session, company_id: int
) -> None:
    ticket_id = itflow_ticket(session, company_id).ticket_id

    with pytest.raises(InvalidInput) as refused:
        reply(session, company_id, ticket_id, status=99)

    assert refused.value.field == "ticket_status"
    ticket = stored(session, ticket_id)
    assert (ticket.ticket_status, ticket.ticket_updated_at) == (STATUS_NEW, None)
    assert session.scalars(select(models.TicketReply).where(models.TicketReply.company_id == company_id)).all() == []


def test_only_a_public_reply_is_a_first_response_and_only_the_first_counts(session: Session, company_id: int) -> None:
    ticket_id = itflow_ticket(session, company_id).ticket_id

    reply(session, company_id, ticket_id, reply_type="Internal")
    assert stored(session, ticket_id).ticket_first_response_at is None

    reply(session, company_id, ticket_id, reply_type="Public")
    first = stored(session, ticket_id).ticket_first_response_at
    assert first is not None

    stored(session, ticket_id).ticket_first_response_at = LONG_AGO
    reply(session, company_id, ticket_id, reply_type="Public")
    assert stored(session, ticket_id).ticket_first_response_at == LONG_AGO


def test_move_to_status_stamps_a_resolution_once_and_clears_it_on_reopening() -> None:
    ticket = models.Ticket(ticket_status=STATUS_NEW, ticket_resolved_at=None, ticket_updated_at=None)

    move_to_status(ticket, STATUS_RESOLVED)
    assert ticket.ticket_resolved_at is not None and ticket.ticket_updated_at is not None

    ticket.ticket_resolved_at = ticket.ticket_updated_at = LONG_AGO
    move_to_status(ticket, STATUS_RESOLVED)  # already there: nothing changes, not even the update time
    assert (ticket.ticket_resolved_at, ticket.ticket_updated_at) == (LONG_AGO, LONG_AGO)

    move_to_status(ticket, STATUS_CLOSED)
    assert status_and_resolution(ticket) == (STATUS_CLOSED, LONG_AGO)

    move_to_status(ticket, STATUS_ON_HOLD)
    assert status_and_resolution(ticket) == (STATUS_ON_HOLD, None)


def test_ticket_numbers_follow_each_other_per_company(session: Session, migrated: MigratedDatabase) -> None:
    first_company, second_company = (itflow_company(session, migrated.secret) for _ in range(2))

    assert next_ticket_number(session, first_company) == ("TCK-", 1)
    assert next_ticket_number(session, first_company) == ("TCK-", 2)
    assert next_ticket_number(session, second_company) == ("TCK-", 1)

    without_itflow = new_company(session).id
    with pytest.raises(OperationFailed):
        next_ticket_number(session, without_itflow)


def test_a_new_tickets_contact_is_its_clients_primary_one(session: Session, company_id: int) -> None:
    client_id = itflow_client(session, company_id).client_id
    other_client = itflow_client(session, company_id, "Other Corp").client_id
    assert primary_contact(session, company_id, client_id) == 0

    contacts = [
        models.Contact(company_id=company_id, contact_client_id=client_id, contact_name="Ana", contact_primary=0),
        models.Contact(company_id=company_id, contact_client_id=client_id, contact_name="Ion", contact_primary=1),
        models.Contact(company_id=company_id, contact_client_id=other_client, contact_name="Eva", contact_primary=1),
    ]
    session.add_all(contacts)
    session.flush()

    assert primary_contact(session, company_id, client_id) == contacts[1].contact_id
    assert primary_contact(session, company_id, other_client) == contacts[2].contact_id
