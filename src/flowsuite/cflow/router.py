"""The Cflow integration API wire (`/integromat/api`): headers and JSON in, the vendor's reply shapes out.

The adapter of the core pipeline (core.pipeline): the three credential headers, the query (parameter names
matched without regard to case), the JSON body of a POST, the endpoints' replies, and the table of refusals:
`{"Message": ..., "Errors": [{"Field", "Message"}]}` with the status each domain error's meaning calls for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson
from starlette.requests import Request
from starlette.responses import Response

from flowsuite.cflow.context import CflowUserContext
from flowsuite.cflow.errors import (
    FieldProblem,
    InvalidFields,
    NotAllowed,
    NotAuthenticated,
    RecordNotFound,
    StageConflict,
)
from flowsuite.cflow.keys import authenticate, company_name
from flowsuite.cflow.openapi import describe
from flowsuite.cflow.services import records, workflows
from flowsuite.cflow.services.workflows import Stage
from flowsuite.core.audit import Actor, AuditEntry, Caller
from flowsuite.core.db import ReadConnection, WriteConnection
from flowsuite.core.errors import AccessDenied, Conflict, DomainError, InvalidInput, NotFound
from flowsuite.core.http import DATABASE_BUSY, RETRY_AFTER, incident_message, json_response
from flowsuite.core.pipeline import (
    READ,
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

PREFIX = "/integromat/api"
TAG = "Cflow integration API"
CONFLICT = "The record was changed by another request at the same time; try again."

# Each refusal's HTTP status: the face's own errors, then the core's kinds any service may raise.
STATUS_OF: tuple[tuple[type[DomainError], int], ...] = (
    (NotAuthenticated, 401),
    (InvalidFields, 400),
    (NotAllowed, 403),
    (RecordNotFound, 404),
    (StageConflict, 409),
    (InvalidInput, 400),
    (AccessDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (DomainError, 400),
)


@dataclass(frozen=True, slots=True)
class CflowRequest:
    """A request as the wire sent it: the three credential headers, the query (lower-cased names), the body."""

    api_key: str
    user_key: str
    username: str
    params: Mapping[str, str]
    body: Mapping[str, Any]


# ---- commands: what each endpoint asks, in the engine's terms -------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkflowRef:
    workflow_name: str


@dataclass(frozen=True, slots=True)
class StageRef:
    workflow_name: str
    group_id: str


@dataclass(frozen=True, slots=True)
class NewRecord:
    workflow_name: str
    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RecordUpdate:
    workflow_name: str
    group_id: str
    record_id: str
    values: Mapping[str, Any]


def param(request: CflowRequest, name: str) -> str:
    """A parameter from the query, else from the body's `main` object; InvalidFields if the two differ."""
    in_query = request.params.get(name.lower(), "").strip()
    main = request.body.get("main")
    in_body = main.get(name) if isinstance(main, Mapping) else None
    in_body = "" if in_body is None else str(in_body).strip()
    if in_query and in_body and in_query != in_body:
        raise InvalidFields([FieldProblem(name, f"{name} differs between the query ({in_query!r}) and main.")])
    return in_query or in_body


