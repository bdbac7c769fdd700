"""The OpenAPI document made from the endpoint descriptions (pipeline.OpenApi): each operation as its
description says, the components they refer to, and small builders the faces' descriptions share."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI

from flowsuite.core.pipeline import Endpoint

Schema = dict[str, Any]


def components_of(endpoints: Iterable[Endpoint[Any, Any, Any, Any, Any]]) -> dict[str, dict[str, Any]]:
    """Every component (security scheme, schema, ...) the endpoints' descriptions refer to, by section."""
    merged: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        for doc in (endpoint.openapi, *endpoint.openapi.per_method.values()):
            for section, entries in doc.components.items():
                merged.setdefault(section, {}).update(entries)
    return merged


def _plain(value: Any) -> Any:
    """`value` as JSON has it (tuples as lists, integer keys as strings)."""
    return json.loads(json.dumps(value))


def document(app: FastAPI, endpoints: Sequence[Endpoint[Any, Any, Any, Any, Any]]) -> None:
    """Makes the app's /openapi.json describe each endpoint exactly as its description says, with the
    components the descriptions refer to. FastAPI drops every null from what it generates, the examples'
    nulls included (a Cflow field's `"default:": null`, an iFlow user's absent values), so the parameters,
    bodies and replies are put back as described."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = generate()
            for endpoint in endpoints:
                for method in endpoint.info.methods:
                    doc = endpoint.openapi.of(method)
                    operation = spec["paths"][endpoint.path][method.lower()]
                    operation["parameters"] = _plain(doc.parameters)
                    if doc.request_body is not None:
                        operation["requestBody"] = _plain(doc.request_body)
                    operation["responses"].update(_plain(doc.responses))
            sections = spec.setdefault("components", {})
            for section, entries in components_of(endpoints).items():
                sections.setdefault(section, {}).update(_plain(entries))
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


def json_reply(description: str, schema: Schema, **examples: Any) -> dict[str, Any]:
    """A response whose body is JSON of `schema`, with named examples."""
    media: dict[str, Any] = {"schema": schema}
    if examples:
        media["examples"] = {name: {"value": value} for name, value in examples.items()}
    return {"description": description, "content": {"application/json": media}}


def busy_reply(schema: Schema, example: Mapping[str, Any]) -> dict[str, Any]:
    """The 503 every face answers while the database cannot, in the face's shape, with its Retry-After."""
    reply = json_reply("The database is busy or unavailable; try again later.", schema, busy=example)
    retry = {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}
    return {**reply, "headers": {"Retry-After": retry}}
