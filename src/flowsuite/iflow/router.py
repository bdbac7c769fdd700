"""The iFlow API V2 wire: form bodies in, the `{"api_reply": ...}` envelope and validator errors out.

The adapter of the core pipeline (core.pipeline): the form (query parameters merged with the multipart or
url-encoded body), its language, the credential (a form `api_key`, a Bearer token, or an RFID device's
`access_token`), the envelope of the replies, and the table of refusals. Services raise ValidationFailed;
it is rendered here only, in the language the request asked for. The endpoint table joins each service to
its parse and render (iflow/wire/): services take typed commands and answer domain results, never the form.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl

from sqlalchemy.orm import Session
from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import Response

from flowsuite.core.audit import Actor, AuditEntry, Caller
from flowsuite.core.db import ReadSession, WriteConnection
from flowsuite.core.errors import AccessDenied, Conflict, DomainError, InvalidInput, NotFound
from flowsuite.core.http import DATABASE_BUSY, RETRY_AFTER, incident_message, json_response
from flowsuite.core.pipeline import (
    ORM_READ,
    ORM_WRITE,
    PIPELINED_WRITE,
    WRITE,
    Access,
    Answered,
    Endpoint,
    EndpointInfo,
    Presented,
    Rejected,
)
from flowsuite.core.secrets import ServerSecret
from flowsuite.core.wiretext import Readable
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import FieldError, Reply, ValidationFailed
from flowsuite.iflow.fields import Form
from flowsuite.iflow.keys import authenticate_device, authenticate_key, authenticate_token
from flowsuite.iflow.messages import DEFAULT_LANGUAGE, LANGUAGES, check_message
from flowsuite.iflow.openapi import describe
from flowsuite.iflow.services import activity, attendance, events, reports, rfid, schedule, status, sync
from flowsuite.iflow.wire import activity as activity_wire
from flowsuite.iflow.wire import clock as clock_wire
from flowsuite.iflow.wire import events as events_wire
from flowsuite.iflow.wire import reports as reports_wire
from flowsuite.iflow.wire import rfid as rfid_wire
from flowsuite.iflow.wire import schedule as schedule_wire
from flowsuite.iflow.wire import status as status_wire
from flowsuite.iflow.wire import sync as sync_wire
from flowsuite.iflow.wire.employees import FailedForm

PREFIX = "/api/api_v2"
TAG = "iFlow API V2"
KEY_IS_INVALID = "Key is invalid!"
# A write runs again this often after a unique violation or a serialization failure (see _endpoint).
WRITE_RETRIES = 2

# ---- the wire request ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IFlowRequest:
    """A request as the endpoints read it: its path, the form (query and body fields), the reply's
    language, and the Authorization header."""

    path: str
    form: Form
    language: str
    authorization: str


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


def reply(result: Reply, language: str) -> Response:
    """The `api_reply` envelope, with the warnings in `language`."""
    body = dict(result.body)
    if result.warnings:
        body["warning"] = render_errors(result.warnings, language)
    return json_response({"api_reply": body})


def _bad_form() -> Answered:
    return Answered(validator_reply([FieldError("body", "valid_form")], DEFAULT_LANGUAGE))


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
            raise _bad_form() from error
        return {name: value for name, value in parsed.multi_items() if isinstance(value, str)}
    try:
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict"))
    except (UnicodeDecodeError, ValueError) as error:
        raise _bad_form() from error


def refuse_control_characters(form: Form) -> None:
    """A NUL cannot be stored in PostgreSQL text, so no field may carry one (nor name one)."""
    if any("\x00" in name or "\x00" in value for name, value in form.items()):
        raise _bad_form()


def language_of(form: Form) -> str:
    """`api_language` (en_US when absent); an unknown one is refused as a validation error."""
    language = form.get("api_language", "").strip() or DEFAULT_LANGUAGE
    if language not in LANGUAGES:
        error = FieldError("api_language", "in_list", {"allowed": ", ".join(LANGUAGES)})
        raise Answered(validator_reply([error], DEFAULT_LANGUAGE))
    return language


# ---- the face -----------------------------------------------------------------------------------------

# How each kind of credential the face resolves itself is checked.
AUTHENTICATORS: Mapping[str, Callable[[Readable, ServerSecret, str], IFlowContext | None]] = {
    "api_key": authenticate_key,
    "token": authenticate_token,
    "device": authenticate_device,
}

# Each domain error's status besides the validator's (which answers 200 with the failed checks), in the
# face's `{"error": message}` shape: the core's kinds any service may raise, then any other one.
STATUS_OF: tuple[tuple[type[DomainError], int], ...] = (
    (NotFound, 404),
    (InvalidInput, 400),
    (Conflict, 409),
    (AccessDenied, 403),
    (DomainError, 400),
)


def _invalid(kind: str, path: str) -> Rejected:
    """The rejection of an invalid credential, as the audit log describes it."""
    return Rejected(f"Invalid {kind} ({path})")


class IFlowFace:
    """The iFlow face's side of the pipeline."""

    name = "iflow"

    async def read(self, request: Request, body: bytes, endpoint: EndpointInfo) -> IFlowRequest:
        form: Form = {**request.query_params, **await parse_form(body, request.headers)}
        refuse_control_characters(form)
        language = language_of(form)
        return IFlowRequest(endpoint.path, form, language, request.headers.get("authorization", ""))

    def present(self, request: IFlowRequest, endpoint: EndpointInfo) -> Presented:
        """A device's `access_token`, else a Bearer token (where taken), else the form's `api_key`."""
        if "device" in endpoint.credentials:
            serial = request.form.get("access_token", "").strip()
            if not serial:
                raise Answered(json_response({"error": KEY_IS_INVALID}, 401))
            return Presented("device", serial)
        scheme, _, token = request.authorization.partition(" ")
        if scheme.lower() == "bearer" and "token" in endpoint.credentials:
            return Presented("token", token.strip())
        if "api_key" in endpoint.credentials:
            api_key = request.form.get("api_key", "").strip()
            if not api_key:
                raise Answered(validator_reply([FieldError("api_key", "required")], request.language))
            return Presented("api_key", api_key)
        raise Answered(json_response({"error": KEY_IS_INVALID}, 401))

    def resolve(
        self, connection: Readable, secret: ServerSecret, presented: Presented, request: IFlowRequest, caller: Caller
    ) -> IFlowContext:
        context = AUTHENTICATORS[presented.kind](connection, secret, presented.secret)
        if context is None:
            raise _invalid(presented.kind, request.path)
        return context

    def actor(self, context: IFlowContext) -> Actor:
        return Actor(context.company_id, context.credential_id)

    def refusal(self, request: IFlowRequest | None, error: Exception) -> Response | None:
        if isinstance(error, ValidationFailed):
            return validator_reply(error.errors, _language(request))
        for kind, status_code in STATUS_OF:
            if isinstance(error, kind):
                return json_response({"error": str(error)}, status_code)
        return None

    def rejected(self, request: IFlowRequest, presented: Presented, rejection: Rejected) -> Response:
        if presented.kind in ("token", "device"):
            return json_response({"error": KEY_IS_INVALID}, 401)
        return validator_reply([FieldError("api_key", "valid_key")], request.language)

    def wrong_method(self, endpoint: EndpointInfo) -> Response:
        message = f"Use {' or '.join(endpoint.methods)} for this endpoint."
        return json_response({"error": message}, 405, {"Allow": ", ".join(endpoint.methods)})

    def too_large(self, limit: int) -> Response:
        return json_response({"error": "The request body is too large."}, 413)

    def conflict(self, request: IFlowRequest, endpoint: EndpointInfo) -> Response:
        return validator_reply([FieldError("update_by_value", "conflict")], request.language)

    def busy(self, request: IFlowRequest | None) -> Response:
        return json_response({"error": DATABASE_BUSY}, 503, RETRY_AFTER)

    def incident(self, request: IFlowRequest | None, incident: str) -> Response:
        return json_response({"error": incident_message(incident)}, 500)


