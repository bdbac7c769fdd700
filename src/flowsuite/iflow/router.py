"""The iFlow API V2 wire: form bodies in, the `{"api_reply": ...}` envelope and validator errors out.

Every endpoint runs one pipeline: method, body, language, credential, one service call in one write
transaction, and the vendor's envelope. Services raise ValidationFailed; it is rendered here only.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import Response

from flowsuite.core.http import BodyTooLarge, caller_of, database_busy, internal_error, json_response, read_body
from flowsuite.core.runtime import Runtime
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import BareReply, FieldError, Reply, ValidationFailed
from flowsuite.iflow.fields import Form
from flowsuite.iflow.keys import authenticate_device, authenticate_key, authenticate_token
from flowsuite.iflow.messages import DEFAULT_LANGUAGE, LANGUAGES, check_message
from flowsuite.iflow.services import activity, attendance, events, reports, rfid, schedule, status, sync
from flowsuite.tenancy.service import Caller, record_audit

log = logging.getLogger("flowsuite.iflow")

PREFIX = "/api/api_v2"
KEY_IS_INVALID = "Key is invalid!"
# A unique index refusing a row means another request won a race (two syncs of one new CNP); the
# transaction is run again, and then finds the winner's row instead of inserting its own.
ATTEMPTS = 3

Service = Callable[[Session, IFlowContext, Form], Reply | BareReply]


@dataclass(frozen=True, slots=True)
class Endpoint:
    path: str
    service: Service
    action: str
    summary: str
    # Which credentials it takes: the form's `api_key`, a Bearer token, or either; or an RFID device's serial.
    auth: tuple[str, ...] = ("api_key", "token")
    methods: tuple[str, ...] = ("POST",)
    # A reading endpoint runs in a transaction that takes no write lock and leaves no audit event.
    writes: bool = True


def bearer_read(path: str, service: Service, action: str, summary: str) -> Endpoint:
    """A reading endpoint behind a Bearer token, answering a bare array to GET or POST."""
    return Endpoint(f"{PREFIX}/{path}", service, action, summary, ("token",), ("GET", "POST"), writes=False)


ENDPOINTS = (
    Endpoint(f"{PREFIX}/user/sync", sync.sync_user, "user_sync", "Create or update one employee", ("api_key",)),
    Endpoint(f"{PREFIX}/user/set_work_schedule", schedule.set_work_schedule, "set_work_schedule", "Plan one day"),
    Endpoint(f"{PREFIX}/events/add_event", events.add_event, "add_event", "Record a leave or other event"),
    Endpoint(f"{PREFIX}/events/set_approve_status", events.set_approve_status, "set_approve_status", "Approve"),
    Endpoint(f"{PREFIX}/user/clock", attendance.clock, "clock", "Check in or out from another system"),
    Endpoint(
        f"{PREFIX}/user/get_work_schedule",
        reports.get_work_schedule,
        "get_work_schedule",
        "Monthly report of every employee",
        ("api_key",),
        writes=False,
    ),
    Endpoint(
        f"{PREFIX}/users/get_work_schedule",
        reports.get_work_schedule_defaulted,
        "users_get_work_schedule",
        "Monthly report; year and month default to the current ones",
        ("token",),
        ("GET", "POST"),
        writes=False,
    ),
    bearer_read("users/get_today_status", status.get_today_status, "get_today_status", "Who is at work today"),
    bearer_read("users/get_tomorrow_status", status.get_tomorrow_status, "get_tomorrow_status", "Status tomorrow"),
    bearer_read(
        "users/get_next_work_day_status", status.get_next_work_day_status, "get_next_work_day_status", "Next work day"
    ),
    bearer_read("events/get_activity_events", activity.get_activity_events, "get_activity_events", "Events, filtered"),
    # The RFID terminals' paths are outside /api/api_v2, as the vendor's are; the device serial authenticates.
    Endpoint(
        "/api/rfid_devices/auto_attendance",
        rfid.auto_attendance,
        "rfid_auto_attendance",
        "One badge scan: check in or out",
        ("device",),
        ("GET", "POST"),
    ),
    Endpoint(
        "/api/rfid_v2/offline_attendance/store_attendances",
        rfid.store_attendances,
        "rfid_store_attendances",
        "A terminal's buffered offline scans",
        ("device",),
    ),
)


class _Refused(Exception):
    """The request ends before any service runs, with this response."""

    def __init__(self, response: Response) -> None:
        self.response = response


def render_errors(errors: Sequence[FieldError], language: str) -> list[dict[str, str]]:
    return [
        {
            "field_name": error.field_name,
            "check_name": error.check_name,
            "message": check_message(language, error.check_name, error.field_name, error.values),
        }
        for error in errors
    ]


def validator_reply(errors: Sequence[FieldError], language: str) -> Response:
    """The vendor's validator failure: HTTP 200, every failed check listed."""
    return json_response({"api_reply": {"error": render_errors(errors, language)}})


def reply(result: Reply | BareReply, language: str) -> Response:
    if isinstance(result, BareReply):
        return json_response(result.items)
    body = dict(result.body)
    if result.warnings:
        body["warning"] = render_errors(result.warnings, language)
    return json_response({"api_reply": body})


async def _body_stream(raw: bytes) -> AsyncGenerator[bytes, None]:
    yield raw


async def parse_form(raw: bytes, headers: Headers) -> dict[str, str]:
    """The body's fields: multipart/form-data, or else url-encoded (what `curl -d` sends)."""
    if not raw.strip():
        return {}
    content_type = headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        try:
            parsed = await MultiPartParser(headers, _body_stream(raw), max_files=0).parse()
        except MultiPartException as error:
            raise _Refused(validator_reply([FieldError("body", "valid_form")], DEFAULT_LANGUAGE)) from error
        return {name: value for name, value in parsed.multi_items() if isinstance(value, str)}
    try:
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict"))
    except (UnicodeDecodeError, ValueError) as error:
        raise _Refused(validator_reply([FieldError("body", "valid_form")], DEFAULT_LANGUAGE)) from error


