"""What a running server holds: settings, the database, the secret, the ledger, and its worker threads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar, TypeVarTuple, Unpack

import anyio.to_thread
from anyio import CapacityLimiter

from flowsuite.core.audit import Ledger
from flowsuite.core.db import SERVER_POOL_SIZE, Database
from flowsuite.core.secrets import ServerSecret
from flowsuite.settings import Settings

T = TypeVar("T")
Args = TypeVarTuple("Args")

# Where each access kind's unit of work runs, by database: on a worker thread, or on the event loop.
# SQLite answers in process within microseconds, and its work measured slower handed to threads; PostgreSQL
# work mostly waits on round trips, which overlap on threads while the loop serves other requests (a deep
# page on the loop stalls every other request of the worker). bench/README.md has the measurements.
ON_THREAD: dict[str, frozenset[str]] = {
    "sqlite": frozenset(),
    "postgresql": frozenset({"read", "orm_read", "write", "orm_write", "pipelined_write"}),
}


@dataclass
class Runtime:
    settings: Settings
    db: Database
    secret: ServerSecret
    ledger: Ledger
    # Worker threads for database work, no more per pool than the pool keeps connections (see core.db).
    _readers: CapacityLimiter = field(init=False)
    _writers: CapacityLimiter = field(init=False)
    _on_thread: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self._readers = CapacityLimiter(SERVER_POOL_SIZE)
        self._writers = CapacityLimiter(SERVER_POOL_SIZE)
        self._on_thread = ON_THREAD.get(self.db.dialect_name, frozenset())

    async def run(self, work: Callable[[Unpack[Args]], T], *args: *Args, kind: str) -> T:
        """Runs `work(*args)`, a unit of work of access `kind`, where ON_THREAD says it runs.

        At most SERVER_POOL_SIZE units run on threads per pool; more wait for a thread rather than open and
        close an overflow connection each.
        """
        if kind not in self._on_thread:
            return work(*args)
        limiter = self._readers if kind in ("read", "orm_read") else self._writers
        return await anyio.to_thread.run_sync(work, *args, limiter=limiter)

    @classmethod
    def start(cls, settings: Settings, ledger: Ledger) -> Runtime:
        """A runtime for `settings`: the engines are created (not yet connected) and the secret loaded."""
        return cls(
            settings=settings,
            db=Database(settings.database_url),
            secret=ServerSecret.load(settings.secret_key, settings.secret_key_file),
            ledger=ledger,
        )
