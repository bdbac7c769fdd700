"""The outermost ASGI layer: every request's id and access line; the faces' hot paths go straight to their
handlers, the rest to FastAPI."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from time import perf_counter

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from flowsuite.core.logs import REQUEST_ID, access_log, request_id_of

Handler = Callable[[Request], Awaitable[Response]]


class DirectPaths:
    """Serves exact paths with their handler, skipping FastAPI's router and middleware.

    FastAPI's routing is a sizeable share of a fast read (bench/README.md). The handlers are the core
    pipeline's, which renders every reply and refusal itself, so they need nothing of FastAPI; FastAPI
    still serves everything else (docs, health, the console, unknown paths) and documents these same paths
    in OpenAPI.

    Every HTTP request, whichever serves it, gets its id here (the caller's X-Request-Id when it is a sane
    token, else a new one): set for the log lines written while it is served (core.logs), and echoed in the
    reply's X-Request-Id. With `access_log`, one line per request once its reply is sent.
    """

    def __init__(self, app: FastAPI, handlers: Mapping[str, Handler], *, access_log: bool = False) -> None:
        self.app = app
        self.handlers = dict(handlers)
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = perf_counter() if self.access_log else 0.0
        request_id = request_id_of(scope["headers"])
        REQUEST_ID.set(request_id.decode())
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                # A new list: a reply's own header list must not change (a prebuilt reply may be sent again).
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", request_id)]
            await send(message)

        handler = self.handlers.get(scope["path"])
        try:
            if handler is not None:
                scope["app"] = self.app
                response = await handler(Request(scope, receive))
                await response(scope, receive, send_with_id)
            else:
                await self.app(scope, receive, send_with_id)
        finally:
            if self.access_log:
                _log_access(scope, status, perf_counter() - started)


def _log_access(scope: Scope, status: int, seconds: float) -> None:
    # The raw path: without the query string (where ITFlow's and iFlow's keys travel), and still percent-encoded,
    # so that a decoded control character cannot forge a line.
    raw_path: bytes | None = scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path is not None else scope["path"]
    client = scope.get("client")
    host = client[0] if client else "-"
    duration_ms = round(seconds * 1000, 3)
    access_log.info(
        '%s "%s %s" %d %.3fms',
        host,
        scope["method"],
        path,
        status,
        duration_ms,
        extra={"method": scope["method"], "path": path, "status": status, "duration_ms": duration_ms, "client": host},
    )
