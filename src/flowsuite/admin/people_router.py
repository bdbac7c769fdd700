"""The console's people: who may sign in, invitations (a one-time link), and accepting one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from flowsuite.admin.services.accounts import MIN_PASSWORD_LENGTH, Console, list_users
from flowsuite.admin.services.invitations import (
    accept,
    invitations,
    invite,
    open_invitation,
    revoke_invitation,
    set_active,
)
from flowsuite.admin.web import (
    PREFIX,
    CheckedConsole,
    ConsoleDep,
    audit,
    check_form_token,
    form_token_cookie,
    not_found,
    page,
    runtime_of,
    see_other,
    shown_once,
    start_session,
)
from flowsuite.core.errors import DomainError, NotFound
from flowsuite.core.http import caller_of
from flowsuite.core.secrets import new_token

router = APIRouter(prefix=PREFIX, include_in_schema=False)
FormText = Annotated[str, Form()]
NOTICES = {
    "revoked": "The invitation was revoked: its link no longer works.",
    "disabled": "The user can no longer sign in; their sessions were ended.",
    "enabled": "The user can sign in again.",
}


def _people_page(request: Request, console: Console, error: str | None = None, status: int = 200) -> Response:
    with runtime_of(request).db.transaction() as session:
        context = {
            "title": "People",
            "console": console,
            "users": list_users(session, console.company_id),
            "invitations": invitations(session, console.company_id),
            "error": error,
            "notice": NOTICES.get(request.query_params.get("notice", "")),
        }
    return page(request, "people.html", context, status)


@router.get("/people", response_class=HTMLResponse)
def people(request: Request, console: ConsoleDep) -> Response:
    return _people_page(request, console)


@router.post("/people/invite")
def invite_person(request: Request, console: CheckedConsole, email: FormText = "", name: FormText = "") -> Response:
    runtime = runtime_of(request)
    try:
        with runtime.db.transaction(write=True) as session:
            token = invite(session, runtime.secret, console, email, name)
            audit(session, request, console, "invite", email.strip())
    except DomainError as refused:
        return _people_page(request, console, str(refused), 400)
    link = str(request.url_for("invitation_form", token=token))
    secrets = [("Invitation link (valid for 7 days, once)", "link", link)]
    return shown_once(request, console, "Invitation link", email.strip(), secrets, f"{PREFIX}/people")


@router.post("/people/invitations/{invitation_id}/revoke")
def revoke(request: Request, console: CheckedConsole, invitation_id: int) -> Response:
    try:
        with runtime_of(request).db.transaction(write=True) as session:
            revoke_invitation(session, console.company_id, invitation_id)
            audit(session, request, console, "revoke_invitation", str(invitation_id))
    except NotFound as missing:
        return _people_page(request, console, str(missing), 404)
    return see_other(f"{PREFIX}/people?notice=revoked")


@router.post("/people/{user_id}/{change}")
def change_access(request: Request, console: CheckedConsole, user_id: int, change: str) -> Response:
    if change not in ("disable", "enable"):
        return _people_page(request, console, "Unknown change.", 404)
    try:
        with runtime_of(request).db.transaction(write=True) as session:
            user = set_active(session, console, user_id, change == "enable")
            audit(session, request, console, f"{change}_user", user.email)
    except NotFound as missing:
        return _people_page(request, console, str(missing), 404)
    except DomainError as refused:
        return _people_page(request, console, str(refused), 400)
    return see_other(f"{PREFIX}/people?notice={change}d")


# ----------------------------------------------------------------------------- accepting an invitation


def _invitation_page(request: Request, token: str, error: str | None = None, status: int = 200) -> Response:
    runtime = runtime_of(request)
    with runtime.db.transaction() as session:
        invitation = open_invitation(session, runtime.secret, token)
        email = invitation.email if invitation else ""
    if invitation is None:
        message = "This invitation link is not valid any more: it was used, revoked or has expired. Ask for a new one."
        return not_found(request, None, message, f"{PREFIX}/sign-in", title="Invitation")
    form_token = new_token(32)
    context: dict[str, Any] = {
        "title": "Join flowsuite",
        "console": None,
        "email": email,
        "csrf_token": form_token,
        "min_length": MIN_PASSWORD_LENGTH,
        "error": error,
    }
    return form_token_cookie(request, page(request, "invitation.html", context, status), form_token)


@router.get("/invitation/{token}", response_class=HTMLResponse, name="invitation_form")
def invitation_form(request: Request, token: str) -> Response:
    return _invitation_page(request, token)


@router.post("/invitation/{token}")
def invitation_accept(
    request: Request, token: str, password: FormText = "", repeat: FormText = "", csrf_token: FormText = ""
) -> Response:
    check_form_token(request, csrf_token)
    if password != repeat:
        return _invitation_page(request, token, "The two passwords differ.", 400)
    runtime = runtime_of(request)
    try:
        with runtime.db.transaction(write=True) as session:
            started = accept(session, runtime.secret, token, password, caller_of(request))
            audit(session, request, started.console, "accept_invitation", started.console.email)
    except NotFound:
        return _invitation_page(request, token)
    except DomainError as refused:
        return _invitation_page(request, token, str(refused), 400)
    return start_session(request, see_other(f"{PREFIX}/"), started.cookie)
