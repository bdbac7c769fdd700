"""Small HTTP helpers every face's router uses."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from flowsuite.tenancy.service import Caller


class BodyTooLarge(Exception):
    """The request body is larger than the configured maximum."""


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (BodyTooLarge) anything above `limit` bytes before reading it all."""
    declared = request.headers.get("content-length")
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


# What every face answers (in its own envelope) when the database cannot be reached or is locked too long.
DATABASE_BUSY = "The database is busy or unavailable; try again."


def database_busy(log: logging.Logger, path: str) -> str:
    """Logs the database error being handled and returns DATABASE_BUSY, the message to answer with 503."""
    log.exception("database unavailable on %s", path)
    return DATABASE_BUSY


def internal_error(log: logging.Logger, path: str) -> str:
    """Logs the unexpected exception being handled under a short incident id, and returns the message to
    answer with 500: it names the incident, so a report can be matched with the log, and nothing else."""
    incident = uuid.uuid4().hex[:12]
    log.exception("unexpected error %s on %s", incident, path)
    return f"Internal error (incident {incident})."
