"""The console's HTTP plumbing: the session cookie, CSRF, security headers and page rendering.

- The session cookie is `HttpOnly`, `SameSite=Lax`, scoped to /admin, and `Secure` whenever the request
  came over https (directly or, behind a proxy, as uvicorn's `--proxy-headers` reports it).
- Every POST carries the session's synchronizer token (`csrf_token`); the sign-in form, which has no
  session yet, is protected by a double-submit cookie instead. A token that does not match is a 403 page.
- Every page forbids framing and loads only flowsuite's own scripts and styles (installations are often
  offline, and a console that can mint API keys must not be embeddable).
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.responses import Response

from flowsuite.admin.services.accounts import Console, current_console
from flowsuite.core.errors import DomainError
from flowsuite.core.http import DATABASE_BUSY, RETRY_AFTER, caller_of, incident_message
from flowsuite.core.pipeline import is_conflict, is_outage, new_incident
from flowsuite.core.runtime import Runtime
from flowsuite.tenancy.service import record_audit, zone

PREFIX = "/admin"
SESSION_COOKIE = "flowsuite_session"
SIGN_IN_COOKIE = "flowsuite_sign_in"
_HERE = Path(__file__).parent

templates = Jinja2Templates(directory=_HERE / "templates")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class SignInRequired(Exception):
    """The page needs a signed-in console; the reply sends the browser to the sign-in form."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class FormRefused(Exception):
    """A POST without the right CSRF token: nothing is done."""


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def signed_in(request: Request) -> Console:
    runtime = runtime_of(request)
    with runtime.db.transaction() as session:
        console = current_console(session, runtime.secret, request.cookies.get(SESSION_COOKIE))
    if console is None:
        query = request.url.query
        raise SignInRequired(request.url.path + (f"?{query}" if query else ""))
    return console


async def checked_form(request: Request, console: Annotated[Console, Depends(signed_in)]) -> Console:
    """The signed-in console of a POST whose form carries this session's CSRF token."""
    form = await request.form()
    sent = form.get("csrf_token")
    if not isinstance(sent, str) or not secrets.compare_digest(sent.encode(), console.csrf_token.encode()):
        raise FormRefused
    return console


def form_token_cookie(request: Request, response: Response, token: str) -> Response:
    """Sets the double-submit cookie of a form shown before any session (sign-in, accepting an invitation)."""
    response.set_cookie(SIGN_IN_COOKIE, token, httponly=True, samesite="lax", secure=is_https(request), path=PREFIX)
    return response


def check_form_token(request: Request, sent: str) -> None:
    """FormRefused unless the form's token matches its double-submit cookie."""
    expected = request.cookies.get(SIGN_IN_COOKIE, "")
    if not expected or not secrets.compare_digest(expected.encode(), sent.encode()):
        raise FormRefused


def start_session(request: Request, response: Response, cookie: str) -> Response:
    """Gives the browser its new session cookie, and drops the pre-session form cookie."""
    response.set_cookie(SESSION_COOKIE, cookie, httponly=True, samesite="lax", secure=is_https(request), path=PREFIX)
    response.delete_cookie(SIGN_IN_COOKIE, path=PREFIX)
    return response


ConsoleDep = Annotated[Console, Depends(signed_in)]
CheckedConsole = Annotated[Console, Depends(checked_form)]


def audit(
    session: Session,
    request: Request,
    console: Console,
    action: str,
    description: str,
    entity_type: str = "",
    entity_id: int | None = None,
) -> None:
    """Records in the audit log, in the write's own transaction, who did what in the console."""
    record_audit(
        session,
        face="admin",
        action=action,
        caller=caller_of(request),
        company_id=console.company_id,
        entity_type=entity_type,
        entity_id=entity_id,
        description=f"{console.email}: {description}",
    )


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    """A rendered template with the console's security headers."""
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def not_found(
    request: Request, console: Console | None, message: str, back: str, title: str = "Not found"
) -> HTMLResponse:
    """The 404 page: what was not found, and a way back."""
    context = {"title": title, "console": console, "message": message, "back": back}
    return page(request, "not_found.html", context, status=404)


def shown_once(
    request: Request, console: Console, title: str, name: str, secrets: list[tuple[str, str, str]], done: str
) -> HTMLResponse:
    """The page that shows new secrets (label, wire name, value) once, then leads to `done`."""
    context = {"title": title, "console": console, "name": name, "secrets": secrets, "done": done}
    return page(request, "secret_created.html", context)


def see_other(path: str) -> RedirectResponse:
    """Post/redirect/get: after a form, the browser loads the page fresh."""
    return RedirectResponse(path, status_code=303, headers=SECURITY_HEADERS)


def safe_next(path: str | None) -> str:
    """Where to go after signing in: a console path only, never another site (`//evil.example`)."""
    if path and path.startswith(f"{PREFIX}/") and not path.startswith("//") and "\\" not in path:
        return path
    return f"{PREFIX}/"


def local_time(value: dt.datetime | None, timezone: str) -> str:
    """A stored UTC time as the company's wall clock, to the minute; "never" for none."""
    if value is None:
        return "never"
    return value.replace(tzinfo=dt.UTC).astimezone(zone(timezone)).strftime("%Y-%m-%d %H:%M")


templates.env.filters["local_time"] = local_time


# The console's error policy, the pipeline's (core.pipeline) in pages: a race that a unique key or PostgreSQL
# refused, a database that cannot answer, a domain error no page handled, and anything unexpected.
CONFLICT = "Someone else changed the same records at the same moment, so nothing was saved. Go back and try again."
UNHANDLED_REFUSAL = "This could not be done"


def problem(
    request: Request, title: str, message: str, status: int, incident: str = "", headers: dict[str, str] | None = None
) -> HTMLResponse:
    """A page that says what went wrong (and the incident id of an unexpected error), with a way back."""
    context = {"title": title, "console": None, "message": message, "incident": incident, "back": f"{PREFIX}/"}
    response = page(request, "problem.html", context, status)
    response.headers.update(headers or {})
    return response


def _database_error(request: Request, error: DBAPIError) -> HTMLResponse:
    if is_conflict(error):
        return problem(request, "Changed at the same time", CONFLICT, 409)
    if is_outage(error):
        return problem(request, "Database unavailable", DATABASE_BUSY, 503, headers=RETRY_AFTER)
    incident = new_incident(request.url.path)
    return problem(request, "Something went wrong", incident_message(incident), 500, incident)


def install(app: FastAPI) -> None:
    """Serves the console's static files and turns its refusals and failures into pages."""
    app.mount(f"{PREFIX}/static", StaticFiles(directory=_HERE / "static"), name="admin-static")

    async def database_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, DBAPIError)
        return _database_error(request, error)

    async def unhandled_refusal(request: Request, error: Exception) -> Response:
        return problem(request, UNHANDLED_REFUSAL, str(error), 400)

    app.add_exception_handler(DBAPIError, database_error)
    app.add_exception_handler(DomainError, unhandled_refusal)

    async def to_sign_in(request: Request, error: Exception) -> Response:
        assert isinstance(error, SignInRequired)
        return see_other(f"{PREFIX}/sign-in?{urlencode({'next': error.next_path})}")

    async def refused(request: Request, error: Exception) -> Response:
        context = {"title": "Form expired", "console": None}
        return page(request, "refused.html", context, status=403)

    app.add_exception_handler(SignInRequired, to_sign_in)
    app.add_exception_handler(FormRefused, refused)
