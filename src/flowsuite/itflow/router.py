"""The ITFlow API v1 wire: /api/v1/<module>/<function>.php, its envelope and its fixed messages.

The adapter of the core pipeline (core.pipeline): the body (JSON whatever the content type, or a form), the
`api_key`, the page, the request read into the service's command (itflow.parse), the original's envelope, and the
table of refusals: a failed operation answers the original's fixed message with status 200 and
`"success": "False"`, the real reason in `X-Flowsuite-Reason`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl

import orjson
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from flowsuite.core.audit import Actor, AuditEntry, Caller
from flowsuite.core.db import ReadConnection
from flowsuite.core.errors import AccessDenied, Conflict, DomainError, InvalidInput, NotFound
from flowsuite.core.http import DATABASE_BUSY, RETRY_AFTER, incident_message, json_response
from flowsuite.core.pipeline import (
    ORM_WRITE,
    READ,
    SCAN,
    Answered,
    Endpoint,
    EndpointInfo,
    Presented,
    Rejected,
)
from flowsuite.core.runtime import Runtime
from flowsuite.core.secrets import ServerSecret
from flowsuite.core.wiretext import Readable
from flowsuite.itflow.commands import Page, RecordQuery, RecordWrite
from flowsuite.itflow.context import KeyContext
from flowsuite.itflow.endpoints import OPERATIONS, Operation
from flowsuite.itflow.errors import OperationFailed, Refused, SecretMissing
from flowsuite.itflow.keys import key_for
from flowsuite.itflow.openapi import describe
from flowsuite.itflow.params import Params, to_integer
from flowsuite.itflow.parse import read_query, write_command
from flowsuite.itflow.resources import WireRow

NO_RESOURCE = "No resource (for this client and company) with the specified parameter(s)."
AUTH_FAILED = "Authentication failed. API key is invalid or has expired."
FAILURE_MESSAGES = {
    "create": (
        "Auth success but insert query failed, ensure ALL required variables are provided (and aren't "
        "duplicates where applicable) and database schema is up-to-date. Turn on error logging and look "
        "for 'undefined index'."
    ),
    "update": (
        "Auth success but update query failed/returned no results. Ensure ALL required variables are "
        "provided and database schema is up-to-date. Most likely cause: non-existent module ID (i.e. bad "
        "contact ID/ticket ID/etc) or no rows changed."
    ),
    "delete": (
        "Auth success but delete query failed. Ensure ALL required variables are provided and database "
        "schema is up-to-date. Most likely cause: asset/client/company ID mismatch."
    ),
}


def failure(message: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return json_response({"success": "False", "message": message}, status, headers)


def parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    """The request body as a mapping: JSON (any content type), or a form-encoded body."""
    if not raw.strip():
        return {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        try:
            return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError as error:
            raise InvalidInput("body", "The request body is not valid UTF-8.") from error
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise InvalidInput("body", "The request body is not valid JSON.") from error
    if not isinstance(body, dict):
        raise InvalidInput("body", "The request body must be a JSON object.")
    return body


# A read's page size when it names none, as the original's.
DEFAULT_LIMIT = 50


def parse_page(query: dict[str, Any], body: dict[str, Any], max_page_size: int) -> Page:
    """limit (default 50) and offset (default 0), from the query string first, then the body."""
    values = {}
    for name, default in (("limit", DEFAULT_LIMIT), ("offset", 0)):
        raw = query.get(name)
        if raw is None:
            raw = body.get(name)
        number = to_integer(name, raw)
        values[name] = default if number is None else number
    if values["limit"] < 0 or values["limit"] > max_page_size:
        raise InvalidInput("limit", f"limit must be between 0 and {max_page_size}.")
    if values["offset"] < 0:
        raise InvalidInput("offset", "offset must not be negative.")
    return Page(values["limit"], values["offset"])


@dataclass(frozen=True, slots=True)
class ITFlowRequest:
    """A request as the wire sent it: the query string, the decoded body, and the operation it is for."""

    operation: Operation
    query: dict[str, Any]
    body: dict[str, Any]
    max_page_size: int

    @property
    def params(self) -> Params:
        return Params(self.query, self.body, prefer_body=self.operation.kind != "read")


def failure_message(operation: Operation) -> str:
    return FAILURE_MESSAGES.get(operation.kind, NO_RESOURCE)


class ITFlowFace:
    """The ITFlow v1 face's side of the pipeline: the original's envelope and fixed messages."""

    name = "itflow"

    def __init__(self, operations: Mapping[str, Operation]) -> None:
        self.operations = operations

    async def read(self, request: Request, body: bytes, endpoint: EndpointInfo) -> ITFlowRequest:
        try:
            parsed = parse_body(body, request.headers.get("content-type", ""))
        except InvalidInput as error:
            raise Answered(failure(error.message, 400)) from None
        runtime: Runtime = request.app.state.runtime
        operation = self.operations[endpoint.path]
        return ITFlowRequest(operation, dict(request.query_params), parsed, runtime.settings.max_page_size)

    def present(self, request: ITFlowRequest, endpoint: EndpointInfo) -> Presented:
        presented = request.body.get("api_key")
        if presented is None:
            presented = request.query.get("api_key")
        if presented is None:
            raise Answered(Response(status_code=401, media_type="application/json"))
        return Presented("api_key", str(presented))

    def resolve(
        self, connection: Readable, secret: ServerSecret, presented: Presented, request: ITFlowRequest, caller: Caller
    ) -> KeyContext:
        return key_for(connection, secret, presented.secret, caller, request.operation.path)

    def actor(self, context: KeyContext) -> Actor:
        return context.actor

    def refusal(self, request: ITFlowRequest | None, error: Exception) -> Response | None:
        message = failure_message(request.operation) if request is not None else NO_RESOURCE
        if isinstance(error, InvalidInput):
            return failure(error.message, 400)
        if isinstance(error, OperationFailed):
            return failure(message, headers={"X-Flowsuite-Reason": _header_safe(error.reason)})
        if isinstance(error, SecretMissing):
            return failure(error.message, 400)
        if isinstance(error, Refused):
            return failure(error.message, 403)
        if isinstance(error, (NotFound, Conflict)):
            # The original answers every failed operation with its fixed message; the reason travels aside.
            return failure(message, headers={"X-Flowsuite-Reason": _header_safe(str(error))})
        if isinstance(error, AccessDenied):
            return failure(str(error), 403)
        if isinstance(error, DomainError):
            return failure(str(error), 400)
        return None

    def rejected(self, request: ITFlowRequest, presented: Presented, rejection: Rejected) -> Response:
        return failure(AUTH_FAILED, 401)

    def wrong_method(self, endpoint: EndpointInfo) -> Response:
        method = endpoint.methods[0]
        return failure(f"Can only send {method} requests to this endpoint.", 405, {"Allow": method})

    def too_large(self, limit: int) -> Response:
        return failure(f"The request body is larger than {limit} bytes.", 413)

    def conflict(self, request: ITFlowRequest, endpoint: EndpointInfo) -> Response:
        reason = {"X-Flowsuite-Reason": "conflicts with an existing record"}
        return failure(failure_message(request.operation), headers=reason)

    def busy(self, request: ITFlowRequest | None) -> Response:
        return failure(DATABASE_BUSY, 503, RETRY_AFTER)

    def incident(self, request: ITFlowRequest | None, incident: str) -> Response:
        return failure(incident_message(incident), 500)


FACE = ITFlowFace({operation.path: operation for operation in OPERATIONS})


def _read_query(request: ITFlowRequest, key: KeyContext) -> RecordQuery:
    page = parse_page(request.query, request.body, request.max_page_size)
    return read_query(request.operation.resource, request.params, page, key)


def _write_command(request: ITFlowRequest, key: KeyContext) -> RecordWrite:
    operation = request.operation
    return write_command(operation.resource, operation.function, request.params, key)


def render(request: ITFlowRequest, result: list[WireRow] | int) -> Response:
    kind = request.operation.kind
    if kind == "read":
        if not result:
            return failure(NO_RESOURCE)
        assert isinstance(result, list)
        return json_response({"success": "True", "count": len(result), "data": result})
    if kind == "create":
        return json_response({"success": "True", "count": "1", "data": [{"insert_id": result}]})
    return json_response({"success": "True", "count": result})


def _audit(operation: Operation) -> Callable[[KeyContext, RecordWrite, int], AuditEntry]:
    action = operation.function

    def entry(key: KeyContext, command: RecordWrite, result: int) -> AuditEntry:
        record_id = result if operation.kind == "create" else command.record_id
        return AuditEntry(
            action=action,
            description=f"{action} {operation.entity} {record_id} via API ({key.author.name})",
            entity_type=operation.entity,
            entity_id=record_id,
        )

    return entry


ITFlowEndpoint = Endpoint[ITFlowRequest, KeyContext, Any, Any, Any]


def endpoint_of(operation: Operation) -> ITFlowEndpoint:
    """The pipeline's endpoint for one ITFlow operation."""
    info = EndpointInfo(
        operation.path,
        (operation.method,),
        f"itflow_{operation.module}_{operation.function}",
        ("api_key",),
        operation.kind != "read",
        operation.kind,
    )
    openapi = describe(operation, failure_message(operation), AUTH_FAILED)
    read, write = operation.read, operation.write
    if read is not None:
        deep: ITFlowEndpoint = Endpoint[ITFlowRequest, KeyContext, ReadConnection, RecordQuery, list[WireRow] | int](
            info,
            operation.summary,
            SCAN,
            parse=_read_query,
            run=lambda connection, key, query: read(connection, key.scope, query),
            render=render,
            openapi=openapi,
        )
        return replace(deep, access=READ, route=lambda request: deep if walks_many_rows(request) else None)
    assert write is not None
    return Endpoint[ITFlowRequest, KeyContext, Session, RecordWrite, int](
        info,
        operation.summary,
        ORM_WRITE,
        parse=_write_command,
        run=lambda session, key, command: write(session, key.scope, command),
        render=render,
        audit=_audit(operation),
        openapi=openapi,
    )


# A page that skips or returns more rows than this is read on a worker thread where the database is a server.
MANY_ROWS = 1_000


def walks_many_rows(request: ITFlowRequest) -> bool:
    """Whether the read asks for a page past MANY_ROWS rows (a malformed page is refused later, by parse)."""
    rows = 0
    for name, default in (("offset", 0), ("limit", DEFAULT_LIMIT)):
        raw = request.query.get(name)
        if raw is None:
            raw = request.body.get(name)
        try:
            number = to_integer(name, raw)
        except InvalidInput:
            return False
        rows += max(0, default if number is None else number)
    return rows > MANY_ROWS


def _header_safe(text: str) -> str:
    return text.encode("ascii", "replace").decode("ascii")[:300]


ENDPOINTS: tuple[ITFlowEndpoint, ...] = tuple(endpoint_of(operation) for operation in OPERATIONS)
