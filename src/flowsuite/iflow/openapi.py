"""How OpenAPI describes the iFlow endpoints: their form fields, credentials, replies and examples.

A POST sends its fields as a form (`multipart/form-data`, the documented encoding, or url-encoded, what
`curl -d` sends); a GET sends the same fields in the query string. The reply of every `user/...` endpoint
and every validator failure is HTTP 200 with the `{"api_reply": ...}` envelope; the Bearer readers answer
a bare array. Each endpoint's fields are those its service reads (iflow.services), keyed by the endpoint's
action name, as the router's endpoint table names it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flowsuite.core.http import DATABASE_BUSY
from flowsuite.core.openapi import Schema, busy_reply, json_reply
from flowsuite.core.pipeline import OpenApi
from flowsuite.iflow.fields import FIRST_YEAR, LAST_YEAR
from flowsuite.iflow.messages import DEFAULT_LANGUAGE, LANGUAGES, check_message
from flowsuite.iflow.models import APPROVE_STATUSES
from flowsuite.iflow.services.sync import DATE_FIELDS, TEXT_FIELDS
from flowsuite.iflow.wire.clock import ACTIONS
from flowsuite.iflow.wire.status import ATTENDANCE_TYPES
from flowsuite.iflow.wire.sync import UPDATE_BY

KEY_IS_INVALID = "Key is invalid!"
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")

# How each kind of credential is sent, as a security scheme. The form's fields and the query string are one
# set of fields to the face (query first, the body wins), so the query's `api_key` / `access_token` a
# scheme of type apiKey can name is accepted as the form field of the same name, the documented way.
SCHEME_OF = {"api_key": "iflowApiKey", "token": "iflowBearer", "device": "iflowDevice"}
SECURITY_SCHEMES: Mapping[str, Schema] = {
    "iflowApiKey": {
        "type": "apiKey",
        "in": "query",
        "name": "api_key",
        "description": "The company's API key (Settings → API Access), sent as the form field `api_key`.",
    },
    "iflowBearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An access token of one of the company's administrators: `Authorization: Bearer <token>`.",
    },
    "iflowDevice": {
        "type": "apiKey",
        "in": "query",
        "name": "access_token",
        "description": "An RFID terminal's serial, sent as the form field `access_token`.",
    },
}

_CHECK: Schema = {
    "type": "object",
    "required": ["field_name", "check_name", "message"],
    "properties": {
        "field_name": {"type": "string"},
        "check_name": {"type": "string"},
        "message": {"type": "string", "description": "In the request's `api_language`."},
    },
}
_CHECKS: Schema = {"type": "array", "items": {"$ref": "#/components/schemas/IFlowCheck"}}
SCHEMAS: Mapping[str, Schema] = {
    "IFlowCheck": _CHECK,
    "IFlowReply": {
        "type": "object",
        "required": ["api_reply"],
        "properties": {
            "api_reply": {
                "type": "object",
                "description": "The endpoint's reply; a validator failure has `error` alone, a success may "
                "carry `warning`.",
                "properties": {"error": _CHECKS, "warning": _CHECKS},
            }
        },
    },
    "IFlowError": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
}
_REPLY: Schema = {"$ref": "#/components/schemas/IFlowReply"}
_ERROR: Schema = {"$ref": "#/components/schemas/IFlowError"}
_ITEMS: Schema = {"anyOf": [{"type": "array", "items": {"type": "object"}}, _REPLY]}


@dataclass(frozen=True, slots=True)
class FormField:
    """One form field an endpoint reads: its name, its schema (always sent as text), and whether required."""

    name: str
    schema: Schema
    required: bool = False
    description: str = ""


def _text(name: str, description: str = "", *, required: bool = False, max_length: int = 200) -> FormField:
    return FormField(name, {"type": "string", "maxLength": max_length}, required, description)


def _choice(name: str, allowed: tuple[str, ...], description: str = "", *, required: bool = False) -> FormField:
    return FormField(name, {"type": "string", "enum": list(allowed)}, required, description)


def _date(name: str, description: str = "", *, required: bool = False) -> FormField:
    return FormField(name, {"type": "string", "format": "date"}, required, description or "`Y-m-d`.")


def _integer(
    name: str, description: str = "", *, required: bool = False, least: int = 0, most: int = 999_999_999
) -> FormField:
    """A whole number (the face reads at most nine digits)."""
    return FormField(name, {"type": "integer", "minimum": least, "maximum": most}, required, description)


def _list(name: str, description: str) -> FormField:
    return FormField(name, {"type": "string"}, False, description)


_USER_ID = _integer("user_id", "The employee's id (as the sync answered it).", required=True)
_MONTH = (
    _integer("year", required=True, least=FIRST_YEAR, most=LAST_YEAR),
    _integer("month", "1 to 12 (01 to 12).", required=True, least=1, most=12),
    _text("totals", "Comma-separated totals, e.g. `regular,overtime_weekend,total_holiday_night`.", required=True),
)
_OPTIONAL_MONTH = tuple(
    FormField(f.name, f.schema, False, f"{f.description} Default: the current one.".strip()) for f in _MONTH
)
_STATUS = (
    _choice("attendance_type", tuple(ATTENDANCE_TYPES), "What `at_work` is read from (default live_attendance)."),
)

# The fields each endpoint's service reads, by the endpoint's action.
FIELDS: Mapping[str, tuple[FormField, ...]] = {
    "user_sync": (
        _choice("update_by", UPDATE_BY, "The identifier the employee is found by.", required=True),
        _text("update_by_value", "Its value.", required=True, max_length=32),
        _text("full_name", "Required to create an employee; may not be empty."),
        _text("team_name", "Moves the employee to this team, created if needed."),
        FormField("is_enabled", {"type": "string", "enum": ["0", "1"]}),
        *(_text(name, max_length=limit) for name, limit in TEXT_FIELDS.items()),
        *(_date(name) for name in DATE_FIELDS),
    ),
    "set_work_schedule": (
        _USER_ID,
        _date("date", required=True),
        FormField(
            "intervals",
            {"type": "string"},
            True,
            "`08:00-12:00,12:30-16:30`; empty clears the day; an interval may end past midnight (`22:00-06:00`).",
        ),
    ),
    "add_event": (
        _USER_ID,
        _text("event_type", "The event type's code, e.g. `paid_leave`.", required=True, max_length=64),
        _date("start_date", "`Y-m-d`; with end_date, for a date-interval event."),
        _date("end_date", "`Y-m-d`."),
        _date("date", "`Y-m-d`; with start_time and end_time, for a time-interval event."),
        FormField("start_time", {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}, False, "`HH:MM`."),
        FormField("end_time", {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}, False, "`HH:MM`."),
        _choice("approve_status", APPROVE_STATUSES, "Default: waiting."),
        _text("other_leave_type_name", "e.g. `01 - Common illness`."),
        _text("reason_message", max_length=2000),
    ),
    "set_approve_status": (
        _integer("event_id", required=True),
        _choice("approve_status", APPROVE_STATUSES, required=True),
    ),
    "clock": (
        _integer("user_id", "The employee's id; or else rfid_tag."),
        _text("rfid_tag", "The employee's badge, when user_id is not given.", max_length=64),
        _choice("action", tuple(ACTIONS), required=True),
        FormField(
            "time",
            {"type": "string", "maxLength": 40},
            False,
            "ISO 8601; without an offset, the company's local time. Default: now.",
        ),
    ),
    "get_work_schedule": _MONTH,
    "users_get_work_schedule": _OPTIONAL_MONTH,
    "get_today_status": _STATUS,
    "get_tomorrow_status": _STATUS,
    "get_next_work_day_status": _STATUS,
    "get_activity_events": (
        _list("users_ids", "Comma-separated employee ids."),
        _list("teams", "Comma-separated team names."),
        _list("event_ids", "Comma-separated event type ids."),
        _list("status", f"Comma-separated approval statuses: {', '.join(APPROVE_STATUSES)}."),
        _date("date_interval_start", "`Y-m-d`; with date_interval_end (both or neither)."),
        _date("date_interval_end", "`Y-m-d`."),
    ),
    "rfid_auto_attendance": (_text("rfid_tag", "The badge scanned.", required=True, max_length=64),),
    "rfid_store_attendances": (
        FormField(
            "csv_data",
            {"type": "string", "contentMediaType": "application/json"},
            True,
            "The buffered scans: a JSON list of `{date, time, rfidTag, errorMsg}`.",
        ),
    ),
}

_USER = {
    "team_id": "2",
    "full_name": "John Deer",
    "is_enabled": "1",
    "disable_date": None,
    "rfid_tag": "0004471234",
    "cnp": "1800101221144",
    "id_card": None,
    "id_card_issued_by": None,
    "id_card_issue_date": None,
    "bank_account": None,
    "birth_date": None,
    "employment_date": "2024-03-01",
    "job_title": "Technician",
    "mark_number": "17",
    "contract_number": None,
    "section": None,
    "address": None,
    "city": None,
    "county": None,
    "phone_one": None,
    "phone_two": None,
    "user_id": "3",
    "team_name": "Sales",
}
_EVENT = {
    "event_id": "12",
    "user_id": "4",
    "event_type": "other_leave",
    "event_type_name": "Sick Leave",
    "position": 0,
    "consecutive_days_position": "solo",
    "event_type_color": "#FA28FF",
    "approve_status": "waiting",
    "partial_approved_by_user_id": None,
    "other_leave_type_name": "01 - Common illness",
    "event_meta": {
        "user_id": "4",
        "days": 1,
        "start_date": "07/12/2026",
        "end_date": "07/12/2026",
        "reason_message": "",
    },
}
_STATUS_ITEMS = [
    {
        "status": "At work",
        "at_work": True,
        "full_name": "John Deer",
        "cnp": "1800101221144",
        "user_id": "3",
        "mark_number": "17",
        "live_attendance": [
            {"check_in": "08:00:00", "check_out": "", "worked": "01:30:00"},
            {"current_time": "09:30:00", "total_worked": "01:30:00"},
        ],
    },
    {
        "status": "Missing, Sick Leave",
        "at_work": False,
        "full_name": "Ana Pop",
        "cnp": "2850202221155",
        "user_id": "4",
        "mark_number": "18",
        "events": [_EVENT],
    },
]
_REPORT = {
    "api_reply": {
        "year": "2026",
        "month": "12",
        "free_days": ["2026-12-01", "2026-12-25", "2026-12-26"],
        "users": [
            {
                "user_id": "3",
                "full_name": "John Deer",
                "cnp": "1800101221144",
                "mark_number": "17",
                "team_name": "Sales",
                "totals": {"regular": 168.0, "overtime": 8.0, "total": 176.0},
                "days": {"2026-12-02": {"regular": 8.0, "overtime": 0.0, "events": []}},
            }
        ],
    }
}

# A success of each endpoint, in en_US.
SUCCESS: Mapping[str, Any] = {
    "user_sync": {"api_reply": {"update_by": "cnp", "update_by_value": "1800101221144", "new_user": _USER}},
    "set_work_schedule": {
        "api_reply": {"user_id": "3", "date": "2026-12-07", "intervals": "08:00-12:00,12:30-16:30", "planned": 7.5}
    },
    "add_event": {"api_reply": {"event_id": "12"}},
    "set_approve_status": {"api_reply": {"event_id": "12", "approve_status": "approved"}},
    "clock": {"api_reply": {"user_id": "3", "action": "check_in", "check_in": "2026-12-07 08:00:00", "check_out": ""}},
    "get_work_schedule": _REPORT,
    "users_get_work_schedule": _REPORT,
    "get_today_status": _STATUS_ITEMS,
    "get_tomorrow_status": [{key: value for key, value in _STATUS_ITEMS[1].items()}],
    "get_next_work_day_status": [{key: value for key, value in _STATUS_ITEMS[1].items()}],
    "get_activity_events": [
        {
            # The event object without its day-relative keys, then who, the type's id, the times, the meta.
            **{k: v for k, v in _EVENT.items() if k not in ("position", "consecutive_days_position", "event_meta")},
            "event_type_id": "1",
            "full_name": "Ana Pop",
            "team_name": "Sales",
            "start_time": None,
            "end_time": None,
            "event_meta": _EVENT["event_meta"],
        }
    ],
    "rfid_auto_attendance": {
        "api_reply": {
            "user_id": "3",
            "full_name": "John Deer",
            "rfid_tag": "0004471234",
            "action": "check_in",
            "check_in": "2026-12-07 08:00:05",
            "check_out": "",
        }
    },
    "rfid_store_attendances": {
        "api_reply": {
            "stored": 1,
            "refused": 1,
            "attendances": [
                {
                    "date": "2026-12-07",
                    "time": "08:00:05",
                    "rfidTag": "0004471234",
                    "error_authenticate": "",
                    "error_check_in_out": "",
                    "error_csv": "",
                },
                {
                    "date": "2026-12-07",
                    "time": "08:00:09",
                    "rfidTag": "0004471234",
                    "error_authenticate": "",
                    "error_check_in_out": "rfidTag: this scan is already recorded",
                    "error_csv": "",
                },
            ],
        }
    },
}

# A check each endpoint's validator fails, for its example: (field, check, the check's values).
FAILED_CHECK: Mapping[str, tuple[str, str, Mapping[str, str]]] = {
    "user_sync": ("update_by", "in_list", {"allowed": ", ".join(UPDATE_BY)}),
    "set_work_schedule": ("intervals", "valid_intervals", {}),
    "add_event": ("event_type", "event_type_exists", {}),
    "set_approve_status": ("event_id", "event_exists", {}),
    "clock": ("action", "already_checked_in", {}),
    "get_work_schedule": ("totals", "required", {}),
    "users_get_work_schedule": ("month", "valid_month", {}),
    "get_today_status": ("attendance_type", "in_list", {"allowed": ", ".join(ATTENDANCE_TYPES)}),
    "get_tomorrow_status": ("attendance_type", "in_list", {"allowed": ", ".join(ATTENDANCE_TYPES)}),
    "get_next_work_day_status": ("attendance_type", "in_list", {"allowed": ", ".join(ATTENDANCE_TYPES)}),
    "get_activity_events": ("date_interval_end", "required_with", {"other": "date_interval_start"}),
    "rfid_auto_attendance": ("rfid_tag", "rfid_unknown", {}),
    "rfid_store_attendances": ("csv_data", "valid_scan_list", {}),
}


def validator_example(field: str, check: str, values: Mapping[str, str]) -> dict[str, Any]:
    """A validator failure as the face answers it in en_US (HTTP 200)."""
    message = check_message(DEFAULT_LANGUAGE, check, field, values)
    return {"api_reply": {"error": [{"field_name": field, "check_name": check, "message": message}]}}


def _credential_fields(credentials: tuple[str, ...]) -> tuple[FormField, ...]:
    fields: list[FormField] = []
    if "api_key" in credentials:
        alone = credentials == ("api_key",)
        fields.append(_text("api_key", "The company's API key.", required=alone, max_length=200))
    if "device" in credentials:
        fields.append(_text("access_token", "The RFID device's serial.", required=True, max_length=200))
    return tuple(fields)


def _fields(action: str, credentials: tuple[str, ...]) -> tuple[FormField, ...]:
    language = _choice("api_language", LANGUAGES, "The language of messages and status texts (default en_US).")
    return (*_credential_fields(credentials), language, *FIELDS[action])


def _form_schema(fields: tuple[FormField, ...]) -> Schema:
    schema: Schema = {
        "type": "object",
        "properties": {
            f.name: {**f.schema, **({"description": f.description} if f.description else {})} for f in fields
        },
    }
    required = [f.name for f in fields if f.required]
    if required:
        schema["required"] = required
    return schema


def _query(fields: tuple[FormField, ...]) -> tuple[dict[str, Any], ...]:
    return tuple(
        {"name": f.name, "in": "query", "required": f.required, "schema": f.schema, "description": f.description}
        for f in fields
    )


def _responses(action: str, credentials: tuple[str, ...], methods: tuple[str, ...]) -> dict[int | str, Any]:
    success = SUCCESS[action]
    failed = validator_example(*FAILED_CHECK[action])
    schema = _ITEMS if isinstance(success, list) else _REPLY
    allowed = " or ".join(methods)
    responses: dict[int | str, Any] = {
        200: json_reply(
            "The reply; a validator failure is HTTP 200 too, listing every failed check (in `api_language`).",
            schema,
            success=success,
            validator_error=failed,
        ),
        405: json_reply("Another HTTP method.", _ERROR, wrong_method={"error": f"Use {allowed} for this endpoint."}),
        413: json_reply("The body is too large.", _ERROR, too_large={"error": "The request body is too large."}),
        503: busy_reply(_ERROR, {"error": DATABASE_BUSY}),
    }
    if "token" in credentials or "device" in credentials:
        responses[401] = json_reply(
            "A Bearer token or device serial that is missing, unknown or revoked. (A missing or bad `api_key` "
            "is a validator failure, HTTP 200.)",
            _ERROR,
            invalid={"error": KEY_IS_INVALID},
        )
    if "api_key" in credentials:
        key = validator_example("api_key", "valid_key", {})
        responses[200]["content"]["application/json"]["examples"]["invalid_api_key"] = {"value": key}
    return responses


def describe(
    action: str, credentials: tuple[str, ...], methods: tuple[str, ...], tag: str, description: str
) -> OpenApi:
    """The OpenAPI description of the endpoint `action`: a POST's form body in both encodings, a GET's
    fields in the query, the credentials it accepts, its replies with an en_US example of each."""
    fields = _fields(action, credentials)
    schema = _form_schema(fields)
    body = {"required": "required" in schema, "content": {kind: {"schema": schema} for kind in FORM_TYPES}}
    security: tuple[Mapping[str, list[str]], ...] = tuple({SCHEME_OF[kind]: []} for kind in credentials)
    tags = (tag,)
    responses = _responses(action, credentials, methods)
    # A GET's credential field is a query parameter as well as its security scheme's: several client
    # generators (openapi-python-client among them) make no argument of an apiKey scheme in the query.
    get = OpenApi(tags, description, _query(fields), None, responses, security)
    return OpenApi(
        tags,
        description,
        request_body=body,
        responses=responses,
        security=security,
        components={"securitySchemes": SECURITY_SCHEMES, "schemas": SCHEMAS},
        per_method={"GET": get},
    )
