"""The console's Cflow pages: workflows (and importing a definition), boards, records, API key and users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from flowsuite.admin.services import cflow_views as views
from flowsuite.admin.services import keys
from flowsuite.admin.services.accounts import Console
from flowsuite.admin.web import (
    PREFIX,
    CheckedConsole,
    ConsoleDep,
    audit,
    not_found,
    page,
    runtime_of,
    see_other,
    shown_once,
)
from flowsuite.cflow import keys as cflow_keys
from flowsuite.cflow.definitions import InvalidDefinition, read_definition
from flowsuite.cflow.errors import InvalidFields, NotAllowed, RecordNotFound
from flowsuite.cflow.services.workflows import import_workflow
from flowsuite.core.errors import DomainError

router = APIRouter(prefix=f"{PREFIX}/cflow", include_in_schema=False)
FormText = Annotated[str, Form()]
# A definition is a page of YAML; anything much larger is not one.
MAX_DEFINITION_BYTES = 256 * 1024
NOTICES = {
    "imported": "The workflow was imported; records in flight keep their values and stage.",
    "decided": "The record was updated.",
}


def _workflows_page(
    request: Request, console: Console, problems: list[str] | None = None, status: int = 200
) -> Response:
    with runtime_of(request).db.transaction() as session:
        lines = views.workflows(session, console.company_id)
    context = {
        "title": "Cflow workflows",
        "console": console,
        "workflows": lines,
        "problems": problems or [],
        "error": "The definition was not imported." if problems else None,
        "notice": NOTICES.get(request.query_params.get("notice", "")),
    }
    return page(request, "cflow_workflows.html", context, status)


@router.get("/workflows", response_class=HTMLResponse)
def workflow_list(request: Request, console: ConsoleDep) -> Response:
    return _workflows_page(request, console)


@router.post("/workflows/import")
async def workflow_import(
    request: Request, console: CheckedConsole, definition: Annotated[UploadFile, File()]
) -> Response:
    raw = await definition.read(MAX_DEFINITION_BYTES + 1)
    if len(raw) > MAX_DEFINITION_BYTES:
        return _workflows_page(request, console, [f"The file is larger than {MAX_DEFINITION_BYTES // 1024} KB."], 400)
    try:
        parsed = read_definition(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return _workflows_page(request, console, ["The file is not UTF-8 text."], 400)
    except InvalidDefinition as invalid:
        return _workflows_page(request, console, list(invalid.problems), 400)
    try:
        with runtime_of(request).db.transaction(write=True) as session:
            import_workflow(session, console.company_id, parsed)
            audit(session, request, console, "import_workflow", parsed.name)
    except DomainError as refused:
        return _workflows_page(request, console, [str(refused)], 400)
    return see_other(f"{PREFIX}/cflow/workflows?notice=imported")


@router.get("/workflows/{name}", response_class=HTMLResponse)
def workflow_board(request: Request, console: ConsoleDep, name: str) -> Response:
    with runtime_of(request).db.transaction() as session:
        try:
            workflow, columns = views.board(session, console.company_id, name)
        except DomainError as missing:
            return not_found(request, console, str(missing), f"{PREFIX}/cflow/workflows")
    context = {
        "title": workflow.display_name,
        "console": console,
        "workflow": workflow,
        "columns": columns,
        "limit": views.BOARD_LIMIT,
    }
    return page(request, "cflow_board.html", context)


def _record_page(
    request: Request, console: Console, number: int, error: str | None = None, status: int = 200
) -> Response:
    with runtime_of(request).db.transaction() as session:
        try:
            record = views.record_page(session, console.company_id, number, console.email)
        except RecordNotFound as missing:
            return not_found(request, console, str(missing), f"{PREFIX}/cflow/workflows")
    context = {
        "title": f"Record {number}",
        "console": console,
        "record": record,
        "acting": record.acting,
        "error": error,
        "notice": NOTICES.get(request.query_params.get("notice", "")),
    }
    return page(request, "cflow_record.html", context, status)


@router.get("/records/{number}", response_class=HTMLResponse)
def record_detail(request: Request, console: ConsoleDep, number: int) -> Response:
    return _record_page(request, console, number)


@router.post("/records/{number}/decision")
def record_decision(
    request: Request, console: CheckedConsole, number: int, status: FormText = "", comments: FormText = ""
) -> Response:
    try:
        with runtime_of(request).db.transaction(write=True) as session:
            views.decide(session, console.company_id, console.email, number, status, comments)
            audit(session, request, console, "cflow_decision", status, "cflow_record", number)
    except RecordNotFound as missing:
        return not_found(request, console, str(missing), f"{PREFIX}/cflow/workflows")
    except InvalidFields as refused:
        return _record_page(request, console, number, " ".join(p.message for p in refused.problems), 400)
    except NotAllowed as refused:
        return _record_page(request, console, number, str(refused), 403)
    except DomainError as refused:
        return _record_page(request, console, number, str(refused), 409)
    return see_other(f"{PREFIX}/cflow/records/{number}?notice=decided")


# ---------------------------------------------------------------------------------- API key and users


def _access_page(request: Request, console: Console, error: str | None = None, status: int = 200) -> Response:
    with runtime_of(request).db.transaction() as session:
        context = {
            "title": "Cflow API settings",
            "console": console,
            "api_keys": keys.cflow_credentials(session, console.company_id),
            "users": cflow_keys.list_users(session, console.company_id),
            "error": error,
            "notice": "The key was revoked: it stopped working at once."
            if request.query_params.get("notice") == "revoked"
            else None,
        }
    return page(request, "cflow_access.html", context, status)


@router.get("/access", response_class=HTMLResponse)
def access(request: Request, console: ConsoleDep) -> Response:
    return _access_page(request, console)


def _shown_once(request: Request, console: Console, title: str, name: str, label: str, secret: str) -> Response:
    return shown_once(request, console, title, name, [(label, label, secret)], f"{PREFIX}/cflow/access")


@router.post("/key")
def api_key_create(request: Request, console: CheckedConsole) -> Response:
    runtime = runtime_of(request)
    with runtime.db.transaction(write=True) as session:
        issued = cflow_keys.create_api_key(session, runtime.secret, company_id=console.company_id)
        audit(session, request, console, "create_cflow_key", "new Cflow API key")
    return _shown_once(request, console, "New Cflow API key", console.company_name, "apikey", issued.secret)


@router.post("/users")
def user_create(request: Request, console: CheckedConsole, username: FormText = "", role: FormText = "") -> Response:
    runtime = runtime_of(request)
    try:
        with runtime.db.transaction(write=True) as session:
            issued = cflow_keys.create_user(
                session, runtime.secret, company_id=console.company_id, username=username, role=role
            )
            audit(session, request, console, "create_cflow_user", username.strip().lower())
    except DomainError as refused:
        return _access_page(request, console, str(refused), 400)
    return _shown_once(request, console, "New Cflow user", username.strip().lower(), "userkey", issued.secret)


@router.post("/users/{user_id}/rotate")
def user_key_rotate(request: Request, console: CheckedConsole, user_id: int) -> Response:
    runtime = runtime_of(request)
    try:
        with runtime.db.transaction(write=True) as session:
            username, issued = keys.rotate_cflow_user_key(
                session, runtime.secret, company_id=console.company_id, user_id=user_id
            )
            audit(session, request, console, "rotate_cflow_user_key", username)
    except DomainError as missing:
        return not_found(request, console, str(missing), f"{PREFIX}/cflow/access")
    return _shown_once(request, console, "New user key", username, "userkey", issued.secret)