def refuse_control_characters(form: Form) -> None:
    """A NUL cannot be stored in PostgreSQL text, so no field may carry one (nor name one)."""
    if any("\x00" in name or "\x00" in value for name, value in form.items()):
        raise _Refused(validator_reply([FieldError("body", "valid_form")], DEFAULT_LANGUAGE))


def language_of(form: Form) -> str:
    """`api_language` (en_US when absent); an unknown one is refused as a validation error."""
    language = form.get("api_language", "").strip() or DEFAULT_LANGUAGE
    if language not in LANGUAGES:
        error = FieldError("api_language", "in_list", {"allowed": ", ".join(LANGUAGES)})
        raise _Refused(validator_reply([error], DEFAULT_LANGUAGE))
    return language


@dataclass(frozen=True, slots=True)
class Presented:
    """The credential a request carries: a Bearer token, a form `api_key` or a device's `access_token`."""

    kind: str
    secret: str


def presented_credential(endpoint: Endpoint, headers: Headers, form: Form, language: str) -> Presented:
    if "device" in endpoint.auth:
        serial = form.get("access_token", "").strip()
        if not serial:
            raise _Refused(json_response({"error": KEY_IS_INVALID}, 401))
        return Presented("device", serial)
    authorization = headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and "token" in endpoint.auth:
        return Presented("token", token.strip())
    if "api_key" in endpoint.auth:
        api_key = form.get("api_key", "").strip()
        if not api_key:
            raise _Refused(validator_reply([FieldError("api_key", "required")], language))
        return Presented("api_key", api_key)
    raise _Refused(json_response({"error": KEY_IS_INVALID}, 401))


def _authenticate(runtime: Runtime, session: Session, presented: Presented) -> IFlowContext | None:
    if presented.kind == "token":
        return authenticate_token(session, runtime.secret, presented.secret)
    if presented.kind == "device":
        return authenticate_device(session, runtime.secret, presented.secret)
    return authenticate_key(session, runtime.secret, presented.secret)


def _key_rejected(runtime: Runtime, presented: Presented, caller: Caller, path: str, language: str) -> Response:
    description = f"Invalid {presented.kind} ({path})"
    runtime.failed_auth.record(runtime.db, face="iflow", caller=caller, description=description)
    if presented.kind in ("token", "device"):
        return json_response({"error": KEY_IS_INVALID}, 401)
    return validator_reply([FieldError("api_key", "valid_key")], language)


def serve(
    runtime: Runtime, endpoint: Endpoint, form: Form, presented: Presented, caller: Caller, language: str
) -> Response:
    """Runs the endpoint's service in one transaction and renders what comes out."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with runtime.db.transaction(write=endpoint.writes) as session:
                ctx = _authenticate(runtime, session, presented)
                if ctx is None:
                    break
                result = endpoint.service(session, ctx, form)
                if endpoint.writes:
                    record_audit(
                        session,
                        face="iflow",
                        action=endpoint.action,
                        caller=caller,
                        company_id=ctx.company_id,
                        credential_id=ctx.credential_id,
                        description=endpoint.path,
                    )
        except ValidationFailed as failed:
            return validator_reply(failed.errors, language)
        except IntegrityError:
            if attempt < ATTEMPTS:
                continue
            log.warning("unique index still refused %s after %d attempts", endpoint.path, ATTEMPTS)
            return validator_reply([FieldError("update_by_value", "conflict")], language)
        except OperationalError:
            return json_response({"error": database_busy(log, endpoint.path)}, 503)
        except Exception:
            return json_response({"error": internal_error(log, endpoint.path)}, 500)
        if ctx.credential_id is not None:
            runtime.last_use.note(runtime.db, ctx.credential_id)
        return reply(result, language)
    return _key_rejected(runtime, presented, caller, endpoint.path, language)


def make_handler(endpoint: Endpoint) -> Callable[[Request], Any]:
    async def handle(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        if request.method not in endpoint.methods:
            return json_response({"error": f"Use {' or '.join(endpoint.methods)} for this endpoint."}, 405)
        try:
            raw = await read_body(request, runtime.settings.max_body_bytes)
        except BodyTooLarge:
            return json_response({"error": "The request body is too large."}, 413)
        try:
            form: Mapping[str, str] = {**request.query_params, **await parse_form(raw, request.headers)}
            refuse_control_characters(form)
            language = language_of(form)
            presented = presented_credential(endpoint, request.headers, form, language)
        except _Refused as refused:
            return refused.response
        call = (runtime, endpoint, form, presented, caller_of(request), language)
        return await runtime.call_database(serve, *call, writes=endpoint.writes)

    handle.__name__ = endpoint.action
    return handle


def handlers() -> dict[str, Any]:
    """Each endpoint's handler by path, for the direct-path layer in front of FastAPI."""
    return {endpoint.path: make_handler(endpoint) for endpoint in ENDPOINTS}


def build_router() -> APIRouter:
    """The endpoints as FastAPI routes, so OpenAPI documents them (requests reach the direct paths first)."""
    router = APIRouter()
    for endpoint in ENDPOINTS:
        router.add_api_route(
            endpoint.path,
            make_handler(endpoint),
            methods=list(endpoint.methods),
            summary=endpoint.summary,
            tags=["iFlow API V2"],
            response_class=Response,
        )
    return router
