"""Small HTTP helpers every face's router uses."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from flowsuite.core.audit import Caller


class BodyTooLarge(Exception):
    """The request body is larger than the configured maximum."""


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (BodyTooLarge) anything above `limit` bytes before reading it all."""
    headers = request.headers
    declared = headers.get("content-length")
    if declared == "0" or (declared is None and "transfer-encoding" not in headers):
        # HTTP/1.1 sends a body only with one of the two headers: a GET has nothing to wait for.
        return b""
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def caller_of(request: Request) -> Caller:
    return Caller(
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON reply with exactly `Content-Type: application/json`."""
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json", headers=headers)


# What every face answers (in its own envelope, with status 503 and Retry-After) when the database cannot answer.
DATABASE_BUSY = "The database is busy or unavailable; try again."
RETRY_AFTER = {"Retry-After": "1"}


def incident_message(incident: str) -> str:
    """The message of a 500 reply: it names the incident, so a report can be matched with the log."""
    return f"Internal error (incident {incident})."
