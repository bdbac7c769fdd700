"""The legacy /api.php at the HTTP level: every action, combinations, scope, escaping, errors."""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ElementTree
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from flowsuite.core.db import utc_now
from flowsuite.itflow import models
from flowsuite.itflow.keys import list_keys, revoke_key
from flowsuite.tenancy.models import AuditEvent
from tests.itflow.factories import Tenant, new_tenant

TEXT = "text/plain; charset=utf-8"
XML_HEAD = '<?xml version="1.0" encoding="utf-8"?><AddressBook>'


def api_php(http: httpx.Client, api_key: str | None, **params: str) -> httpx.Response:
    query = dict(params) if api_key is None else {"api_key": api_key, **params}
    return http.get("/api.php", params=query)


def contact(tenant: Tenant, client_id: int, name: str, **values: Any) -> int:
    return tenant.add(models.Contact, contact_name=name, contact_client_id=client_id, **values)


def invoice(tenant: Tenant, client_id: int, amount: float, status: str) -> int:
    today = dt.date.today()
    return tenant.add(
        models.Invoice,
        invoice_prefix="INV-",
        invoice_number=int(uuid.uuid4().int % 1_000_000),
        invoice_status=status,
        invoice_date=today,
        invoice_due=today + dt.timedelta(days=30),
        invoice_amount=amount,
        invoice_currency_code="USD",
        invoice_client_id=client_id,
    )


def payment(tenant: Tenant, invoice_id: int, amount: float) -> int:
    return tenant.add(
        models.Payment,
        payment_date=dt.date.today(),
        payment_amount=amount,
        payment_currency_code="USD",
        payment_invoice_id=invoice_id,
    )


def audit_events(tenant: Tenant, action: str) -> list[AuditEvent]:
    with tenant.server.db.transaction() as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.company_id == tenant.company_id, AuditEvent.action == action)
                .order_by(AuditEvent.id)
            )
        )


# ---- authentication and method ----------------------------------------------------------------


@pytest.mark.parametrize("params", [{}, {"api_key": ""}, {"cid": "123"}])
def test_missing_key_is_401_plain_text(http: httpx.Client, params: dict[str, str]) -> None:
    reply = http.get("/api.php", params=params)
    assert reply.status_code == 401
    assert reply.headers["content-type"] == TEXT
    assert reply.text == "Missing the API Key."


def test_unknown_key_is_401_and_audited(http: httpx.Client, tenant: Tenant) -> None:
    agent = f"pbx-{uuid.uuid4().hex}"
    reply = http.get("/api.php", params={"api_key": "not-a-key", "cid": "123"}, headers={"User-Agent": agent})
    assert reply.status_code == 401
    assert reply.headers["content-type"] == TEXT
    assert reply.text == "Incorrect or expired API Key."
    with tenant.server.db.transaction() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.user_agent == agent))
    assert event is not None
    assert event.action == "auth_failed" and event.face == "itflow"
    assert event.description == "Incorrect or expired key (endpoint: /api.php)"


def test_bad_input_with_a_bad_key_is_still_401(http: httpx.Client) -> None:
    reply = api_php(http, "not-a-key", client_id="abc")
    assert reply.status_code == 401 and reply.text == "Incorrect or expired API Key."


def test_expired_and_revoked_keys_are_refused(http: httpx.Client, tenant: Tenant) -> None:
    expired, _ = tenant.key(expires_on=dt.date(2020, 1, 1))
    assert api_php(http, expired, client_emails="").text == "Incorrect or expired API Key."
    live, _ = tenant.key()
    assert api_php(http, live, client_emails="").status_code == 200
    with tenant.server.db.transaction(write=True) as session:
        revoke_key(session, max(key.id for key in list_keys(session, tenant.company_id)))
    reply = api_php(http, live, client_emails="")
    assert reply.status_code == 401 and reply.text == "Incorrect or expired API Key."


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"])
def test_other_methods_are_405(http: httpx.Client, tenant: Tenant, method: str) -> None:
    reply = http.request(method, "/api.php", params={"api_key": tenant.api_key, "client_emails": ""})
    assert reply.status_code == 405
    assert reply.headers["content-type"] == TEXT
    assert reply.headers["allow"] == "GET"
    assert reply.text == ("" if method == "HEAD" else "Can only send GET requests to this endpoint.")


