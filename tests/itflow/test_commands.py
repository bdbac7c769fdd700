"""The ITFlow services take the caller's Scope and a command in column terms: called here without HTTP, as
the console calls them, and the adapter's parse step that builds the commands from a request."""

from __future__ import annotations

import pytest

from flowsuite.core.audit import Caller
from flowsuite.core.errors import InvalidInput
from flowsuite.itflow.commands import DecryptMaterial, Page, RecordQuery, RecordWrite
from flowsuite.itflow.context import Author, KeyContext, Scope
from flowsuite.itflow.errors import OperationFailed, Refused, SecretMissing
from flowsuite.itflow.keys import authenticate
from flowsuite.itflow.params import Params
from flowsuite.itflow.parse import read_query, write_command
from flowsuite.itflow.services.credentials import credentials
from flowsuite.itflow.services.ticket_replies import ticket_replies
from flowsuite.itflow.services.tickets import tickets
from tests.conftest import LiveServer
from tests.itflow.factories import Tenant

BY_TICKET_ID = tickets.read_filters[0]


def test_a_ticket_and_a_public_reply_through_the_services(server: LiveServer, tenant: Tenant) -> None:
    client = tenant.client()
    scope = Scope(tenant.company_id)
    with server.db.transaction(write=True) as session:
        ticket_id = tickets.create(session, scope, RecordWrite(client_id=client, values={"ticket_subject": "Printer"}))
        reply = RecordWrite(
            values={"ticket_reply_ticket_id": ticket_id, "ticket_reply": "On it", "ticket_reply_type": "Public"},
            ticket_status=2,
        )
        ticket_replies.create(session, scope, reply)
    with server.db.reading() as connection:
        [ticket] = tickets.read(connection, scope, RecordQuery(BY_TICKET_ID, ticket_id))
    assert (ticket["ticket_subject"], ticket["ticket_status"], ticket["ticket_source"]) == ("Printer", "2", "API")
    assert ticket["ticket_first_response_at"] is not None and ticket["ticket_status_name"] == "Open"


def test_a_scope_limited_to_one_client_sees_and_writes_only_its_own(server: LiveServer, tenant: Tenant) -> None:
    ours, theirs = tenant.client("Ours"), tenant.client("Theirs")
    with server.db.transaction(write=True) as session:
        theirs_ticket = tickets.create(
            session, Scope(tenant.company_id), RecordWrite(client_id=theirs, values={"ticket_subject": "Theirs"})
        )
        # A limited scope writes for its own client whatever client the command names.
        ours_ticket = tickets.create(
            session, Scope(tenant.company_id, ours), RecordWrite(client_id=theirs, values={"ticket_subject": "Ours"})
        )
    limited = Scope(tenant.company_id, ours)
    with server.db.reading() as connection:
        rows = tickets.read(connection, limited, RecordQuery(page=Page(50, 0)))
        assert [row["ticket_id"] for row in rows] == [str(ours_ticket)]
        assert tickets.read(connection, limited, RecordQuery(BY_TICKET_ID, theirs_ticket)) == []
        assert tickets.read(connection, limited, RecordQuery(client_id=theirs)) == []
    with server.db.transaction(write=True) as session, pytest.raises(OperationFailed):
        tickets.resolve(session, limited, RecordWrite(record_id=theirs_ticket))


def test_credentials_open_the_data_key_with_the_material_the_command_brings(server: LiveServer, tenant: Tenant) -> None:
    client = tenant.client()
    with server.db.reading() as connection:
        key = authenticate(connection, server.secret, tenant.api_key, Caller())
    assert key is not None
    values = {"credential_name": "Router", "credential_username": " admin ", "credential_password": "pw"}
    for material, refusal in (
        (None, SecretMissing),
        (DecryptMaterial(key.sealed_data_key, ""), SecretMissing),
        (DecryptMaterial(key.sealed_data_key, "not the password"), Refused),
    ):
        with server.db.transaction(write=True) as session, pytest.raises(refusal):
            credentials.create(session, key.scope, RecordWrite(client_id=client, values=values, decrypt=material))
    material = DecryptMaterial(key.sealed_data_key, tenant.decrypt_password)
    with server.db.transaction(write=True) as session:
        record_id = credentials.create(
            session, key.scope, RecordWrite(client_id=client, values=values, decrypt=material)
        )
    with server.db.reading() as connection:
        query = RecordQuery(credentials.read_filters[0], record_id, decrypt=material)
        [row] = credentials.read(connection, key.scope, query)
    assert (row["credential_username"], row["credential_password"]) == (" admin ", "pw")


def _key(client_id: int | None = None) -> KeyContext:
    return KeyContext(Scope(1, client_id), Author(7, "key", Caller()), "sealed")


def test_parse_reads_a_write_into_a_command() -> None:
    body = {"ticket_id": "5", "ticket_reply": " <b>x</b> ", "ticket_reply_type": "public", "ticket_status": "2"}
    command = write_command(ticket_replies, "create", Params({"client_id": "3"}, body, prefer_body=True), _key())
    assert command == RecordWrite(
        client_id=3,
        values={"ticket_reply_ticket_id": 5, "ticket_reply": " <b>x</b> ", "ticket_reply_type": "Public"},
        ticket_status=2,
        reply_by=7,
    )
    # A key limited to one client writes for it whatever it sends: a malformed client_id is not read.
    scoped = write_command(tickets, "update", Params({}, {"ticket_id": 9, "client_id": "x"}, prefer_body=True), _key(3))
    assert (scoped.record_id, scoped.client_id, scoped.values) == (9, None, {})


def test_parse_names_the_first_malformed_value_as_the_original_checks_them() -> None:
    body = {"credential_username": "u" * 351, "credential_name": ["not text"], "api_key_decrypt_password": "pw"}
    with pytest.raises(InvalidInput) as raised:
        write_command(credentials, "create", Params({}, body, prefer_body=True), _key())
    assert raised.value.message == "credential_username is too long to store."
    query = read_query(
        ticket_replies, Params({"ticket_id": "4", "type": "CLIENT"}, {}, prefer_body=False), Page(10, 0), _key()
    )
    assert query == RecordQuery(ticket_replies.read_filters[1], 4, None, Page(10, 0), "Client", False, None)
    with pytest.raises(InvalidInput) as raised:
        read_query(tickets, Params({"ticket_id": "x"}, {}, prefer_body=False), Page(10, 0), _key())
    assert raised.value.message == "ticket_id must be a whole number."
