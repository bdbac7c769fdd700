"""The table of ITFlow operations: module, function, kind of answer, and the service call behind each.

The wire adapter (itflow.router) turns each into a core pipeline Endpoint, whose parse step reads the
request into the operation's command (itflow.parse) with the module's Resource.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from sqlalchemy.orm import Session

from flowsuite.core.db import ReadConnection
from flowsuite.itflow.commands import RecordQuery, RecordWrite
from flowsuite.itflow.context import Scope
from flowsuite.itflow.resources import Resource, WireRow
from flowsuite.itflow.services.assets import assets
from flowsuite.itflow.services.certificates import certificates
from flowsuite.itflow.services.clients import clients
from flowsuite.itflow.services.contacts import contacts
from flowsuite.itflow.services.credentials import DECRYPT_PASSWORD, credentials
from flowsuite.itflow.services.domains import domains
from flowsuite.itflow.services.networks import networks
from flowsuite.itflow.services.software import software
from flowsuite.itflow.services.ticket_replies import ticket_replies
from flowsuite.itflow.services.tickets import tickets

Kind = Literal["read", "create", "update", "delete"]
# A read runs its prepared statements on a read connection and answers wire rows; a write runs in an ORM
# write transaction and answers the new id (create) or the count of changed rows.
Read = Callable[[ReadConnection, Scope, RecordQuery], list[WireRow]]
Write = Callable[[Session, Scope, RecordWrite], int]


@dataclass(frozen=True)
class Operation:
    """One `/api/v1/<module>/<function>.php`. `kind` picks the envelope and the failure message."""

    module: str
    function: str
    kind: Kind
    summary: str
    # The module whose records it reads or writes (its fields and filters are the wire's names).
    resource: Resource
    read: Read | None = None
    write: Write | None = None
    query_params: tuple[str, ...] = ()
    body_fields: tuple[str, ...] = ()
    notes: str = ""

    @property
    def entity(self) -> str:
        return self.resource.entity

    @property
    def method(self) -> str:
        return "GET" if self.kind == "read" else "POST"

    @property
    def path(self) -> str:
        return f"/api/v1/{self.module}/{self.function}.php"


def archive_run(resource: Resource, archived: bool) -> Write:
    def run(session: Session, scope: Scope, command: RecordWrite) -> int:
        return resource.set_archived(session, scope, command, archived)

    return run


def crud(resource: Resource, *, delete: bool = True, update: bool = True) -> list[Operation]:
    """read / create / update / delete (and archive / unarchive where the module has them)."""
    filters = tuple(f.param for f in resource.read_filters)
    fields = tuple(f.param for f in resource.body_fields())
    client = ("client_id",)
    entity = resource.entity
    endpoints = [
        Operation(
            resource.name,
            "read",
            "read",
            f"Read {resource.name}",
            resource,
            read=resource.read,
            query_params=(*filters, "client_id", "limit", "offset"),
            notes=f"Filters are tried in this order and the first one present wins: {', '.join(filters)}.",
        ),
        Operation(
            resource.name,
            "create",
            "create",
            f"Create a {entity}",
            resource,
            write=resource.create,
            body_fields=(*fields, *([] if resource.client_column is None else client)),
        ),
    ]
    if update:
        endpoints.append(
            Operation(
                resource.name,
                "update",
                "update",
                f"Update a {entity}",
                resource,
                write=resource.update,
                body_fields=(resource.pk, *fields, *([] if resource.client_column is None else client)),
            )
        )
    if delete:
        endpoints.append(
            Operation(
                resource.name,
                "delete",
                "delete",
                f"Delete a {entity}",
                resource,
                write=resource.delete,
                body_fields=(resource.pk, *client) if resource.client_column else (resource.pk,),
            )
        )
    if resource.archivable:
        for function, archived in (("archive", True), ("unarchive", False)):
            endpoints.append(
                Operation(
                    resource.name,
                    function,
                    "update",
                    f"{function.capitalize()} a {entity}",
                    resource,
                    write=archive_run(resource, archived),
                    body_fields=(resource.pk, *client) if resource.client_column else (resource.pk,),
                )
            )
    return endpoints


def with_params(endpoints: list[Operation], query: tuple[str, ...] = (), body: tuple[str, ...] = ()) -> list[Operation]:
    """The endpoints with parameters of their module added to what they document."""
    return [
        replace(
            endpoint,
            query_params=(*endpoint.query_params, *query),
            body_fields=(*endpoint.body_fields, *body) if endpoint.method == "POST" else endpoint.body_fields,
        )
        for endpoint in endpoints
    ]


def ticket_endpoints() -> list[Operation]:
    resolve = Operation(
        "tickets",
        "resolve",
        "update",
        "Resolve a ticket",
        tickets,
        write=tickets.resolve,
        body_fields=("ticket_id", "client_id"),
        notes="Sets the status to 4 (Resolved) and ticket_resolved_at; refused if the ticket is resolved already.",
    )
    return [*crud(tickets), resolve]


def ticket_reply_endpoints() -> list[Operation]:
    read, create = crud(ticket_replies, update=False, delete=False)
    read = replace(
        read,
        query_params=(*read.query_params, "type", "include_archived"),
        notes=f"{read.notes} `type` (internal, public, client) narrows the replies; archived replies are left out "
        "unless include_archived is set.",
    )
    return [read, replace(create, body_fields=(*create.body_fields, "ticket_status", "client_id"))]


OPERATIONS: tuple[Operation, ...] = (
    *crud(clients),
    *crud(contacts),
    # The decrypt password may come in the query string (older clients) or in the body.
    *with_params(crud(credentials), query=(DECRYPT_PASSWORD,), body=(DECRYPT_PASSWORD,)),
    *ticket_endpoints(),
    *ticket_reply_endpoints(),
    *crud(assets),
    *crud(certificates),
    *crud(domains),
    *crud(networks),
    *crud(software),
)
