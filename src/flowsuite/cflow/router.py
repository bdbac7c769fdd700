"""The Cflow integration API wire (`/integromat/api`): headers and JSON in, the vendor's reply shapes out.

Every endpoint runs one pipeline: the three credential headers, the query (parameter names matched without
regard to case), the JSON body for a POST, one service call (reads on a read connection, writes in one
write transaction with their audit event), and the reply. Errors are rendered here only, as
`{"Message": ..., "Errors": [{"Field", "Message"}]}` with the status their meaning calls for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import APIRouter
from sqlalchemy.exc import OperationalError
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
from flowsuite.cflow.services import records, workflows
from flowsuite.core.http import BodyTooLarge, caller_of, database_busy, internal_error, json_response, read_body
from flowsuite.core.runtime import Runtime
from flowsuite.core.wiretext import Connectable
from flowsuite.tenancy.service import Caller, record_audit

log = logging.getLogger("flowsuite.cflow")

PREFIX = "/integromat/api"
TAG = "Cflow integration API"
_STATUS_OF: dict[type[Exception], int] = {
    NotAuthenticated: 401,
    InvalidFields: 400,
    NotAllowed: 403,
    RecordNotFound: 404,
    StageConflict: 409,
}


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
Serve = Callable[[Connectable, Call], Reply]


@dataclass(frozen=True, slots=True)
class Endpoint:
    path: str
    method: str
    serve: Serve
    summary: str
    # The query parameters it documents in OpenAPI (every endpoint also takes the three headers).
    parameters: tuple[str, ...] = ()
    writes: bool = False


# ---- the nine endpoints -------------------------------------------------------------------------------


def get_connection(source: Connectable, call: Call) -> Reply:
    return {
        "Status": "Connected",
        "UserName": call.ctx.username,
        "CompanyName": company_name(source, call.ctx.company_id),
    }


def get_workflows(source: Connectable, call: Call) -> Reply:
    startable = workflows.startable_workflows(source, call.ctx)
    return {"Workflows": [{"WorkflowDisplayName": display, "WorkflowName": name} for display, name in startable]}


def _workflow(source: Connectable, call: Call) -> workflows.Workflow:
    return workflows.workflow_named(source, call.ctx.company_id, call.param("WorkflowName"))


def get_process(source: Connectable, call: Call) -> Reply:
    return _workflow(source, call).process_json


def get_status(source: Connectable, call: Call) -> Reply:
    stage, statuses = workflows.stage_statuses(_workflow(source, call), call.param("group_id"))
    return {"Status": [{"Group_ID": str(stage.id), "Field_Status": status} for status in statuses]}


def _stage_checked(source: Connectable, call: Call) -> workflows.Workflow:
    workflow = _workflow(source, call)
    workflows.stage_statuses(workflow, call.param("group_id"))
    return workflow


def get_process_fields_for_map(source: Connectable, call: Call) -> Reply:
    return _stage_checked(source, call).process_fields_for_map_json


def get_fieldsets(source: Connectable, call: Call) -> Reply:
    return _workflow(source, call).fieldsets_json


def get_process_fieldsets(source: Connectable, call: Call) -> Reply:
    return _stage_checked(source, call).process_fieldsets_json


def _object(body: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = body.get(key, {})
    if not isinstance(value, Mapping):
        raise InvalidFields([FieldProblem(key, f"{key} must be an object of field names and values.")])
    return value


def submit_record(source: Connectable, call: Call) -> Reply:
    return records.submit_record(source, call.ctx, call.param("WorkflowName"), _object(call.body, "dynamicobj"))


def update_record(source: Connectable, call: Call) -> Reply:
    values = _object(call.body, "Values")
    return records.update_record(
        source, call.ctx, call.param("WorkflowName"), call.param("group_id"), call.param("RecordId"), values
    )


_NAME, _STAGE = ("username", "WorkflowName"), ("username", "WorkflowName", "group_id")
ENDPOINTS = (
    Endpoint(f"{PREFIX}/connection/GetConnection", "GET", get_connection, "Check the credentials"),
    Endpoint(f"{PREFIX}/cflow/getworkflows", "GET", get_workflows, "Workflows the user may start", ("username",)),
    Endpoint(f"{PREFIX}/cflow/getprocess", "GET", get_process, "A workflow's stages, END last", _NAME),
    Endpoint(f"{PREFIX}/cflow/getstatus", "GET", get_status, "A stage's status tags", ("group_id", "WorkflowName")),
    Endpoint(f"{PREFIX}/cflow/submitrecord", "POST", submit_record, "Submit a record", _NAME, writes=True),
    Endpoint(
        f"{PREFIX}/cflow/updaterecord",
        "POST",
        update_record,
        "Update a record at its current stage (R_Status{n} = Approved moves it on)",
        (*_STAGE, "RecordId"),
        writes=True,
    ),
    Endpoint(
        f"{PREFIX}/cflow/getworkflowprocessfieldsformap",
        "GET",
        get_process_fields_for_map,
        "The fields an update maps, with RecordId",
        _STAGE,
    ),
    Endpoint(f"{PREFIX}/cflow/getworkflowfieldsets", "GET", get_fieldsets, "The form's fields", _NAME),
    Endpoint(
        f"{PREFIX}/cflow/getworkflowprocessfieldsets",
        "GET",
        get_process_fieldsets,
        "The stage's fields, without RecordId",
        _STAGE,
    ),
)


# ---- the pipeline ---------------------------------------------------------------------------------------


def error_reply(error: Exception) -> Response:
    """A domain error as the face renders it: the message, and for bad fields every one of them."""
    body: dict[str, Any] = {"Message": str(error)}
    if isinstance(error, InvalidFields):
        body["Errors"] = [{"Field": p.field, "Message": p.message} for p in error.problems]
    return json_response(body, _STATUS_OF[type(error)])


def render(result: Reply) -> Response:
    if isinstance(result, bytes):
        return Response(result, media_type="application/json")
    if isinstance(result, records.RecordResult):
        return json_response({"Record_Id": str(result.number)})
    return json_response(result)


@dataclass(frozen=True, slots=True)
class Presented:
    api_key: str
    user_key: str
    username: str
    params: dict[str, str]
    body: Mapping[str, Any]


def _call(runtime: Runtime, source: Connectable, presented: Presented) -> Call:
    ctx = authenticate(
        source,
        runtime.secret,
        presented.api_key,
        presented.user_key,
        presented.username,
        presented.params.get("username", ""),
    )
    return Call(ctx, presented.params, presented.body)


def _audit(source: Connectable, endpoint: Endpoint, call: Call, caller: Caller, result: Reply) -> None:
    record = result if isinstance(result, records.RecordResult) else None
    record_audit(
        source,
        face="cflow",
        action=endpoint.path.rsplit("/", 1)[1],
        caller=caller,
        company_id=call.ctx.company_id,
        credential_id=call.ctx.credential_id,
        entity_type="cflow_record",
        entity_id=record.record_id if record else None,
        description=f"{call.ctx.username}: record {record.number}" if record else call.ctx.username,
    )


def _run(runtime: Runtime, endpoint: Endpoint, presented: Presented, caller: Caller) -> tuple[Reply, int]:
    if not endpoint.writes:
        with runtime.db.reading() as connection:
            call = _call(runtime, connection, presented)
            return endpoint.serve(connection, call), call.ctx.credential_id
    # A write is a handful of prepared statements: it runs on the driver connection, without an ORM session.
    with runtime.db.writing() as connection:
        call = _call(runtime, connection, presented)
        result = endpoint.serve(connection, call)
        _audit(connection, endpoint, call, caller, result)
        return result, call.ctx.credential_id


def serve(runtime: Runtime, endpoint: Endpoint, presented: Presented, caller: Caller) -> Response:
    """Runs the endpoint and renders what comes out; nothing is stored when it is refused."""
    try:
        result, credential_id = _run(runtime, endpoint, presented, caller)
    except NotAuthenticated as refused:
        runtime.failed_auth.record(runtime.db, face="cflow", caller=caller, description=str(refused))
        return error_reply(refused)
    except (InvalidFields, NotAllowed, RecordNotFound, StageConflict) as refused:
        return error_reply(refused)
    except OperationalError:
        return json_response({"Message": database_busy(log, endpoint.path)}, 503)
    except Exception:
        return json_response({"Message": internal_error(log, endpoint.path)}, 500)
    runtime.last_use.note(runtime.db, credential_id)
    return render(result)


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


def make_handler(endpoint: Endpoint) -> Callable[[Request], Any]:
    async def handle(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        if request.method != endpoint.method:
            return json_response({"Message": f"Use {endpoint.method} for this endpoint."}, 405)
        body: Mapping[str, Any] = {}
        if endpoint.method == "POST":
            try:
                body = parse_body(await read_body(request, runtime.settings.max_body_bytes))
            except BodyTooLarge:
                return json_response({"Message": "The request body is too large."}, 413)
            except InvalidFields as refused:
                return error_reply(refused)
        headers = request.headers
        query = request.query_params
        if any("\x00" in text for text in (*query.keys(), *query.values(), *headers.values())):
            return error_reply(InvalidFields([FieldProblem("query", "Parameters may not contain NUL characters.")]))
        presented = Presented(
            headers.get("apikey", ""),
            headers.get("userkey", ""),
            headers.get("username", ""),
            {name.lower(): value for name, value in query.items()},
            body,
        )
        return await runtime.call_database(
            serve, runtime, endpoint, presented, caller_of(request), writes=endpoint.writes
        )

    handle.__name__ = endpoint.path.rsplit("/", 1)[1]
    return handle


def handlers() -> dict[str, Any]:
    """Each endpoint's handler by path, for the direct-path layer in front of FastAPI."""
    return {endpoint.path: make_handler(endpoint) for endpoint in ENDPOINTS}


def _openapi(endpoint: Endpoint) -> dict[str, Any]:
    headers = [
        {"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
        for name in ("apikey", "userkey", "username")
    ]
    query = [
        {"name": name, "in": "query", "required": False, "schema": {"type": "string"}} for name in endpoint.parameters
    ]
    extra: dict[str, Any] = {"parameters": headers + query}
    if endpoint.writes:
        extra["requestBody"] = {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
    return extra


def build_router() -> APIRouter:
    """The endpoints as FastAPI routes, so OpenAPI documents them (requests reach the direct paths first)."""
    router = APIRouter()
    for endpoint in ENDPOINTS:
        router.add_api_route(
            endpoint.path,
            make_handler(endpoint),
            methods=[endpoint.method],
            summary=endpoint.summary,
            tags=[TAG],
            response_class=Response,
            openapi_extra=_openapi(endpoint),
        )
    return router
