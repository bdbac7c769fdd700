"""Every message of every iFlow endpoint exists in en_US and ro_RO, and comes in the language asked for."""

from __future__ import annotations

import re
import string
from typing import Any

import httpx
import pytest

from flowsuite.iflow.messages import CHECK_MESSAGES, LANGUAGES, STATUS_TEXTS
from flowsuite.iflow.router import ENDPOINTS
from tests.conftest import LiveServer
from tests.iflow.factories import IFlowTenant, new_tenant

# For each endpoint, fields that fail at least one check (the credential is added by the test).
BAD_REQUESTS: dict[str, dict[str, str]] = {
    "/api/api_v2/user/sync": {"update_by": "ssn", "birth_date": "1990-13-01", "is_enabled": "yes"},
    "/api/api_v2/user/set_work_schedule": {"user_id": "x", "date": "2026-02-30", "intervals": "25:00-26:00"},
    "/api/api_v2/events/add_event": {"event_type": "nope", "start_date": "2026-12-10", "end_date": "2026-12-01"},
    "/api/api_v2/events/set_approve_status": {"event_id": "424242", "approve_status": "ok"},
    "/api/api_v2/user/clock": {"action": "dance", "time": "yesterday"},
    "/api/api_v2/user/get_work_schedule": {"year": "19", "month": "13", "totals": "regular_mars"},
    "/api/api_v2/users/get_work_schedule": {"month": "0", "totals": ","},
    "/api/api_v2/users/get_today_status": {"attendance_type": "guess"},
    "/api/api_v2/users/get_tomorrow_status": {"attendance_type": "guess"},
    "/api/api_v2/users/get_next_work_day_status": {"attendance_type": "guess"},
    "/api/api_v2/events/get_activity_events": {"users_ids": "1,x", "status": "maybe", "date_interval_start": "x"},
    "/api/rfid_devices/auto_attendance": {"rfid_tag": "NOBODY"},
    "/api/rfid_v2/offline_attendance/store_attendances": {"csv_data": "not json"},
}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_catalogues_have_every_message_with_the_same_placeholders() -> None:
    english, romanian = (CHECK_MESSAGES[language] for language in LANGUAGES)
    assert english.keys() == romanian.keys()
    for check in english:
        assert _fields(english[check]) == _fields(romanian[check]), check
        assert english[check] != romanian[check], check
    assert STATUS_TEXTS["en_US"].keys() == STATUS_TEXTS["ro_RO"].keys()


def test_every_endpoint_has_a_bad_request_here() -> None:
    assert set(BAD_REQUESTS) == {endpoint.path for endpoint in ENDPOINTS}


def _pattern(template: str, field_name: str) -> re.Pattern[str]:
    """The message `template` makes for `field_name`, whatever its other values."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(re.escape(field_name) if name == "field" else ".+")
    return re.compile("".join(parts))


def _send(tenant: IFlowTenant, http: httpx.Client, path: str, fields: dict[str, str]) -> httpx.Response:
    endpoint = next(endpoint for endpoint in ENDPOINTS if endpoint.path == path)
    if "device" in endpoint.info.credentials:
        return http.post(path, data={"access_token": tenant.add_device(), **fields})
    if "api_key" in endpoint.info.credentials:
        return http.post(path, data={"api_key": tenant.api_key, **fields})
    return http.post(path, data=fields, headers={"Authorization": f"Bearer {tenant.token}"})


@pytest.fixture(scope="module")
def tenant(server: LiveServer) -> IFlowTenant:
    return new_tenant(server)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", sorted(BAD_REQUESTS))
def test_validator_errors_come_in_the_language_asked(
    tenant: IFlowTenant, http: httpx.Client, path: str, language: str
) -> None:
    reply = _send(tenant, http, path, {"api_language": language, **BAD_REQUESTS[path]})
    assert reply.status_code == 200, reply.text
    errors: list[dict[str, Any]] = reply.json()["api_reply"]["error"]
    assert errors
    other = next(other for other in LANGUAGES if other != language)
    for error in errors:
        assert set(error) == {"field_name", "check_name", "message"}
        template = CHECK_MESSAGES[language][error["check_name"]]
        assert _pattern(template, error["field_name"]).fullmatch(error["message"]), error
        assert not _pattern(CHECK_MESSAGES[other][error["check_name"]], error["field_name"]).fullmatch(
            error["message"]
        ), error
