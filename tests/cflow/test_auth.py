"""The apikey / userkey / username headers: 401 with a clear message for anything wrong."""

from __future__ import annotations

import httpx
import pytest

from flowsuite.cflow.keys import create_api_key
from flowsuite.tenancy.models import AuditEvent
from tests.cflow.factories import API, MANAGER, REQUESTER, SEED_WORKFLOW, CflowTenant, new_tenant
from tests.conftest import LiveServer


@pytest.fixture
def tenant(server: LiveServer) -> CflowTenant:
    tenant = new_tenant(server)
    tenant.import_workflow(SEED_WORKFLOW)
    return tenant


def _get(http: httpx.Client, headers: dict[str, str], **params: str) -> httpx.Response:
    return http.get(f"{API}/cflow/getworkflows", headers=headers, params=params)


def test_good_headers_answer_200(tenant: CflowTenant, http: httpx.Client) -> None:
    assert _get(http, tenant.headers(REQUESTER)).status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"apikey": None}, "No valid API key provided."),
        ({"apikey": "not-a-key"}, "No valid API key provided."),
        ({"userkey": None}, "No valid user key provided."),
        ({"userkey": "not-a-user-key"}, "No valid user key provided."),
        ({"username": None}, "No username provided: send the username header."),
        ({"username": MANAGER}, "The username does not match the user key."),
    ],
)
def test_wrong_credentials_are_401(
    tenant: CflowTenant, http: httpx.Client, change: dict[str, str | None], message: str
) -> None:
    headers = {**tenant.headers(REQUESTER), **change}
    sent = {name: value for name, value in headers.items() if value is not None}
    reply = _get(http, sent)
    assert (reply.status_code, reply.json()) == (401, {"Message": message})
    post = http.post(f"{API}/cflow/submitrecord", headers=sent, json={"main": {"WorkflowName": "User Workflow"}})
    assert (post.status_code, post.json()) == (401, {"Message": message})
    assert tenant.count(AuditEvent, action="submitrecord") == 0


def test_username_query_parameter_must_be_the_same_user(tenant: CflowTenant, http: httpx.Client) -> None:
    reply = _get(http, tenant.headers(REQUESTER), username=MANAGER)
    assert (reply.status_code, reply.json()["Message"]) == (401, "The username does not match the user key.")


def test_another_companys_user_key_is_refused(server: LiveServer, tenant: CflowTenant, http: httpx.Client) -> None:
    other = new_tenant(server)
    headers = {**tenant.headers(REQUESTER), "userkey": other.user_keys[REQUESTER]}
    assert _get(http, headers).json() == {"Message": "No valid user key provided."}


def test_a_new_api_key_revokes_the_old_one(server: LiveServer, tenant: CflowTenant, http: httpx.Client) -> None:
    old = tenant.api_key
    with server.db.transaction(write=True) as session:
        tenant.api_key = create_api_key(session, server.secret, company_id=tenant.company_id).secret
    assert _get(http, tenant.headers(REQUESTER)).status_code == 200
    assert _get(http, {**tenant.headers(REQUESTER), "apikey": old}).status_code == 401
