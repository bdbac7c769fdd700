"""The one request pipeline every face's endpoints run through.

    HTTP request
      -> method and body limit                                  (pipeline)
      -> the face reads the wire request, finds the credential  (face adapter: read, present)
      -> a unit of work on the connection the endpoint's access names, on the event loop or a worker thread
           resolve the credential                               (face adapter, or the endpoint's own check)
           parse the request into a command                     (endpoint: adapter)
           run the service                                      (endpoint: service)
           audit the write in its own transaction               (pipeline, with the endpoint's entry)
      -> last use of the credential, or the audit of a rejected one        (pipeline, through the Ledger)
      -> render the result, or the refusal in the face's shape             (endpoint / face adapter)

A unique violation or a serialization failure runs the unit again (as often as the endpoint allows), then
becomes the face's conflict reply; a database that cannot answer becomes the face's 503; anything else that
nobody expected is logged under an incident id and answered in the face's shape with status 500.

The pipeline also times every request and counts its reply and the database errors its policy met, per
endpoint (core.metrics).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from time import perf_counter
from typing import Any, Generic, Protocol, TypeVar

from fastapi import APIRouter
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from flowsuite.core.audit import Actor, AuditEntry, Caller
from flowsuite.core.db import Database, ReadConnection, ReadSession, WriteConnection
from flowsuite.core.http import BodyTooLarge, caller_of, read_body
from flowsuite.core.metrics import CONFLICT, INCIDENT, OUTAGE, EndpointMeter
from flowsuite.core.runtime import Runtime
from flowsuite.core.secrets import ServerSecret
from flowsuite.core.wiretext import Readable

log = logging.getLogger("flowsuite.pipeline")

Conn = TypeVar("Conn", bound=Readable)
Req = TypeVar("Req")
Ctx = TypeVar("Ctx")
Cmd = TypeVar("Cmd")
Res = TypeVar("Res")


# ---- access: which connection a unit of work gets ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Access(Generic[Conn]):
    """The connection an endpoint's unit of work runs on; its type is what the service may do with it."""

    kind: str
    writes: bool
    open: Callable[[Database], AbstractContextManager[Conn]]


# Prepared reads on a bare autocommit connection: the hot read paths, each a few indexed rows.
READ: Access[ReadConnection] = Access("read", False, Database.reading)
# The same, for a read whose cost grows with the rows it walks (a deep page, a long list): where the database
# is a server it runs on a worker thread, so that it never holds the event loop while it waits.
SCAN: Access[ReadConnection] = Access("scan", False, Database.reading)
# ORM reads in a transaction that is rolled back: reports and anything that reads through the ORM.
ORM_READ: Access[ReadSession] = Access("orm_read", False, Database.read_session)
# Prepared writes on a bare connection in a write transaction.
WRITE: Access[WriteConnection] = Access("write", True, Database.writing)
# ORM writes (and prepared ones) in a write transaction.
ORM_WRITE: Access[Session] = Access("orm_write", True, Database.write_session)
# Prepared writes that read nothing back, sent with the COMMIT in one round trip on PostgreSQL.
PIPELINED_WRITE: Access[Session] = Access("pipelined_write", True, Database.pipelined_session)


# ---- what a face tells the pipeline ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Presented:
    """The credential a request carries: its kind (as the face names it) and its secret."""

    kind: str
    secret: str