def _language(request: IFlowRequest | None) -> str:
    return DEFAULT_LANGUAGE if request is None else request.language


FACE = IFlowFace()


# ---- the endpoint table -------------------------------------------------------------------------------


def _audit(action: str, path: str) -> Callable[[IFlowContext, object, object], AuditEntry]:
    def entry(ctx: IFlowContext, command: object, result: object) -> AuditEntry:
        return AuditEntry(action=action, description=path)

    return entry


def resolve_scan(
    session: Session, secret: ServerSecret, presented: Presented, request: IFlowRequest, caller: Caller
) -> IFlowContext:
    """A badge scan's own credential check: the device, read in one round trip with the badge
    (rfid.authenticate_scan)."""
    context = rfid.authenticate_scan(session, secret, presented.secret, rfid_wire.scanned_tag(request.form))
    if context is None:
        raise _invalid(presented.kind, request.path)
    return context


Conn = TypeVar("Conn", Session, ReadSession, WriteConnection)
Cmd = TypeVar("Cmd")
Res = TypeVar("Res")
IFlowEndpoint = Endpoint[IFlowRequest, IFlowContext, Any, Any, Any]


@dataclass(frozen=True, slots=True)
class Served(Generic[Conn, Cmd, Res]):
    """A service that speaks the domain, between the adapter's parse of the request into its command and
    the adapter's render of its result."""

    parse: Callable[[IFlowRequest, IFlowContext], Cmd]
    run: Callable[[Conn, IFlowContext, Cmd], Res]
    render: Callable[[IFlowRequest, Res], Response]


