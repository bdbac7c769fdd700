"""Liveness and readiness probes."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import Response

from flowsuite.core.http import json_response

router = APIRouter(tags=["health"])
log = logging.getLogger("flowsuite.health")


@router.get("/healthz", response_class=Response, summary="The process is up")
async def healthz() -> Response:
    return json_response({"status": "ok"})


@router.get("/readyz", response_class=Response, summary="The database answers (503 when it does not)")
def readyz(request: Request) -> Response:
    try:
        request.app.state.runtime.db.ping()
    except SQLAlchemyError as error:
        log.warning("readiness check failed: %s", error)
        return json_response({"status": "unavailable", "database": "down"}, 503)
    return json_response({"status": "ok", "database": "up"})
