"""The table of ITFlow endpoints: path, method, kind of answer, and the service call behind each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sqlalchemy.orm import Session

from flowsuite.itflow.context import KeyContext
from flowsuite.itflow.params import Params
from flowsuite.itflow.resources import Page, Resource
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
# Reads are given a ReadConnection, writes a Session inside their transaction.
Run = Callable[[Any, KeyContext, Params, Page], Any]


@dataclass(frozen=True)
class Endpoint:
    """One `/api/v1/<module>/<function>.php`. `kind` picks the envelope and the failure message."""

    module: str
    function: str
    kind: Kind
    run: Run
    summary: str
    query_params: tuple[str, ...] = ()
    body_fields: tuple[str, ...] = ()
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def method(self) -> str:
        return "GET" if self.kind == "read" else "POST"

    @property
    def path(self) -> str:
        return f"/api/v1/{self.module}/{self.function}.php"


def without_page(write: Callable[[Session, KeyContext, Params], Any]) -> Run:
    """A write as an endpoint runs it (writes are not paged)."""
    return lambda session, key, params, _page: write(session, key, params)


def archive_run(resource: Resource, archived: bool) -> Run:
    def run(session: Session, key: KeyContext, params: Params, _page: Page) -> int:
        return resource.set_archived(session, key, params, archived)

    return run


def crud(resource: Resource, *, delete: bool = True, update: bool = True) -> list[Endpoint]:
    """read / create / update / delete (and archive / unarchive where the module has them)."""
    filters = tuple(f.param for f in resource.read_filters)
    fields = tuple(f.param for f in resource.body_fields())
    client = ("client_id",)
    entity = resource.entity
    endpoints = [
        Endpoint(
            resource.name,
            "read",
            "read",
            resource.read,
            f"Read {resource.name}",
            query_params=(*filters, "client_id", "limit", "offset"),
            notes=f"Filters are tried in this order and the first one present wins: {', '.join(filters)}.",
        ),
        Endpoint(
            resource.name,
            "create",
            "create",
            without_page(resource.create),
            f"Create a {entity}",
            body_fields=(*fields, *([] if resource.client_column is None else client)),
        ),
    ]
    if update:
        endpoints.append(
            Endpoint(
                resource.name,
                "update",
                "update",
                without_page(resource.update),
                f"Update a {entity}",
                body_fields=(resource.pk, *fields, *([] if resource.client_column is None else client)),
            )
        )
    if delete:
        endpoints.append(
            Endpoint(
                resource.name,
                "delete",
                "delete",
                without_page(resource.delete),
                f"Delete a {entity}",
                body_fields=(resource.pk, *client) if resource.client_column else (resource.pk,),
            )
        )
    if resource.archivable:
        for function, archived in (("archive", True), ("unarchive", False)):
            endpoints.append(
                Endpoint(
                    resource.name,
                    function,
                    "update",
                    archive_run(resource, archived),
                    f"{function.capitalize()} a {entity}",
                    body_fields=(resource.pk, *client) if resource.client_column else (resource.pk,),
                )
            )
    return endpoints


def with_params(endpoints: list[Endpoint], query: tuple[str, ...] = (), body: tuple[str, ...] = ()) -> list[Endpoint]:
    """The endpoints with parameters of their module added to what they document."""
    return [
        replace(
            endpoint,
            query_params=(*endpoint.query_params, *query),
            body_fields=(*endpoint.body_fields, *body) if endpoint.method == "POST" else endpoint.body_fields,
        )
        for endpoint in endpoints
    ]


def ticket_endpoints() -> list[Endpoint]:
    resolve = Endpoint(
        "tickets",
        "resolve",
        "update",
        without_page(tickets.resolve),
        "Resolve a ticket",
        body_fields=("ticket_id", "client_id"),
        notes="Sets the status to 4 (Resolved) and ticket_resolved_at; refused if the ticket is resolved already.",
    )
    return [*crud(tickets), resolve]


def ticket_reply_endpoints() -> list[Endpoint]:
    read, create = crud(ticket_replies, update=False, delete=False)
    read = replace(
        read,
        query_params=(*read.query_params, "type", "include_archived"),
        notes=f"{read.notes} `type` (internal, public, client) narrows the replies; archived replies are left out "
        "unless include_archived is set.",
    )
    return [read, replace(create, body_fields=(*create.body_fields, "ticket_status", "client_id"))]


ENDPOINTS: tuple[Endpoint, ...] = (
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
