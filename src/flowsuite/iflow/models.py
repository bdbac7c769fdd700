"""iFlow's tables: settings, teams, employees, plans, live attendance, events, free days, devices, tokens.

Every table carries `company_id` (the tenant). Ids are global across companies and go on the wire as
strings; every query is scoped by company first.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from flowsuite.core.db import Base, CalendarDate, ClockTime, Timestamp, utc_now

# The wire's approval states of an event (the vendor's own strings).
APPROVE_STATUSES = ("approved", "not_approved", "waiting", "partially_approved", "not_required", "request_edit")
# How an event type changes the monthly totals.
EFFECTS = ("none", "add", "subtract")


def _company() -> Mapped[int]:
    return mapped_column(ForeignKey("companies.id"))


class IFlowSettings(Base):
    """Per-company iFlow configuration, made on first use with the defaults below."""

    __tablename__ = "iflow_settings"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), primary_key=True)
    # A CNP failing its check digit or birth date is refused instead of accepted with a warning.
    strict_cnp: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # An interval left open longer than this is closed at check-in + limit (the vendor's 13 h).
    checkin_reset_limit_hours: Mapped[int] = mapped_column(SmallInteger, default=13, server_default=text("13"))
    # The daily norm a new employee gets when the sync does not say otherwise.
    daily_norm_hours: Mapped[int] = mapped_column(SmallInteger, default=8, server_default=text("8"))


class Team(Base):
    __tablename__ = "iflow_teams"
    __table_args__ = (Index("ux_iflow_teams_name", "company_id", "name", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company()
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)


class Employee(Base):
    """A user of iFlow: the sync fields of the vendor, in the vendor's order, plus a daily norm."""

    __tablename__ = "iflow_employees"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company()
    team_id: Mapped[int] = mapped_column(ForeignKey("iflow_teams.id"))
    full_name: Mapped[str] = mapped_column(String(200))
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    disable_date: Mapped[dt.date | None] = mapped_column(CalendarDate)
    rfid_tag: Mapped[str | None] = mapped_column(String(64))
    cnp: Mapped[str | None] = mapped_column(String(32))
    id_card: Mapped[str | None] = mapped_column(String(32))
    id_card_issued_by: Mapped[str | None] = mapped_column(String(200))
    id_card_issue_date: Mapped[dt.date | None] = mapped_column(CalendarDate)
    bank_account: Mapped[str | None] = mapped_column(String(64))
    birth_date: Mapped[dt.date | None] = mapped_column(CalendarDate)
    employment_date: Mapped[dt.date | None] = mapped_column(CalendarDate)
    job_title: Mapped[str | None] = mapped_column(String(200))
    mark_number: Mapped[str | None] = mapped_column(String(64))
    contract_number: Mapped[str | None] = mapped_column(String(64))
    section: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500))
    city: Mapped[str | None] = mapped_column(String(200))
    county: Mapped[str | None] = mapped_column(String(200))
    phone_one: Mapped[str | None] = mapped_column(String(64))
    phone_two: Mapped[str | None] = mapped_column(String(64))
    daily_norm_hours: Mapped[int] = mapped_column(SmallInteger, default=8, server_default=text("8"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now, onupdate=utc_now)


# Partial unique indexes: the database itself refuses a second employee with the same CNP or ID card in
# a company, so two concurrent syncs of one new person cannot both insert (the loser retries and updates).
Index(
    "ux_iflow_employees_cnp",
    Employee.company_id,
    Employee.cnp,
    unique=True,
    sqlite_where=Employee.cnp.is_not(None),
    postgresql_where=Employee.cnp.is_not(None),
)
Index(
    "ux_iflow_employees_id_card",
    Employee.company_id,
    Employee.id_card,
    unique=True,
    sqlite_where=Employee.id_card.is_not(None),
    postgresql_where=Employee.id_card.is_not(None),
)
Index("ix_iflow_employees_rfid_tag", Employee.company_id, Employee.rfid_tag)
Index("ix_iflow_employees_team", Employee.company_id, Employee.team_id)


class WorkScheduleInterval(Base):
    """One planned interval of an employee, as local wall-clock times on the day it starts.

    A plan is made in the company's wall-clock time ("08:00-16:00 every weekday"), so it is stored that
    way: `work_date` is the calendar day the interval starts on, and an `end_time` at or before
    `start_time` ends on the next day (22:00-06:00). Turning it into UTC instants belongs to the totals
    engine, which must split it at midnight and live through the daylight-saving nights anyway; storing
    instants would bake in today's time-zone rules and lose what the planner actually typed.
    """

    __tablename__ = "iflow_work_schedule_intervals"
    __table_args__ = (Index("ix_iflow_work_schedule_day", "company_id", "employee_id", "work_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company()
    employee_id: Mapped[int] = mapped_column(ForeignKey("iflow_employees.id"))
    work_date: Mapped[dt.date] = mapped_column(CalendarDate)
    start_time: Mapped[dt.time] = mapped_column(ClockTime)
    end_time: Mapped[dt.time] = mapped_column(ClockTime)


class LiveAttendanceInterval(Base):
    """A check-in and its check-out as UTC instants; an open interval has no check-out yet."""

    __tablename__ = "iflow_live_attendance_intervals"
    __table_args__ = (Index("ix_iflow_live_attendance_check_in", "company_id", "employee_id", "check_in_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company()
    employee_id: Mapped[int] = mapped_column(ForeignKey("iflow_employees.id"))
    check_in_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    check_out_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    # Where the scan came from: "rfid", "api" or "admin".
    source: Mapped[str] = mapped_column(String(16))
    device_id: Mapped[int | None] = mapped_column(ForeignKey("iflow_rfid_devices.id"))


# At most one open interval per employee, whatever races: a second check-in must close the first.
Index(
    "ux_iflow_live_attendance_open",
    LiveAttendanceInterval.employee_id,
    unique=True,
    sqlite_where=LiveAttendanceInterval.check_out_at.is_(None),
    postgresql_where=LiveAttendanceInterval.check_out_at.is_(None),
)


class EventType(Base):
    """A kind of event (`paid_leave`, `other_leave`, `overtime`, ... or the company's own)."""

    __tablename__ = "iflow_event_types"
    __table_args__ = (Index("ux_iflow_event_types_code", "company_id", "code", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company()
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    color: Mapped[str] = mapped_column(String(16))
    # One of EFFECTS: how the event's hours change the totals.
    effect: Mapped[str] = mapped_column(String(16))


class Event(Base):
    """A leave or other event over whole days (start/end date) or part of one day (date + times)."""

    __tablename__ = "iflow_events"
    __table_args__ = (Index("ix_iflow_events_employee_dates", "company_id", "employee_id", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company()
    employee_id: Mapped[int] = mapped_column(ForeignKey("iflow_employees.id"))
    event_type_id: Mapped[int] = mapped_column(ForeignKey("iflow_event_types.id"))
    start_date: Mapped[dt.date] = mapped_column(CalendarDate)
    end_date: Mapped[dt.date] = mapped_column(CalendarDate)
    # Local wall-clock times of a time-interval event (start_date == end_date); null for a date interval.
    start_time: Mapped[dt.time | None] = mapped_column(ClockTime)
    end_time: Mapped[dt.time | None] = mapped_column(ClockTime)
    # One of APPROVE_STATUSES.
    approve_status: Mapped[str] = mapped_column(String(32))
    partial_approved_by_user_id: Mapped[int | None] = mapped_column(Integer)
    other_leave_type_name: Mapped[str | None] = mapped_column(String(200))
    reason_message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)


class FreeDay(Base):
    """A company free day, counted like a national holiday."""

    __tablename__ = "iflow_free_days"
    __table_args__ = (Index("ux_iflow_free_days_day", "company_id", "day", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company()
    day: Mapped[dt.date] = mapped_column(CalendarDate)
    name: Mapped[str] = mapped_column(String(200), default="")


class RfidDevice(Base):
    """An RFID terminal. Its serial is the `access_token` of the RFID endpoints, so only its keyed hash
    is kept, like an API key's."""

    __tablename__ = "iflow_rfid_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = _company()
    name: Mapped[str] = mapped_column(String(200))
    serial_hash: Mapped[str] = mapped_column(String(64), unique=True)
    serial_hint: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class IFlowAccessToken(Base):
    """What a Bearer access token adds to its core credential: the administrator it is assigned to.

    The token's label is the credential's `name`, so listing and revoking stay the core's.
    """

    __tablename__ = "iflow_access_tokens"

    credential_id: Mapped[int] = mapped_column(ForeignKey("api_credentials.id"), primary_key=True)
    company_id: Mapped[int] = _company()
    administrator_name: Mapped[str] = mapped_column(String(200), default="")
