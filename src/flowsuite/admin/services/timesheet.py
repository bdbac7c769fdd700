"""The monthly timesheet: employees by days, as `get_work_schedule` computes them, for a page and exports.

The numbers are the report endpoint's own (`iflow.services.reports.month_report`), so the console and the
API never disagree; this module only lays them out and marks what a person scans for: weekends, holidays,
leave, night work and overtime.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from flowsuite.iflow.calendar import DayClass
from flowsuite.iflow.messages import DEFAULT_LANGUAGE
from flowsuite.iflow.models import EventType
from flowsuite.iflow.services.activity import event_type_name
from flowsuite.iflow.services.reports import month_report
from flowsuite.iflow.totals import check_totals, hours

DEFAULT_TOTALS = ("regular", "overtime", "total", "regular_night", "total_weekend", "total_holiday")


@dataclass(frozen=True, slots=True)
class Cell:
    """One employee's day: worked hours (None when nothing), CSS classes, and a sentence for the tooltip."""

    hours: float | None
    marks: tuple[str, ...]
    note: str


@dataclass(frozen=True, slots=True)
class Line:
    employee_id: int
    full_name: str
    team_name: str
    mark_number: str | None
    cells: list[Cell]
    totals: dict[str, float]


@dataclass(frozen=True, slots=True)
class Timesheet:
    year: int
    month: int
    days: list[dt.date]
    day_marks: list[str]
    totals: tuple[str, ...]
    lines: list[Line]
    teams: list[str]


@dataclass(frozen=True, slots=True)
class EventKinds:
    """The company's event types, read once: their names by code (the built-in ones in English, as the API
    names them) and the codes of the leaves (types that subtract from totals)."""

    names: dict[str, str]
    leave_codes: frozenset[str]


def event_kinds(session: Session, company_id: int) -> EventKinds:
    query: Select[*tuple[Any, ...]] = select(EventType.code, EventType.name, EventType.effect).where(
        EventType.company_id == company_id
    )
    rows = session.execute(query).all()
    return EventKinds(
        {row.code: event_type_name(row, DEFAULT_LANGUAGE) for row in rows},
        frozenset(row.code for row in rows if row.effect == "subtract"),
    )


def _day_mark(day_class: DayClass) -> str:
    return {DayClass.WEEKEND: "weekend", DayClass.HOLIDAY: "holiday"}.get(day_class, "")


def timesheet(
    session: Session,
    company_id: int,
    time_zone: str,
    year: int,
    month: int,
    totals: Iterable[str] = DEFAULT_TOTALS,
    team: str = "",
) -> Timesheet:
    """The month of every enabled employee (of `team` when given); UnknownTotals for a bad total name."""
    names = check_totals(totals)
    report = month_report(session, company_id, year, month, names, time_zone)
    calendar = report.calendar
    kinds = event_kinds(session, company_id)
    day_marks = [_day_mark(day_class) for day_class in calendar.day_classes]
    lines = []
    for employee in report.employees:
        who = employee.who
        if team and who.team_name != team:
            continue
        cells = []
        for day, day_mark in zip(calendar.days, day_marks, strict=True):
            worked = employee.totals.minutes.days.get(day)
            events = employee.day_events.get(day, [])
            marks = [mark for mark in (day_mark,) if mark]
            if any(code in kinds.leave_codes for code in events):
                marks.append("leave")
            notes = []
            if worked is not None:
                if worked.regular_night or worked.overtime_night:
                    marks.append("night")
                if worked.overtime:
                    marks.append("overtime")
                notes.append(f"{hours(worked.regular):.2f} h regular, {hours(worked.overtime):.2f} h overtime")
            notes.extend(kinds.names.get(code, code) for code in events)
            cells.append(Cell(None if worked is None else hours(worked.total), tuple(marks), "; ".join(notes)))
        totals = employee.totals.totals
        lines.append(Line(who.employee_id, who.full_name, who.team_name, who.mark_number, cells, totals))
    teams = sorted({employee.who.team_name for employee in report.employees})
    return Timesheet(year, month, list(calendar.days), day_marks, names, lines, teams)


def _table(sheet: Timesheet) -> list[list[object]]:
    """The timesheet as rows of plain values: a header, then one row per employee."""
    header: list[object] = ["user_id", "full_name", "team_name", "mark_number"]
    header += [day.isoformat() for day in sheet.days]
    header += list(sheet.totals)
    rows: list[list[object]] = [header]
    for line in sheet.lines:
        row: list[object] = [str(line.employee_id), line.full_name, line.team_name, line.mark_number or ""]
        row += [cell.hours if cell.hours is not None else "" for cell in line.cells]
        row += [line.totals[name] for name in sheet.totals]
        rows.append(row)
    return rows


def as_csv(sheet: Timesheet) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(_table(sheet))
    return out.getvalue()


def as_xlsx(sheet: Timesheet) -> bytes:
    """An Excel workbook: the same table, hours as numbers, the header frozen, weekends and holidays shaded."""
    out = io.BytesIO()
    with xlsxwriter.Workbook(out, {"in_memory": True}) as book:
        page = book.add_worksheet(f"{sheet.year}-{sheet.month:02d}")
        bold = book.add_format({"bold": True})
        shaded = {
            "weekend": book.add_format({"bg_color": "#E8ECF3", "num_format": "0.00"}),
            "holiday": book.add_format({"bg_color": "#FDE2C8", "num_format": "0.00"}),
            "": book.add_format({"num_format": "0.00"}),
        }
        rows = _table(sheet)
        page.write_row(0, 0, rows[0], bold)
        for index, row in enumerate(rows[1:], start=1):
            page.write_row(index, 0, row[:4])
            for offset, (value, mark) in enumerate(zip(row[4 : 4 + len(sheet.days)], sheet.day_marks, strict=True)):
                page.write(index, 4 + offset, value, shaded[mark])
            page.write_row(index, 4 + len(sheet.days), row[4 + len(sheet.days) :], shaded[""])
        page.freeze_panes(1, 2)
        page.set_column(1, 1, 24)
    return out.getvalue()
