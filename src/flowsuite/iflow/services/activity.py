"""events/get_activity_events, and the event object it shares with the status endpoints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from flowsuite.core.db import ReadSession
from flowsuite.iflow import fields
from flowsuite.iflow.calendar import working_days
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import BareReply, Checks
from flowsuite.iflow.fields import Form
from flowsuite.iflow.messages import DEFAULT_LANGUAGE, STATUS_TEXTS
from flowsuite.iflow.models import APPROVE_STATUSES, Employee, Event, EventType, FreeDay, Team

# An event as event_rows reads it, with its type and its employee's name and team (see _query).
EventRow = Row[Any]
# Wire dates of the event objects: the vendor's dd/mm/YYYY.
WIRE_DATE = "%d/%m/%Y"
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


def asked_language(form: Form) -> str:
    """The reply's language; the router has already refused an unknown one."""
    return form.get("api_language", "").strip() or DEFAULT_LANGUAGE


def event_type_name(row: EventRow, language: str) -> str:
    # The built-in types are named in the asked language; a company's own type keeps its own name.
    catalogue = STATUS_TEXTS.get(language, STATUS_TEXTS[DEFAULT_LANGUAGE])
    return catalogue.get(str(row.code), str(row.name))


def consecutive_days_position(first: dt.date, last: dt.date, day: dt.date) -> str:
    """Where `day` lies in a run of days: solo, start, middle or end."""
    if first == last:
        return "solo"
    if day == first:
        return "start"
    return "end" if day == last else "middle"


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


def _optional_id(value: object) -> str | None:
    return None if value is None else str(value)


def event_object(
    row: EventRow, language: str, days: EventDays, placement: tuple[int, dt.date] | None = None
) -> dict[str, object]:
    """The vendor's event object, keys in the seed's order; `placement` (position, day) adds the two
    day-relative keys of the status endpoints."""
    first, last = row.start_date, row.end_date
    assert isinstance(first, dt.date) and isinstance(last, dt.date)
    user_id = str(row.employee_id)
    item: dict[str, object] = {
        "event_id": str(row.id),
        "user_id": user_id,
        "event_type": row.code,
        "event_type_name": event_type_name(row, language),
    }
    if placement is not None:
        position, day = placement
        item["position"] = position
        item["consecutive_days_position"] = consecutive_days_position(first, last, day)
    item["event_type_color"] = row.color
    item["approve_status"] = row.approve_status
    item["partial_approved_by_user_id"] = _optional_id(row.partial_approved_by_user_id)
    item["other_leave_type_name"] = row.other_leave_type_name
    item["event_meta"] = {
        "user_id": user_id,
        "days": days.of(row),
        "start_date": first.strftime(WIRE_DATE),
        "end_date": last.strftime(WIRE_DATE),
        "reason_message": row.reason_message or "",
    }
    return item


def _activity_object(row: EventRow, language: str, days: EventDays) -> dict[str, object]:
    """An event of the activity list: the event object plus who, which type id and, for a time-interval
    event, its local times (ours: the vendor documents no keys for this endpoint)."""
    item = event_object(row, language, days)
    meta = item.pop("event_meta")
    item["event_type_id"] = str(row.event_type_id)
    item["full_name"] = row.full_name
    item["team_name"] = row.team_name
    item["start_time"] = None if row.start_time is None else f"{row.start_time:%H:%M}"
    item["end_time"] = None if row.end_time is None else f"{row.end_time:%H:%M}"
    item["event_meta"] = meta
    return item


def _list(form: Form, name: str, checks: Checks) -> tuple[str, ...]:
    """A comma-separated list field (`1,2,3`); blanks dropped."""
    value = fields.text(form, name, checks, max_length=10_000)
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _id_list(form: Form, name: str, checks: Checks) -> tuple[int, ...]:
    parts = _list(form, name, checks)
    if not all(part.isascii() and part.isdigit() and len(part) <= 9 for part in parts):
        checks.fail(name, "valid_integer")
        return ()
    return tuple(int(part) for part in parts)


def _interval(form: Form, checks: Checks) -> tuple[dt.date, dt.date] | None:
    first = fields.date(form, "date_interval_start", checks)
    last = fields.date(form, "date_interval_end", checks)
    given = [name for name in ("date_interval_start", "date_interval_end") if form.get(name, "").strip()]
    if len(given) == 1:
        missing = "date_interval_end" if given[0] == "date_interval_start" else "date_interval_start"
        checks.fail(missing, "required_with", other=given[0])
    if first is not None and last is not None:
        if last < first:
            checks.fail("date_interval_end", "date_order", other="date_interval_start")
        return first, last
    return None


def read_filters(form: Form) -> Filters:
    """The filters in the spec's order, so that failed checks are listed in it too."""
    checks = Checks()
    user_ids = _id_list(form, "users_ids", checks)
    teams = _list(form, "teams", checks)
    event_type_ids = _id_list(form, "event_ids", checks)
    statuses = _list(form, "status", checks)
    if any(status not in APPROVE_STATUSES for status in statuses):
        checks.fail("status", "in_list", allowed=", ".join(APPROVE_STATUSES))
    filters = Filters(user_ids, teams, event_type_ids, statuses, _interval(form, checks))
    checks.raise_if_any()
    return filters


def get_activity_events(session: ReadSession, ctx: IFlowContext, form: Form) -> BareReply:
    """The company's events matching every filter given, oldest first per employee."""
    filters = read_filters(form)
    language = asked_language(form)
    rows = event_rows(session, ctx, filters=filters)
    days = event_days(session, ctx, rows)
    return BareReply([_activity_object(row, language, days) for row in rows])
