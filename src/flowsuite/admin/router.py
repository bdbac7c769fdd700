"""The console's pages. Each handler reads the form, calls one service, and renders a page or redirects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from flowsuite.admin.cflow_router import router as cflow_router
from flowsuite.admin.iflow_router import router as iflow_router
from flowsuite.admin.itflow_router import router as itflow_router
from flowsuite.admin.people_router import router as people_router
from flowsuite.admin.services import keys
from flowsuite.admin.services.accounts import Console, SignInThrottle, list_users, sign_in, sign_out
from flowsuite.admin.web import (
    PREFIX,
    SESSION_COOKIE,
    CheckedConsole,
    ConsoleDep,
    audit,
    check_form_token,
    form_token_cookie,
    install,
    not_found,
    page,
    runtime_of,
    safe_next,
    see_other,
    shown_once,
    start_session,
)
from flowsuite.core.errors import DomainError, InvalidInput
from flowsuite.core.http import caller_of
from flowsuite.core.secrets import new_token
from flowsuite.iflow import keys as iflow_keys
from flowsuite.tenancy.service import record_audit, zone

router = APIRouter(prefix=PREFIX, include_in_schema=False)
FormText = Annotated[str, Form()]
T = TypeVar("T")

# Short notices a redirect may ask the next page to show (`?notice=`), so no text travels in the URL.
NOTICES = {
    "revoked": "The key was revoked: it stopped working at once.",
    "device_added": "The RFID terminal was registered; it can send scans now.",
    "device_removed": "The RFID terminal was removed: its serial stopped working at once.",
}


def _throttle(request: Request) -> SignInThrottle:
    throttle: SignInThrottle = request.app.state.admin_sign_in_throttle
    return throttle


@contextmanager
def _writing(request: Request, console: Console, action: str, description: str) -> Iterator[Session]:
    """A write transaction that also records who did what in the audit log."""
    runtime = runtime_of(request)
    with runtime.db.transaction(write=True) as session:
        yield session
        audit(session, request, console, action, description)


def _reading(request: Request, work: Callable[[Session], T]) -> T:
    with runtime_of(request).db.transaction() as session:
        return work(session)


# ----------------------------------------------------------------------------------------------- sign-in


def _sign_in_page(
    request: Request, next_path: str, email: str = "", error: str | None = None, status: int = 200
) -> Response:
    token = new_token(32)
    context = {
        "title": "Sign in",
        "console": None,
        "csrf_token": token,
        "next": next_path,
        "email": email,
        "error": error,
    }
    return form_token_cookie(request, page(request, "sign_in.html", context, status), token)


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, next: str | None = None) -> Response:
    return _sign_in_page(request, safe_next(next))


@router.post("/sign-in")
def sign_in_submit(
    request: Request, email: FormText = "", password: FormText = "", csrf_token: FormText = "", next: FormText = ""
) -> Response:
    check_form_token(request, csrf_token)
    runtime, caller, throttle = runtime_of(request), caller_of(request), _throttle(request)
    wait = throttle.retry_after(email, caller.ip)
    if wait:
        message = f"Too many failed sign-ins. Try again in {max(1, round(wait / 60))} minute(s)."
        return _sign_in_page(request, safe_next(next), email, message, status=429)
    with runtime.db.transaction(write=True) as session:
        started = sign_in(session, runtime.secret, email=email, password=password, caller=caller)
        if started is not None:
            record_audit(
                session,
                face="admin",
                action="sign_in",
                caller=caller,
                company_id=started.console.company_id,
                description=started.console.email,
            )
    if started is None:
        throttle.failed(email, caller.ip)
        runtime.ledger.failed_authentication(
            runtime.db, face="admin", caller=caller, description="Console sign-in failed"
        )
        return _sign_in_page(request, safe_next(next), email, "The e-mail address or the password is wrong.", 400)
    throttle.succeeded(email)
    return start_session(request, see_other(safe_next(next)), started.cookie)


@router.post("/sign-out")
def sign_out_submit(request: Request, console: CheckedConsole) -> Response:
    with runtime_of(request).db.transaction(write=True) as session:
        sign_out(session, console)
    response = see_other(f"{PREFIX}/sign-in")
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response


# ------------------------------------------------------------------------------------------------- home


@router.get("/", response_class=HTMLResponse)
def home(request: Request, console: ConsoleDep) -> Response:
    return page(request, "home.html", {"title": "Overview", "console": console})


# ------------------------------------------------------------------------------------------- ITFlow keys


def _itflow_keys_page(
    request: Request,
    console: Console,
    *,
    error: str | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    def read(session: Session) -> dict[str, Any]:
        return {
            "keys": keys.itflow_credentials(session, console.company_id),
            "clients": keys.itflow_clients(session, console.company_id),
        }

    context = {
        "title": "ITFlow API keys",
        "console": console,
        **_reading(request, read),
        "error": error,
        "values": values or {},
        "notice": NOTICES.get(request.query_params.get("notice", "")),
    }
    return page(request, "itflow_keys.html", context, status)


@router.get("/itflow/keys", response_class=HTMLResponse)
def itflow_key_list(request: Request, console: ConsoleDep) -> Response:
    return _itflow_keys_page(request, console)


def _date(value: str, field: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(field, "Enter a date as YYYY-MM-DD.") from None


def _client_id(scope: str, client_id: str) -> int | None:
    if scope != "client":
        return None
    if not client_id.strip().isdigit():
        raise InvalidInput("client_id", "Choose the client this key may reach.")
    return int(client_id)


@router.post("/itflow/keys")
def itflow_key_create(
    request: Request,
    console: CheckedConsole,
    name: FormText = "",
    expires_on: FormText = "",
    scope: FormText = "all",
    client_id: FormText = "",
) -> Response:
    values = {"name": name, "expires_on": expires_on, "scope": scope, "client_id": client_id}
    runtime = runtime_of(request)
    today = dt.datetime.now(zone(console.company_timezone)).date()
    try:
        with _writing(request, console, "create_itflow_key", f"created ITFlow key {name.strip()!r}") as session:
            issued = keys.create_itflow_key(
                session,
                runtime.secret,
                company_id=console.company_id,
                name=name,
                expires_on=_date(expires_on, "expires_on"),
                client_id=_client_id(scope, client_id),
                today=today,
            )
    except DomainError as error:
        return _itflow_keys_page(request, console, error=str(error), values=values, status=400)
    secrets_shown = [
        ("API key", "api_key", issued.api_key),
        ("Decrypt password", "api_key_decrypt_password", issued.decrypt_password),
    ]
    return shown_once(request, console, "New ITFlow API key", name.strip(), secrets_shown, f"{PREFIX}/itflow/keys")


# ------------------------------------------------------------------------------------------ iFlow access


def _iflow_page(request: Request, console: Console, *, error: str | None = None, status: int = 200) -> Response:
    def read(session: Session) -> dict[str, Any]:
        api_keys, tokens = keys.iflow_credentials(session, console.company_id)
        return {
            "api_keys": api_keys,
            "tokens": tokens,
            "devices": iflow_keys.list_devices(session, console.company_id),
            "administrators": list_users(session, console.company_id),
        }

    context = {
        "title": "iFlow API access",
        "console": console,
        **_reading(request, read),
        "error": error,
        "notice": NOTICES.get(request.query_params.get("notice", "")),
    }
    return page(request, "iflow_access.html", context, status)


@router.get("/iflow/access", response_class=HTMLResponse)
def iflow_access(request: Request, console: ConsoleDep) -> Response:
    return _iflow_page(request, console)


def _shown_once(request: Request, console: Console, title: str, name: str, label: str, secret: str) -> Response:
    return shown_once(request, console, title, name, [(label, label, secret)], f"{PREFIX}/iflow/access")


@router.post("/iflow/keys")
def iflow_key_create(request: Request, console: CheckedConsole, name: FormText = "") -> Response:
    runtime = runtime_of(request)
    try:
        with _writing(request, console, "create_iflow_key", f"created iFlow API key {name.strip()!r}") as session:
            issued = iflow_keys.create_api_key(session, runtime.secret, company_id=console.company_id, name=name)
    except DomainError as error:
        return _iflow_page(request, console, error=str(error), status=400)
    return _shown_once(request, console, "New iFlow API key", name.strip(), "api_key", issued.secret)


@router.post("/iflow/tokens")
def iflow_token_create(
    request: Request, console: CheckedConsole, label: FormText = "", administrator: FormText = ""
) -> Response:
    runtime = runtime_of(request)
    try:
        with _writing(
            request, console, "create_iflow_token", f"created iFlow access token {label.strip()!r}"
        ) as session:
            known = {user.name or user.email for user in list_users(session, console.company_id)}
            if administrator not in known:
                raise InvalidInput("administrator", "Choose the administrator the token is assigned to.")
            issued = iflow_keys.create_access_token(
                session, runtime.secret, company_id=console.company_id, label=label, administrator_name=administrator
            )
    except DomainError as error:
        return _iflow_page(request, console, error=str(error), status=400)
    return _shown_once(request, console, "New iFlow access token", label.strip(), "Bearer token", issued.secret)


@router.post("/iflow/devices")
def iflow_device_add(request: Request, console: CheckedConsole, serial: FormText = "", name: FormText = "") -> Response:
    runtime = runtime_of(request)
    try:
        with _writing(request, console, "add_rfid_device", f"registered RFID terminal {name.strip()!r}") as session:
            iflow_keys.add_device(session, runtime.secret, company_id=console.company_id, serial=serial, name=name)
    except DomainError as error:
        return _iflow_page(request, console, error=str(error), status=400)
    return see_other(f"{PREFIX}/iflow/access?notice=device_added")


@router.post("/iflow/devices/{device_id}/remove")
def iflow_device_remove(request: Request, console: CheckedConsole, device_id: int) -> Response:
    try:
        with _writing(request, console, "remove_rfid_device", f"removed RFID terminal {device_id}") as session:
            iflow_keys.remove_device(session, console.company_id, device_id)
    except DomainError as error:
        return _iflow_page(request, console, error=str(error), status=404)
    return see_other(f"{PREFIX}/iflow/access?notice=device_removed")


# ------------------------------------------------------------------------------------------- revocation

_LIST_OF = {
    "itflow": "/itflow/keys",
    "iflow": "/iflow/access",
    "iflow_token": "/iflow/access",
    "cflow": "/cflow/access",
}


@router.post("/keys/{kind}/{credential_id}/revoke")
def revoke(request: Request, console: CheckedConsole, kind: str, credential_id: int) -> Response:
    back = _LIST_OF.get(kind, "/")
    try:
        with _writing(request, console, "revoke_key", f"revoked {kind} key {credential_id}") as session:
            keys.revoke(session, company_id=console.company_id, kind=kind, credential_id=credential_id)
    except DomainError as error:
        return not_found(request, console, str(error), f"{PREFIX}{back}")
    return see_other(f"{PREFIX}{back}?notice=revoked")


def mount(app: FastAPI) -> None:
    """Adds the console to the application."""
    app.state.admin_sign_in_throttle = SignInThrottle()
    install(app)
    app.include_router(router)
    app.include_router(iflow_router)
    app.include_router(itflow_router)
    app.include_router(cflow_router)
    app.include_router(people_router)
