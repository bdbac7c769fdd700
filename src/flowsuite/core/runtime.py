"""What a running server holds: settings, the database and the server secret."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter

from flowsuite.core.db import SERVER_POOL_SIZE, Database
from flowsuite.core.secrets import ServerSecret
from flowsuite.settings import Settings
from flowsuite.tenancy.service import FailedAuthLog, LastUseTracker

T = TypeVar("T")


@dataclass
class Runtime:
    settings: Settings
    db: Database
    secret: ServerSecret
    last_use: LastUseTracker = field(init=False)
    failed_auth: FailedAuthLog = field(init=False)
    # Worker threads for database writes, no more than the pool keeps connections (see core.db).
    _writers: CapacityLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.last_use = LastUseTracker(self.settings.last_used_resolution_seconds)
        self.failed_auth = FailedAuthLog(self.settings.failed_auth_audit_seconds)
        self._writers = CapacityLimiter(SERVER_POOL_SIZE)

    async def call_database(self, work: Callable[..., T], *args: Any, writes: bool) -> T:
        """Runs `work(*args)`, which talks to the database: `writes` to a server database on a worker
        thread, everything else on the event loop.

        For a face whose writes are a few prepared statements: such a write to PostgreSQL mostly waits on
        round trips and its commit, and on threads those waits overlap (measured with bench/: iFlow's RFID
        scans 460 -> 762 req/s). Reads, all SQLite work (microseconds, in process) and ORM-heavy writes
        keep the CPU busy instead, and measured slower on threads. At most SERVER_POOL_SIZE such writes
        run at once; more wait for a thread rather than open and close a connection each.
        """
        if writes and self.db.dialect_name != "sqlite":
            return await anyio.to_thread.run_sync(work, *args, limiter=self._writers)
        return work(*args)

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        return cls(
            settings=settings,
            db=Database(settings.database_url),
            secret=ServerSecret.load(settings.secret_key, settings.secret_key_file),
        )