def test_no_action_is_400(http: httpx.Client, tenant: Tenant) -> None:
    reply = api_php(http, tenant.api_key)
    assert reply.status_code == 400
    assert reply.headers["content-type"] == TEXT
    assert reply.text == "No action given: use cid, phonebook, client_emails, client_id or add_asset."


# ---- cid ----------------------------------------------------------------------------------------


def test_caller_id_compares_digits_in_order_contact_phone_mobile_location_vendor(
    http: httpx.Client, tenant: Tenant
) -> None:
    client_id = tenant.client("Example Corp")
    contact(tenant, client_id, "Desk Phone", contact_phone="12125550101", contact_mobile="12125550199")
    contact(tenant, client_id, "Mobile Only", contact_mobile="12125550102")
    tenant.add(models.Location, location_name="HQ", location_phone="+1 (212) 555-0103", location_client_id=client_id)
    tenant.add(models.Location, location_name="Annex", location_phone="+1 (212) 555-0101", location_client_id=client_id)
    tenant.add(models.Vendor, vendor_name="Dell", vendor_phone="1.212.555.0104")

    def caller(number: str) -> str:
        reply = api_php(http, tenant.api_key, cid=number)
        assert reply.status_code == 200
        assert reply.headers["content-type"] == TEXT
        return reply.text

    assert caller("+1 (212) 555-0101") == "Desk Phone - 12125550101"
    assert caller("1-212-555-0199") == "Desk Phone - 12125550199"
    assert caller("12125550102") == "Mobile Only - 12125550102"
    assert caller("1 212 555 0103") == "HQ - 12125550103"
    assert caller("+12125550104") == "Dell - 12125550104"
    # Digits must match exactly: a number that merely contains (or is contained in) another is unknown.
    assert caller("2125550101") == " - 2125550101"
    assert caller("012125550101") == " - 012125550101"


