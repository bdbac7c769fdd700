"""Tables of the core: companies, API credentials, audit events."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from flowsuite.core.db import Base, CalendarDate, Timestamp, utc_now


class Company(Base):
    """A tenant: every row of every face belongs to exactly one company."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Bucharest")
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)


class ApiCredential(Base):
    """A secret that authenticates calls to one face for one company; only its keyed hash is kept."""

    __tablename__ = "api_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    face: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The last four characters, so people can tell keys apart in a list without the secret.
    secret_hint: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
    # Invalid from 00:00 of this date in the company's time zone; None never expires.
    expires_on: Mapped[dt.date | None] = mapped_column(CalendarDate)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


class AuditEvent(Base):
    """One write made through an API, or one failed authentication."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_company_created", "company_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null only for failed authentications, where no company could be resolved.
    company_id: Mapped[int | None] = mapped_column(ForeignKey("companies.id"))
    credential_id: Mapped[int | None] = mapped_column(ForeignKey("api_credentials.id"))
    face: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    entity_type: Mapped[str] = mapped_column(String(64), default="")
    entity_id: Mapped[int | None]
    description: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