def _status_query(request: IFlowRequest, ctx: IFlowContext) -> status.StatusQuery:
    return status_wire.status_query(request.form)


def _status_reply(request: IFlowRequest, result: status.DayStatus) -> Response:
    return json_response(status_wire.status_objects(result, request.language))


def _status(
    service: Callable[[ReadSession, IFlowContext, status.StatusQuery], status.DayStatus],
) -> Served[ReadSession, status.StatusQuery, status.DayStatus]:
    return Served(_status_query, service, _status_reply)


def _filters(request: IFlowRequest, ctx: IFlowContext) -> activity.Filters:
    return activity_wire.read_filters(request.form)


def _activity_reply(request: IFlowRequest, result: activity.ActivityEvents) -> Response:
    return json_response(activity_wire.activity_objects(result, request.language))


ACTIVITY: Served[ReadSession, activity.Filters, activity.ActivityEvents] = Served(
    _filters, activity.activity_events, _activity_reply
)

# How OpenAPI describes each kind of credential.
_CREDENTIALS = {
    "api_key": "the form's `api_key`",
    "token": "a Bearer access token (`Authorization: Bearer ...`)",
    "device": "the RFID device's serial as the form's `access_token`",
}


def resolve_sync(
    connection: WriteConnection, secret: ServerSecret, presented: Presented, request: IFlowRequest, caller: Caller
) -> IFlowContext:
    """The API key, and the company's sync policy read along: the validator lists a strict company's
    refusal of an invalid CNP with the fields' failed checks."""
    context = FACE.resolve(connection, secret, presented, request, caller)
    policy = sync.sync_policy(connection, context.company_id)
    return IFlowContext(context.company_id, context.credential_id, context.via, context.device_id, policy)


def _sync_command(request: IFlowRequest, ctx: IFlowContext) -> sync.SyncEmployee:
    assert isinstance(ctx.read_along, sync.SyncPolicy)  # resolve_sync read it
    return sync_wire.read_sync(request.form, ctx.read_along.strict_cnp)


def _sync_reply(request: IFlowRequest, result: sync.Synced) -> Response:
    return reply(sync_wire.sync_reply(result), request.language)


SYNC: Served[WriteConnection, sync.SyncEmployee, sync.Synced] = Served(_sync_command, sync.sync_user, _sync_reply)


def form_served(
    read: Callable[[Form], Cmd], run: Callable[[Conn, IFlowContext, Cmd], Res], write: Callable[[Res], Reply]
) -> Served[Conn, Cmd, Res]:
    """A service whose command is read from the form alone and whose result is written as an `api_reply`."""
    return Served(
        lambda request, _ctx: read(request.form),
        run,
        lambda request, result: reply(write(result), request.language),
    )


EVENT: Served[Session, events.AddEvent | events_wire.FailedEvent, events.EventAdded] = form_served(
    events_wire.read_event, events_wire.add_event, events_wire.event_reply
)
APPROVAL: Served[Session, events.SetApproveStatus | events_wire.FailedApproval, events.ApproveStatusSet] = form_served(
    events_wire.read_approval, events_wire.set_approve_status, events_wire.approval_reply
)
CLOCK: Served[Session, attendance.Clock | FailedForm, attendance.Clocked] = form_served(
    clock_wire.read_clock, clock_wire.clock, clock_wire.clock_reply
)
PLAN: Served[Session, schedule.PlanDay | FailedForm, schedule.DayPlanned] = form_served(
    schedule_wire.read_plan, schedule_wire.set_work_schedule, schedule_wire.plan_reply
)


def _report(request: IFlowRequest, ctx: IFlowContext) -> reports.ReportRequest:
    return reports_wire.read_report(request.form, defaulted=False)


def _defaulted_report(request: IFlowRequest, ctx: IFlowContext) -> reports.ReportRequest:
    return reports_wire.read_report(request.form, defaulted=True)


def _report_reply(request: IFlowRequest, result: reports.MonthReport) -> Response:
    return reply(reports_wire.report_reply(result), request.language)


REPORT: Served[ReadSession, reports.ReportRequest, reports.MonthReport] = Served(
    _report, reports.work_schedule, _report_reply
)
DEFAULTED_REPORT: Served[ReadSession, reports.ReportRequest, reports.MonthReport] = Served(
    _defaulted_report, reports.work_schedule, _report_reply
)


def _scan(request: IFlowRequest, ctx: IFlowContext) -> rfid.BadgeScan:
    return rfid_wire.read_scan(request.form)


def _scan_reply(request: IFlowRequest, result: rfid.BadgeScanned) -> Response:
    return reply(rfid_wire.scan_reply(result), request.language)


SCAN: Served[Session, rfid.BadgeScan, rfid.BadgeScanned] = Served(_scan, rfid.auto_attendance, _scan_reply)


