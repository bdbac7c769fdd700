"""How OpenAPI describes the ITFlow v1 operations: the query, the JSON body, the original's envelope.

Values are typed as the wire carries them: the page and the ids of the query are integers; a body's whole
numbers may come as JSON numbers or as strings of digits (the original's clients send both); a read's rows
are strings or null, its `count` an integer; a create's `count` is the string "1" and its `insert_id` an
integer; an update's or a delete's `count` is an integer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flowsuite.core.http import DATABASE_BUSY
from flowsuite.core.openapi import Schema, busy_reply, json_reply
from flowsuite.core.pipeline import OpenApi
from flowsuite.itflow.endpoints import Operation
from flowsuite.itflow.resources import FieldKind, Resource
from flowsuite.itflow.services.assets import assets
from flowsuite.itflow.services.certificates import certificates
from flowsuite.itflow.services.clients import clients
from flowsuite.itflow.services.contacts import contacts
from flowsuite.itflow.services.credentials import credentials
from flowsuite.itflow.services.domains import domains
from flowsuite.itflow.services.networks import networks
from flowsuite.itflow.services.software import software
from flowsuite.itflow.services.ticket_replies import ticket_replies
from flowsuite.itflow.services.tickets import tickets
from flowsuite.settings import Settings

# The body limit a server has unless FLOWSUITE_MAX_BODY_BYTES says otherwise, as the 413 example names it.
_MAX_BODY = Settings.model_fields["max_body_bytes"].default
RESOURCES: tuple[Resource, ...] = (
    assets,
    certificates,
    clients,
    contacts,
    credentials,
    domains,
    networks,
    software,
    ticket_replies,
    tickets,
)

WHOLE_NUMBER: Schema = {
    "type": ["integer", "string"],
    "description": "A whole number, as a JSON number or a string of digits.",
}
_SCHEMA_OF_KIND: Mapping[FieldKind, Schema] = {
    "text": {"type": "string"},
    "html": {"type": "string"},
    "digits": {"type": "string", "description": "Only its digits are kept."},
    "int": WHOLE_NUMBER,
    "flag": {**WHOLE_NUMBER, "description": "0 or 1, as a JSON number or a string."},
    "date": {"type": "string", "description": "YYYY-MM-DD; empty for none."},
    "money": {"type": ["number", "string"], "description": "An amount, as a JSON number or a numeric string."},
    "duration": {"type": "string", "description": "A time worked as H:MM:SS."},
}
# Each body field's kind, from the modules' field definitions.
KINDS: Mapping[str, FieldKind] = {
    field.param: field.kind for resource in RESOURCES for field in resource.body_fields()
} | {resource.pk: "int" for resource in RESOURCES}
# The query parameters that are whole numbers: the page, the client, and each module's id filters.
INTEGER_QUERY = frozenset(
    {"limit", "offset", "client_id"}
    | {f.param for resource in RESOURCES for f in resource.read_filters if f.whole_number}
)

_ROW: Schema = {"type": "object", "additionalProperties": {"type": ["string", "null"]}}
_TRUE: Schema = {"type": "string", "enum": ["True"]}
SCHEMAS: Mapping[str, Schema] = {
    "ITFlowRows": {
        "type": "object",
        "required": ["success", "count", "data"],
        "properties": {"success": _TRUE, "count": {"type": "integer"}, "data": {"type": "array", "items": _ROW}},
    },
    "ITFlowCreated": {
        "type": "object",
        "required": ["success", "count", "data"],
        "properties": {
            "success": _TRUE,
            "count": {"type": "string", "enum": ["1"]},
            "data": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["insert_id"],
                    "properties": {"insert_id": {"type": "integer"}},
                },
            },
        },
    },
    "ITFlowChanged": {
        "type": "object",
        "required": ["success", "count"],
        "properties": {"success": _TRUE, "count": {"type": "integer", "description": "The rows changed."}},
    },
    "ITFlowFailure": {
        "type": "object",
        "required": ["success", "message"],
        "properties": {"success": {"type": "string", "enum": ["False"]}, "message": {"type": "string"}},
    },
}
_ENVELOPE_SCHEMAS: Mapping[str, Schema] = {
    kind: {"$ref": f"#/components/schemas/{name}"}
    for kind, name in (
        ("read", "ITFlowRows"),
        ("create", "ITFlowCreated"),
        ("update", "ITFlowChanged"),
        ("delete", "ITFlowChanged"),
    )
}
_FAILURE: Schema = {"$ref": "#/components/schemas/ITFlowFailure"}
_ENVELOPES: Mapping[str, Any] = {
    "read": {"success": "True", "count": 1, "data": [{"<column>": "<value as string or null>"}]},
    "create": {"success": "True", "count": "1", "data": [{"insert_id": 1}]},
    "update": {"success": "True", "count": 1},
    "delete": {"success": "True", "count": 1},
}


def _schema_of(name: str) -> Schema:
    kind = KINDS.get(name)
    if kind is None:
        return WHOLE_NUMBER if name.endswith("_id") or name == "ticket_status" else {"type": "string"}
    return dict(_SCHEMA_OF_KIND[kind])


def parameters(operation: Operation) -> list[dict[str, Any]]:
    """The query parameters: the key, then the operation's own."""
    documented = [
        {
            "name": "api_key",
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": "The API key (may also be sent in the JSON body, which wins).",
        }
    ]
    for name in operation.query_params:
        schema = {"type": "integer"} if name in INTEGER_QUERY else {"type": "string"}
        documented.append({"name": name, "in": "query", "required": False, "schema": schema})
    return documented


