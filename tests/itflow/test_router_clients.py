"""clients/*.php at the HTTP level: envelope, types, filters, scope, writes."""

from __future__ import annotations

import httpx

from tests.itflow.factories import Tenant
from tests.itflow.wire import NO_RESOURCE


def test_read_returns_string_values_in_the_original_envelope(http: httpx.Client, tenant: Tenant) -> None:
    client_id = tenant.client("Example Corp", client_rate=95, client_net_terms=30)
    reply = http.get("/api/v1/clients/read.php", params={"api_key": tenant.api_key, "limit": 1})
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/json"
    body = reply.json()
    assert body["success"] == "True"
    assert body["count"] == 1
    row = body["data"][0]
    assert row["client_id"] == str(client_id)
    assert row["client_name"] == "Example Corp"
    assert row["client_rate"] == "95.00"
    assert row["client_net_terms"] == "30"
    assert row["client_lead"] == "0"
    assert row["client_archived_at"] is None
    assert len(row["client_created_at"]) == 19
    assert "company_id" not in row


def test_create_then_read_by_name(http: httpx.Client, tenant: Tenant) -> None:
    reply = http.post(
        "/api/v1/clients/create.php",
        json={
            "api_key": tenant.api_key,
            "client_name": "Let it burn Inc",
            "client_website": "https://example.com",
            "client_abbreviation": "LETITBURN",
            "client_rate": "125.5",
        },
    )
    body = reply.json()
    assert body["success"] == "True" and body["count"] == "1"
    new_id = body["data"][0]["insert_id"]
    assert isinstance(new_id, int)
    rows = http.get(
        "/api/v1/clients/read.php", params={"api_key": tenant.api_key, "client_name": "let it burn inc"}
    ).json()
    assert rows["count"] == 1
    row = rows["data"][0]
    assert row["client_website"] == "example.com"
    assert row["client_abbreviation"] == "LETITB"
    assert row["client_rate"] == "125.50"
    assert row["client_type"] == ""


def test_missing_key_is_401_with_empty_body(http: httpx.Client) -> None:
    reply = http.get("/api/v1/clients/read.php")
    assert reply.status_code == 401 and reply.content == b""


def test_unknown_key_is_401_json(http: httpx.Client) -> None:
    reply = http.get("/api/v1/clients/read.php", params={"api_key": "nope"})
    assert reply.status_code == 401
    assert reply.json() == {"success": "False", "message": "Authentication failed. API key is invalid or has expired."}


def test_no_rows_message(http: httpx.Client, tenant: Tenant) -> None:
    reply = http.get("/api/v1/clients/read.php", params={"api_key": tenant.api_key})
    assert reply.json() == {"success": "False", "message": NO_RESOURCE}


def test_wrong_method_is_405(http: httpx.Client, tenant: Tenant) -> None:
    reply = http.post("/api/v1/clients/read.php", json={"api_key": tenant.api_key})
    assert reply.status_code == 405
    assert reply.json() == {"success": "False", "message": "Can only send GET requests to this endpoint."}
    reply = http.put("/api/v1/clients/create.php", json={"api_key": tenant.api_key})
    assert reply.json()["message"] == "Can only send POST requests to this endpoint."
