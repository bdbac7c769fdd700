"""The key pages: what a key made in the console can do on the API, revocation, and company walls."""

from __future__ import annotations

import datetime as dt

import pytest

from flowsuite.itflow.models import Client
from flowsuite.tenancy.models import ApiCredential
from tests.admin.factories import ConsoleTenant, new_console_tenant, secrets_shown
from tests.conftest import LiveServer


@pytest.fixture
def tenant(server: LiveServer) -> ConsoleTenant:
    return new_console_tenant(server)


def _client(tenant: ConsoleTenant, name: str) -> int:
    return tenant.add(
        Client,
        client_name=name,
        client_type="",
        client_website="",
        client_referral="",
        client_currency_code="EUR",
        client_notes="",
    )


def test_an_itflow_key_made_here_works_on_the_api_and_stops_when_revoked(tenant: ConsoleTenant) -> None:
    _client(tenant, "Example Corp")
    with tenant.signed_in() as (http, csrf):
        created = http.post("/admin/itflow/keys", data={"csrf_token": csrf, "name": "Billing", "scope": "all"})
        assert created.status_code == 200
        assert "I have copied them" in created.text
        api_key, decrypt_password = secrets_shown(created)
        read = http.get("/api/v1/clients/read.php", params={"api_key": api_key})
        assert read.json()["count"] == 1 and read.json()["data"][0]["client_name"] == "Example Corp"
        listing = http.get("/admin/itflow/keys")
        assert "Billing" in listing.text and api_key not in listing.text and decrypt_password not in listing.text
        assert f"••••••••{api_key[-4:]}" in listing.text

        [key] = tenant.rows(ApiCredential, face="itflow")
        revoked = http.post(f"/admin/keys/itflow/{key['id']}/revoke", data={"csrf_token": csrf})
        assert (revoked.status_code, revoked.headers["location"]) == (303, "/admin/itflow/keys?notice=revoked")
        assert http.get("/api/v1/clients/read.php", params={"api_key": api_key}).status_code == 401


def test_a_key_for_one_client_sees_only_it(tenant: ConsoleTenant) -> None:
    _client(tenant, "Alpha")
    beta = _client(tenant, "Beta")
    with tenant.signed_in() as (http, csrf):
        created = http.post(
            "/admin/itflow/keys",
            data={"csrf_token": csrf, "name": "Beta only", "scope": "client", "client_id": str(beta)},
        )
        api_key, _ = secrets_shown(created)
        data = http.get("/api/v1/clients/read.php", params={"api_key": api_key}).json()["data"]
        assert [row["client_name"] for row in data] == ["Beta"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "A key needs a name."),
        ({"name": "Old", "expires_on": "2000-01-01"}, "The expiration date must be after today."),
        ({"name": "Typo", "expires_on": "31.12.2030"}, "Enter a date as YYYY-MM-DD."),
        ({"name": "Nobody", "scope": "client"}, "Choose the client this key may reach."),
        ({"name": "Elsewhere", "scope": "client", "client_id": "999999"}, "does not exist in this company."),
    ],
)
def test_bad_new_key_forms_say_why_and_store_nothing(
    tenant: ConsoleTenant, fields: dict[str, str], message: str
) -> None:
    with tenant.signed_in() as (http, csrf):
        reply = http.post("/admin/itflow/keys", data={"csrf_token": csrf, "scope": "all", **fields})
        assert reply.status_code == 400
        assert message in reply.text
        assert f'value="{fields["name"]}"' in reply.text  # what was typed stays in the form
    assert tenant.count(ApiCredential) == 0


def test_a_forged_form_does_nothing(tenant: ConsoleTenant) -> None:
    with tenant.signed_in() as (http, _):
        for token in ("", "forged"):
            reply = http.post("/admin/itflow/keys", data={"csrf_token": token, "name": "Forged", "scope": "all"})
            assert reply.status_code == 403
    assert tenant.count(ApiCredential) == 0


def test_another_companys_keys_are_out_of_sight_and_reach(server: LiveServer, tenant: ConsoleTenant) -> None:
    neighbour = new_console_tenant(server, "Dan Ion")
    with neighbour.signed_in() as (theirs, their_csrf):
        created = theirs.post("/admin/itflow/keys", data={"csrf_token": their_csrf, "name": "Theirs", "scope": "all"})
        their_key, _ = secrets_shown(created)
    [their_row] = neighbour.rows(ApiCredential, face="itflow")
    with tenant.signed_in() as (http, csrf):
        assert "Theirs" not in http.get("/admin/itflow/keys").text
        reply = http.post(f"/admin/keys/itflow/{their_row['id']}/revoke", data={"csrf_token": csrf})
        assert reply.status_code == 404
        assert http.get("/api/v1/clients/read.php", params={"api_key": their_key}).status_code == 200


def test_iflow_key_token_and_terminal_made_here_work_on_the_api(tenant: ConsoleTenant) -> None:
    with tenant.signed_in() as (http, csrf):
        [api_key] = secrets_shown(http.post("/admin/iflow/keys", data={"csrf_token": csrf, "name": "Payroll"}))
        [token] = secrets_shown(
            http.post(
                "/admin/iflow/tokens", data={"csrf_token": csrf, "label": "Reception", "administrator": "Ana Pop"}
            )
        )
        added = http.post(
            "/admin/iflow/devices", data={"csrf_token": csrf, "serial": f"SN-{tenant.company_id}-A", "name": "Door"}
        )
        assert added.headers["location"] == "/admin/iflow/access?notice=device_added"
        page = http.get(added.headers["location"]).text
        assert "The RFID terminal was registered" in page and "Reception" in page and "Ana Pop" in page

        sync = http.post(
            "/api/api_v2/user/sync",
            data={"api_key": api_key, "update_by": "id_card", "update_by_value": "RX1", "full_name": "Ion"},
        )
        assert "new_user" in sync.json()["api_reply"]
        status = http.get("/api/api_v2/users/get_today_status", headers={"Authorization": f"Bearer {token}"})
        assert status.status_code == 200 and status.json()[0]["full_name"] == "Ion"
        scan = http.post(
            "/api/rfid_devices/auto_attendance",
            data={"access_token": f"SN-{tenant.company_id}-A", "rfid_tag": "nobody"},
        )
        assert scan.status_code == 200  # the terminal is known; the tag is not

        bad = http.post("/admin/iflow/tokens", data={"csrf_token": csrf, "label": "X", "administrator": "Mallory"})
        assert bad.status_code == 400 and "Choose the administrator" in bad.text


def test_expiry_and_last_use_are_listed_in_company_time(tenant: ConsoleTenant) -> None:
    later = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    with tenant.signed_in() as (http, csrf):
        created = http.post(
            "/admin/itflow/keys", data={"csrf_token": csrf, "name": "Expiring", "expires_on": later, "scope": "all"}
        )
        api_key, _ = secrets_shown(created)
        assert http.get("/admin/itflow/keys").text.count("never") == 1  # expires set; not used yet
        http.get("/api/v1/clients/read.php", params={"api_key": api_key})
        listing = http.get("/admin/itflow/keys").text
        assert later in listing and "never" not in listing
