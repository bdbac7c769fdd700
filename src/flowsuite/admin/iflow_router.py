"""The console's iFlow pages: the monthly timesheet (and its CSV / XLSX exports) and who is at work now."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from flowsuite.admin.services.accounts import Console
from flowsuite.admin.services.board import board
from flowsuite.admin.services.employee import decide_event, employee_month
from flowsuite.admin.services.timesheet import DEFAULT_TOTALS, Timesheet, as_csv, as_xlsx, timesheet
from flowsuite.admin.web import (
    PREFIX,
    SECURITY_HEADERS,
    CheckedConsole,
    ConsoleDep,
    audit,
    not_found,
    page,
    runtime_of,
    see_other,
)
from flowsuite.core.errors import NotFound
from flowsuite.iflow.totals import TOTAL_NAMES, UnknownTotals
from flowsuite.tenancy.service import zone

router = APIRouter(prefix=f"{PREFIX}/iflow", include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today(console: Console) -> dt.date:
    return dt.datetime.now(zone(console.company_timezone)).date()


def _month(request: Request, console: Console) -> tuple[int, int, str | None]:
    """The asked month, `period=YYYY-MM` (this month by default), and what was wrong with it if anything."""
    today = _today(console)
    period = request.query_params.get("period", "")
    if not period:
        return today.year, today.month, None
    year, _, month = period.partition("-")
    if year.isdigit() and month.isdigit() and 1900 <= int(year) <= 2200 and 1 <= int(month) <= 12:
        return int(year), int(month), None
    return today.year, today.month, "Choose a month from the list; showing this month instead."


def _totals(request: Request) -> tuple[str, ...]:
    asked = [name for name in request.query_params.getlist("totals") if name]
    return tuple(asked) or DEFAULT_TOTALS


def _sheet(request: Request, console: Console) -> tuple[Timesheet, str | None]:
    year, month, error = _month(request, console)
    team = request.query_params.get("team", "")
    with runtime_of(request).db.transaction() as session:
        try:
            sheet = timesheet(
                session, console.company_id, console.company_timezone, year, month, _totals(request), team
            )
        except UnknownTotals as unknown:
            error = f"Unknown totals: {', '.join(unknown.names)}; showing the usual ones."
            sheet = timesheet(session, console.company_id, console.company_timezone, year, month, team=team)
    return sheet, error


def _not_found(request: Request, console: Console, missing: NotFound) -> Response:
    return not_found(request, console, str(missing), f"{PREFIX}/iflow/timesheet")


def _months_around(today: dt.date) -> list[tuple[int, int]]:
    """The month list of the picker: the last 24 months and the next 3."""
    months = []
    for offset in range(-24, 4):
        index = today.year * 12 + today.month - 1 + offset
        months.append((index // 12, index % 12 + 1))
    return months[::-1]


@router.get("/timesheet", response_class=HTMLResponse)
def timesheet_page(request: Request, console: ConsoleDep) -> Response:
    sheet, error = _sheet(request, console)
    query = request.url.query
    context: dict[str, Any] = {
        "title": f"Timesheet {sheet.year}-{sheet.month:02d}",
        "console": console,
        "sheet": sheet,
        "error": error,
        "months": _months_around(_today(console)),
        "all_totals": TOTAL_NAMES,
        "team": request.query_params.get("team", ""),
        "export_query": query,
    }
    return page(request, "iflow_timesheet.html", context)


def _export(request: Request, console: Console, suffix: str) -> tuple[Timesheet, dict[str, str]]:
    sheet, _ = _sheet(request, console)
    name = f"timesheet-{sheet.year}-{sheet.month:02d}.{suffix}"
    return sheet, {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/timesheet.csv")
def timesheet_csv(request: Request, console: ConsoleDep) -> Response:
    sheet, headers = _export(request, console, "csv")
    return Response(as_csv(sheet), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/timesheet.xlsx")
def timesheet_xlsx(request: Request, console: ConsoleDep) -> Response:
    sheet, headers = _export(request, console, "xlsx")
    return Response(as_xlsx(sheet), media_type=XLSX, headers=headers)


@router.get("/now", response_class=HTMLResponse)
def at_work_now(request: Request, console: ConsoleDep) -> Response:
    with runtime_of(request).db.transaction() as session:
        groups = board(session, console.company_id)
    context = {"title": "Who is at work", "console": console, "groups": groups}
    return page(request, "iflow_now.html", context)


@router.get("/employees/{employee_id}", response_class=HTMLResponse)
def employee_page(request: Request, console: ConsoleDep, employee_id: int) -> Response:
    year, month, error = _month(request, console)
    with runtime_of(request).db.transaction() as session:
        try:
            month_page = employee_month(session, console.company_id, console.company_timezone, employee_id, year, month)
        except NotFound as missing:
            return _not_found(request, console, missing)
    context: dict[str, Any] = {
        "title": month_page.employee["full_name"],
        "console": console,
        "month_page": month_page,
        "error": error,
        "months": _months_around(_today(console)),
        "notice": "The event was updated." if request.query_params.get("notice") == "decided" else None,
    }
    return page(request, "iflow_employee.html", context)


@router.post("/events/{event_id}/decision")
def decide(
    request: Request,
    console: CheckedConsole,
    event_id: int,
    decision: Annotated[str, Form()] = "",
    employee_id: Annotated[int, Form()] = 0,
    period: Annotated[str, Form()] = "",
) -> Response:
    runtime = runtime_of(request)
    try:
        with runtime.db.transaction(write=True) as session:
            decide_event(session, console.company_id, event_id, decision)
            audit(session, request, console, "decide_event", decision, "iflow_event", event_id)
    except NotFound as missing:
        return _not_found(request, console, missing)
    return see_other(f"{PREFIX}/iflow/employees/{employee_id}?{urlencode({'period': period, 'notice': 'decided'})}")