def _batch(request: IFlowRequest, ctx: IFlowContext) -> rfid_wire.OfflineBatch:
    return rfid_wire.read_batch(request.form)


def _batch_reply(request: IFlowRequest, result: rfid_wire.StoredBatch) -> Response:
    return reply(rfid_wire.batch_reply(result, request.language), request.language)


OFFLINE_BATCH: Served[Session, rfid_wire.OfflineBatch, rfid_wire.StoredBatch] = Served(
    _batch, rfid_wire.store_attendances, _batch_reply
)


def _endpoint(
    path: str,
    served: Served[Conn, Any, Any],
    access: Access[Conn],
    action: str,
    summary: str,
    credentials: tuple[str, ...] = ("api_key", "token"),
    methods: tuple[str, ...] = ("POST",),
    resolve: Callable[[Conn, ServerSecret, Presented, IFlowRequest, Caller], IFlowContext] | None = None,
) -> Endpoint[IFlowRequest, IFlowContext, Conn, Any, Any]:
    """An endpoint of a service with its adapter's parse and render. A write is audited (its action, its
    path) and run again after a unique violation or a serialization failure: the transaction was rolled back
    whole, so the second run sees the winner's rows (two syncs of one new CNP: the loser finds the employee
    and updates it)."""
    writes = access.writes
    credentials_text = " or ".join(_CREDENTIALS[kind] for kind in credentials)
    endpoint = Endpoint(
        EndpointInfo(path, methods, f"iflow_{action}", credentials, writes),
        summary,
        access,
        parse=served.parse,
        run=served.run,
        render=served.render,
        audit=_audit(action, path) if writes else None,
        resolve=resolve,
        openapi=describe(action, credentials, methods, TAG, f"Authenticated by {credentials_text}."),
    )
    return dataclasses.replace(endpoint, retries=WRITE_RETRIES) if writes else endpoint


def _bearer_read(path: str, served: Served[ReadSession, Any, Any], action: str, summary: str) -> IFlowEndpoint:
    """A reading endpoint behind a Bearer token, answering a bare array to GET or POST."""
    return _endpoint(f"{PREFIX}/{path}", served, ORM_READ, action, summary, ("token",), ("GET", "POST"))


ENDPOINTS: tuple[IFlowEndpoint, ...] = (
    _endpoint(
        f"{PREFIX}/user/sync",
        SYNC,
        WRITE,
        "user_sync",
        "Create or update one employee",
        ("api_key",),
        resolve=resolve_sync,
    ),
    _endpoint(f"{PREFIX}/user/set_work_schedule", PLAN, ORM_WRITE, "set_work_schedule", "Plan one day"),
    _endpoint(f"{PREFIX}/events/add_event", EVENT, ORM_WRITE, "add_event", "Record a leave or other event"),
    _endpoint(f"{PREFIX}/events/set_approve_status", APPROVAL, ORM_WRITE, "set_approve_status", "Approve"),
    _endpoint(f"{PREFIX}/user/clock", CLOCK, ORM_WRITE, "clock", "Check in or out from another system"),
    _endpoint(
        f"{PREFIX}/user/get_work_schedule",
        REPORT,
        ORM_READ,
        "get_work_schedule",
        "Monthly report of every employee",
        ("api_key",),
    ),
    _endpoint(
        f"{PREFIX}/users/get_work_schedule",
        DEFAULTED_REPORT,
        ORM_READ,
        "users_get_work_schedule",
        "Monthly report; year and month default to the current ones",
        ("token",),
        ("GET", "POST"),
    ),
    _bearer_read("users/get_today_status", _status(status.today_status), "get_today_status", "Who is at work today"),
    _bearer_read(
        "users/get_tomorrow_status", _status(status.tomorrow_status), "get_tomorrow_status", "Status tomorrow"
    ),
    _bearer_read(
        "users/get_next_work_day_status",
        _status(status.next_work_day_status),
        "get_next_work_day_status",
        "Next work day",
    ),
    _bearer_read("events/get_activity_events", ACTIVITY, "get_activity_events", "Events, filtered"),
    # The RFID terminals' paths are outside /api/api_v2, as the vendor's are; the device serial authenticates.
    # A scan's writes are prepared statements that read nothing back: they go out with the COMMIT.
    _endpoint(
        "/api/rfid_devices/auto_attendance",
        SCAN,
        PIPELINED_WRITE,
        "rfid_auto_attendance",
        "One badge scan: check in or out",
        ("device",),
        ("GET", "POST"),
        resolve=resolve_scan,
    ),
    _endpoint(
        "/api/rfid_v2/offline_attendance/store_attendances",
        OFFLINE_BATCH,
        ORM_WRITE,
        "rfid_store_attendances",
        "A terminal's buffered offline scans",
        ("device",),
    ),
)
