"""The console's ITFlow pages: lists with search and paging, a client, tickets made and answered here."""

from __future__ import annotations

import pytest

from flowsuite.itflow import models
from flowsuite.itflow.keys import ensure_company_setup
from flowsuite.tenancy.models import AuditEvent
from tests.admin.factories import ConsoleTenant, new_console_tenant
from tests.conftest import LiveServer


@pytest.fixture
def tenant(server: LiveServer) -> ConsoleTenant:
    tenant = new_console_tenant(server)
    with server.db.transaction(write=True) as session:
        ensure_company_setup(session, server.secret, tenant.company_id)
    return tenant


def _client(tenant: ConsoleTenant, name: str) -> int:
    return tenant.add(
        models.Client,
        client_name=name,
        client_type="Managed",
        client_website=f"{name.lower()}.example",
        client_referral="",
        client_currency_code="EUR",
        client_notes="",
    )


def _asset(tenant: ConsoleTenant, client_id: int, name: str, serial: str) -> int:
    return tenant.add(
        models.Asset,
        asset_client_id=client_id,
        asset_name=name,
        asset_type="Laptop",
        asset_make="Lenovo",
        asset_serial=serial,
    )


def test_lists_search_and_page_newest_first(tenant: ConsoleTenant) -> None:
    acme = _client(tenant, "Acme")
    for n in range(60):
        _asset(tenant, acme, f"ACME-LT{n:02d}", f"SN{n:04d}")
    _asset(tenant, acme, "Front desk 100% [printer]", "PR_01")
    with tenant.signed_in() as (http, _):
        first = http.get("/admin/itflow/assets")
        assert "61 assets, newest first." in first.text
        assert first.text.index("Front desk 100% [printer]") < first.text.index("ACME-LT59")
        assert "ACME-LT10" not in first.text  # 50 a page: the eleven oldest are on the next one
        older = http.get("/admin/itflow/assets", params={"before": first.text.split("before=")[1].split('"')[0]})
        assert "ACME-LT10" in older.text and "ACME-LT00" in older.text and 'rel="next"' not in older.text
        # Case-insensitive substrings; % and _ and [ are letters here, not wildcards.
        assert "1 assets matching" in http.get("/admin/itflow/assets", params={"q": "100% [PRINTER"}).text
        assert "1 assets matching" in http.get("/admin/itflow/assets", params={"q": "pr_0"}).text
        assert "0 assets matching" in http.get("/admin/itflow/assets", params={"q": "1%d"}).text
        clients = http.get("/admin/itflow/clients", params={"q": "acm"}).text
        assert "1 clients matching" in clients and f'href="/admin/itflow/clients/{acme}"' in clients


def test_a_client_page_and_another_companys_client(server: LiveServer, tenant: ConsoleTenant) -> None:
    acme = _client(tenant, "Acme")
    tenant.add(
        models.Contact,
        contact_client_id=acme,
        contact_name="Jane Doe",
        contact_email="jane@acme.example",
        contact_primary=1,
    )
    _asset(tenant, acme, "ACME-SRV1", "S1")
    with tenant.signed_in() as (http, _):
        page = http.get(f"/admin/itflow/clients/{acme}").text
        assert "Jane Doe" in page and "(primary)" in page and "ACME-SRV1" in page
    neighbour = new_console_tenant(server, "Dan Ion")
    with neighbour.signed_in() as (http, _):
        assert http.get(f"/admin/itflow/clients/{acme}").status_code == 404
        assert "Acme" not in http.get("/admin/itflow/clients").text


