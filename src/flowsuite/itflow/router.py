"""The ITFlow API v1 wire: /api/v1/<module>/<function>.php, its envelope and its fixed messages.

Every endpoint runs the same pipeline: method check, body parsing, key, page, one service call, and
the original's envelope. The routes are registered from the endpoint table so that OpenAPI documents
each one with its own parameters and reply shapes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson
from fastapi import APIRouter
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.requests import Request
from starlette.responses import Response

from flowsuite.core.errors import InvalidInput
from flowsuite.core.http import BodyTooLarge, caller_of, database_busy, internal_error, json_response, read_body
from flowsuite.core.runtime import Runtime
from flowsuite.itflow.endpoints import ENDPOINTS, Endpoint
from flowsuite.itflow.errors import OperationFailed, Refused
from flowsuite.itflow.keys import authenticate
from flowsuite.itflow.params import Params, to_integer
from flowsuite.itflow.resources import Page
from flowsuite.tenancy.service import Caller

log = logging.getLogger("flowsuite.itflow")

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


def parse_page(query: dict[str, Any], body: dict[str, Any], max_page_size: int) -> Page:
    """limit (default 50) and offset (default 0), from the query string first, then the body."""
    values = {}
    for name, default in (("limit", 50), ("offset", 0)):
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


def render(endpoint: Endpoint, result: Any) -> Response:
    if endpoint.kind == "read":
        if not result:
            return failure(NO_RESOURCE)
        return json_response({"success": "True", "count": len(result), "data": result})
    if endpoint.kind == "create":
        return json_response({"success": "True", "count": "1", "data": [{"insert_id": result}]})
    return json_response({"success": "True", "count": result})


def audit_failed_key(runtime: Runtime, caller: Caller, path: str) -> None:
    description = f"Incorrect or expired key (endpoint: {path})"
    runtime.failed_auth.record(runtime.db, face="itflow", caller=caller, description=description)


class _KeyRejected(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Call:
    """One parsed request to an endpoint, ready for the database work."""

    endpoint: Endpoint
    query: dict[str, Any]
    body: dict[str, Any]
    api_key: str
    caller: Caller
    path: str


def serve(runtime: Runtime, call: Call) -> Response:
    """Authenticates, runs the endpoint's service and renders its reply or its failure."""
    endpoint = call.endpoint
    failure_message = FAILURE_MESSAGES.get(endpoint.kind, NO_RESOURCE)
    params = Params(call.query, call.body, prefer_body=endpoint.method == "POST")
    try:
        # Reads run on a bare pooled connection; writes in a transaction that commits or rolls back whole.
        unit = runtime.db.reading() if endpoint.kind == "read" else runtime.db.transaction(write=True)
        with unit as source:
            key = authenticate(source, runtime.secret, call.api_key, call.caller)
            if key is None:
                raise _KeyRejected
            page = parse_page(call.query, call.body, runtime.settings.max_page_size)
            result = endpoint.run(source, key, params, page)
    except _KeyRejected:
        audit_failed_key(runtime, call.caller, call.path)
        return failure(AUTH_FAILED, 401)
    except InvalidInput as error:
        return failure(error.message, 400)
    except OperationFailed as error:
        return failure(failure_message, headers={"X-Flowsuite-Reason": _header_safe(error.reason)})
    except Refused as error:
        return failure(error.message, error.status)
    except IntegrityError:
        return failure(failure_message, headers={"X-Flowsuite-Reason": "conflicts with an existing record"})
    except OperationalError:
        return failure(database_busy(log, call.path), 503)
    except Exception:
        return failure(internal_error(log, call.path), 500)
    runtime.last_use.note(runtime.db, key.credential_id)
    return render(endpoint, result)


