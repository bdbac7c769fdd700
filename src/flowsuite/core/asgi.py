"""The outermost ASGI layer: the faces' hot paths go straight to their handlers, the rest to FastAPI."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

Handler = Callable[[Request], Awaitable[Response]]


class DirectPaths:
    """Serves exact paths with their handler, skipping FastAPI's router and middleware.

    FastAPI's routing is a sizeable share of a fast read (bench/README.md). The handlers are the core
    pipeline's, which renders every reply and refusal itself, so they need nothing of FastAPI; FastAPI
    still serves everything else (docs, health, unknown paths) and documents these same paths in OpenAPI.
    """

    def __init__(self, app: FastAPI, handlers: Mapping[str, Handler]) -> None:
        self.app = app
        self.handlers = dict(handlers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            handler = self.handlers.get(scope["path"])
            if handler is not None:
                scope["app"] = self.app
                response = await handler(Request(scope, receive))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
