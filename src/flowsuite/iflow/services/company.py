"""A company's iFlow settings and free days, as an administrator keeps them (CLI, later the console)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from flowsuite.core.errors import Conflict, InvalidInput, NotFound
from flowsuite.iflow.keys import ensure_company_setup
from flowsuite.iflow.models import FreeDay, IFlowSettings

# A reset limit beyond two days would let a forgotten check-out count as two days' work.
RESET_LIMIT_HOURS = range(1, 49)
DAILY_NORM_HOURS = range(1, 25)


def configure(
    session: Session,
    company_id: int,
    *,
    strict_cnp: bool | None = None,
    reset_limit_hours: int | None = None,
    daily_norm_hours: int | None = None,
) -> IFlowSettings:
    """Changes the settings given (None leaves one as it is); returns them all."""
    settings = ensure_company_setup(session, company_id)
    if reset_limit_hours is not None:
        if reset_limit_hours not in RESET_LIMIT_HOURS:
            raise InvalidInput("reset_limit_hours", "The check-in reset limit must be 1 to 48 hours.")
        settings.checkin_reset_limit_hours = reset_limit_hours
    if daily_norm_hours is not None:
        if daily_norm_hours not in DAILY_NORM_HOURS:
            raise InvalidInput("daily_norm_hours", "The daily norm must be 1 to 24 hours.")
        settings.daily_norm_hours = daily_norm_hours
    if strict_cnp is not None:
        settings.strict_cnp = strict_cnp
    session.flush()
    return settings


def add_free_day(session: Session, company_id: int, day: dt.date, name: str = "") -> FreeDay:
    """A company free day, counted as a holiday in totals and skipped by "next work day"."""
    exists = session.scalar(select(FreeDay.id).where(FreeDay.company_id == company_id, FreeDay.day == day))
    if exists is not None:
        raise Conflict(f"{day.isoformat()} is already a free day.")
    free_day = FreeDay(company_id=company_id, day=day, name=name.strip())
    session.add(free_day)
    session.flush()
    return free_day


def list_free_days(session: Session, company_id: int, year: int | None = None) -> Sequence[FreeDay]:
    query = select(FreeDay).where(FreeDay.company_id == company_id)
    if year is not None:
        query = query.where(FreeDay.day >= dt.date(year, 1, 1), FreeDay.day <= dt.date(year, 12, 31))
    return session.scalars(query.order_by(FreeDay.day)).all()


def remove_free_day(session: Session, company_id: int, day: dt.date) -> None:
    free_day = session.scalar(select(FreeDay).where(FreeDay.company_id == company_id, FreeDay.day == day))
    if free_day is None:
        raise NotFound(f"{day.isoformat()} is not a free day.")
    session.delete(free_day)
    session.flush()