def make_handler(endpoint: Endpoint) -> Any:
    async def handle(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        if request.method != endpoint.method:
            return failure(f"Can only send {endpoint.method} requests to this endpoint.", 405)
        try:
            raw = await read_body(request, runtime.settings.max_body_bytes)
        except BodyTooLarge:
            return failure(f"The request body is larger than {runtime.settings.max_body_bytes} bytes.", 413)
        query = dict(request.query_params)
        try:
            body = parse_body(raw, request.headers.get("content-type", ""))
        except InvalidInput as error:
            return failure(error.message, 400)
        presented = body.get("api_key")
        if presented is None:
            presented = query.get("api_key")
        if presented is None:
            return Response(status_code=401, media_type="application/json")
        call = Call(endpoint, query, body, str(presented), caller_of(request), request.url.path)
        # On the event loop, even ITFlow's writes to PostgreSQL: they go through the ORM session, which
        # keeps the CPU busy rather than waiting, and worker threads measured slower with bench/
        # (tickets/create 642 -> 445 req/s) where iFlow's prepared-statement writes gain (see call_database).
        return serve(runtime, call)

    handle.__name__ = f"{endpoint.module}_{endpoint.function}"
    return handle


def _header_safe(text: str) -> str:
    return text.encode("ascii", "replace").decode("ascii")[:300]


def _openapi(endpoint: Endpoint) -> dict[str, Any]:
    parameters = [
        {
            "name": "api_key",
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": "The API key (may also be sent in the JSON body, which wins).",
        }
    ]
    for name in endpoint.query_params:
        parameters.append({"name": name, "in": "query", "required": False, "schema": {"type": "string"}})
    extra: dict[str, Any] = {"parameters": parameters}
    if endpoint.method == "POST":
        properties = {"api_key": {"type": "string"}}
        properties.update({name: {"type": "string"} for name in endpoint.body_fields})
        extra["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object", "properties": properties}}},
        }
    extra.update(endpoint.extra)
    return extra


_ENVELOPES = {
    "read": {"success": "True", "count": 1, "data": [{"<column>": "<value as string or null>"}]},
    "create": {"success": "True", "count": "1", "data": [{"insert_id": 1}]},
    "update": {"success": "True", "count": 1},
    "delete": {"success": "True", "count": 1},
}


def _responses(endpoint: Endpoint) -> dict[int | str, dict[str, Any]]:
    failure_message = FAILURE_MESSAGES.get(endpoint.kind, NO_RESOURCE)
    return {
        200: {
            "description": 'Success, or the original\'s fixed failure message (success "False").',
            "content": {
                "application/json": {
                    "examples": {
                        "success": {"value": _ENVELOPES[endpoint.kind]},
                        "failure": {"value": {"success": "False", "message": failure_message}},
                    }
                }
            },
        },
        400: {
            "description": "Malformed input; the message names the field.",
            "content": {
                "application/json": {"example": {"success": "False", "message": "limit must be between 0 and 10000."}}
            },
        },
        401: {
            "description": "No api_key (empty body), or an unknown, expired or revoked key.",
            "content": {"application/json": {"example": {"success": "False", "message": AUTH_FAILED}}},
        },
        405: {
            "description": "Wrong HTTP method.",
            "content": {
                "application/json": {
                    "example": {
                        "success": "False",
                        "message": f"Can only send {endpoint.method} requests to this endpoint.",
                    }
                }
            },
        },
    }


def handlers() -> dict[str, Any]:
    """Each endpoint's handler by path, for the direct-path layer in front of FastAPI."""
    return {endpoint.path: make_handler(endpoint) for endpoint in ENDPOINTS}


def build_router() -> APIRouter:
    """The endpoints as FastAPI routes. Requests reach the handlers through the direct-path layer
    (flowsuite.core.asgi) before FastAPI routes anything; these routes document them in OpenAPI."""
    router = APIRouter()
    for endpoint in ENDPOINTS:
        router.add_api_route(
            endpoint.path,
            make_handler(endpoint),
            methods=[endpoint.method],
            summary=endpoint.summary,
            description=endpoint.notes,
            tags=[f"ITFlow: {endpoint.module}"],
            responses=_responses(endpoint),
            openapi_extra=_openapi(endpoint),
            response_class=Response,
        )
    return router