def test_caller_id_skips_archived_records(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    contact(tenant, client_id, "Gone", contact_phone="15550000001", contact_archived_at=utc_now())
    tenant.add(models.Vendor, vendor_name="Still Here", vendor_phone="1 555 000 0001")
    assert api_php(http, tenant.api_key, cid="15550000001").text == "Still Here - 15550000001"


def test_caller_id_records_the_call(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    contact_id = contact(tenant, client_id, "Jane Doe", contact_phone="15550000002")
    assert api_php(http, tenant.api_key, cid="15550000002").text == "Jane Doe - 15550000002"
    assert api_php(http, tenant.api_key, cid="15550000003").text == " - 15550000003"
    known, unknown = audit_events(tenant, "inbound_call")
    assert (known.entity_type, known.entity_id) == ("contact", contact_id)
    assert known.description.startswith("Inbound call from Jane Doe - 15550000002 via api.php")
    assert (unknown.entity_type, unknown.entity_id) == ("", None)
    assert unknown.description.startswith("Inbound call from an unknown caller - 15550000003")


def test_caller_id_respects_the_key_scope(http: httpx.Client, tenant: Tenant) -> None:
    mine, theirs = tenant.client("Mine"), tenant.client("Theirs")
    contact(tenant, theirs, "Their Contact", contact_phone="15550000010")
    tenant.add(models.Vendor, vendor_name="Their Vendor", vendor_phone="15550000011", vendor_client_id=theirs)
    tenant.add(models.Vendor, vendor_name="Global Vendor", vendor_phone="15550000012")
    scoped, _ = tenant.key(client_id=mine)
    assert api_php(http, scoped, cid="15550000010").text == " - 15550000010"
    assert api_php(http, scoped, cid="15550000011").text == " - 15550000011"
    assert api_php(http, scoped, cid="15550000012").text == "Global Vendor - 15550000012"
    assert api_php(http, tenant.api_key, cid="15550000010").text == "Their Contact - 15550000010"


@pytest.mark.parametrize(
    ("cid", "message"),
    [
        ("", "cid must be a phone number (it has no digits)."),
        ("unknown", "cid must be a phone number (it has no digits)."),
        ("1" * 65, "cid is too long (at most 64 characters)."),
        ("12\x0034", "cid must not contain NUL characters."),
    ],
)
def test_bad_cid_is_400(http: httpx.Client, tenant: Tenant, cid: str, message: str) -> None:
    reply = api_php(http, tenant.api_key, cid=cid)
    assert reply.status_code == 400
    assert reply.headers["content-type"] == TEXT
    assert reply.text == message


# ---- phonebook ----------------------------------------------------------------------------------


def _phonebook_data(tenant: Tenant) -> dict[str, int]:
    alpha = tenant.client("Alpha & Co")
    beta = tenant.client("Beta <Labs>")
    archived = tenant.client("Closed Ltd", client_archived_at=utc_now())
    gamma = tenant.client("Gamma")
    contact(tenant, alpha, "Tom & Jerry <Ops>", contact_phone="15550001001", contact_primary=1)
    contact(tenant, alpha, "Not Primary", contact_phone="15550001002")
    contact(tenant, beta, "Mobile Mary", contact_mobile="15550001003", contact_primary=1)
    contact(tenant, archived, "Archived Client", contact_phone="15550001004", contact_primary=1)
    contact(tenant, gamma, "No Number", contact_primary=1)
    tenant.add(models.Vendor, vendor_name="AT&T Business", vendor_phone=" +1 (800) 555-0150 ")
    tenant.add(models.Vendor, vendor_name="No Phone Vendor")
    tenant.add(models.Vendor, vendor_name="Beta's Vendor", vendor_phone="15550001005", vendor_client_id=beta)
    return {"alpha": alpha, "beta": beta}


def _xml_contact(name: str, number: str, group: int) -> str:
    return (
        f"<Contact><LastName>{name}</LastName><Phone><phonenumber>{number}</phonenumber></Phone>"
        f"<Groups><groupid>{group}</groupid></Groups></Contact>"
    )


def test_phonebook_is_escaped_xml_of_primary_contacts_and_vendors(http: httpx.Client, tenant: Tenant) -> None:
    _phonebook_data(tenant)
    reply = api_php(http, tenant.api_key, phonebook="")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "text/xml; charset=utf-8"
    assert reply.text == (
        XML_HEAD
        + _xml_contact("Tom &amp; Jerry &lt;Ops&gt;", "15550001001", 0)
        + _xml_contact("Mobile Mary", "15550001003", 0)
        + _xml_contact("AT&amp;T Business", "+1 (800) 555-0150", 1)
        + _xml_contact("Beta's Vendor", "15550001005", 1)
        + "</AddressBook>"
    )
    book = ElementTree.fromstring(reply.content)
    assert [c.findtext("LastName") for c in book] == [
        "Tom & Jerry <Ops>",
        "Mobile Mary",
        "AT&T Business",
        "Beta's Vendor",
    ]


def test_phonebook_respects_the_key_scope(http: httpx.Client, tenant: Tenant) -> None:
    clients = _phonebook_data(tenant)
    scoped, _ = tenant.key(client_id=clients["alpha"])
    reply = api_php(http, scoped, phonebook="")
    assert reply.text == (
        XML_HEAD
        + _xml_contact("Tom &amp; Jerry &lt;Ops&gt;", "15550001001", 0)
        + _xml_contact("AT&amp;T Business", "+1 (800) 555-0150", 1)
        + "</AddressBook>"
    )


def test_phonebook_answers_alone_and_runs_nothing_else(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client("Solo")
    reply = api_php(http, tenant.api_key, phonebook="1", cid="15550002000", add_asset="PC-01", client_id=str(client_id))
    assert reply.status_code == 200
    assert reply.text == XML_HEAD + "</AddressBook>"
    assert audit_events(tenant, "inbound_call") == []
    with tenant.server.db.transaction() as session:
        assert session.scalar(select(models.Asset).where(models.Asset.company_id == tenant.company_id)) is None


# ---- client_emails ------------------------------------------------------------------------------


def test_client_emails_lists_each_clients_primary_contact(http: httpx.Client, tenant: Tenant) -> None:
    alpha, beta, gamma = tenant.client("Alpha & Co"), tenant.client("Beta"), tenant.client("Gamma")
    contact(tenant, alpha, "Ann Alpha", contact_email="ann@alpha.example", contact_primary=1)
    contact(tenant, alpha, "Other", contact_email="other@alpha.example")
    contact(tenant, beta, "Ben Beta", contact_email="ben@beta.example", contact_primary=1)
    contact(tenant, gamma, "No Email", contact_primary=1)
    reply = api_php(http, tenant.api_key, client_emails="")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == TEXT
    assert reply.text == ("Alpha & Co - Ann Alpha - ann@alpha.example\nBeta - Ben Beta - ben@beta.example\n")
    scoped, _ = tenant.key(client_id=beta)
    assert api_php(http, scoped, client_emails="").text == "Beta - Ben Beta - ben@beta.example\n"


def test_client_emails_with_nothing_to_list_is_empty(http: httpx.Client, tenant: Tenant) -> None:
    reply = api_php(http, tenant.api_key, client_emails="")
    assert reply.status_code == 200 and reply.text == ""


# ---- balance ------------------------------------------------------------------------------------


def test_balance_is_open_invoices_minus_payments(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client("Owes Money")
    invoice(tenant, client_id, 450, "Sent")
    payment(tenant, invoice(tenant, client_id, 1200, "Paid"), 1200)
    payment(tenant, invoice(tenant, client_id, 300.5, "Partial"), 150)
    invoice(tenant, client_id, 99, "Draft")
    # A payment on a cancelled invoice still counts, as in the original; the invoice does not.
    payment(tenant, invoice(tenant, client_id, 50, "Cancelled"), 10)
    other = tenant.client("Someone Else")
    invoice(tenant, other, 1000, "Sent")
    reply = api_php(http, tenant.api_key, client_id=str(client_id))
    assert reply.status_code == 200
    assert reply.headers["content-type"] == TEXT
    assert reply.text == "590.5"


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [([], "0"), ([(150, 0)], "150"), ([(0.1, 0), (0.2, 0)], "0.3"), ([(100, 120.25)], "-20.25")],
)
def test_balance_is_printed_like_a_php_float(
    http: httpx.Client, tenant: Tenant, amounts: list[tuple[float, float]], expected: str
) -> None:
    client_id = tenant.client()
    for amount, paid in amounts:
        invoice_id = invoice(tenant, client_id, amount, "Sent")
        if paid:
            payment(tenant, invoice_id, paid)
    assert api_php(http, tenant.api_key, client_id=str(client_id)).text == expected


def test_balance_of_an_unknown_or_out_of_scope_client_is_404(http: httpx.Client, tenant: Tenant) -> None:
    mine, theirs = tenant.client("Mine"), tenant.client("Theirs")
    invoice(tenant, theirs, 10, "Sent")
    scoped, _ = tenant.key(client_id=mine)
    for key, client_id in ((tenant.api_key, 999_999_999), (scoped, theirs)):
        reply = api_php(http, key, client_id=str(client_id))
        assert reply.status_code == 404
        assert reply.headers["content-type"] == TEXT
        assert reply.text == f"No client with client_id {client_id}."
    assert api_php(http, scoped, client_id=str(mine)).text == "0"


def test_balance_of_another_companys_client_is_404(http: httpx.Client, tenant: Tenant) -> None:
    stranger = new_tenant(tenant.server)
    client_id = stranger.client()
    reply = api_php(http, tenant.api_key, client_id=str(client_id))
    assert reply.status_code == 404


@pytest.mark.parametrize(
    ("client_id", "message"),
    [
        ("abc", "client_id must be a whole number."),
        ("", "client_id must be a whole number."),
        ("1.5", "client_id must be a whole number."),
        ("99999999999", "client_id is out of range."),
    ],
)
def test_bad_client_id_is_400(http: httpx.Client, tenant: Tenant, client_id: str, message: str) -> None:
    reply = api_php(http, tenant.api_key, client_id=client_id)
    assert reply.status_code == 400
    assert reply.headers["content-type"] == TEXT
    assert reply.text == message


# ---- add_asset ----------------------------------------------------------------------------------


def _assets(tenant: Tenant) -> list[tuple[models.Asset, models.AssetInterface | None]]:
    with tenant.server.db.transaction() as session:
        rows = session.execute(
            select(models.Asset, models.AssetInterface)
            .outerjoin(models.AssetInterface, models.AssetInterface.interface_asset_id == models.Asset.asset_id)
            .where(models.Asset.company_id == tenant.company_id)
            .order_by(models.Asset.asset_id)
        )
        return [(asset, interface) for asset, interface in rows]


def test_add_asset(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    reply = api_php(
        http,
        tenant.api_key,
        add_asset=" Reception PC ",
        client_id=str(client_id),
        type="Desktop",
        make="Dell",
        model="OptiPlex 7010",
        serial="ABC123",
        os="Windows 11 Pro",
    )
    assert reply.status_code == 200
    assert reply.headers["content-type"] == TEXT
    assert reply.text == "Asset added!"
    [(asset, interface)] = _assets(tenant)
    assert asset.asset_name == "Reception PC"
    assert asset.asset_client_id == client_id
    assert (asset.asset_type, asset.asset_make, asset.asset_model) == ("Desktop", "Dell", "OptiPlex 7010")
    assert (asset.asset_serial, asset.asset_os) == ("ABC123", "Windows 11 Pro")
    assert interface is not None and interface.interface_primary == 1
    [event] = audit_events(tenant, "create")
    assert (event.entity_type, event.entity_id) == ("asset", asset.asset_id)


def test_add_asset_optional_fields_default_to_empty(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    assert api_php(http, tenant.api_key, add_asset="NAS", client_id=str(client_id)).text == "Asset added!"
    [(asset, _)] = _assets(tenant)
    assert (asset.asset_type, asset.asset_make, asset.asset_model, asset.asset_serial, asset.asset_os) == (
        "",
        "",
        "",
        "",
        "",
    )


def test_scoped_key_adds_assets_to_its_own_client(http: httpx.Client, tenant: Tenant) -> None:
    mine, theirs = tenant.client("Mine"), tenant.client("Theirs")
    scoped, _ = tenant.key(client_id=mine)
    assert api_php(http, scoped, add_asset="Laptop-1").text == "Asset added!"
    assert api_php(http, scoped, add_asset="Laptop-2", client_id=str(mine)).text == "Asset added!"
    reply = api_php(http, scoped, add_asset="Laptop-3", client_id=str(theirs))
    assert reply.status_code == 400
    assert reply.text == f"No client with client_id {theirs}."
    assert [(a.asset_name, a.asset_client_id) for a, _ in _assets(tenant)] == [("Laptop-1", mine), ("Laptop-2", mine)]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"add_asset": "PC"}, "client_id is required to add an asset."),
        ({"add_asset": "PC", "client_id": "999999999"}, "No client with client_id 999999999."),
        ({"add_asset": "PC", "client_id": "x"}, "client_id must be a whole number."),
        ({"add_asset": "   ", "client_id": "{client}"}, "add_asset (the asset's name) must not be empty."),
        ({"add_asset": "P" * 201, "client_id": "{client}"}, "add_asset is too long (at most 200 characters)."),
        ({"add_asset": "PC", "client_id": "{client}", "os": "W" * 201}, "os is too long (at most 200 characters)."),
    ],
)
def test_add_asset_failures_are_400_and_write_nothing(
    http: httpx.Client, tenant: Tenant, params: dict[str, str], message: str
) -> None:
    client_id = tenant.client()
    query = {name: value.replace("{client}", str(client_id)) for name, value in params.items()}
    reply = api_php(http, tenant.api_key, **query)
    assert reply.status_code == 400
    assert reply.headers["content-type"] == TEXT
    assert reply.text == message
    assert _assets(tenant) == []


# ---- combined actions ---------------------------------------------------------------------------


def test_actions_combine_in_the_original_order(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client("Example Corp")
    contact(
        tenant, client_id, "Jane Doe", contact_phone="15550003000", contact_email="jane@example.com", contact_primary=1
    )
    invoice(tenant, client_id, 150, "Sent")
    reply = api_php(http, tenant.api_key, client_id=str(client_id), client_emails="", cid="15550003000")
    assert reply.status_code == 200
    assert reply.text == "Jane Doe - 15550003000\nExample Corp - Jane Doe - jane@example.com\n150"
    reply = api_php(http, tenant.api_key, add_asset="PC-01", client_id=str(client_id), cid="15550003000")
    assert reply.text == "Jane Doe - 15550003000\nAsset added!"
    assert len(_assets(tenant)) == 1
    assert len(audit_events(tenant, "inbound_call")) == 2


def test_a_bad_parameter_fails_the_whole_request(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client()
    reply = api_php(http, tenant.api_key, cid="15550004000", add_asset="", client_id=str(client_id))
    assert reply.status_code == 400
    assert reply.text == "add_asset (the asset's name) must not be empty."
    assert audit_events(tenant, "inbound_call") == []
