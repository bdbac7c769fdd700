"""Liveness and readiness probes."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import Response

from flowsuite.core.http import json_response
from flowsuite.core.startup import StartupRefused

router = APIRouter(tags=["health"])
log = logging.getLogger("flowsuite.health")


@router.get("/healthz", response_class=Response, summary="The process is up")
async def healthz() -> Response:
    return json_response({"status": "ok"})


@router.get("/readyz", response_class=Response, summary="The database answers (503 when it does not)")
def readyz(request: Request) -> Response:
    runtime = request.app.state.runtime
    try:
        runtime.db.ping()
        runtime.check_database()
    except SQLAlchemyError as error:
        log.warning("readiness check failed: %s", error)
        return json_response({"status": "unavailable", "database": "down"}, 503)
    except StartupRefused as refusal:
        # The details (files, the database's address) go to the log, not to whoever asks.
        log.error("not ready: %s", refusal)
        return json_response({"status": "unavailable", "database": "refused"}, 503)
    return json_response({"status": "ok", "database": "up"})
