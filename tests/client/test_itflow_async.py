"""AsyncITFlowClient against the live server: every module function and legacy call, as coroutines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from flowsuite.itflow import models
from flowsuite_client import AsyncITFlowClient, ClientEmail, ITFlowError, PhonebookEntry
from tests.conftest import LiveServer
from tests.itflow.factories import Tenant

pytestmark = pytest.mark.anyio


async def test_modules(server: LiveServer, tenant: Tenant) -> None:
    async with AsyncITFlowClient(server.base_url, tenant.api_key, tenant.decrypt_password) as itflow:
        client_id = await itflow.clients.create(client_name="Acme")
        assert [c["client_id"] for c in await itflow.clients.read(client_name="Acme")] == [client_id]
        assert await itflow.clients.update(client_id, client_notes="VIP") == 1
        assert await itflow.clients.archive(client_id) == 1
        assert await itflow.clients.unarchive(client_id) == 1

        contact_id = await itflow.contacts.create(client_id=client_id, contact_name="Jane", contact_email="j@x.test")
        assert await itflow.contacts.archive(contact_id, client_id=client_id) == 1
        assert await itflow.contacts.unarchive(contact_id, client_id=client_id) == 1
        contact = await itflow.contacts.get(contact_id)
        assert contact is not None and contact["contact_email"] == "j@x.test"

        for module in (itflow.domains, itflow.certificates, itflow.networks, itflow.software, itflow.assets):
            assert await module.read() == []
        domain_ids = [await itflow.domains.create(client_id=client_id, domain_name=f"d{n}.test") for n in range(5)]
        assert [d["domain_id"] async for d in itflow.domains.iter(page_size=2)] == domain_ids
        assert await itflow.domains.update(domain_ids[0], client_id=client_id, domain_expire=dt.date(2030, 1, 1)) == 1
        first = await itflow.domains.get(domain_ids[0])
        assert first is not None and first["domain_expire"] == dt.date(2030, 1, 1)
        assert await itflow.domains.delete(domain_ids[0], client_id=client_id) == 1

        certificate = await itflow.certificates.create(
            client_id=client_id, certificate_name="www", certificate_domain="x.test"
        )
        assert await itflow.certificates.delete(certificate, client_id=client_id) == 1
        network = await itflow.networks.create(client_id=client_id, network_name="LAN", network="10.0.0.0/24")
        assert await itflow.networks.delete(network, client_id=client_id) == 1
        software = await itflow.software.create(client_id=client_id, software_name="Office")
        assert await itflow.software.delete(software, client_id=client_id) == 1
        asset = await itflow.assets.create(client_id=client_id, asset_name="PC")
        assert await itflow.assets.delete(asset, client_id=client_id) == 1

        credential = await itflow.credentials.create(
            client_id=client_id, credential_name="VPN", credential_password="p"
        )
        assert await itflow.credentials.update(credential, client_id=client_id, credential_password="q") == 1
        (read,) = await itflow.credentials.read(credential_id=credential)
        assert read["credential_password"] == "q"
        assert [c["credential_id"] async for c in itflow.credentials.iter()] == [credential]
        assert await itflow.credentials.delete(credential, client_id=client_id) == 1


async def test_tickets_and_replies(server: LiveServer, tenant: Tenant) -> None:
    async with AsyncITFlowClient(server.base_url, tenant.api_key) as itflow:
        client_id = await itflow.clients.create(client_name="Acme")
        ticket_id = await itflow.tickets.create(client_id=client_id, ticket_subject="Printer")
        assert await itflow.tickets.update(ticket_id, client_id=client_id, ticket_priority="High") == 1
        reply_id = await itflow.ticket_replies.create(ticket_id=ticket_id, ticket_reply="Done", client_id=client_id)
        assert [r["ticket_reply_id"] async for r in itflow.ticket_replies.iter(ticket_id=ticket_id)] == [reply_id]
        assert (await itflow.ticket_replies.get(reply_id)) is not None
        assert await itflow.ticket_replies.read(ticket_id=ticket_id, type="client") == []
        assert await itflow.tickets.resolve(ticket_id, client_id=client_id) == 1
        with pytest.raises(ITFlowError):
            await itflow.tickets.resolve(ticket_id, client_id=client_id)
        assert [t["ticket_id"] for t in await itflow.tickets.read(ticket_id=ticket_id)] == [ticket_id]
        assert await itflow.tickets.delete(ticket_id, client_id=client_id) == 1
        assert await itflow.tickets.get(ticket_id) is None


async def test_legacy(server: LiveServer, tenant: Tenant) -> None:
    async with AsyncITFlowClient(server.base_url, tenant.api_key) as itflow:
        client_id = await itflow.clients.create(client_name="Acme")
        await itflow.contacts.create(
            client_id=client_id, contact_name="Jane", contact_email="j@x.test", contact_mobile="0722", contact_primary=1
        )
        assert await itflow.legacy.caller_id("0722") == "Jane"
        assert await itflow.legacy.phonebook() == [PhonebookEntry("Jane", "0722", 0)]
        assert await itflow.legacy.client_emails() == [ClientEmail("Acme", "Jane", "j@x.test")]
        assert await itflow.legacy.balance(client_id) == Decimal(0)
        await itflow.legacy.add_asset(client_id, "PC-9", os="Linux")
        (asset,) = await itflow.assets.read(asset_name="PC-9")
        assert asset["asset_os"] == "Linux"
        assert tenant.count(models.Asset, asset_client_id=client_id) == 1
