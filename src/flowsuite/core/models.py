"""Tables of the core that belong to no company: the fingerprint of the server secret."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from flowsuite.core.db import Base, Timestamp, utc_now


class SecretFingerprint(Base):
    """The fingerprint (core.secrets.ServerSecret.fingerprint) of the secret the database was first used with.

    A server or a command given another secret refuses to start instead of failing every key; one row, id 1.
    """

    __tablename__ = "server_secret"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(Timestamp, default=utc_now)
