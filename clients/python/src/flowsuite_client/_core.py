"""What the sync and async clients share: requests described as data, retries, and reply checks.

Each API method is written once, as a builder returning a `Call` (the HTTP request to make and the
function that turns the response into the result). `SyncRunner` and `AsyncRunner` only send it;
`sync_call` / `async_call` make a client method of a builder, with the builder's own signature.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, Self, TypeVar

import httpx

from flowsuite_client._version import __version__
from flowsuite_client.errors import ConnectionFailed, UnexpectedResponse

T = TypeVar("T")
P = ParamSpec("P")

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
USER_AGENT = f"flowsuite-client/{__version__}"
# Answers a proxy or a restarting server gives; worth another try for a read, never for a write.
RETRY_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True, slots=True)
class Request:
    """One HTTP request, relative to the client's base URL."""

    method: str
    path: str
    params: Mapping[str, str] = field(default_factory=dict)
    json: Mapping[str, Any] | None = None
    form: Mapping[str, str] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    # A read: sending it twice does no harm, so it may be retried after any transport failure.
    idempotent: bool = False

    def send_arguments(self) -> dict[str, Any]:
        """The keyword arguments of `httpx.Client.request` for this request."""
        arguments: dict[str, Any] = {"params": dict(self.params), "headers": dict(self.headers)}
        if self.json is not None:
            arguments["json"] = dict(self.json)
        if self.form is not None:
            arguments["data"] = dict(self.form)
        return arguments


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """A request and how its response becomes the caller's result (raising the API's errors)."""

    request: Request
    parse: Callable[[httpx.Response], T]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a request is tried again.

    A request that never reached the server (the connection failed) is always safe to repeat; any
    other failure is repeated only for idempotent requests, so a write is never applied twice.
    """

    attempts: int = 3
    backoff: float = 0.25
    max_backoff: float = 4.0

    def delay(self, request: Request, attempt: int, error: Exception | None, status: int | None) -> float | None:
        """Seconds to wait before attempt `attempt + 1`, or None if the failure is final."""
        if attempt >= self.attempts:
            return None
        if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout):
            retry = True
        elif error is not None:
            retry = request.idempotent and isinstance(error, httpx.TransportError)
        else:
            retry = request.idempotent and status in RETRY_STATUSES
        if not retry:
            return None
        # Exponential backoff with jitter, so that many clients failing together do not return together.
        ceiling: float = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return ceiling * random.uniform(0.5, 1.0)


def connection_failed(request: Request, error: httpx.TransportError) -> ConnectionFailed:
    return ConnectionFailed(f"{request.method} {request.path}: {type(error).__name__}: {error}")


class SyncRunner:
    """Sends Calls with an `httpx.Client`, retrying as the policy allows."""

    def __init__(self, base_url: str, timeout: httpx.Timeout | float, retry: RetryPolicy, **httpx_options: Any):
        self.retry = retry
        self.http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout, **httpx_options)
        self.http.headers["User-Agent"] = USER_AGENT

    def run(self, call: Call[T]) -> T:
        request, attempt = call.request, 1
        while True:
            try:
                response = self.http.request(request.method, request.path, **request.send_arguments())
            except httpx.TransportError as error:
                wait = self.retry.delay(request, attempt, error, None)
                if wait is None:
                    raise connection_failed(request, error) from error
            else:
                wait = self.retry.delay(request, attempt, None, response.status_code)
                if wait is None:
                    return call.parse(response)
            time.sleep(wait)
            attempt += 1

    def close(self) -> None:
        self.http.close()


class AsyncRunner:
    """Sends Calls with an `httpx.AsyncClient`, retrying as the policy allows."""

    def __init__(self, base_url: str, timeout: httpx.Timeout | float, retry: RetryPolicy, **httpx_options: Any):
        self.retry = retry
        self.http = httpx.AsyncClient(base_url=base_url.rstrip("/"), timeout=timeout, **httpx_options)
        self.http.headers["User-Agent"] = USER_AGENT

    async def run(self, call: Call[T]) -> T:
        request, attempt = call.request, 1
        while True:
            try:
                response = await self.http.request(request.method, request.path, **request.send_arguments())
            except httpx.TransportError as error:
                wait = self.retry.delay(request, attempt, error, None)
                if wait is None:
                    raise connection_failed(request, error) from error
            else:
                wait = self.retry.delay(request, attempt, None, response.status_code)
                if wait is None:
                    return call.parse(response)
            await asyncio.sleep(wait)
            attempt += 1

    async def aclose(self) -> None:
        await self.http.aclose()


RunnerT = TypeVar("RunnerT", SyncRunner, AsyncRunner)
CallsT = TypeVar("CallsT")


class Bound(Generic[RunnerT, CallsT]):
    """An object whose `sync_call` / `async_call` methods send what its builder makes through its runner."""

    def __init__(self, runner: RunnerT, calls: CallsT) -> None:
        self._runner: RunnerT = runner
        self._calls: CallsT = calls


class HasSyncRunner(Protocol):
    @property
    def _runner(self) -> SyncRunner: ...
    @property
    def _calls(self) -> Any: ...


class HasAsyncRunner(Protocol):
    @property
    def _runner(self) -> AsyncRunner: ...
    @property
    def _calls(self) -> Any: ...


def sync_call(build: Callable[Concatenate[Any, P], Call[T]]) -> Callable[Concatenate[HasSyncRunner, P], T]:
    """A blocking client method that builds its Call with `build` (on the client's `_calls`) and sends it."""

    def method(self: HasSyncRunner, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._runner.run(build(self._calls, *args, **kwargs))

    method.__name__, method.__doc__ = build.__name__, build.__doc__
    return method


def async_call(
    build: Callable[Concatenate[Any, P], Call[T]],
) -> Callable[Concatenate[HasAsyncRunner, P], Coroutine[Any, Any, T]]:
    """The coroutine counterpart of `sync_call`."""

    async def method(self: HasAsyncRunner, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self._runner.run(build(self._calls, *args, **kwargs))

    method.__name__, method.__doc__ = build.__name__, build.__doc__
    return method


def describe(response: httpx.Response) -> str:
    content_type = response.headers.get("content-type", "no content type")
    return f"{response.request.method} {response.request.url} answered HTTP {response.status_code} ({content_type})"


def json_body(response: httpx.Response) -> Any:
    """The response's JSON; UnexpectedResponse (pointing at base_url) for an HTML page or other non-JSON."""
    refuse_html(response)
    try:
        return json.loads(response.content)
    except ValueError:
        snippet = response.text[:200]
        raise UnexpectedResponse(
            f"{describe(response)}, which is not JSON (is base_url right?): {snippet!r}", response.status_code
        ) from None


def refuse_html(response: httpx.Response) -> None:
    """An HTML page is a wrong base URL (or a proxy's error page), never the API.

    Judged by the body, not only the content type: ITFlow's /api.php answers its plain text as text/html.
    """
    if not response.headers.get("content-type", "").startswith("text/html"):
        return
    start = response.content[:200].lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        raise UnexpectedResponse(
            f"{describe(response)}, an HTML page, not the API: is base_url right?", response.status_code
        )


class SyncClient:
    """What every blocking client is: a runner over one `httpx.Client`, closed by `close()` or `with`."""

    def __init__(
        self, base_url: str, timeout: httpx.Timeout | float, retry: RetryPolicy | None, httpx_options: dict[str, Any]
    ) -> None:
        self._runner = SyncRunner(base_url, timeout, retry or RetryPolicy(), **httpx_options)

    def close(self) -> None:
        """Closes the connection pool."""
        self._runner.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncClient:
    """What every asyncio client is: a runner over one `httpx.AsyncClient`, closed by `aclose()` or `async with`."""

    def __init__(
        self, base_url: str, timeout: httpx.Timeout | float, retry: RetryPolicy | None, httpx_options: dict[str, Any]
    ) -> None:
        self._runner = AsyncRunner(base_url, timeout, retry or RetryPolicy(), **httpx_options)

    async def aclose(self) -> None:
        """Closes the connection pool."""
        await self._runner.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