def request_body(operation: Operation) -> dict[str, Any] | None:
    """A POST's JSON body: the key and the operation's fields."""
    if operation.method != "POST":
        return None
    properties: dict[str, Schema] = {"api_key": {"type": "string"}}
    properties.update({name: _schema_of(name) for name in operation.body_fields})
    return {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object", "properties": properties}}},
    }


def responses(operation: Operation, failure_message: str, auth_failed: str) -> dict[int | str, dict[str, Any]]:
    """The original's envelope on success and on failure (status 200), and every refusal's status."""
    envelope = _ENVELOPE_SCHEMAS[operation.kind]
    return {
        200: json_reply(
            'Success, or the original\'s fixed failure message (success "False").',
            {"anyOf": [envelope, _FAILURE]},
            success=_ENVELOPES[operation.kind],
            failure={"success": "False", "message": failure_message},
        ),
        400: {
            "description": "Malformed input; the message names the field.",
            "content": {
                "application/json": {
                    "schema": _FAILURE,
                    "example": {"success": "False", "message": "limit must be between 0 and 10000."},
                }
            },
        },
        401: {
            "description": "No api_key (empty body), or an unknown, expired or revoked key.",
            "content": {
                "application/json": {"schema": _FAILURE, "example": {"success": "False", "message": auth_failed}}
            },
        },
        403: {
            "description": "The key may not do this (a key limited to one client, a wrong decrypt password).",
            "content": {
                "application/json": {
                    "schema": _FAILURE,
                    "example": {
                        "success": "False",
                        "message": "This API key is limited to one client and cannot create clients.",
                    },
                }
            },
        },
        405: {
            "description": "Wrong HTTP method.",
            "content": {
                "application/json": {
                    "schema": _FAILURE,
                    "example": {
                        "success": "False",
                        "message": f"Can only send {operation.method} requests to this endpoint.",
                    },
                }
            },
        },
        413: {
            "description": "The body is too large.",
            "content": {
                "application/json": {
                    "schema": _FAILURE,
                    "example": {"success": "False", "message": f"The request body is larger than {_MAX_BODY} bytes."},
                }
            },
        },
        503: busy_reply(_FAILURE, {"success": "False", "message": DATABASE_BUSY}),
    }


def describe(operation: Operation, failure_message: str, auth_failed: str) -> OpenApi:
    """The OpenAPI description of one ITFlow operation."""
    return OpenApi(
        tags=(f"ITFlow: {operation.module}",),
        description=operation.notes,
        parameters=tuple(parameters(operation)),
        request_body=request_body(operation),
        responses=responses(operation, failure_message, auth_failed),
        components={"schemas": SCHEMAS},
    )
