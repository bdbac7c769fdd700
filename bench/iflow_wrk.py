"""Shared by the iFlow wrk benches (bench.iflow_rfid, bench.iflow_sync): a fresh database per backend,
one `flowsuite serve` worker on it, one checked wrk run, and the result files."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from bench import wrkrun
from bench.procs import Server, free_port, start
from bench.run import (
    DEFAULT_POSTGRES,
    RESULTS,
    SECRET,
    WORK,
    Target,
    flowsuite_command,
    postgres_database,
    server_env,
    sqlite_database,
)
from flowsuite.core.db import Database
from flowsuite.core.secrets import ServerSecret

BACKENDS = ("sqlite", "postgresql")
# The server's secret, as bench.run.server_env gives it to `flowsuite serve` (keys are hashed with it).
SERVER_SECRET = ServerSecret(SECRET.encode())


def add_arguments(parser: argparse.ArgumentParser, *, seconds: int, connections: int) -> None:
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="both")
    parser.add_argument("--seconds", type=int, default=seconds)
    parser.add_argument("--connections", type=int, default=connections)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="admin URL of the PostgreSQL server")


def backends(choice: str) -> tuple[str, ...]:
    return BACKENDS if choice == "both" else (choice,)


def database(backend: str, admin_url: str) -> AbstractContextManager[Target]:
    """A fresh, empty database: bench/work/bench-sqlite.db, or a new PostgreSQL one dropped afterwards."""
    return postgres_database(admin_url, keep=False) if backend == "postgresql" else sqlite_database()


def analyze(database_url: str) -> None:
    """Table statistics after the bulk load, as a database that has lived a while has them (without them
    PostgreSQL plans a lookup in a freshly loaded table as if it held a handful of rows)."""
    db = Database(database_url)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    db.dispose()


@contextmanager
def serving(target: Target, name: str) -> Iterator[Server]:
    """`flowsuite serve` (one worker, as a user starts it) on the target, waited for, stopped afterwards."""
    WORK.mkdir(exist_ok=True)
    port = free_port()
    command = [*flowsuite_command(), "serve", "--port", str(port), "--no-migrate"]
    server = start("flowsuite", command, server_env(target.url), WORK, WORK / f"{target.backend}-{name}.log", port)
    try:
        yield server
    finally:
        server.stop()


def run_wrk(
    server: Server, path: str, generator: str, args: list[str], *, connections: int, seconds: int
) -> tuple[wrkrun.WrkResult, float]:
    """One wrk run of bench/lua/<generator>.lua (`args[0]` is the text every good reply body holds), and the
    server's CPU time over the run's wall time (about 1.0 when the one worker was the bottleneck)."""
    script = wrkrun.Script(generator).write(WORK, generator)
    server.refresh_tree()
    cpu_before = server.cpu_seconds()
    result = wrkrun.run(server.base_url + path, script, args, connections=connections, seconds=seconds)
    cpu_share = (server.cpu_seconds() - cpu_before) / result.duration_s if result.duration_s else 0.0
    return result, cpu_share


def summary(label: str, backend: str, result: wrkrun.WrkResult, cpu_share: float) -> str:
    return (
        f"{label}, {backend}, 1 worker, {result.connections} connections: {result.requests_per_s:,.0f} req/s, "
        f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, non-2xx {result.non_2xx}, "
        f"server CPU {cpu_share:.0%}; "
        f"problems: {'; '.join(result.problems) or 'none'}"
    )


def stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def write_json(name: str, data: object) -> Path:
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{stamp()}-{name}.json"
    out.write_text(json.dumps(data, indent=2) + "\n")
    return out
