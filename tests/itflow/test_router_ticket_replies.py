"""ticket_replies/*.php at the HTTP level: columns, filters, type, archived, status moves, time worked, scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from sqlalchemy import func, select

from flowsuite.itflow import models
from flowsuite.tenancy.models import ApiCredential
from tests.itflow.factories import Tenant
from tests.itflow.wire import CREATE_FAILED, NO_RESOURCE, check_guards, created, failed, get, rows
from tests.itflow.wire import post as send

REPLY_COLUMNS = [
    "ticket_reply_id",
    "ticket_reply",
    "ticket_reply_type",
    "ticket_reply_time_worked",
    "ticket_reply_created_at",
    "ticket_reply_updated_at",
    "ticket_reply_archived_at",
    "ticket_reply_by",
    "ticket_reply_ticket_id",
    "ticket_prefix",
    "ticket_number",
    "ticket_subject",
    "ticket_client_id",
    "ticket_reply_by_name",
]


def new_ticket(http: httpx.Client, tenant: Tenant, client_id: int = 0, subject: str = "Printer") -> int:
    reply = send(http, "tickets/create", tenant.api_key, client_id=client_id, ticket_subject=subject)
    return created(reply)


def new_reply(http: httpx.Client, api_key: str, ticket_id: int, text: str = "On it", **fields: Any) -> int:
    return created(send(http, "ticket_replies/create", api_key, ticket_id=ticket_id, ticket_reply=text, **fields))


def read_reply(http: httpx.Client, api_key: str, reply_id: int) -> dict[str, Any]:
    (row,) = rows(get(http, "ticket_replies/read", api_key, ticket_reply_id=reply_id))
    return row


def read_ticket(http: httpx.Client, api_key: str, ticket_id: int) -> dict[str, Any]:
    (row,) = rows(get(http, "tickets/read", api_key, ticket_id=ticket_id))
    return row


def ids(reply: httpx.Response) -> list[int]:
    return [int(row["ticket_reply_id"]) for row in rows(reply)]


def key_id(tenant: Tenant, name: str) -> int:
    """The credential id of the tenant's key called `name` (what ticket_reply_by holds)."""
    with tenant.server.db.transaction() as session:
        found = session.scalar(
            select(ApiCredential.id).where(ApiCredential.company_id == tenant.company_id, ApiCredential.name == name)
        )
        assert found is not None
        return found


def reply_count(tenant: Tenant) -> int:
    with tenant.server.db.transaction() as session:
        count = session.scalar(select(func.count()).where(models.TicketReply.company_id == tenant.company_id))
        return int(count or 0)


# ---- create and read one -------------------------------------------------------------------------


