"""The iFlow wire around every endpoint: credentials, language, bodies, unknown paths."""

from __future__ import annotations

import httpx
import pytest

from flowsuite.iflow.models import Employee
from flowsuite.tenancy.models import AuditEvent
from tests.conftest import LiveServer
from tests.iflow.factories import API, IFlowTenant, new_tenant


@pytest.fixture
def tenant(server: LiveServer) -> IFlowTenant:
    return new_tenant(server)


def test_missing_api_key_is_a_validator_error(http: httpx.Client) -> None:
    reply = http.post(f"{API}/user/sync", data={"api_language": "ro_RO", "update_by": "cnp"})
    assert reply.status_code == 200
    assert reply.json() == {
        "api_reply": {
            "error": [{"field_name": "api_key", "check_name": "required", "message": "api_key este obligatoriu"}]
        }
    }


@pytest.mark.parametrize(
    ("language", "message"), [("en_US", "The API key is invalid"), ("ro_RO", "Cheia API nu este validă")]
)
def test_wrong_api_key_is_refused_and_audited(
    tenant: IFlowTenant, http: httpx.Client, language: str, message: str
) -> None:
    reply = http.post(
        f"{API}/user/sync",
        data={"api_key": "not-a-key", "api_language": language, "update_by": "cnp", "update_by_value": "1"},
    )
    assert reply.status_code == 200
    assert reply.json() == {
        "api_reply": {"error": [{"field_name": "api_key", "check_name": "valid_key", "message": message}]}
    }
    assert tenant.count(Employee) == 0
    with tenant.server.db.transaction() as session:
        assert session.query(AuditEvent).filter_by(face="iflow", action="auth_failed").count() >= 1


def test_access_token_is_not_an_api_key(tenant: IFlowTenant, http: httpx.Client) -> None:
    reply = http.post(
        f"{API}/user/sync", data={"api_key": tenant.token, "update_by": "cnp", "update_by_value": "1", "full_name": "X"}
    )
    assert reply.json()["api_reply"]["error"][0]["check_name"] == "valid_key"


@pytest.mark.parametrize("token", ["wrong", "A" * 32])
def test_wrong_bearer_token_gets_key_is_invalid(tenant: IFlowTenant, http: httpx.Client, token: str) -> None:
    reply = tenant.post_bearer(http, "user/clock", token=token, user_id="1", action="check_in")
    assert reply.status_code == 401
    assert reply.json() == {"error": "Key is invalid!"}


def test_revoked_bearer_token_gets_key_is_invalid(tenant: IFlowTenant, http: httpx.Client) -> None:
    user_id = tenant.new_user(http)
    assert tenant.post_bearer(http, "user/clock", user_id=user_id, action="check_in").status_code == 200
    tenant.revoke_token()
    reply = tenant.post_bearer(http, "user/clock", user_id=user_id, action="check_out")
    assert reply.status_code == 401
    assert reply.json() == {"error": "Key is invalid!"}


def test_user_sync_takes_no_bearer_token(tenant: IFlowTenant, http: httpx.Client) -> None:
    reply = tenant.post_bearer(http, "user/sync", update_by="cnp", update_by_value="1", full_name="X")
    assert reply.status_code == 200
    assert reply.json()["api_reply"]["error"][0]["field_name"] == "api_key"


def test_unknown_language_is_a_validator_error(tenant: IFlowTenant, http: httpx.Client) -> None:
    reply = tenant.post(http, "user/sync", api_language="de_DE", update_by="cnp", update_by_value="1", full_name="X")
    assert reply.status_code == 200
    assert reply.json() == {
        "api_reply": {
            "error": [
                {
                    "field_name": "api_language",
                    "check_name": "in_list",
                    "message": "api_language must be one of: en_US, ro_RO",
                }
            ]
        }
    }
    assert tenant.count(Employee) == 0


def test_query_string_fields_are_read(tenant: IFlowTenant, http: httpx.Client) -> None:
    reply = http.post(
        f"{API}/user/sync",
        params={"api_key": tenant.api_key, "api_language": "ro_RO"},
        data={"update_by": "id_card", "update_by_value": "Q1"},
    )
    assert reply.json()["api_reply"]["error"][0]["message"] == "full_name este obligatoriu"


def test_malformed_multipart_is_a_validator_error(tenant: IFlowTenant, http: httpx.Client) -> None:
    reply = http.post(
        f"{API}/user/sync",
        content=b"--xyz\r\nContent-Disposition: form-data\r\n\r\nbroken",
        headers={"content-type": "multipart/form-data; boundary=xyz"},
    )
    assert reply.status_code == 200
    assert reply.json() == {
        "api_reply": {
            "error": [
                {
                    "field_name": "body",
                    "check_name": "valid_form",
                    "message": "body must be multipart/form-data or application/x-www-form-urlencoded in UTF-8",
                }
            ]
        }
    }


def test_body_that_is_not_utf8_is_a_validator_error(http: httpx.Client) -> None:
    reply = http.post(
        f"{API}/user/sync", content=b"api_key=\xff\xfe", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert reply.json()["api_reply"]["error"][0]["check_name"] == "valid_form"


def test_get_is_refused_on_post_endpoints(http: httpx.Client) -> None:
    reply = http.get(f"{API}/user/sync")
    assert reply.status_code == 405
    assert reply.json() == {"error": "Use POST for this endpoint."}


def test_unknown_endpoint_is_404(http: httpx.Client) -> None:
    assert http.post(f"{API}/user/no_such_thing", data={"api_key": "x"}).status_code == 404


def test_successful_writes_are_audited(tenant: IFlowTenant, http: httpx.Client) -> None:
    tenant.new_user(http)
    with tenant.server.db.transaction() as session:
        events = session.query(AuditEvent).filter_by(company_id=tenant.company_id, action="user_sync").all()
    assert [event.description for event in events] == ["/api/api_v2/user/sync"]


@pytest.mark.parametrize("body", [b"full_name=a%00b", b"full_name=%FF", b"full%00name=x"])
def test_nul_and_bad_percent_encoding_are_validator_errors(
    tenant: IFlowTenant, http: httpx.Client, body: bytes
) -> None:
    reply = http.post(
        f"{API}/user/sync",
        content=body + b"&update_by=id_card&update_by_value=N1&api_key=" + tenant.api_key.encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert reply.status_code == 200
    assert [e["check_name"] for e in reply.json()["api_reply"]["error"]] == ["valid_form"]
    assert tenant.count(Employee) == 0
