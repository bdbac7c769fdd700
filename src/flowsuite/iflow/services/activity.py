"""events/get_activity_events, and the events the status endpoints read: by filters, with their type's name in
a language and the days they count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from flowsuite.core.db import ReadSession
from flowsuite.iflow.calendar import working_days
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.messages import DEFAULT_LANGUAGE, STATUS_TEXTS
from flowsuite.iflow.models import Employee, Event, EventType, FreeDay, Team

# An event as event_rows reads it, with its type and its employee's name and team (see _query).
EventRow = Row[Any]
# Event types whose whole-day `days` count working days, as Romanian law counts paid annual leave; every other
# event counts calendar days, as a medical certificate does (ours: the vendor only shows `"days": 1`).
WORKING_DAY_TYPES = frozenset({"paid_leave"})


@dataclass(frozen=True, slots=True)
class Filters:
    """get_activity_events' filters; an empty tuple means "any"."""

    user_ids: tuple[int, ...] = ()
    teams: tuple[str, ...] = ()
    event_type_ids: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    overlapping: tuple[dt.date, dt.date] | None = None


def _query(ctx: IFlowContext) -> Select[*tuple[Any, ...]]:
    return (
        select(
            Event.id,
            Event.employee_id,
            Event.event_type_id,
            Event.start_date,
            Event.end_date,
            Event.start_time,
            Event.end_time,
            Event.approve_status,
            Event.partial_approved_by_user_id,
            Event.other_leave_type_name,
            Event.reason_message,
            EventType.code,
            EventType.name,
            EventType.color,
            Employee.full_name,
            Team.name.label("team_name"),
        )
        .join(EventType, EventType.id == Event.event_type_id)
        .join(Employee, Employee.id == Event.employee_id)
        .join(Team, Team.id == Employee.team_id)
        .where(Event.company_id == ctx.company_id)
        # Whole-day events (no time) first on both databases, which sort NULL differently by default.
        .order_by(Event.employee_id, Event.start_date, Event.start_time.asc().nulls_first(), Event.id)
    )


def event_rows(
    session: Session | ReadSession,
    ctx: IFlowContext,
    *,
    overlapping: tuple[dt.date, dt.date] | None = None,
    skip_rejected: bool = False,
    filters: Filters | None = None,
) -> Sequence[EventRow]:
    """The company's events matching every filter given, in one query."""
    query = _query(ctx)
    wanted = filters or Filters(overlapping=overlapping)
    if wanted.overlapping is not None:
        first, last = wanted.overlapping
        query = query.where(Event.start_date <= last, Event.end_date >= first)
    if skip_rejected:
        # A rejected leave does not keep anybody away from work.
        query = query.where(Event.approve_status != "not_approved")
    if wanted.user_ids:
        query = query.where(Event.employee_id.in_(wanted.user_ids))
    if wanted.teams:
        query = query.where(Team.name.in_(wanted.teams))
    if wanted.event_type_ids:
        query = query.where(Event.event_type_id.in_(wanted.event_type_ids))
    if wanted.statuses:
        query = query.where(Event.approve_status.in_(wanted.statuses))
    return session.execute(query).all()


def event_type_name(row: EventRow, language: str) -> str:
    # The built-in types are named in the asked language; a company's own type keeps its own name.
    catalogue = STATUS_TEXTS.get(language, STATUS_TEXTS[DEFAULT_LANGUAGE])
    return catalogue.get(str(row.code), str(row.name))


def _counts_working_days(row: EventRow) -> bool:
    return row.code in WORKING_DAY_TYPES and row.start_time is None


@dataclass(frozen=True, slots=True)
class EventDays:
    """Counts the `days` of an event's meta (see WORKING_DAY_TYPES), knowing the company's free days."""

    company_free_days: Collection[dt.date] = frozenset()

    def of(self, row: EventRow) -> int:
        first, last = row.start_date, row.end_date
        if _counts_working_days(row):
            return working_days(first, last, self.company_free_days)
        return int((last - first).days) + 1


def event_days(session: Session | ReadSession, ctx: IFlowContext, rows: Iterable[EventRow]) -> EventDays:
    """The counter for `rows`: the company free days their working-day events span, read in one query (and
    none when no event counts working days)."""
    spans = [(row.start_date, row.end_date) for row in rows if _counts_working_days(row)]
    if not spans:
        return EventDays()
    first, last = min(first for first, _ in spans), max(last for _, last in spans)
    free = session.scalars(
        select(FreeDay.day).where(FreeDay.company_id == ctx.company_id, FreeDay.day.between(first, last))
    )
    return EventDays(frozenset(free))


@dataclass(frozen=True, slots=True)
class ActivityEvents:
    """The events matching the filters (oldest first per employee), and the counter of their days."""

    rows: Sequence[EventRow]
    event_days: EventDays


def activity_events(session: ReadSession, ctx: IFlowContext, filters: Filters) -> ActivityEvents:
    """The company's events matching every filter given, oldest first per employee."""
    rows = event_rows(session, ctx, filters=filters)
    return ActivityEvents(rows, event_days(session, ctx, rows))
