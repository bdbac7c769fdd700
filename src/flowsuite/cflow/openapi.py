"""How OpenAPI describes the Cflow endpoints: the credential headers, the query, the record bodies, the
replies with the vendor's samples as examples, and every refusal in the `{"Message", "Errors"}` shape.

The three credential headers are header parameters of every operation, not security schemes: Cflow needs
all three together, and client generators (openapi-python-client, openapi-generator) turn a required header
parameter into an argument of each call, while apiKey schemes become client-wide settings that several of
them support for one scheme only, or not at all. A parameter cannot be forgotten; a scheme can.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib.resources import files
from typing import Any

from flowsuite.cflow.keys import NO_API_KEY
from flowsuite.core.http import DATABASE_BUSY
from flowsuite.core.openapi import Schema, busy_reply, json_reply
from flowsuite.core.pipeline import OpenApi

# The vendor document's sample replies by endpoint name (getworkflows, submitrecord, ...).
SEED_REPLIES: Mapping[str, Any] = json.loads(files("flowsuite.cflow").joinpath("seed_samples.json").read_text())

# The vendor document's request samples of the two writes.
SEED_REQUESTS: Mapping[str, Any] = {
    "submitrecord": {
        "main": {"WorkflowName": "SampleWorkflow"},
        "dynamicobj": {
            "City": "trichy",
            "Name1": "ashoka",
            "Email": "ashoka@cavintek.com",
            "Build_Date": "3/26/2022 6:30:00 PM",
            "Work_Status": ["Stage"],
            "Completed_work": ["stage testing completed", "live testing completed"],
        },
    },
    "updaterecord": {
        "main": {"WorkflowName": "SampleWorkflow", "group_id": "27408", "RecordId": "32"},
        "Values": {
            "City": "tiruchirappalli",
            "Name1": "ashoka",
            "Email": "ashoka@cavintek.com",
            "Build_Date": "3/26/2022 6:30:00 PM",
        },
    },
}

HEADERS: tuple[tuple[str, str], ...] = (
    ("apikey", "The company's API key."),
    ("userkey", "The user's key."),
    ("username", "The user's username (login or email); the user key must be this user's."),
)
_PARAMETER_TEXT = {
    "username": "The acting user; when given, it must be the username header's.",
    "WorkflowName": "The workflow's internal name (for a POST, also accepted in the body's `main`).",
    "group_id": "A stage's ProcessID (for a POST, also accepted in the body's `main`).",
    "RecordId": "The record's Record_Id (also accepted in the body's `main`).",
}

_STRINGS: Schema = {"type": "string"}


def _object(properties: Mapping[str, Schema], required: tuple[str, ...] | None = None) -> Schema:
    return {"type": "object", "required": list(properties if required is None else required), "properties": properties}


_VALUE: Schema = {
    "description": "A text, number, date (`M/D/YYYY h:mm:ss AM/PM` or ISO 8601), select, checkbox... value; "
    "a list of strings for a multiple field.",
    "anyOf": [
        {"type": "string"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "array", "items": {"type": "string"}},
        {"type": "null"},
    ],
}
_VALUES: Schema = {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/CflowValue"}}
_FIELD = _object(
    {
        "name": _STRINGS,
        "type": _STRINGS,
        "label": _STRINGS,
        "options": {"type": ["array", "null"], "items": {}},
        "spec": {},
        "help": {"type": ["string", "null"]},
        "default:": {},
        "required": {"type": "boolean"},
        "multiple": {"type": "boolean"},
        "multiline": {"type": "boolean"},
    }
)
_PROBLEM = _object({"Field": _STRINGS, "Message": _STRINGS})
_REFUSAL = _object(
    {
        "Message": _STRINGS,
        "Errors": {
            "type": "array",
            "description": "Every offending field (HTTP 400).",
            "items": {"$ref": "#/components/schemas/CflowProblem"},
        },
    },
    ("Message",),
)
SCHEMAS: Mapping[str, Schema] = {
    "CflowValue": _VALUE,
    "CflowField": _FIELD,
    "CflowProblem": _PROBLEM,
    "CflowRefusal": _REFUSAL,
    "CflowRecord": _object({"Record_Id": {"type": "string", "pattern": "^[0-9]+$"}}),
    "CflowConnection": _object(
        {"Status": {"type": "string", "enum": ["Connected"]}, "UserName": _STRINGS, "CompanyName": _STRINGS}
    ),
    "CflowWorkflows": _object(
        {"Workflows": {"type": "array", "items": _object({"WorkflowDisplayName": _STRINGS, "WorkflowName": _STRINGS})}}
    ),
    "CflowStage": _object({"ProcessStage": _STRINGS, "ProcessStageDisplayName": _STRINGS, "ProcessID": _STRINGS}),
    "CflowStatuses": _object(
        {"Status": {"type": "array", "items": _object({"Group_ID": _STRINGS, "Field_Status": _STRINGS})}}
    ),
    "CflowSubmit": _object(
        {"main": _object({"WorkflowName": _STRINGS}, ()), "dynamicobj": _VALUES},
        ("main",),
    ),
    "CflowUpdate": _object(
        {
            "main": _object({"WorkflowName": _STRINGS, "group_id": _STRINGS, "RecordId": _STRINGS}, ()),
            "Values": _VALUES,
        },
        ("main",),
    ),
}


def _named(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


_FIELDS: Schema = {"type": "array", "items": _named("CflowField")}
_REFUSED = _named("CflowRefusal")

# Each endpoint's reply, by its name (the last part of its path, lower-cased as the seed's samples are keyed).
REPLY_SCHEMAS: Mapping[str, Schema] = {
    "getconnection": _named("CflowConnection"),
    "getworkflows": _named("CflowWorkflows"),
    "getprocess": {"type": "array", "items": _named("CflowStage")},
    "getstatus": _named("CflowStatuses"),
    "submitrecord": _named("CflowRecord"),
    "updaterecord": _named("CflowRecord"),
    "getworkflowprocessfieldsformap": _FIELDS,
    "getworkflowfieldsets": _FIELDS,
    "getworkflowprocessfieldsets": _FIELDS,
}
# A reply of our own where the vendor's document has no sample.
_OWN_REPLIES: Mapping[str, Any] = {
    "getconnection": {"Status": "Connected", "UserName": "ashoka@cavintek.com", "CompanyName": "Cavintek"},
}

# The bodies of the two writes: `main` names the workflow (and the stage and record of an update); the field
# values are under `dynamicobj` (submit) or `Values` (update).
BODY_SCHEMAS: Mapping[str, Schema] = {"submitrecord": _named("CflowSubmit"), "updaterecord": _named("CflowUpdate")}

_REFUSALS: tuple[tuple[int, str, dict[str, Any]], ...] = (
    (
        400,
        "A malformed body, or fields and parameters that are refused: every one is listed in `Errors`.",
        {
            "Message": "Invalid value for: WorkflowName.",
            "Errors": [{"Field": "WorkflowName", "Message": "No workflow named 'NoSuchWorkflow'."}],
        },
    ),
    (401, "The API key, user key or username does not identify a user of a company.", {"Message": NO_API_KEY}),
    (
        403,
        "The user may not do this: not an initiator of the workflow, not a reviewer of the stage.",
        {"Message": "ashoka@cavintek.com may not start the workflow 'SampleWorkflow'."},
    ),
    (404, "No such record in this company's workflow.", {"Message": "No record 32 in the workflow 'SampleWorkflow'."}),
    (
        409,
        "The record is not at the stage named, has reached END, or was changed by a concurrent request.",
        {"Message": "Record 32 has reached END (Approved); it can no longer be updated."},
    ),
)


def _parameters(method: str, names: tuple[str, ...]) -> tuple[dict[str, Any], ...]:
    headers = [
        {"name": name, "in": "header", "required": True, "schema": _STRINGS, "description": text}
        for name, text in HEADERS
    ]
    # A GET's parameters are only in the query; a POST may send them in the body's `main` instead.
    query = [
        {
            "name": name,
            "in": "query",
            "required": method == "GET" and name != "username",
            "schema": _STRINGS,
            "description": _PARAMETER_TEXT[name],
        }
        for name in names
    ]
    return (*headers, *query)


def _responses(name: str, method: str) -> dict[int | str, Any]:
    sample = SEED_REPLIES.get(name, _OWN_REPLIES.get(name))
    examples = {"seed" if name in SEED_REPLIES else "success": sample}
    responses: dict[int | str, Any] = {200: json_reply("The reply.", REPLY_SCHEMAS[name], **examples)}
    for status, description, example in _REFUSALS:
        responses[status] = json_reply(description, _REFUSED, refused=example)
    responses[405] = json_reply(
        "Another HTTP method.", _REFUSED, wrong_method={"Message": f"Use {method} for this endpoint."}
    )
    responses[413] = json_reply(
        "The body is too large.", _REFUSED, too_large={"Message": "The request body is too large."}
    )
    responses[503] = busy_reply(_REFUSED, {"Message": DATABASE_BUSY})
    return responses


def describe(name: str, method: str, parameters: tuple[str, ...], tag: str) -> OpenApi:
    """The OpenAPI description of the endpoint `name` (the last part of its path, lower-cased)."""
    body = None
    if method == "POST":
        media = {"schema": BODY_SCHEMAS[name], "examples": {"seed": {"value": SEED_REQUESTS[name]}}}
        body = {"required": True, "content": {"application/json": media}}
    return OpenApi(
        tags=(tag,),
        parameters=_parameters(method, parameters),
        request_body=body,
        responses=_responses(name, method),
        components={"schemas": SCHEMAS},
    )
