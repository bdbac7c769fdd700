"""ITFlowClient against the live server: every module and function, typed rows, paging, errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from flowsuite.itflow import models
from flowsuite.itflow.endpoints import OPERATIONS
from flowsuite_client import (
    AsyncITFlowClient,
    AuthenticationFailed,
    ClientEmail,
    ITFlowClient,
    ITFlowError,
    PhonebookEntry,
    UnexpectedResponse,
)
from flowsuite_client.itflow_rows import Asset, Client, Ticket, TicketReply
from tests.conftest import LiveServer
from tests.itflow.factories import Tenant

UPDATE_FAILED = "Auth success but update query failed/returned no results."
CREATE_FAILED = "Auth success but insert query failed,"

# module: (fields of a create, fields of an update, a read filter that finds the record by the update)
RECORDS: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    "assets": (
        {"asset_name": "PC-01", "asset_type": "Laptop", "asset_purchase_date": dt.date(2024, 1, 2), "asset_mac": "aa"},
        {"asset_name": "PC-02", "asset_serial": "SN-2"},
        "asset_serial",
    ),
    "certificates": (
        {"certificate_name": "www", "certificate_domain": "example.com", "certificate_expire": dt.date(2027, 1, 1)},
        {"certificate_name": "www2"},
        "certificate_name",
    ),
    "contacts": (
        {"contact_name": "Jane Doe", "contact_email": "jane@example.com", "contact_phone": "+1 (212) 555-0110"},
        {"contact_email": "janet@example.com"},
        "contact_email",
    ),
    "domains": ({"domain_name": "example.com"}, {"domain_name": "example.org"}, "domain_name"),
    "networks": ({"network_name": "LAN", "network": "10.0.0.0/24"}, {"network_name": "WAN"}, "network_name"),
    "software": ({"software_name": "Office", "software_type": "SaaS"}, {"software_key": "K-1"}, "software_key"),
    "tickets": ({"ticket_subject": "Printer"}, {"ticket_subject": "Printer offline"}, "ticket_id"),
    "credentials": (
        {"credential_name": "Router", "credential_password": "s3cret", "credential_username": "admin"},
        {"credential_password": "n3w"},
        "credential_id",
    ),
}


MODELS: dict[str, type[Any]] = {
    "clients": models.Client,
    "contacts": models.Contact,
    "credentials": models.Credential,
    "tickets": models.Ticket,
    "ticket_replies": models.TicketReply,
    "assets": models.Asset,
    "certificates": models.Certificate,
    "domains": models.Domain,
    "networks": models.Network,
    "software": models.Software,
}


def functions(client_type: type[Any], module: str) -> set[str]:
    """The public functions of one module attribute of a client class."""
    face = client_type.__dict__[module].make(None, None)
    return {name for name in dir(face) if not name.startswith("_")}


@pytest.mark.parametrize("client_type", [ITFlowClient, AsyncITFlowClient])
def test_every_endpoint_of_the_server_has_a_method(client_type: type[Any]) -> None:
    offered = {(module, name) for module in MODELS for name in functions(client_type, module)}
    missing = {(e.module, e.function) for e in OPERATIONS} - offered
    assert not missing
    # And each module has the paging helper and the lookup by id.
    assert {("assets", "iter"), ("assets", "get"), ("ticket_replies", "iter")} <= offered


@pytest.mark.parametrize("module", sorted(RECORDS))
def test_create_get_read_update_delete(itflow: ITFlowClient, module: str) -> None:
    fields, changes, found_by = RECORDS[module]
    client_id = itflow.clients.create(client_name=f"Client of {module}")
    records = getattr(itflow, module)
    record_id = records.create(client_id=client_id, **fields)
    assert isinstance(record_id, int)

    row = records.get(record_id)
    assert row is not None
    pk = next(iter(row))
    assert row[pk] == record_id
    assert records.update(record_id, client_id=client_id, **changes) == 1
    value = record_id if found_by.endswith("_id") else changes[found_by]
    (found,) = records.read(**{found_by: value})
    assert found[pk] == record_id
    assert all(found[name] == changes[name] for name in changes if name in found)

    assert records.delete(record_id, client_id=client_id) == 1
    assert records.get(record_id) is None
    assert records.read(**{found_by: value}) == []


def test_rows_come_typed(itflow: ITFlowClient) -> None:
    client_id = itflow.clients.create(client_name="Acme", client_rate=Decimal("95.5"), client_is_lead=True)
    asset_id = itflow.assets.create(
        client_id=client_id, asset_name="PC-01", asset_purchase_date=dt.date(2024, 1, 2), asset_ip="10.0.0.5"
    )
    (client,) = itflow.clients.read(client_name="Acme")
    assert client["client_id"] == client_id
    assert client["client_rate"] == Decimal("95.50")
    assert client["client_lead"] == 1
    assert isinstance(client["client_created_at"], dt.datetime)
    assert client["client_archived_at"] is None
    (asset,) = itflow.assets.read()
    assert asset["asset_id"] == asset_id
    assert asset["asset_purchase_date"] == dt.date(2024, 1, 2)
    assert asset.get("interface_ip") == "10.0.0.5"
    assert asset.get("interface_primary") == 1


def test_row_types_declare_exactly_the_columns_the_server_sends(itflow: ITFlowClient) -> None:
    client_id = itflow.clients.create(client_name="Acme")
    asset_id = itflow.assets.create(client_id=client_id, asset_name="PC-01")
    ticket_id = itflow.tickets.create(client_id=client_id, ticket_subject="Printer")
    itflow.ticket_replies.create(ticket_id=ticket_id, ticket_reply="On it", client_id=client_id)

    def keys(row_type: Any, optional: bool) -> set[str]:
        return set(row_type.__required_keys__) | (set(row_type.__optional_keys__) if optional else set())

    assert set(itflow.clients.read()[0]) == keys(Client, False)
    assert set(itflow.assets.read()[0]) == keys(Asset, True)
    assert set(itflow.assets.read(asset_id=asset_id)[0]) == keys(Asset, False)
    assert set(itflow.tickets.read()[0]) == keys(Ticket, False)
    assert set(itflow.tickets.read(ticket_id=ticket_id)[0]) == keys(Ticket, True)
    assert set(itflow.ticket_replies.read()[0]) == keys(TicketReply, False)
    for module in ("assets", "certificates", "contacts", "credentials", "domains", "networks", "software"):
        fields = RECORDS[module][0]
        getattr(itflow, module).create(client_id=client_id, **fields)
        (row,) = getattr(itflow, module).read(limit=1, offset=1 if module == "assets" else 0)
        columns = {c.name for c in MODELS[module].__table__.c} - {"company_id"}
        assert set(row) - {k for k in row if k.startswith("interface_")} == columns


def test_archive_and_unarchive(itflow: ITFlowClient) -> None:
    client_id = itflow.clients.create(client_name="Acme")
    contact_id = itflow.contacts.create(client_id=client_id, contact_name="Jane", contact_email="jane@example.com")
    assert itflow.clients.archive(client_id) == 1
    assert itflow.contacts.archive(contact_id, client_id=client_id) == 1
    archived = itflow.clients.get(client_id)
    assert archived is not None and isinstance(archived["client_archived_at"], dt.datetime)
    with pytest.raises(ITFlowError, match=UPDATE_FAILED):
        itflow.clients.archive(client_id)
    assert itflow.clients.unarchive(client_id) == 1
    assert itflow.contacts.unarchive(contact_id, client_id=client_id) == 1
    contact = itflow.contacts.get(contact_id)
    assert contact is not None and contact["contact_archived_at"] is None


def test_resolve_a_ticket_and_reply_to_it(itflow: ITFlowClient) -> None:
    client_id = itflow.clients.create(client_name="Acme")
    ticket_id = itflow.tickets.create(client_id=client_id, ticket_subject="Printer", ticket_priority="High")
    reply_id = itflow.ticket_replies.create(
        ticket_id=ticket_id,
        ticket_reply="Replaced the toner",
        ticket_reply_type="Public",
        ticket_reply_time_worked=dt.timedelta(minutes=15),
        client_id=client_id,
    )
    public = itflow.ticket_replies.create(ticket_id=ticket_id, ticket_reply="Internal note", client_id=client_id)
    (reply,) = itflow.ticket_replies.read(ticket_reply_id=reply_id)
    assert reply["ticket_reply_time_worked"] == dt.timedelta(minutes=15)
    assert reply["ticket_reply_ticket_id"] == ticket_id
    assert [r["ticket_reply_id"] for r in itflow.ticket_replies.read(ticket_id=ticket_id)] == [reply_id, public]
    assert [r["ticket_reply_id"] for r in itflow.ticket_replies.read(ticket_id=ticket_id, type="public")] == [reply_id]
    assert itflow.ticket_replies.get(public) is not None

    assert itflow.tickets.resolve(ticket_id, client_id=client_id) == 1
    ticket = itflow.tickets.get(ticket_id)
    assert ticket is not None and ticket["ticket_status"] == 4 and ticket.get("ticket_status_name") == "Resolved"
    with pytest.raises(ITFlowError, match=UPDATE_FAILED) as refused:
        itflow.tickets.resolve(ticket_id, client_id=client_id)
    assert refused.value.reason is not None and "already resolved" in refused.value.reason


def test_iter_pages_until_the_server_has_no_more(itflow: ITFlowClient, tenant: Tenant) -> None:
    client_id = itflow.clients.create(client_name="Acme")
    made = [tenant.add(models.Domain, domain_name=f"d{n}.example", domain_client_id=client_id) for n in range(7)]
    assert [d["domain_id"] for d in itflow.domains.iter(page_size=3)] == made
    assert [d["domain_id"] for d in itflow.domains.iter(page_size=7)] == made
    assert [d["domain_id"] for d in itflow.domains.iter(page_size=3, domain_id=made[4])] == [made[4]]
    assert list(itflow.domains.iter(domain_name="nothing.example")) == []
    assert [d["domain_id"] for d in itflow.domains.read(limit=2, offset=5)] == made[5:]


def test_client_id_narrows_a_read(itflow: ITFlowClient) -> None:
    first, second = itflow.clients.create(client_name="A"), itflow.clients.create(client_name="B")
    mine = itflow.networks.create(client_id=first, network_name="LAN", network="10.0.0.0/24")
    itflow.networks.create(client_id=second, network_name="LAN", network="10.0.1.0/24")
    assert [n["network_id"] for n in itflow.networks.read(client_id=first)] == [mine]


def test_credentials_are_decrypted_with_the_decrypt_password(
    server: LiveServer, itflow: ITFlowClient, tenant: Tenant
) -> None:
    credential_id = itflow.credentials.create(credential_name="Router", credential_password="s3cret")
    credential = itflow.credentials.get(credential_id)
    assert credential is not None
    assert (credential["credential_password"], credential["credential_client_id"]) == ("s3cret", 0)
    with ITFlowClient(server.base_url, tenant.api_key) as without_password:
        with pytest.raises(ValueError, match="decrypt password"):
            without_password.credentials.read()
        assert without_password.clients.read() == []
    with ITFlowClient(server.base_url, tenant.api_key, "wrong") as wrong, pytest.raises(ITFlowError) as refused:
        wrong.credentials.read()
    assert "decrypt password" in refused.value.message


def test_a_failed_write_carries_itflows_message_and_the_reason(itflow: ITFlowClient) -> None:
    with pytest.raises(ITFlowError, match=CREATE_FAILED) as refused:
        itflow.assets.create(asset_name="No client")
    assert refused.value.status_code == 200
    assert refused.value.message.startswith(CREATE_FAILED)
    with pytest.raises(ITFlowError, match="asset_purchase_date") as malformed:
        itflow.assets.create(client_id=1, asset_name="PC", asset_purchase_date="02/01/2024")
    assert malformed.value.status_code == 400


def test_unknown_filters_are_refused_before_sending(itflow: ITFlowClient) -> None:
    with pytest.raises(TypeError, match="asset_colour"):
        itflow.assets.read(asset_colour="red")


def test_a_bad_key_raises_authentication_failed(server: LiveServer) -> None:
    with ITFlowClient(server.base_url, "not-a-key") as client, pytest.raises(AuthenticationFailed) as refused:
        client.clients.read()
    assert refused.value.message == "Authentication failed. API key is invalid or has expired."
    with ITFlowClient(server.base_url, "not-a-key") as client, pytest.raises(AuthenticationFailed) as legacy:
        client.legacy.client_emails()
    assert legacy.value.message == "Incorrect or expired API Key."
    with pytest.raises(ValueError):
        ITFlowClient(server.base_url, "")


def test_a_wrong_base_url_says_so(server: LiveServer, tenant: Tenant) -> None:
    with ITFlowClient(f"{server.base_url}/itflow", tenant.api_key) as client:
        with pytest.raises(UnexpectedResponse, match="not an ITFlow answer") as wrong:
            client.clients.read()
        assert wrong.value.status_code == 404


def test_legacy_api_php(itflow: ITFlowClient, tenant: Tenant) -> None:
    client_id = itflow.clients.create(client_name="Acme & Sons")
    itflow.contacts.create(
        client_id=client_id,
        contact_name="Jane Doe",
        contact_email="jane@example.com",
        contact_phone="1-212-555-0110",
        contact_primary=True,
    )
    assert itflow.legacy.caller_id("+1 (212) 555-0110") == "Jane Doe"
    assert itflow.legacy.caller_id("999") is None
    assert itflow.legacy.phonebook() == [PhonebookEntry("Jane Doe", "12125550110", 0)]
    assert itflow.legacy.client_emails() == [ClientEmail("Acme & Sons", "Jane Doe", "jane@example.com")]

    today = dt.date.today()
    invoice_id = tenant.add(
        models.Invoice,
        invoice_prefix="INV-",
        invoice_number=1,
        invoice_status="Sent",
        invoice_date=today,
        invoice_due=today,
        invoice_amount=600,
        invoice_currency_code="USD",
        invoice_client_id=client_id,
    )
    tenant.add(
        models.Payment,
        payment_date=today,
        payment_amount=124.5,
        payment_currency_code="USD",
        payment_invoice_id=invoice_id,
    )
    assert itflow.legacy.balance(client_id) == Decimal("475.5")
    with pytest.raises(ITFlowError):
        itflow.legacy.balance(client_id + 1000)

    assert itflow.legacy.add_asset(client_id, "PC-07", type="Desktop", make="Dell", serial="SN-7") is None
    (asset,) = itflow.assets.read(asset_serial="SN-7")
    assert (asset["asset_name"], asset["asset_type"], asset["asset_make"]) == ("PC-07", "Desktop", "Dell")
