"""What every ITFlow endpoint shares: keys, expiry, revocation, bad input, paging, methods."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import func, select

from flowsuite.itflow.keys import revoke_key
from flowsuite.itflow.models import Client
from flowsuite.tenancy.models import ApiCredential, AuditEvent
from tests.conftest import LiveServer
from tests.itflow.factories import Tenant

READ = "/api/v1/clients/read.php"
CREATE = "/api/v1/clients/create.php"
AUTH_FAILED = {"success": "False", "message": "Authentication failed. API key is invalid or has expired."}


def count_clients(tenant: Tenant) -> int:
    with tenant.server.db.transaction() as session:
        return int(session.scalar(select(func.count()).where(Client.company_id == tenant.company_id)) or 0)


def test_body_key_wins_over_query_key(http: httpx.Client, tenant: Tenant) -> None:
    reply = http.post(f"{CREATE}?api_key=wrong", json={"api_key": tenant.api_key, "client_name": "A"})
    assert reply.json()["success"] == "True"
    reply = http.post(f"{CREATE}?api_key={tenant.api_key}", json={"api_key": "wrong", "client_name": "B"})
    assert reply.status_code == 401 and reply.json() == AUTH_FAILED


def test_key_match_is_exact(http: httpx.Client, tenant: Tenant) -> None:
    tenant.client()
    for variant in (tenant.api_key.upper(), f" {tenant.api_key} ", tenant.api_key[:-1]):
        if variant == tenant.api_key:
            continue
        reply = http.get(READ, params={"api_key": variant})
        assert reply.status_code == 401, variant


def test_empty_key_is_rejected_and_audited(http: httpx.Client, server: LiveServer) -> None:
    with server.db.transaction() as session:
        before = session.scalar(select(func.count()).where(AuditEvent.action == "auth_failed"))
    reply = http.get(READ, params={"api_key": ""}, headers={"User-Agent": "probe/1.0"})
    assert reply.status_code == 401 and reply.json() == AUTH_FAILED
    with server.db.transaction() as session:
        after = session.scalar(select(func.count()).where(AuditEvent.action == "auth_failed"))
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
    assert after == (before or 0) + 1
    assert last.user_agent == "probe/1.0" and last.description.endswith("(endpoint: /api/v1/clients/read.php)")


def test_key_expires_at_midnight_of_its_date_in_company_time(http: httpx.Client, tenant: Tenant) -> None:
    tenant.client()
    today = dt.datetime.now(dt.UTC).astimezone(__import__("zoneinfo").ZoneInfo("Europe/Bucharest")).date()
    expiring_today, _ = tenant.key(expires_on=today)
    expiring_tomorrow, _ = tenant.key(expires_on=today + dt.timedelta(days=1))
    assert http.get(READ, params={"api_key": expiring_today}).status_code == 401
    assert http.get(READ, params={"api_key": expiring_tomorrow}).json()["success"] == "True"


def test_revoked_key_stops_at_once(http: httpx.Client, tenant: Tenant) -> None:
    tenant.client()
    api_key, _ = tenant.key()
    assert http.get(READ, params={"api_key": api_key}).json()["success"] == "True"
    with tenant.server.db.transaction(write=True) as session:
        credential_id = session.scalar(
            select(ApiCredential.id).where(ApiCredential.secret_hash == tenant.server.secret.hash_token(api_key))
        )
        assert credential_id is not None
        revoke_key(session, credential_id)
    reply = http.get(READ, params={"api_key": api_key})
    assert reply.status_code == 401 and reply.json() == AUTH_FAILED


def test_keys_are_stored_only_as_hashes(tenant: Tenant) -> None:
    with tenant.server.db.transaction() as session:
        hashes = session.scalars(select(ApiCredential.secret_hash)).all()
        dumped = " ".join(
            str(v) for row in session.execute(select(ApiCredential)).scalars() for v in vars(row).values()
        )
    assert tenant.api_key not in dumped and tenant.decrypt_password not in dumped
    assert tenant.server.secret.hash_token(tenant.api_key) in hashes


def test_a_key_never_reads_another_company(http: httpx.Client, tenant: Tenant, server: LiveServer) -> None:
    from tests.itflow.factories import new_tenant

    other = new_tenant(server)
    other.client("Other company's client")
    reply = http.get(READ, params={"api_key": tenant.api_key})
    assert reply.json()["success"] == "False"


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("-1", "limit must be between 0 and 10000."),
        ("10001", "limit must be between 0 and 10000."),
        ("99999999999999999999", "limit is out of range."),
        ("ten", "limit must be a whole number."),
        ("1.5", "limit must be a whole number."),
    ],
)
def test_bad_limit_is_400(http: httpx.Client, tenant: Tenant, limit: str, message: str) -> None:
    reply = http.get(READ, params={"api_key": tenant.api_key, "limit": limit})
    assert reply.status_code == 400
    assert reply.json() == {"success": "False", "message": message}


def test_negative_offset_is_400(http: httpx.Client, tenant: Tenant) -> None:
    reply = http.get(READ, params={"api_key": tenant.api_key, "offset": "-5"})
    assert reply.status_code == 400 and reply.json()["message"] == "offset must not be negative."


def test_limit_zero_is_no_resource_and_paging_walks_the_list(http: httpx.Client, tenant: Tenant) -> None:
    ids = [tenant.client(f"Client {i}") for i in range(5)]
    assert http.get(READ, params={"api_key": tenant.api_key, "limit": 0}).json()["success"] == "False"
    seen: list[str] = []
    offset = 0
    while True:
        body = http.get(READ, params={"api_key": tenant.api_key, "limit": 2, "offset": offset}).json()
        if body["success"] == "False":
            break
        assert body["count"] == len(body["data"]) <= 2
        seen += [row["client_id"] for row in body["data"]]
        offset += 2
    assert seen == [str(i) for i in ids]


def test_limit_may_come_from_the_body(http: httpx.Client, tenant: Tenant) -> None:
    for i in range(3):
        tenant.client(f"Client {i}")
    reply = http.request("GET", READ, params={"api_key": tenant.api_key}, json={"limit": 2})
    assert reply.json()["count"] == 2


@pytest.mark.parametrize("raw", [b"{not json", b'{"api_key": ', b"\xff\xfe", b"[1, 2]", b'"text"'])
def test_malformed_json_is_400_and_writes_nothing(http: httpx.Client, tenant: Tenant, raw: bytes) -> None:
    reply = http.post(f"{CREATE}?api_key={tenant.api_key}", content=raw, headers={"Content-Type": "application/json"})
    assert reply.status_code == 400
    assert reply.json()["success"] == "False"
    assert reply.json()["message"] in ("The request body is not valid JSON.", "The request body must be a JSON object.")
    assert count_clients(tenant) == 0


def test_oversized_body_is_413(http: httpx.Client, tenant: Tenant) -> None:
    # The test server caps bodies at 64 KiB.
    reply = http.post(CREATE, json={"api_key": tenant.api_key, "client_name": "x", "client_notes": "n" * 70_000})
    assert reply.status_code == 413
    assert reply.json() == {"success": "False", "message": "The request body is larger than 65536 bytes."}
    assert count_clients(tenant) == 0


def test_form_encoded_body_is_accepted(http: httpx.Client, tenant: Tenant) -> None:
    reply = http.post(CREATE, data={"api_key": tenant.api_key, "client_name": "Form Corp"})
    assert reply.json()["success"] == "True"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("client_net_terms", "thirty", "client_net_terms must be a whole number."),
        ("client_rate", "cheap", "client_rate must be a number."),
        ("client_name", "x" * 201, "client_name is too long (at most 200 characters)."),
        ("client_name", {"nested": 1}, "client_name must be text."),
        ("client_net_terms", 10**20, "client_net_terms is out of range."),
    ],
)
def test_wrong_types_are_400_naming_the_field(
    http: httpx.Client, tenant: Tenant, field: str, value: object, message: str
) -> None:
    body = {"api_key": tenant.api_key, "client_name": "Typed Corp", field: value}
    reply = http.post(CREATE, json=body)
    assert reply.status_code == 400
    assert reply.json() == {"success": "False", "message": message}
    assert count_clients(tenant) == 0


def test_sql_and_html_metacharacters_are_stored_as_sent(http: httpx.Client, tenant: Tenant) -> None:
    name = 'Robert\'); DROP TABLE itflow_clients;-- <b>&amp;</b> "x" \\ %_'
    created = http.post(CREATE, json={"api_key": tenant.api_key, "client_name": name}).json()
    assert created["success"] == "True"
    rows = http.get(READ, params={"api_key": tenant.api_key, "client_name": name}).json()
    assert rows["count"] == 1 and rows["data"][0]["client_name"] == name
    wildcard = http.get(READ, params={"api_key": tenant.api_key, "client_name": "%"}).json()
    assert wildcard["success"] == "False"


def test_unicode_round_trips(http: httpx.Client, tenant: Tenant) -> None:
    name = "Ünïcode / Șerban & Fiii SRL ✓"
    http.post(CREATE, json={"api_key": tenant.api_key, "client_name": name})
    assert http.get(READ, params={"api_key": tenant.api_key}).json()["data"][0]["client_name"] == name


def test_missing_required_field_is_the_fixed_create_failure(http: httpx.Client, tenant: Tenant) -> None:
    reply = http.post(CREATE, json={"api_key": tenant.api_key})
    assert reply.status_code == 200
    assert reply.json()["message"].startswith("Auth success but insert query failed")
    assert reply.headers["x-flowsuite-reason"] == "client_name is required"


def test_unknown_path_is_404(http: httpx.Client, tenant: Tenant) -> None:
    assert http.get("/api/v1/clients/read_model.php", params={"api_key": tenant.api_key}).status_code == 404


def test_health_and_readiness(http: httpx.Client) -> None:
    assert http.get("/healthz").json() == {"status": "ok"}
    assert http.get("/readyz").json() == {"status": "ok", "database": "up"}


def test_openapi_documents_each_endpoint_with_its_envelope(http: httpx.Client) -> None:
    spec = http.get("/openapi.json").json()
    read = spec["paths"]["/api/v1/clients/read.php"]
    assert set(read) == {"get"}
    examples = read["get"]["responses"]["200"]["content"]["application/json"]["examples"]
    assert examples["success"]["value"]["success"] == "True"
    create = spec["paths"]["/api/v1/clients/create.php"]["post"]
    assert create["responses"]["200"]["content"]["application/json"]["examples"]["success"]["value"]["count"] == "1"
    assert "client_name" in create["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert http.get("/docs").status_code == 200
