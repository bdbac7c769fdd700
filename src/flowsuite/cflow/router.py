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
from flowsuite.core.wiretext import Readable, Writable

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


@dataclass(frozen=True, slots=True)
class Call:
    """One request as the services need it: the caller, its query parameters (lower-cased names), its body."""

    ctx: CflowUserContext
    params: Mapping[str, str]
    body: Mapping[str, Any]

    def param(self, name: str) -> str:
        """A parameter from the query, else from the body's `main` object; InvalidFields if the two differ."""
        in_query = self.params.get(name.lower(), "").strip()
        main = self.body.get("main")
        in_body = main.get(name) if isinstance(main, Mapping) else None
        in_body = "" if in_body is None else str(in_body).strip()
        if in_query and in_body and in_query != in_body:
            raise InvalidFields([FieldProblem(name, f"{name} differs between the query ({in_query!r}) and main.")])
        return in_query or in_body


Reply = bytes | object


# ---- the nine endpoints -------------------------------------------------------------------------------


def get_connection(source: Readable, call: Call) -> Reply:
    return {
        "Status": "Connected",
        "UserName": call.ctx.username,
        "CompanyName": company_name(source, call.ctx.company_id),
    }


def get_workflows(source: Readable, call: Call) -> Reply:
    startable = workflows.startable_workflows(source, call.ctx)
    return {"Workflows": [{"WorkflowDisplayName": display, "WorkflowName": name} for display, name in startable]}


def _workflow(source: Readable, call: Call) -> workflows.Workflow:
    return workflows.workflow_named(source, call.ctx.company_id, call.param("WorkflowName"))


def get_process(source: Readable, call: Call) -> Reply:
    return _workflow(source, call).process_json


def get_status(source: Readable, call: Call) -> Reply:
    stage, statuses = workflows.stage_statuses(_workflow(source, call), call.param("group_id"))
    return {"Status": [{"Group_ID": str(stage.id), "Field_Status": status} for status in statuses]}


def _stage_checked(source: Readable, call: Call) -> workflows.Workflow:
    workflow = _workflow(source, call)
    workflows.stage_statuses(workflow, call.param("group_id"))
    return workflow


def get_process_fields_for_map(source: Readable, call: Call) -> Reply:
    return _stage_checked(source, call).process_fields_for_map_json


def get_fieldsets(source: Readable, call: Call) -> Reply:
    return _workflow(source, call).fieldsets_json


def get_process_fieldsets(source: Readable, call: Call) -> Reply:
    return _stage_checked(source, call).process_fieldsets_json


def _object(body: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = body.get(key, {})
    if not isinstance(value, Mapping):
        raise InvalidFields([FieldProblem(key, f"{key} must be an object of field names and values.")])
    return value


def submit_record(source: Writable, call: Call) -> Reply:
    return records.submit_record(source, call.ctx, call.param("WorkflowName"), _object(call.body, "dynamicobj"))


def update_record(source: Writable, call: Call) -> Reply:
    values = _object(call.body, "Values")
    return records.update_record(
        source, call.ctx, call.param("WorkflowName"), call.param("group_id"), call.param("RecordId"), values
    )


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


def _call(request: CflowRequest, ctx: CflowUserContext) -> Call:
    return Call(ctx, request.params, request.body)


def render(request: CflowRequest, result: Reply) -> Response:
    if isinstance(result, bytes):
        return Response(result, media_type="application/json")
    if isinstance(result, records.RecordResult):
        return json_response({"Record_Id": str(result.number)})
    return json_response(result)


def _audit(action: str) -> Callable[[CflowUserContext, Call, Reply], AuditEntry]:
    def entry(ctx: CflowUserContext, call: Call, result: Reply) -> AuditEntry:
        record = result if isinstance(result, records.RecordResult) else None
        return AuditEntry(
            action=action,
            description=f"{ctx.username}: record {record.number}" if record else ctx.username,
            entity_type="cflow_record",
            entity_id=record.record_id if record else None,
        )

    return entry


Conn = TypeVar("Conn", ReadConnection, WriteConnection)
CflowEndpoint = Endpoint[CflowRequest, CflowUserContext, Any, Call, Reply]


def _endpoint(
    path: str,
    method: str,
    serve: Callable[[Conn, Call], Reply],
    access: Access[Conn],
    summary: str,
    parameters: tuple[str, ...] = (),
) -> Endpoint[CflowRequest, CflowUserContext, Conn, Call, Reply]:
    name = path.rsplit("/", 1)[1]
    return Endpoint(
        EndpointInfo(f"{PREFIX}/{path}", (method,), f"cflow_{name.lower()}", ("apikey",), access.writes),
        summary,
        access,
        parse=_call,
        run=lambda connection, _ctx, call: serve(connection, call),
        render=render,
        audit=_audit(name) if access.writes else None,
        openapi=describe(name.lower(), method, parameters, TAG),
    )


_NAME, _STAGE = ("username", "WorkflowName"), ("username", "WorkflowName", "group_id")
ENDPOINTS: tuple[Endpoint[CflowRequest, CflowUserContext, Any, Call, Reply], ...] = (
    _endpoint("connection/GetConnection", "GET", get_connection, READ, "Check the credentials"),
    _endpoint("cflow/getworkflows", "GET", get_workflows, READ, "Workflows the user may start", ("username",)),
    _endpoint("cflow/getprocess", "GET", get_process, READ, "A workflow's stages, END last", _NAME),
    _endpoint("cflow/getstatus", "GET", get_status, READ, "A stage's status tags", ("group_id", "WorkflowName")),
    _endpoint("cflow/submitrecord", "POST", submit_record, WRITE, "Submit a record", _NAME),
    _endpoint(
        "cflow/updaterecord",
        "POST",
        update_record,
        WRITE,
        "Update a record at its current stage (R_Status{n} = Approved moves it on)",
        (*_STAGE, "RecordId"),
    ),
    _endpoint(
        "cflow/getworkflowprocessfieldsformap",
        "GET",
        get_process_fields_for_map,
        READ,
        "The fields an update maps, with RecordId",
        _STAGE,
    ),
    _endpoint("cflow/getworkflowfieldsets", "GET", get_fieldsets, READ, "The form's fields", _NAME),
    _endpoint(
        "cflow/getworkflowprocessfieldsets",
        "GET",
        get_process_fieldsets,
        READ,
        "The stage's fields, without RecordId",
        _STAGE,
    ),
)
