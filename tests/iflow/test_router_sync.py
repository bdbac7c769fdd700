"""user/sync over HTTP: create, update, teams, CNP checks, validator errors, concurrency."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from flowsuite.iflow.models import Employee, Team
from tests.conftest import LiveServer
from tests.iflow.factories import API, IFlowTenant, new_tenant

VALID_CNP = "1900315123450"
# The vendor's own sample CNP: twelve digits, so no check digit can make it right.
VENDOR_SAMPLE_CNP = "186022222222"


@pytest.fixture
def tenant(server: LiveServer) -> IFlowTenant:
    return new_tenant(server)


def test_create_replies_with_the_vendors_user_object(tenant: IFlowTenant, http: httpx.Client) -> None:
    body = tenant.sync(http, update_by="cnp", update_by_value=VALID_CNP, full_name="John Deer", team_name="Sales")
    [team] = tenant.rows(Team)
    [employee] = tenant.rows(Employee)
    assert body == {
        "update_by": "cnp",
        "update_by_value": VALID_CNP,
        "new_user": {
            "team_id": str(team["id"]),
            "full_name": "John Deer",
            "is_enabled": "1",
            "disable_date": None,
            "rfid_tag": None,
            "cnp": VALID_CNP,
            "id_card": None,
            "id_card_issued_by": None,
            "id_card_issue_date": None,
            "bank_account": None,
            "birth_date": None,
            "employment_date": None,
            "job_title": None,
            "mark_number": None,
            "contract_number": None,
            "section": None,
            "address": None,
            "city": None,
            "county": None,
            "phone_one": None,
            "phone_two": None,
            "user_id": str(employee["id"]),
            "team_name": "Sales",
        },
    }
    assert list(body["new_user"])[:3] == ["team_id", "full_name", "is_enabled"]
    assert team["name"] == "Sales"
    assert employee["daily_norm_hours"] == 8


def test_multipart_body_is_accepted(tenant: IFlowTenant, http: httpx.Client) -> None:
    fields = {"api_key": tenant.api_key, "update_by": "id_card", "update_by_value": "RX123456", "full_name": "Ana"}
    reply = http.post(f"{API}/user/sync", files={name: (None, value) for name, value in fields.items()})
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/json"
    assert reply.json()["api_reply"]["new_user"]["id_card"] == "RX123456"
    assert tenant.count(Employee, id_card="RX123456") == 1


def test_update_changes_only_the_fields_posted(tenant: IFlowTenant, http: httpx.Client) -> None:
    created = tenant.sync(
        http, update_by="cnp", update_by_value=VALID_CNP, full_name="Maria Ionescu", city="Cluj", job_title="Nurse"
    )["new_user"]
    body = tenant.sync(
        http, update_by="cnp", update_by_value=VALID_CNP, city="Iași", birth_date="1990-03-15", is_enabled="0"
    )
    updated = body["updated_user"]
    assert "new_user" not in body
    assert updated["user_id"] == created["user_id"]
    assert updated["full_name"] == "Maria Ionescu"
    assert updated["job_title"] == "Nurse"
    assert updated["city"] == "Iași"
    assert updated["birth_date"] == "1990-03-15"
    assert updated["is_enabled"] == "0"
    assert tenant.count(Employee) == 1


def test_team_name_moves_the_employee_and_creates_the_team_once(tenant: IFlowTenant, http: httpx.Client) -> None:
    tenant.sync(http, update_by="id_card", update_by_value="AB1", full_name="A", team_name="Depozit")
    tenant.sync(http, update_by="id_card", update_by_value="AB2", full_name="B", team_name="Depozit")
    moved = tenant.sync(http, update_by="id_card", update_by_value="AB1", team_name="Birou")["updated_user"]
    teams = {row["name"]: row["id"] for row in tenant.rows(Team)}
    assert set(teams) == {"Depozit", "Birou"}
    assert moved["team_id"] == str(teams["Birou"])
    assert moved["team_name"] == "Birou"


def test_new_user_without_team_joins_the_default_team(tenant: IFlowTenant, http: httpx.Client) -> None:
    body = tenant.sync(http, update_by="id_card", update_by_value="ZZ9", full_name="Fără Echipă")
    assert body["new_user"]["team_name"] == "General"


@pytest.mark.parametrize(
    ("language", "message"),
    [("en_US", "full_name must not be empty"), ("ro_RO", "full_name nu poate fi gol")],
)
def test_present_but_empty_full_name_is_refused(
    tenant: IFlowTenant, http: httpx.Client, language: str, message: str
) -> None:
    tenant.sync(http, update_by="id_card", update_by_value="AB1", full_name="Ana")
    reply = tenant.post(
        http, "user/sync", api_language=language, update_by="id_card", update_by_value="AB1", full_name=" "
    )
    assert reply.status_code == 200
    assert reply.json() == {
        "api_reply": {"error": [{"field_name": "full_name", "check_name": "not_empty", "message": message}]}
    }
    assert tenant.rows(Employee)[0]["full_name"] == "Ana"


def test_every_failed_check_is_listed_in_romanian(tenant: IFlowTenant, http: httpx.Client) -> None:
    reply = tenant.post(
        http, "user/sync", api_language="ro_RO", update_by="ssn", birth_date="1990-13-01", is_enabled="yes"
    )
    assert reply.status_code == 200
    assert reply.json()["api_reply"]["error"] == [
        {
            "field_name": "update_by",
            "check_name": "in_list",
            "message": "update_by trebuie să fie una dintre valorile: cnp, id_card",
        },
        {"field_name": "update_by_value", "check_name": "required", "message": "update_by_value este obligatoriu"},
        {
            "field_name": "birth_date",
            "check_name": "valid_date",
            "message": "birth_date trebuie să fie o dată în formatul Y-m-d",
        },
        {"field_name": "is_enabled", "check_name": "valid_flag", "message": "is_enabled trebuie să fie 0 sau 1"},
    ]
    assert tenant.count(Employee) == 0


def test_new_user_needs_a_full_name(tenant: IFlowTenant, http: httpx.Client) -> None:
    reply = tenant.post(http, "user/sync", update_by="cnp", update_by_value=VALID_CNP)
    assert reply.json()["api_reply"]["error"] == [
        {"field_name": "full_name", "check_name": "required", "message": "full_name is required"}
    ]
    assert tenant.count(Employee) == 0
    assert tenant.count(Team) == 0


def test_bad_cnp_is_accepted_with_a_warning(tenant: IFlowTenant, http: httpx.Client) -> None:
    body = tenant.sync(
        http, api_language="ro_RO", update_by="cnp", update_by_value=VENDOR_SAMPLE_CNP, full_name="John Deer"
    )
    assert body["new_user"]["cnp"] == VENDOR_SAMPLE_CNP
    assert body["warning"] == [
        {
            "field_name": "cnp",
            "check_name": "valid_cnp",
            "message": "cnp nu este un CNP valid (cifra de control sau data nașterii)",
        }
    ]
    assert tenant.count(Employee, cnp=VENDOR_SAMPLE_CNP) == 1


def test_valid_cnp_has_no_warning(tenant: IFlowTenant, http: httpx.Client) -> None:
    assert "warning" not in tenant.sync(http, update_by="cnp", update_by_value=VALID_CNP, full_name="X")


def test_strict_company_refuses_a_bad_cnp(tenant: IFlowTenant, http: httpx.Client) -> None:
    tenant.set_strict_cnp(True)
    # The check digit of 1900315123450 is 0: changing it must fail.
    reply = tenant.post(http, "user/sync", update_by="cnp", update_by_value="1900315123451", full_name="X")
    assert reply.json() == {
        "api_reply": {
            "error": [
                {
                    "field_name": "cnp",
                    "check_name": "valid_cnp",
                    "message": "cnp is not a valid CNP (check digit or birth date)",
                }
            ]
        }
    }
    assert tenant.count(Employee) == 0


def test_cnp_of_another_employee_is_refused(tenant: IFlowTenant, http: httpx.Client) -> None:
    tenant.sync(http, update_by="cnp", update_by_value=VALID_CNP, full_name="First")
    tenant.sync(http, update_by="id_card", update_by_value="XY1", full_name="Second")
    reply = tenant.post(http, "user/sync", update_by="id_card", update_by_value="XY1", cnp=VALID_CNP)
    assert reply.json()["api_reply"]["error"] == [
        {"field_name": "cnp", "check_name": "unique", "message": "cnp is already used by another user"}
    ]
    assert tenant.count(Employee, cnp=VALID_CNP) == 1


def test_fifty_concurrent_syncs_of_one_new_cnp_create_one_employee(
    server: LiveServer, tenant: IFlowTenant, twin_url: str
) -> None:
    # Two server processes on one database race like a deployment with several workers.
    def sync(index: int) -> dict[str, object]:
        with httpx.Client(base_url=(server.base_url, twin_url)[index % 2], timeout=30) as client:
            reply = tenant.post(
                client, "user/sync", update_by="cnp", update_by_value=VALID_CNP, full_name="Ion", team_name="Noapte"
            )
            assert reply.status_code == 200
            return dict(reply.json()["api_reply"])

    with ThreadPoolExecutor(max_workers=50) as pool:
        replies = list(pool.map(sync, range(50)))
    assert tenant.count(Employee) == 1
    assert tenant.count(Team) == 1
    assert sum("new_user" in r for r in replies) == 1
    assert sum("updated_user" in r for r in replies) == 49


def test_syncs_of_two_companies_never_meet(server: LiveServer, tenant: IFlowTenant, http: httpx.Client) -> None:
    other = new_tenant(server)
    tenant.sync(http, update_by="cnp", update_by_value=VALID_CNP, full_name="Here")
    body = other.sync(http, update_by="cnp", update_by_value=VALID_CNP, full_name="There")
    assert "new_user" in body
    assert tenant.rows(Employee)[0]["full_name"] == "Here"