def test_create_then_read_shows_the_reply_its_ticket_and_its_author(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    ticket_id = new_ticket(http, tenant, client_id, "Printer on fire")
    reply_id = new_reply(
        http, tenant.api_key, ticket_id, "<p>Looking <i>now</i></p>\n", ticket_reply_time_worked="0:15:00"
    )
    row = read_reply(http, tenant.api_key, reply_id)
    assert list(row) == REPLY_COLUMNS
    assert len(row["ticket_reply_created_at"]) == 19
    assert {k: v for k, v in row.items() if k != "ticket_reply_created_at"} == {
        "ticket_reply_id": str(reply_id),
        "ticket_reply": "<p>Looking <i>now</i></p>\n",
        "ticket_reply_type": "Internal",
        "ticket_reply_time_worked": "00:15:00",
        "ticket_reply_updated_at": None,
        "ticket_reply_archived_at": None,
        "ticket_reply_by": str(key_id(tenant, "all clients")),
        "ticket_reply_ticket_id": str(ticket_id),
        "ticket_prefix": "TCK-",
        "ticket_number": "1",
        "ticket_subject": "Printer on fire",
        "ticket_client_id": str(client_id),
        "ticket_reply_by_name": "all clients",
    }
    # An internal reply is not a response to the client.
    assert read_ticket(http, tenant.api_key, ticket_id)["ticket_first_response_at"] is None


def test_the_author_is_the_key_that_wrote_the_reply(http: httpx.Client, tenant: Tenant) -> None:
    ticket_id = new_ticket(http, tenant)
    second_key, _ = tenant.key()
    row = read_reply(http, tenant.api_key, new_reply(http, second_key, ticket_id))
    assert row["ticket_reply_by_name"].startswith("key-")
    assert row["ticket_reply_by"] == str(key_id(tenant, row["ticket_reply_by_name"]))


def test_time_worked_defaults_to_zero_and_must_be_h_mm_ss(http: httpx.Client, tenant: Tenant) -> None:
    ticket_id = new_ticket(http, tenant)
    assert read_reply(http, tenant.api_key, new_reply(http, tenant.api_key, ticket_id))["ticket_reply_time_worked"] == (
        "00:00:00"
    )
    reply_id = new_reply(http, tenant.api_key, ticket_id, ticket_reply_time_worked="023:59:59")
    assert read_reply(http, tenant.api_key, reply_id)["ticket_reply_time_worked"] == "23:59:59"
    for bad in ("1:5:00", "01:60:00", "1h30", "", "1000:00:00", "12:00"):
        reply = send(
            http,
            "ticket_replies/create",
            tenant.api_key,
            ticket_id=ticket_id,
            ticket_reply="x",
            ticket_reply_time_worked=bad,
        )
        failed(reply, "ticket_reply_time_worked must be a duration as H:MM:SS.", 400)
    reply = send(
        http,
        "ticket_replies/create",
        tenant.api_key,
        ticket_id=ticket_id,
        ticket_reply="x",
        ticket_reply_time_worked="24:00:00",
    )
    failed(reply, "ticket_reply_time_worked must be below 24:00:00.", 400)
    assert reply_count(tenant) == 2


def test_the_type_is_internal_or_public_whatever_the_case(http: httpx.Client, tenant: Tenant) -> None:
    ticket_id = new_ticket(http, tenant)
    public = new_reply(http, tenant.api_key, ticket_id, ticket_reply_type="PUBLIC")
    internal = new_reply(http, tenant.api_key, ticket_id, ticket_reply_type="internal")
    assert read_reply(http, tenant.api_key, public)["ticket_reply_type"] == "Public"
    assert read_reply(http, tenant.api_key, internal)["ticket_reply_type"] == "Internal"
    reply = send(
        http, "ticket_replies/create", tenant.api_key, ticket_id=ticket_id, ticket_reply="x", ticket_reply_type="Client"
    )
    failed(reply, "ticket_reply_type must be Internal or Public.", 400)
    assert reply_count(tenant) == 2


def test_a_public_reply_stamps_the_first_response_once(http: httpx.Client, tenant: Tenant) -> None:
    ticket_id = new_ticket(http, tenant)
    with tenant.server.db.transaction(write=True) as session:
        ticket = session.get(models.Ticket, ticket_id)
        assert ticket is not None
        ticket.ticket_first_response_at = None
    new_reply(http, tenant.api_key, ticket_id, ticket_reply_type="Public")
    first = read_ticket(http, tenant.api_key, ticket_id)["ticket_first_response_at"]
    assert first is not None and len(first) == 19
    with tenant.server.db.transaction(write=True) as session:
        ticket = session.get(models.Ticket, ticket_id)
        assert ticket is not None
        ticket.ticket_first_response_at = dt.datetime(2020, 1, 2, 3, 4, 5)
    new_reply(http, tenant.api_key, ticket_id, ticket_reply_type="Public")
    assert read_ticket(http, tenant.api_key, ticket_id)["ticket_first_response_at"] == "2020-01-02 03:04:05"


def test_a_reply_needs_its_ticket_and_text(http: httpx.Client, tenant: Tenant) -> None:
    ticket_id = new_ticket(http, tenant)
    failed(send(http, "ticket_replies/create", tenant.api_key, ticket_id=ticket_id), CREATE_FAILED)
    failed(send(http, "ticket_replies/create", tenant.api_key, ticket_id=ticket_id, ticket_reply=""), CREATE_FAILED)
    failed(send(http, "ticket_replies/create", tenant.api_key, ticket_reply="x"), CREATE_FAILED)
    failed(
        send(http, "ticket_replies/create", tenant.api_key, ticket_id=ticket_id + 99, ticket_reply="x"), CREATE_FAILED
    )
    failed(
        send(http, "ticket_replies/create", tenant.api_key, ticket_id="seven", ticket_reply="x"),
        "ticket_id must be a whole number.",
        400,
    )
    assert reply_count(tenant) == 0


# ---- status moves --------------------------------------------------------------------------------


def test_a_reply_may_move_the_ticket_and_resolving_stamps_the_time(http: httpx.Client, tenant: Tenant) -> None:
    ticket_id = new_ticket(http, tenant)
    new_reply(http, tenant.api_key, ticket_id, ticket_status=2)
    row = read_ticket(http, tenant.api_key, ticket_id)
    assert (row["ticket_status"], row["ticket_status_name"], row["ticket_resolved_at"]) == ("2", "Open", None)
    assert row["ticket_updated_at"] is not None
    new_reply(http, tenant.api_key, ticket_id, ticket_status="4")
    row = read_ticket(http, tenant.api_key, ticket_id)
    assert row["ticket_status"] == "4" and row["ticket_resolved_at"] is not None
    # Closing keeps the resolution time; reopening clears it, so the ticket can be resolved again.
    new_reply(http, tenant.api_key, ticket_id, ticket_status=5)
    assert read_ticket(http, tenant.api_key, ticket_id)["ticket_resolved_at"] == row["ticket_resolved_at"]
    new_reply(http, tenant.api_key, ticket_id, ticket_status=2)
    assert read_ticket(http, tenant.api_key, ticket_id)["ticket_resolved_at"] is None
    assert send(http, "tickets/resolve", tenant.api_key, ticket_id=ticket_id).json() == {"success": "True", "count": 1}
    # Status 0 or none leaves the ticket as it is.
    new_reply(http, tenant.api_key, ticket_id, ticket_status=0)
    assert read_ticket(http, tenant.api_key, ticket_id)["ticket_status"] == "4"


def test_an_unknown_status_is_400_and_nothing_is_written(http: httpx.Client, tenant: Tenant) -> None:
    ticket_id = new_ticket(http, tenant)
    reply = send(http, "ticket_replies/create", tenant.api_key, ticket_id=ticket_id, ticket_reply="x", ticket_status=9)
    failed(reply, "ticket_status 9 is not a ticket status of this company.", 400)
    reply = send(
        http, "ticket_replies/create", tenant.api_key, ticket_id=ticket_id, ticket_reply="x", ticket_status="open"
    )
    failed(reply, "ticket_status must be a whole number.", 400)
    assert read_ticket(http, tenant.api_key, ticket_id)["ticket_status"] == "1"
    assert reply_count(tenant) == 0


# ---- read filters --------------------------------------------------------------------------------


def test_read_by_ticket_or_all_ordered_and_paged(http: httpx.Client, tenant: Tenant) -> None:
    first_ticket, second_ticket = new_ticket(http, tenant), new_ticket(http, tenant)
    a = new_reply(http, tenant.api_key, first_ticket, "a")
    b = new_reply(http, tenant.api_key, second_ticket, "b")
    c = new_reply(http, tenant.api_key, first_ticket, "c")
    d = new_reply(http, tenant.api_key, first_ticket, "d")
    assert ids(get(http, "ticket_replies/read", tenant.api_key, ticket_id=first_ticket)) == [a, c, d]
    assert ids(get(http, "ticket_replies/read", tenant.api_key, ticket_id=first_ticket, limit=2, offset=1)) == [c, d]
    assert ids(get(http, "ticket_replies/read", tenant.api_key)) == [a, b, c, d]
    assert ids(get(http, "ticket_replies/read", tenant.api_key, limit=1, offset=1)) == [b]
    # The reply id wins over the ticket id, and is not paged.
    assert ids(
        get(http, "ticket_replies/read", tenant.api_key, ticket_reply_id=b, ticket_id=first_ticket, offset=3)
    ) == [b]
    failed(get(http, "ticket_replies/read", tenant.api_key, ticket_reply_id=d + 1), NO_RESOURCE)
    failed(get(http, "ticket_replies/read", tenant.api_key, ticket_id=second_ticket + 1), NO_RESOURCE)


def test_read_by_type_and_archived_replies(http: httpx.Client, tenant: Tenant) -> None:
    ticket_id = new_ticket(http, tenant)
    internal = new_reply(http, tenant.api_key, ticket_id)
    public = new_reply(http, tenant.api_key, ticket_id, ticket_reply_type="Public")
    from_client = tenant.add(
        models.TicketReply, ticket_reply="Thanks", ticket_reply_type="Client", ticket_reply_ticket_id=ticket_id
    )
    archived = tenant.add(
        models.TicketReply,
        ticket_reply="Old",
        ticket_reply_type="Public",
        ticket_reply_ticket_id=ticket_id,
        ticket_reply_archived_at=dt.datetime(2020, 1, 1),
    )
    assert ids(get(http, "ticket_replies/read", tenant.api_key, ticket_id=ticket_id)) == [internal, public, from_client]
    assert ids(get(http, "ticket_replies/read", tenant.api_key, type="PUBLIC")) == [public]
    assert ids(get(http, "ticket_replies/read", tenant.api_key, type="internal")) == [internal]
    assert ids(get(http, "ticket_replies/read", tenant.api_key, type="Client")) == [from_client]
    # An unknown type is ignored.
    assert ids(get(http, "ticket_replies/read", tenant.api_key, type="sms")) == [internal, public, from_client]
    assert ids(get(http, "ticket_replies/read", tenant.api_key, include_archived=1)) == [
        internal,
        public,
        from_client,
        archived,
    ]
    assert ids(get(http, "ticket_replies/read", tenant.api_key, include_archived="0")) == [
        internal,
        public,
        from_client,
    ]
    assert ids(get(http, "ticket_replies/read", tenant.api_key, include_archived=1, type="public")) == [
        public,
        archived,
    ]
    failed(get(http, "ticket_replies/read", tenant.api_key, ticket_reply_id=archived), NO_RESOURCE)
    row = read_reply(http, tenant.api_key, from_client)
    assert (row["ticket_reply_by"], row["ticket_reply_by_name"], row["ticket_reply_time_worked"]) == ("0", None, None)


# ---- scope ---------------------------------------------------------------------------------------


def test_a_scoped_key_sees_and_answers_only_its_clients_tickets(http: httpx.Client, tenant: Tenant) -> None:
    mine, theirs = tenant.client("Mine"), tenant.client("Theirs")
    own_ticket, other_ticket, internal_ticket = (
        new_ticket(http, tenant, mine),
        new_ticket(http, tenant, theirs),
        new_ticket(http, tenant),
    )
    own = new_reply(http, tenant.api_key, own_ticket)
    other = new_reply(http, tenant.api_key, other_ticket)
    new_reply(http, tenant.api_key, internal_ticket)
    scoped_key, _ = tenant.key(client_id=mine)
    assert ids(get(http, "ticket_replies/read", scoped_key)) == [own]
    failed(get(http, "ticket_replies/read", scoped_key, ticket_reply_id=other), NO_RESOURCE)
    failed(get(http, "ticket_replies/read", scoped_key, ticket_id=other_ticket), NO_RESOURCE)
    failed(get(http, "ticket_replies/read", scoped_key, client_id=theirs), NO_RESOURCE)
    for ticket_id, client_id in ((other_ticket, theirs), (internal_ticket, 0)):
        reply = send(
            http,
            "ticket_replies/create",
            scoped_key,
            ticket_id=ticket_id,
            client_id=client_id,
            ticket_reply="x",
            ticket_status=4,
        )
        failed(reply, CREATE_FAILED)
        assert read_ticket(http, tenant.api_key, ticket_id)["ticket_status"] == "1"
    assert reply_count(tenant) == 3
    new_reply(http, scoped_key, own_ticket)
    assert len(ids(get(http, "ticket_replies/read", scoped_key, ticket_id=own_ticket))) == 2


def test_an_all_clients_key_must_name_the_tickets_client_if_it_names_one(http: httpx.Client, tenant: Tenant) -> None:
    a, b = tenant.client("A"), tenant.client("B")
    ticket_id = new_ticket(http, tenant, a)
    failed(
        send(http, "ticket_replies/create", tenant.api_key, ticket_id=ticket_id, client_id=b, ticket_reply="x"),
        CREATE_FAILED,
    )
    new_reply(http, tenant.api_key, ticket_id, client_id=a)
    new_reply(http, tenant.api_key, ticket_id, client_id=0)
    assert [r["ticket_client_id"] for r in rows(get(http, "ticket_replies/read", tenant.api_key, client_id=a))] == [
        str(a)
    ] * 2
    failed(get(http, "ticket_replies/read", tenant.api_key, client_id=b), NO_RESOURCE)


def test_every_endpoint_checks_method_and_key(http: httpx.Client, tenant: Tenant) -> None:
    for function, method in [("read", "GET"), ("create", "POST")]:
        check_guards(http, f"ticket_replies/{function}", method, tenant.api_key)