class Answered(Exception):
    """The request ends before any service runs, with this reply (a face's early refusal)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class Rejected(Exception):
    """The credential is not valid. `note` goes to the audit log; `reason` may be told to the caller."""

    def __init__(self, note: str, reason: str = "") -> None:
        super().__init__(note)
        self.note = note
        self.reason = reason or note


class Face(Protocol[Req, Ctx]):
    """A product's wire adapter: how its requests are read and its refusals shaped."""

    name: str

    async def read(self, request: Request, body: bytes, endpoint: EndpointInfo) -> Req:
        """The wire request as the face's endpoints parse it; raises Answered for a malformed one."""
        ...

    def present(self, request: Req, endpoint: EndpointInfo) -> Presented:
        """The credential the request carries; raises Answered when it carries none."""
        ...

    def resolve(
        self, connection: Readable, secret: ServerSecret, presented: Presented, request: Req, caller: Caller
    ) -> Ctx:
        """The caller's context for a valid credential; raises Rejected otherwise."""
        ...

    def actor(self, context: Ctx) -> Actor:
        """The tenant and the credential (if any) of a context."""
        ...

    def refusal(self, request: Req | None, error: Exception) -> Response | None:
        """A domain error in the face's shape, from its table of errors; None when it is not one of them."""
        ...

    def rejected(self, request: Req, presented: Presented, rejection: Rejected) -> Response:
        """The reply to a request whose credential was rejected."""
        ...

    def wrong_method(self, endpoint: EndpointInfo) -> Response: ...

    def too_large(self, limit: int) -> Response: ...

    def conflict(self, request: Req, endpoint: EndpointInfo) -> Response:
        """The reply when a unique key or a concurrent transaction still refused the write after its retries."""
        ...

    def busy(self, request: Req | None) -> Response:
        """The 503 reply when the database cannot answer."""
        ...

    def incident(self, request: Req | None, incident: str) -> Response:
        """The 500 reply naming the incident id of an unexpected error."""
        ...


# ---- endpoints ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenApi:
    """What OpenAPI says of an endpoint besides its path, methods, summary and operationId."""

    tags: tuple[str, ...] = ()
    description: str = ""
    parameters: tuple[Mapping[str, Any], ...] = ()
    request_body: Mapping[str, Any] | None = None
    responses: Mapping[int | str, Mapping[str, Any]] = field(default_factory=dict)
    security: tuple[Mapping[str, list[str]], ...] = ()
    # What the description refers to by `$ref` or names in `security`, by section ("securitySchemes",
    # "schemas"...): gathered into the document's components (core.openapi).
    components: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # What differs for one of the endpoint's methods (a GET's fields in the query where a POST has a body).
    per_method: Mapping[str, OpenApi] = field(default_factory=dict)

    def of(self, method: str) -> OpenApi:
        """The description of the endpoint's operation for `method`."""
        return self.per_method.get(method, self)


@dataclass(frozen=True, slots=True)
class EndpointInfo:
    """The parts of an endpoint a face's adapter reads (the whole Endpoint is generic in its types)."""

    path: str
    methods: tuple[str, ...]
    operation_id: str
    credentials: tuple[str, ...]
    writes: bool
    # The face's own label for the endpoint (ITFlow's kind of reply, Cflow's parameter names...).
    tag: str = ""


@dataclass(frozen=True)
class Endpoint(Generic[Req, Ctx, Conn, Cmd, Res]):
    """One endpoint: where it is, what it needs, and the adapter and service calls that serve it."""

    info: EndpointInfo
    summary: str
    access: Access[Conn]
    # Adapter: the wire request (with the resolved caller) as the service's command.
    parse: Callable[[Req, Ctx], Cmd]
    # Service: the command run on the endpoint's connection.
    run: Callable[[Conn, Ctx, Cmd], Res]
    # Adapter: the result as the face's reply.
    render: Callable[[Req, Res], Response]
    # What the audit log records of a write (None: nothing; reads are never audited).
    audit: Callable[[Ctx, Cmd, Res], AuditEntry] | None = None
    # Times the unit of work is run again after a unique violation or a serialization failure: the
    # transaction was rolled back whole, so a second run sees the winner's rows and decides again.
    retries: int = 2
    # A credential check of the endpoint's own, in place of the face's (e.g. reading a badge along).
    resolve: Callable[[Conn, ServerSecret, Presented, Req, Caller], Ctx] | None = None
    openapi: OpenApi = field(default_factory=OpenApi)
    # For a path whose requests need different access by what they ask (the legacy api.php reads, or
    # writes; a deep page): the endpoint that serves this request instead, or None for this one.
    route: Callable[[Req], Endpoint[Req, Ctx, Any, Any, Any] | None] | None = None

    @property
    def path(self) -> str:
        return self.info.path