def _object(body: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = body.get(key, {})
    if not isinstance(value, Mapping):
        raise InvalidFields([FieldProblem(key, f"{key} must be an object of field names and values.")])
    return value


def _nothing(request: CflowRequest, ctx: CflowUserContext) -> None:
    return None


def _workflow_ref(request: CflowRequest, ctx: CflowUserContext) -> WorkflowRef:
    return WorkflowRef(param(request, "WorkflowName"))


def _stage_ref(request: CflowRequest, ctx: CflowUserContext) -> StageRef:
    return StageRef(param(request, "WorkflowName"), param(request, "group_id"))


def _new_record(request: CflowRequest, ctx: CflowUserContext) -> NewRecord:
    return NewRecord(param(request, "WorkflowName"), _object(request.body, "dynamicobj"))


def _record_update(request: CflowRequest, ctx: CflowUserContext) -> RecordUpdate:
    values = _object(request.body, "Values")
    workflow_name, group_id, record_id = (param(request, name) for name in ("WorkflowName", "group_id", "RecordId"))
    return RecordUpdate(workflow_name, group_id, record_id, values)


# ---- the nine endpoints: the engine's calls, and their replies ------------------------------------------


@dataclass(frozen=True, slots=True)
class Connected:
    username: str
    company_name: str


def _connection(source: ReadConnection, ctx: CflowUserContext, _: None) -> Connected:
    return Connected(ctx.username, company_name(source, ctx.company_id))


def _startable(source: ReadConnection, ctx: CflowUserContext, _: None) -> list[tuple[str, str]]:
    return workflows.startable_workflows(source, ctx)


# A workflow, one of its stages, and that stage's status tags.
StageFound = tuple[workflows.Workflow, Stage, tuple[str, ...]]


def _workflow(source: ReadConnection, ctx: CflowUserContext, ref: WorkflowRef) -> workflows.Workflow:
    return workflows.workflow_named(source, ctx.company_id, ref.workflow_name)


def _stage(source: ReadConnection, ctx: CflowUserContext, ref: StageRef) -> StageFound:
    workflow = workflows.workflow_named(source, ctx.company_id, ref.workflow_name)
    stage, statuses = workflows.stage_statuses(workflow, ref.group_id)
    return workflow, stage, statuses


def _submit(source: WriteConnection, ctx: CflowUserContext, new: NewRecord) -> records.RecordResult:
    return records.submit_record(source, ctx, new.workflow_name, new.values)


def _update(source: WriteConnection, ctx: CflowUserContext, update: RecordUpdate) -> records.RecordResult:
    return records.update_record(source, ctx, update.workflow_name, update.group_id, update.record_id, update.values)


def _prerendered(body: bytes) -> Response:
    """A reply the workflow keeps already encoded (it changes only when the definition is imported again)."""
    return Response(body, media_type="application/json")


def _record_reply(_request: CflowRequest, result: records.RecordResult) -> Response:
    return json_response({"Record_Id": str(result.number)})


def error_reply(error: DomainError, status: int) -> Response:
    """A domain error as the face renders it: the message, and for bad fields every one of them."""
    body: dict[str, Any] = {"Message": str(error)}
    if isinstance(error, InvalidFields):
        body["Errors"] = [{"Field": p.field, "Message": p.message} for p in error.problems]
    return json_response(body, status)


def parse_body(raw: bytes) -> Mapping[str, Any]:
    """A POST's JSON object; InvalidFields (naming `body` or `main`) when it is not one."""
    try:
        body = orjson.loads(raw) if raw.strip() else None
    except orjson.JSONDecodeError as error:
        raise InvalidFields([FieldProblem("body", f"The body is not valid JSON: {error}.")]) from None
    if b"\\u0000" in raw:
        # PostgreSQL text cannot hold a NUL, so no value may carry one.
        raise InvalidFields([FieldProblem("body", "The body may not contain NUL characters.")])
    if not isinstance(body, dict):
        raise InvalidFields([FieldProblem("body", 'The body must be a JSON object with a "main" object.')])
    if not isinstance(body.get("main"), dict):
        raise InvalidFields([FieldProblem("main", 'The body needs a "main" object (with WorkflowName).')])
    return body


class CflowFace:
    """The Cflow face's side of the pipeline."""

    name = "cflow"

    async def read(self, request: Request, body: bytes, endpoint: EndpointInfo) -> CflowRequest:
        parsed: Mapping[str, Any] = {}
        if "POST" in endpoint.methods:
            try:
                parsed = parse_body(body)
            except InvalidFields as refused:
                raise Answered(error_reply(refused, 400)) from None
        headers, query = request.headers, request.query_params
        if any("\x00" in text for text in (*query.keys(), *query.values(), *headers.values())):
            problem = FieldProblem("query", "Parameters may not contain NUL characters.")
            raise Answered(error_reply(InvalidFields([problem]), 400))
        return CflowRequest(
            headers.get("apikey", ""),
            headers.get("userkey", ""),
            headers.get("username", ""),
            {name.lower(): value for name, value in query.items()},
            parsed,
        )

    def present(self, request: CflowRequest, endpoint: EndpointInfo) -> Presented:
        return Presented("apikey", request.api_key)

    def resolve(
        self, connection: Readable, secret: ServerSecret, presented: Presented, request: CflowRequest, caller: Caller
    ) -> CflowUserContext:
        try:
            return authenticate(
                connection,
                secret,
                request.api_key,
                request.user_key,
                request.username,
                request.params.get("username", ""),
            )
        except NotAuthenticated as refused:
            raise Rejected(str(refused)) from None

    def actor(self, context: CflowUserContext) -> Actor:
        return Actor(context.company_id, context.credential_id)

    def refusal(self, request: CflowRequest | None, error: Exception) -> Response | None:
        for kind, status in STATUS_OF:
            if isinstance(error, kind):
                return error_reply(error, status)
        return None

    def rejected(self, request: CflowRequest, presented: Presented, rejection: Rejected) -> Response:
        return json_response({"Message": rejection.reason}, 401)

    def wrong_method(self, endpoint: EndpointInfo) -> Response:
        methods = ", ".join(endpoint.methods)
        return json_response({"Message": f"Use {methods} for this endpoint."}, 405, {"Allow": methods})

    def too_large(self, limit: int) -> Response:
        return json_response({"Message": "The request body is too large."}, 413)

    def conflict(self, request: CflowRequest, endpoint: EndpointInfo) -> Response:
        return json_response({"Message": CONFLICT}, 409)

    def busy(self, request: CflowRequest | None) -> Response:
        return json_response({"Message": DATABASE_BUSY}, 503, RETRY_AFTER)

    def incident(self, request: CflowRequest | None, incident: str) -> Response:
        return json_response({"Message": incident_message(incident)}, 500)


FACE = CflowFace()


# ---- the endpoint table -------------------------------------------------------------------------------


def _audit(action: str) -> Callable[[CflowUserContext, Any, records.RecordResult], AuditEntry]:
    def entry(ctx: CflowUserContext, _command: Any, record: records.RecordResult) -> AuditEntry:
        return AuditEntry(
            action=action,
            description=f"{ctx.username}: record {record.number}",
            entity_type="cflow_record",
            entity_id=record.record_id,
        )

    return entry


CflowEndpoint = Endpoint[CflowRequest, CflowUserContext, Any, Any, Any]
Conn = TypeVar("Conn", ReadConnection, WriteConnection)
Cmd = TypeVar("Cmd")
Res = TypeVar("Res")


def _endpoint(
    path: str,
    summary: str,
    access: Access[Conn],
    parse: Callable[[CflowRequest, CflowUserContext], Cmd],
    run: Callable[[Conn, CflowUserContext, Cmd], Res],
    render: Callable[[CflowRequest, Res], Response],
    parameters: tuple[str, ...] = (),
    audit: Callable[[CflowUserContext, Cmd, Res], AuditEntry] | None = None,
) -> Endpoint[CflowRequest, CflowUserContext, Conn, Cmd, Res]:
    name = path.rsplit("/", 1)[1]
    method = "POST" if access.writes else "GET"
    return Endpoint(
        EndpointInfo(f"{PREFIX}/{path}", (method,), f"cflow_{name.lower()}", ("apikey",), access.writes),
        summary,
        access,
        parse=parse,
        run=run,
        render=render,
        audit=audit,
        openapi=describe(name.lower(), method, parameters, TAG),
    )


def _connected(_request: CflowRequest, connected: Connected) -> Response:
    return json_response({"Status": "Connected", "UserName": connected.username, "CompanyName": connected.company_name})


def _workflow_list(_request: CflowRequest, startable: list[tuple[str, str]]) -> Response:
    listed = [{"WorkflowDisplayName": display, "WorkflowName": name} for display, name in startable]
    return json_response({"Workflows": listed})


def _statuses(_request: CflowRequest, found: StageFound) -> Response:
    _, stage, statuses = found
    return json_response({"Status": [{"Group_ID": str(stage.id), "Field_Status": status} for status in statuses]})


_NAME, _STAGE = ("username", "WorkflowName"), ("username", "WorkflowName", "group_id")
ENDPOINTS: tuple[CflowEndpoint, ...] = (
    _endpoint("connection/GetConnection", "Check the credentials", READ, _nothing, _connection, _connected),
    _endpoint(
        "cflow/getworkflows",
        "Workflows the user may start",
        READ,
        _nothing,
        _startable,
        _workflow_list,
        ("username",),
    ),
    _endpoint(
        "cflow/getprocess",
        "A workflow's stages, END last",
        READ,
        _workflow_ref,
        _workflow,
        lambda _request, workflow: _prerendered(workflow.process_json),
        _NAME,
    ),
    _endpoint(
        "cflow/getstatus",
        "A stage's status tags",
        READ,
        _stage_ref,
        _stage,
        _statuses,
        ("group_id", "WorkflowName"),
    ),
    _endpoint(
        "cflow/submitrecord",
        "Submit a record",
        WRITE,
        _new_record,
        _submit,
        _record_reply,
        _NAME,
        _audit("submitrecord"),
    ),
    _endpoint(
        "cflow/updaterecord",
        "Update a record at its current stage (R_Status{n} = Approved moves it on)",
        WRITE,
        _record_update,
        _update,
        _record_reply,
        (*_STAGE, "RecordId"),
        _audit("updaterecord"),
    ),
    _endpoint(
        "cflow/getworkflowprocessfieldsformap",
        "The fields an update maps, with RecordId",
        READ,
        _stage_ref,
        _stage,
        lambda _request, found: _prerendered(found[0].process_fields_for_map_json),
        _STAGE,
    ),
    _endpoint(
        "cflow/getworkflowfieldsets",
        "The form's fields",
        READ,
        _workflow_ref,
        _workflow,
        lambda _request, workflow: _prerendered(workflow.fieldsets_json),
        _NAME,
    ),
    _endpoint(
        "cflow/getworkflowprocessfieldsets",
        "The stage's fields, without RecordId",
        READ,
        _stage_ref,
        _stage,
        lambda _request, found: _prerendered(found[0].process_fieldsets_json),
        _STAGE,
    ),
)
