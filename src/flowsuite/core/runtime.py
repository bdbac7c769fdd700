"""What a running server holds: settings, the database, the secret, the ledger, and its worker threads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar, TypeVarTuple, Unpack

import anyio.to_thread
from anyio import CapacityLimiter
from sqlalchemy.exc import DBAPIError

from flowsuite.core.audit import Ledger
from flowsuite.core.db import SERVER_POOL_SIZE, Database
from flowsuite.core.secrets import ServerSecret
from flowsuite.core.startup import StartupRefused, check_schema, open_secret, unusable_database
from flowsuite.settings import Settings

T = TypeVar("T")
Args = TypeVarTuple("Args")

# Where each access kind's unit of work runs, by database: on a worker thread, or on the event loop.
# SQLite answers in process within microseconds, and its work measured slower handed to threads. On
# PostgreSQL a hand-over to a thread costs about as much CPU as a by-id read itself, so the quick reads stay
# on the loop, and so do ORM writes, which keep the CPU busy (and the ones that take a company's counter row
# queue on its lock when many run at once); reads that walk many rows, reports and the writes made of a few
# prepared statements, which mostly wait on round trips and the commit, overlap on threads. A deep page on
# the loop stalled every other request of the worker. bench/README.md has the measurements.
ON_THREAD: dict[str, frozenset[str]] = {
    "sqlite": frozenset(),
    "postgresql": frozenset({"scan", "orm_read", "write", "pipelined_write"}),
}


# Reads that walk many rows hold the interpreter while they turn rows into text: more of them at once than
# this only queue for it and slow the quick requests the event loop serves meanwhile (bench/README.md).
SCANS_AT_ONCE = 2


@dataclass
class Runtime:
    settings: Settings
    db: Database
    secret: ServerSecret
    ledger: Ledger
    # False while the schema and the secret wait to be checked against a database that did not answer at start.
    database_checked: bool = True
    # Worker threads for database work, no more per pool than the pool keeps connections (see core.db).
    _readers: CapacityLimiter = field(init=False)
    _scanners: CapacityLimiter = field(init=False)
    _writers: CapacityLimiter = field(init=False)
    _on_thread: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        self._readers = CapacityLimiter(SERVER_POOL_SIZE)
        self._scanners = CapacityLimiter(SCANS_AT_ONCE)
        self._writers = CapacityLimiter(SERVER_POOL_SIZE)
        self._on_thread = ON_THREAD.get(self.db.dialect_name, frozenset())

    async def run(self, work: Callable[[Unpack[Args]], T], *args: *Args, kind: str) -> T:
        """Runs `work(*args)`, a unit of work of access `kind`, where ON_THREAD says it runs.

        At most SERVER_POOL_SIZE units run on threads per pool; more wait for a thread rather than open and
        close an overflow connection each.
        """
        if kind not in self._on_thread:
            return work(*args)
        limiter = self._writers if self._writes(kind) else self._scanners if kind == "scan" else self._readers
        return await anyio.to_thread.run_sync(work, *args, limiter=limiter)

    @staticmethod
    def _writes(kind: str) -> bool:
        return kind in ("write", "orm_write", "pipelined_write")

    @classmethod
    def start(cls, settings: Settings, ledger: Ledger, *, require_database: bool = True) -> Runtime:
        """A runtime for `settings`: the engines created, the database's schema and the secret checked.

        Raises StartupRefused (one line for the operator) when the schema is not this flowsuite's, the secret
        is not the database's, or the database cannot be used. With `require_database` False, a database that
        does not answer is no refusal if the secret is at hand: a server then starts, /readyz answers 503, and
        the checks run once the database answers (`check_database`).
        """
        db = Database(settings.database_url)
        try:
            check_schema(db)
            return cls(settings=settings, db=db, secret=open_secret(settings, db), ledger=ledger)
        except DBAPIError as error:
            secret = ServerSecret.read(settings.secret_key, settings.secret_key_file)
            if require_database or secret is None:
                db.dispose()
                raise unusable_database(settings.database_url, error) from error
            return cls(settings=settings, db=db, secret=secret, ledger=ledger, database_checked=False)
        except StartupRefused:
            db.dispose()
            raise

    def check_database(self) -> None:
        """Runs the start's checks of the schema and the secret if the database did not answer then: raises
        StartupRefused if they fail, DBAPIError if it still does not answer."""
        if self.database_checked:
            return
        check_schema(self.db)
        if open_secret(self.settings, self.db).fingerprint() != self.secret.fingerprint():
            raise StartupRefused("the server secret changed while the server waited for its database: restart it")
        self.database_checked = True