# ---- serving --------------------------------------------------------------------------------------------


_CONFLICT_STATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock (PostgreSQL)


def is_conflict(error: DBAPIError) -> bool:
    """A unique (or other integrity) violation, or a transaction PostgreSQL aborted for a concurrent one."""
    if isinstance(error, IntegrityError):
        return True
    return getattr(error.orig, "sqlstate", None) in _CONFLICT_STATES


def is_outage(error: DBAPIError) -> bool:
    """The database cannot answer: down, unreachable, locked for too long, out of space, read-only."""
    return isinstance(error, (OperationalError, InterfaceError)) or error.connection_invalidated


def new_incident(path: str) -> str:
    """Logs the exception being handled under a short incident id, which the reply names."""
    incident = uuid.uuid4().hex[:12]
    log.exception("unexpected error %s on %s", incident, path)
    return incident


def _unit(
    runtime: Runtime,
    face: Face[Req, Ctx],
    endpoint: Endpoint[Req, Ctx, Conn, Cmd, Res],
    request: Req,
    presented: Presented,
    caller: Caller,
) -> tuple[Ctx, Res]:
    """One transaction: resolve, parse, run, audit. Committed when it returns, rolled back when it raises."""
    with endpoint.access.open(runtime.db) as connection:
        if endpoint.resolve is not None:
            context = endpoint.resolve(connection, runtime.secret, presented, request, caller)
        else:
            context = face.resolve(connection, runtime.secret, presented, request, caller)
        command = endpoint.parse(request, context)
        result = endpoint.run(connection, context, command)
        if endpoint.audit is not None and endpoint.access.writes:
            assert isinstance(connection, (WriteConnection, Session))
            entry = endpoint.audit(context, command, result)
            runtime.ledger.record(connection, face=face.name, caller=caller, actor=face.actor(context), entry=entry)
    return context, result


def _attempts(
    runtime: Runtime,
    face: Face[Req, Ctx],
    endpoint: Endpoint[Req, Ctx, Conn, Cmd, Res],
    request: Req,
    presented: Presented,
    caller: Caller,
    meter: EndpointMeter,
) -> Response:
    """The unit of work, run again after conflicts as the endpoint allows, and its reply."""
    for attempt in range(endpoint.retries + 1):
        try:
            context, result = _unit(runtime, face, endpoint, request, presented, caller)
        except Rejected as rejection:
            _note_rejection(runtime, face, caller, rejection)
            return face.rejected(request, presented, rejection)
        except DBAPIError as error:
            if is_conflict(error):
                meter.database_error(CONFLICT)
                if attempt < endpoint.retries:
                    continue
                log.warning("%s: still refused after %d attempts: %s", endpoint.path, attempt + 1, error.orig)
                return face.conflict(request, endpoint.info)
            outage = is_outage(error)
            meter.database_error(OUTAGE if outage else INCIDENT)
            if error.connection_invalidated and not endpoint.access.writes and attempt < endpoint.retries:
                # A read on a connection the database had dropped: the pool now connects afresh, and a read
                # can always be asked again. (A write's COMMIT may have landed before the line went down.)
                continue
            if outage:
                log.warning("database unavailable on %s: %s", endpoint.path, error.orig)
                return face.busy(request)
            return face.incident(request, new_incident(endpoint.path))
        except Exception as error:
            refusal = face.refusal(request, error)
            if refusal is not None:
                return refusal
            return face.incident(request, new_incident(endpoint.path))
        _note_use(runtime, face.actor(context))
        try:
            return endpoint.render(request, result)
        except Exception:
            return face.incident(request, new_incident(endpoint.path))
    raise AssertionError("unreachable")  # pragma: no cover


