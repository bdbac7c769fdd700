"""The console's tables: the people who sign in, and their sessions.

A console user belongs to one company and sees only it. Passwords are argon2 hashes; a session is known
only by the keyed hash of its cookie, so a copy of the database lets nobody in.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from flowsuite.core.db import Base, Timestamp, utc_now


class AdminUser(Base):
    __tablename__ = "admin_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)


# One account per e-mail address, whatever its case (an address signs in to one company).
Index("ux_admin_users_email", func.lower(AdminUser.email), unique=True)


class AdminSession(Base):
    __tablename__ = "admin_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("admin_users.id"), index=True)
    # The keyed hash of the cookie's value; the value itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The synchronizer token every form of this session must send back.
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
    expires_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))


class AdminInvitation(Base):
    """An invitation to the console: a one-time link, shown once to the person who invited, that lets the
    invitee choose a password. Only its keyed hash is kept; it expires, and accepting it uses it up."""

    __tablename__ = "admin_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[int] = mapped_column(ForeignKey("admin_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
    expires_at: Mapped[dt.datetime] = mapped_column(Timestamp)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(Timestamp)