def test_create_a_ticket_and_reply_as_a_person(tenant: ConsoleTenant) -> None:
    acme = _client(tenant, "Acme")
    jane = tenant.add(models.Contact, contact_client_id=acme, contact_name="Jane Doe", contact_primary=1)
    with tenant.signed_in() as (http, csrf):
        form = http.get("/admin/itflow/tickets/new", params={"client_id": acme}).text
        assert f'<option value="{acme}" selected>' in form
        created = http.post(
            "/admin/itflow/tickets",
            data={
                "csrf_token": csrf,
                "client_id": str(acme),
                "ticket_subject": "Printer offline",
                "ticket_details": "<b>Paper jam</b>",
                "ticket_priority": "High",
            },
        )
        assert created.status_code == 303
        location = created.headers["location"]
        page = http.get(location).text
        assert "TCK-1 · Printer offline" in page and "&lt;b&gt;Paper jam&lt;/b&gt;" in page
        [ticket] = tenant.rows(models.Ticket)
        assert (ticket["ticket_contact_id"], ticket["ticket_priority"], ticket["ticket_status"]) == (jane, "High", 1)

        replied = http.post(
            f"{location}/replies",
            data={
                "csrf_token": csrf,
                "ticket_reply": "On my way",
                "ticket_reply_type": "Public",
                "ticket_status": "2",
                "ticket_reply_time_worked": "0:15:00",
            },
        )
        assert replied.headers["location"] == f"{location}?notice=replied"
        page = http.get(replied.headers["location"]).text
        assert "Reply added." in page and "On my way" in page and "00:15:00 worked" in page
        [ticket] = tenant.rows(models.Ticket)
        assert ticket["ticket_status"] == 2 and ticket["ticket_first_response_at"] is not None
        [reply] = tenant.rows(models.TicketReply)
        assert reply["ticket_reply_by"] == 0  # a person, not an API key

        bad = http.post(
            f"{location}/replies", data={"csrf_token": csrf, "ticket_reply": "x", "ticket_reply_time_worked": "soon"}
        )
        assert bad.status_code == 400 and "ticket_reply_time_worked must be a duration as H:MM:SS." in bad.text
        empty = http.post("/admin/itflow/tickets", data={"csrf_token": csrf, "ticket_subject": ""})
        assert empty.status_code == 400 and "ticket_subject is required." in empty.text
    assert tenant.count(models.TicketReply) == 1 and tenant.count(models.Ticket) == 1
    with tenant.server.db.transaction() as session:
        actions = [event.description for event in session.query(AuditEvent).filter_by(company_id=tenant.company_id)]
    assert any(text.startswith("create ticket") and "via console" in text for text in actions)


def test_tickets_of_another_company_are_out_of_reach(server: LiveServer, tenant: ConsoleTenant) -> None:
    with tenant.signed_in() as (http, csrf):
        http.post("/admin/itflow/tickets", data={"csrf_token": csrf, "ticket_subject": "Ours"})
    [ticket] = tenant.rows(models.Ticket)
    neighbour = new_console_tenant(server, "Dan Ion")
    with neighbour.signed_in() as (http, csrf):
        assert http.get(f"/admin/itflow/tickets/{ticket['ticket_id']}").status_code == 404
        reply = http.post(
            f"/admin/itflow/tickets/{ticket['ticket_id']}/replies",
            data={"csrf_token": csrf, "ticket_reply": "Not yours"},
        )
        assert reply.status_code == 404
    assert tenant.count(models.TicketReply) == 0


def test_an_asset_and_a_contact_page(server: LiveServer, tenant: ConsoleTenant) -> None:
    acme = _client(tenant, "Acme")
    asset = _asset(tenant, acme, "ACME-SRV1", "SN-42")
    tenant.add(
        models.AssetInterface,
        interface_asset_id=asset,
        interface_name="eth0",
        interface_ip="10.0.0.5",
        interface_primary=1,
    )
    jane = tenant.add(
        models.Contact,
        contact_client_id=acme,
        contact_name="Jane Doe",
        contact_email="jane@acme.example",
        contact_pin="1234",
        contact_primary=1,
    )
    with tenant.signed_in() as (http, csrf):
        http.post(
            "/admin/itflow/tickets", data={"csrf_token": csrf, "client_id": str(acme), "ticket_subject": "Disk full"}
        )
        assert f'href="/admin/itflow/assets/{asset}"' in http.get("/admin/itflow/assets").text
        page = http.get(f"/admin/itflow/assets/{asset}").text
        assert "ACME-SRV1" in page and "SN-42" in page and "10.0.0.5" in page and "(primary)" in page
        assert f'href="/admin/itflow/clients/{acme}">Acme</a>' in page
        contact = http.get(f"/admin/itflow/contacts/{jane}").text
        assert "jane@acme.example" in contact and "1234" not in contact  # a PIN is not shown
        assert "Disk full" in contact  # the client's primary contact got the ticket
        assert http.get("/admin/itflow/assets/999999").status_code == 404
    neighbour = new_console_tenant(server, "Dan Ion")
    with neighbour.signed_in() as (http, _):
        assert http.get(f"/admin/itflow/assets/{asset}").status_code == 404
        assert http.get(f"/admin/itflow/contacts/{jane}").status_code == 404
