"""The console's ITFlow pages: clients, contacts, assets and tickets; a new ticket and replies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from flowsuite.admin.services import itflow_views as views
from flowsuite.admin.services.accounts import Console
from flowsuite.admin.services.keys import itflow_clients
from flowsuite.admin.web import PREFIX, CheckedConsole, ConsoleDep, not_found, page, runtime_of, see_other
from flowsuite.core.errors import DomainError, NotFound
from flowsuite.core.http import caller_of
from flowsuite.itflow import models

router = APIRouter(prefix=f"{PREFIX}/itflow", include_in_schema=False)
FormText = Annotated[str, Form()]
PRIORITIES = ("Low", "Medium", "High")


@dataclass(frozen=True, slots=True)
class Column:
    heading: str
    key: str
    # Where the value links to: a format string over the row (e.g. "/admin/itflow/clients/{client_id}").
    link: str | None = None


@dataclass(frozen=True, slots=True)
class ListView:
    title: str
    path: str
    read: Callable[[Session, int, str, int | None], views.Listing[Any]]
    columns: tuple[Column, ...]
    search_hint: str


LISTS = {
    "clients": ListView(
        "Clients",
        "clients",
        views.clients,
        (
            Column("Name", "client_name", "/admin/itflow/clients/{client_id}"),
            Column("Type", "client_type"),
            Column("Website", "client_website"),
            Column("Contacts", "contacts"),
            Column("Open tickets", "open_tickets"),
        ),
        "name, type or website",
    ),
    "contacts": ListView(
        "Contacts",
        "contacts",
        views.contacts,
        (
            Column("Name", "contact_name", "/admin/itflow/contacts/{contact_id}"),
            Column("Title", "contact_title"),
            Column("E-mail", "contact_email"),
            Column("Phone", "contact_phone"),
            Column("Mobile", "contact_mobile"),
            Column("Client", "client_name", "/admin/itflow/clients/{contact_client_id}"),
        ),
        "name, e-mail or phone",
    ),
    "assets": ListView(
        "Assets",
        "assets",
        views.assets,
        (
            Column("Name", "asset_name", "/admin/itflow/assets/{asset_id}"),
            Column("Type", "asset_type"),
            Column("Make", "asset_make"),
            Column("Model", "asset_model"),
            Column("Serial", "asset_serial"),
            Column("OS", "asset_os"),
            Column("Client", "client_name", "/admin/itflow/clients/{asset_client_id}"),
        ),
        "name, serial, make or model",
    ),
    "tickets": ListView(
        "Tickets",
        "tickets",
        views.ticket_list,
        (
            Column("Number", "number", "/admin/itflow/tickets/{ticket_id}"),
            Column("Subject", "ticket_subject", "/admin/itflow/tickets/{ticket_id}"),
            Column("Status", "ticket_status_name"),
            Column("Priority", "ticket_priority"),
            Column("Client", "client_name", "/admin/itflow/clients/{ticket_client_id}"),
            Column("Opened (UTC)", "opened"),
        ),
        "subject or number",
    ),
}


def _display(row: Any) -> dict[str, Any]:
    shown = dict(row)
    if "ticket_number" in shown:
        shown["number"] = f"{shown.get('ticket_prefix') or ''}{shown['ticket_number']}"
        shown["opened"] = f"{shown['ticket_created_at']:%Y-%m-%d %H:%M}"
    return shown


def _before(request: Request) -> int | None:
    value = request.query_params.get("before", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _list_page(request: Request, console: Console, view: ListView) -> Response:
    query = request.query_params.get("q", "")[:200]
    with runtime_of(request).db.transaction() as session:
        listing = view.read(session, console.company_id, query, _before(request))
    context = {
        "title": view.title,
        "console": console,
        "view": view,
        "listing": listing,
        "rows": [_display(row) for row in listing.rows],
        "first_page": _before(request) is None,
    }
    return page(request, "itflow_list.html", context)


def _list_route(view: ListView) -> None:
    def show(request: Request, console: ConsoleDep) -> Response:
        return _list_page(request, console, view)

    router.add_api_route(
        f"/{view.path}", show, methods=["GET"], response_class=HTMLResponse, name=f"itflow_{view.path}"
    )


@router.get("/clients/{client_id}", response_class=HTMLResponse)
def client_detail(request: Request, console: ConsoleDep, client_id: int) -> Response:
    with runtime_of(request).db.transaction() as session:
        try:
            found = views.client_page(session, console.company_id, client_id)
        except NotFound as missing:
            return not_found(request, console, str(missing), f"{PREFIX}/itflow/clients")
    context = {"title": found.client.client_name, "console": console, "found": found}
    return page(request, "itflow_client.html", context)


def _record_route(kind: str, read: Callable[[Session, int, int], views.RecordPage]) -> None:
    def show(request: Request, console: ConsoleDep, record_id: int) -> Response:
        with runtime_of(request).db.transaction() as session:
            try:
                found = read(session, console.company_id, record_id)
            except NotFound as missing:
                return not_found(request, console, str(missing), f"{PREFIX}/itflow/{kind}")
        context = {"title": found.title, "console": console, "found": found, "kind": kind}
        return page(request, "itflow_record.html", context)

    router.add_api_route(
        f"/{kind}/{{record_id}}", show, methods=["GET"], response_class=HTMLResponse, name=f"itflow_{kind}_detail"
    )


_record_route("assets", views.asset_page)
_record_route("contacts", views.contact_page)


def _new_ticket_page(
    request: Request, console: Console, values: dict[str, str], error: str | None = None, status: int = 200
) -> Response:
    with runtime_of(request).db.transaction() as session:
        clients = itflow_clients(session, console.company_id)
    context = {
        "title": "New ticket",
        "console": console,
        "clients": clients,
        "priorities": PRIORITIES,
        "values": values,
        "error": error,
    }
    return page(request, "itflow_ticket_new.html", context, status)


# Registered before /tickets/{ticket_id}, which would otherwise take "new" for an id.
@router.get("/tickets/new", response_class=HTMLResponse)
def new_ticket(request: Request, console: ConsoleDep) -> Response:
    return _new_ticket_page(request, console, {"client_id": request.query_params.get("client_id", "")})


@router.post("/tickets")
def create_ticket(
    request: Request,
    console: CheckedConsole,
    client_id: FormText = "",
    ticket_subject: FormText = "",
    ticket_details: FormText = "",
    ticket_priority: FormText = "Low",
) -> Response:
    values = {
        "client_id": client_id,
        "ticket_subject": ticket_subject,
        "ticket_details": ticket_details,
        "ticket_priority": ticket_priority if ticket_priority in PRIORITIES else "Low",
    }
    try:
        with runtime_of(request).db.transaction(write=True) as session:
            ticket_id = views.create_ticket(session, console.company_id, console.email, caller_of(request), values)
    except DomainError as error:
        return _new_ticket_page(request, console, values, _reason(error), status=400)
    return see_other(f"{PREFIX}/itflow/tickets/{ticket_id}")


def _reason(error: DomainError) -> str:
    # The ITFlow face's own reason (it names the field as the API does), as a sentence.
    reason = getattr(error, "reason", None) or str(error)
    return reason if reason.endswith(".") else f"{reason}."


def _ticket_page(
    request: Request, console: Console, ticket_id: int, error: str | None = None, status: int = 200
) -> Response:
    with runtime_of(request).db.transaction() as session:
        try:
            found = views.ticket_page(session, console.company_id, ticket_id)
        except NotFound as missing:
            return not_found(request, console, str(missing), f"{PREFIX}/itflow/tickets")
    ticket = found.ticket
    context = {
        "title": f"{ticket['ticket_prefix'] or ''}{ticket['ticket_number']} {ticket['ticket_subject']}",
        "console": console,
        "found": found,
        "error": error,
        "notice": "Reply added." if request.query_params.get("notice") == "replied" else None,
    }
    return page(request, "itflow_ticket.html", context, status)


@router.get("/tickets/{ticket_id}", response_class=HTMLResponse)
def ticket_detail(request: Request, console: ConsoleDep, ticket_id: int) -> Response:
    return _ticket_page(request, console, ticket_id)


@router.post("/tickets/{ticket_id}/replies")
def reply(
    request: Request,
    console: CheckedConsole,
    ticket_id: int,
    ticket_reply: FormText = "",
    ticket_reply_type: FormText = "Internal",
    ticket_status: FormText = "",
    ticket_reply_time_worked: FormText = "",
) -> Response:
    fields = {
        "ticket_id": str(ticket_id),
        "ticket_reply": ticket_reply,
        "ticket_reply_type": ticket_reply_type,
        "ticket_status": ticket_status,
        "ticket_reply_time_worked": ticket_reply_time_worked,
    }
    try:
        with runtime_of(request).db.transaction(write=True) as session:
            exists = session.scalar(
                select(models.Ticket.ticket_id).where(
                    models.Ticket.company_id == console.company_id, models.Ticket.ticket_id == ticket_id
                )
            )
            if exists is None:
                raise NotFound(f"No ticket with id {ticket_id}.")
            views.add_reply(session, console.company_id, console.email, caller_of(request), fields)
    except NotFound as missing:
        return not_found(request, console, str(missing), f"{PREFIX}/itflow/tickets")
    except DomainError as error:
        return _ticket_page(request, console, ticket_id, _reason(error), status=400)
    return see_other(f"{PREFIX}/itflow/tickets/{ticket_id}?notice=replied")


for _view in LISTS.values():
    _list_route(_view)