def _note_use(runtime: Runtime, actor: Actor) -> None:
    if actor.credential_id is None:
        return
    try:
        runtime.ledger.used(runtime.db, actor.credential_id)
    except DBAPIError as error:
        # The answer is already decided; a last-use time that could not be written must not change it.
        log.warning("could not note the use of credential %s: %s", actor.credential_id, error.orig)


def _note_rejection(runtime: Runtime, face: Face[Any, Any], caller: Caller, rejection: Rejected) -> None:
    try:
        runtime.ledger.failed_authentication(runtime.db, face=face.name, caller=caller, description=rejection.note)
    except DBAPIError as error:
        log.warning("could not audit a failed authentication: %s", error.orig)


Handler = Callable[[Request], Awaitable[Response]]


def handler(face: Face[Req, Ctx], endpoint: Endpoint[Req, Ctx, Conn, Cmd, Res]) -> Handler:
    """The ASGI-level handler serving `endpoint` through the pipeline."""
    info = endpoint.info
    meter = EndpointMeter(face.name, info.operation_id)

    async def handle(http: Request) -> Response:
        started = perf_counter()
        response = await serve(http)
        meter.observe(response.status_code, perf_counter() - started)
        return response

    async def serve(http: Request) -> Response:
        runtime: Runtime = http.app.state.runtime
        if http.method not in info.methods:
            return face.wrong_method(info)
        try:
            body = await read_body(http, runtime.settings.max_body_bytes)
        except BodyTooLarge:
            return face.too_large(runtime.settings.max_body_bytes)
        except ClientDisconnect:
            # The client hung up before its body arrived: nobody is left to answer, and nothing was done.
            return Response(status_code=400)
        try:
            request = await face.read(http, body, info)
            presented = face.present(request, info)
        except Answered as answered:
            return answered.response
        except Exception:
            return face.incident(None, new_incident(info.path))
        caller = caller_of(http)
        chosen = (endpoint.route(request) if endpoint.route is not None else None) or endpoint
        return await runtime.run(
            _attempts, runtime, face, chosen, request, presented, caller, meter, kind=chosen.access.kind
        )

    handle.__name__ = info.operation_id
    return handle


def handlers(face: Face[Req, Ctx], endpoints: Iterable[Endpoint[Req, Ctx, Any, Any, Any]]) -> dict[str, Handler]:
    """Each endpoint's handler by path, for the direct-path layer in front of FastAPI (core.asgi)."""
    return {endpoint.path: handler(face, endpoint) for endpoint in endpoints}


def add_routes(router: APIRouter, face: Face[Req, Ctx], endpoints: Iterable[Endpoint[Req, Ctx, Any, Any, Any]]) -> None:
    """The endpoints as FastAPI routes, so that OpenAPI documents them; requests reach the same handlers
    through the direct-path layer first. One route per method, each with an operationId of its own."""
    for endpoint in endpoints:
        info = endpoint.info
        for method in info.methods:
            doc = endpoint.openapi.of(method)
            extra: dict[str, Any] = {"parameters": [dict(p) for p in doc.parameters]}
            if doc.request_body is not None:
                extra["requestBody"] = dict(doc.request_body)
            if doc.security:
                extra["security"] = [dict(s) for s in doc.security]
            operation_id = info.operation_id if method == info.methods[0] else f"{info.operation_id}_{method.lower()}"
            router.add_api_route(
                info.path,
                handler(face, endpoint),
                methods=[method],
                summary=endpoint.summary,
                description=doc.description,
                tags=list(doc.tags),
                operation_id=operation_id,
                responses=dict(doc.responses),  # type: ignore[arg-type]
                openapi_extra=extra,
                response_class=Response,
            )
