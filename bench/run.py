"""`python -m bench`: load a data set, start flowsuite and the reference, measure with wrk, report.

For each backend: a fresh database (SQLite file under bench/work/, or a new PostgreSQL database that is
dropped afterwards), `flowsuite db upgrade`, a bulk load, `flowsuite serve --no-migrate` and
`bench/reference.py` side by side, a probe of every endpoint (missing ones are reported, not measured),
a body comparison of flowsuite and the reference, wrk runs, RSS sampling, and the results files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench import report, wrkrun
from bench.dataset import Loaded, Shape, load
from bench.endpoints import CLIENTS, REFERENCE, TICKET_CREATE, Endpoint, build, judge, probe
from bench.procs import RssSampler, Server, free_port, start
from flowsuite.core.db import Database
from flowsuite.core.secrets import ServerSecret

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"
RESULTS = BENCH / "results"
SECRET = "flowsuite-bench-secret-" + "b" * 40
DEFAULT_POSTGRES = os.environ.get("FLOWSUITE_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
SAMPLE_REQUESTS = 5


def shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path


def say(message: str = "") -> None:
    print(message, flush=True)


@dataclass
class Target:
    """Where one backend's database is: SQLAlchemy URL for flowsuite, driver DSN for the reference."""

    backend: str
    url: str
    dsn: str


@contextmanager
def sqlite_database() -> Iterator[Target]:
    WORK.mkdir(exist_ok=True)
    path = WORK / "bench-sqlite.db"

    def remove() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    remove()
    yield Target("sqlite", f"sqlite:///{path}", str(path))


@contextmanager
def postgres_database(admin_url: str, keep: bool) -> Iterator[Target]:
    name = f"flowsuite_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dsn = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    url = dsn.replace("postgresql://", "postgresql+psycopg://", 1)
    try:
        yield Target("postgresql", url, dsn)
    finally:
        if keep:
            say(f"  kept database {name}")
        else:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flowsuite_command() -> list[str]:
    script = Path(sys.executable).parent / "flowsuite"
    return [str(script)] if script.exists() else [sys.executable, "-m", "flowsuite"]


def server_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "FLOWSUITE_DATABASE_URL": database_url,
        "FLOWSUITE_SECRET_KEY": SECRET,
        "FLOWSUITE_LOG_LEVEL": "warning",
    }


def migrate(target: Target) -> float:
    began = time.perf_counter()
    subprocess.run(
        [*flowsuite_command(), "db", "upgrade"], env=server_env(target.url), cwd=WORK, check=True, capture_output=True
    )
    return time.perf_counter() - began


def start_servers(target: Target, loaded: Loaded) -> tuple[Server, Server]:
    port = free_port()
    flowsuite = start(
        "flowsuite",
        [*flowsuite_command(), "serve", "--port", str(port), "--no-migrate"],
        server_env(target.url),
        WORK,
        WORK / f"{target.backend}-flowsuite.log",
        port,
    )
    try:
        port = free_port()
        reference = start(
            "reference",
            [
                sys.executable,
                "-m",
                "bench.reference",
                "--backend",
                target.backend,
                "--dsn",
                target.dsn,
                "--company",
                str(loaded.company_id),
                "--port",
                str(port),
            ],
            {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))},
            ROOT,
            WORK / f"{target.backend}-reference.log",
            port,
        )
    except BaseException:
        flowsuite.stop()
        raise
    return flowsuite, reference


def compare_bodies(flowsuite: Server, reference: Server, endpoint: Endpoint) -> tuple[bool, str]:
    """Whether the reference answers what flowsuite answers for the clients page (same envelope and rows)."""
    with (
        httpx.Client(base_url=flowsuite.base_url, timeout=30) as ours,
        httpx.Client(base_url=reference.base_url, timeout=30) as theirs,
    ):
        a, b = endpoint.sample(ours), endpoint.sample(theirs)
    for name, reply in (("flowsuite", a), ("reference", b)):
        problem = judge(endpoint, reply)
        if problem is not None:
            return False, f"{name} reply is not good: {problem}"
    if a.content == b.content:
        return True, f"byte-identical ({len(a.content):,} bytes, 50 rows)"
    left, right = a.json(), b.json()
    if [list(row) for row in left["data"]] != [list(row) for row in right["data"]]:
        return False, "different columns"
    for index, (ours_row, theirs_row) in enumerate(zip(left["data"], right["data"], strict=True)):
        for column, value in ours_row.items():
            if theirs_row[column] != value:
                return False, (
                    f"same shape and columns, different values: row {index} {column} is {value!r} from flowsuite, "
                    f"{theirs_row[column]!r} from the reference"
                )
    return True, f"same JSON, different bytes ({len(a.content):,} vs {len(b.content):,} bytes)"


def ticket_count(db: Database, company_id: int) -> int:
    with db.engine.connect() as connection:
        count = connection.execute(
            text("SELECT count(*) FROM itflow_tickets WHERE company_id = :c"), {"c": company_id}
        ).scalar_one()
    return int(count)


def measure(
    endpoint: Endpoint,
    server: Server,
    connections: int,
    options: argparse.Namespace,
    db: Database,
    loaded: Loaded,
    label: str,
) -> dict[str, Any]:
    script = endpoint.script.write(WORK, endpoint.name.replace("/", "_").replace("?", "_").replace("&", "_"))
    url = server.base_url + endpoint.url_path
    args = [endpoint.script.expect, *endpoint.script.args]
    if options.warmup > 0:
        wrkrun.run(url, script, args, connections=connections, seconds=options.warmup)
    before = ticket_count(db, loaded.company_id) if endpoint.writes else 0
    cpu_before, wall_before = server.cpu_seconds(), time.perf_counter()
    result = wrkrun.run(url, script, args, connections=connections, seconds=options.duration)
    cpu = (server.cpu_seconds() - cpu_before) / (time.perf_counter() - wall_before)
    extra: list[str] = []
    if endpoint.writes:
        added = ticket_count(db, loaded.company_id) - before
        succeeded = result.checked - result.bad_bodies
        # Requests still in flight when wrk stops may land without being counted: up to one per connection,
        # for the warm-up run (landing after `before` was read) and for the measured run alike.
        if not succeeded <= added <= succeeded + 2 * connections:
            extra.append(f"{succeeded} successful creates counted by wrk but {added} rows added")
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        for _ in range(SAMPLE_REQUESTS):
            problem = judge(endpoint, endpoint.sample(http))
            if problem is not None:
                extra.append(f"sample after the run: {problem}")
                break
    run = {
        "endpoint": endpoint.name,
        "label": label,
        "server": server.name,
        "connections": connections,
        "server_cpu_percent": 100 * cpu,
        "wrk": result.to_json(),
        "extra_problems": extra,
    }
    flags = result.problems + extra
    say(
        f"  {label:<44} c={connections:<3} {result.requests_per_s:>8,.0f} req/s  p50 {result.p50_ms:6.2f} ms  "
        f"p99 {result.p99_ms:6.2f} ms  cpu {100 * cpu:3.0f}%" + (f"  ⚠ {'; '.join(flags)}" if flags else "")
    )
    return run


def redact(value: Any, secret: str) -> Any:
    """The api_key out of commands, URLs and wrk output kept in the results."""
    if isinstance(value, str):
        return value.replace(secret, "<api_key>")
    if isinstance(value, list):
        return [redact(item, secret) for item in value]
    if isinstance(value, dict):
        return {key: redact(item, secret) for key, item in value.items()}
    return value


def bench_backend(target: Target, options: argparse.Namespace, shape: Shape) -> dict[str, Any]:
    say(f"\n== {target.backend} ==")
    migrate_seconds = migrate(target)
    say(f"  flowsuite db upgrade: {migrate_seconds:.1f} s")
    db = Database(target.url)
    try:
        say("  bulk load:")
        loaded = load(db, ServerSecret(SECRET.encode()), shape, say)
        say(f"  loaded in {loaded.total_seconds:.1f} s")
        db.dispose()
        flowsuite, reference = start_servers(target, loaded)
        try:
            result = run_endpoints(target, options, db, loaded, flowsuite, reference)
        finally:
            flowsuite.stop()
            reference.stop()
        for server in (flowsuite, reference):
            if "Traceback" in server.log_text():
                result["problems"].append(f"{server.name} logged a traceback: see {server.log_path}")
        result.update(
            migrate_seconds=migrate_seconds,
            data={
                "clients": shape.clients,
                "contacts": shape.contacts,
                "assets": shape.assets,
                "tickets": shape.tickets,
                "load_seconds": loaded.total_seconds,
                "load_timings": loaded.timings,
            },
            servers={
                server.name: {
                    "command": server.process.args,
                    "peak_rss_mb": server.peak_rss_kib / 1024,
                    "idle_rss_mb": server.idle_rss_kib / 1024,
                }
                for server in (flowsuite, reference)
            },
        )
        result["targets"] = report.targets(result)
        return dict(redact(result, loaded.api_key))
    finally:
        db.dispose()


def run_endpoints(
    target: Target, options: argparse.Namespace, db: Database, loaded: Loaded, flowsuite: Server, reference: Server
) -> dict[str, Any]:
    endpoints = build(loaded)
    servers = {"flowsuite": flowsuite, "reference": reference}
    probes: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        with httpx.Client(base_url=servers[endpoint.server].base_url, timeout=30) as http:
            status, detail = probe(endpoint, http)
        probes[endpoint.name] = {"status": status, "detail": detail}
        say(f"  probe {endpoint.name:<36} {status}" + (f" ({detail})" if detail else ""))
    comparable, check = compare_bodies(flowsuite, reference, next(e for e in endpoints if e.name == CLIENTS))
    say(f"  reference vs flowsuite clients page: {check}")
    result: dict[str, Any] = {
        "backend": target.backend,
        "probes": probes,
        "reference_check": check,
        "reference_comparable": comparable,
        "runs": [],
        "problems": [],
    }
    if probes[REFERENCE]["status"] != "ok":
        result["problems"].append(f"the reference endpoint is {probes[REFERENCE]['status']}")
    present = {e.name: e for e in endpoints if probes[e.name]["status"] == "ok"}
    reads = [e for e in endpoints if not e.writes and e.name != REFERENCE and e.name in present]
    writes = [e for e in endpoints if e.writes and e.name in present]
    runs: list[dict[str, Any]] = result["runs"]
    spread: dict[str, list[float]] = {}
    with RssSampler([flowsuite, reference]):
        # Reads at each connection count, bracketed by the reference (its drift shows); writes last.
        for connections in options.connections:
            for order, item in enumerate([present.get(REFERENCE), *reads, present.get(REFERENCE)]):
                if item is None:
                    continue
                label = f"{item.name} ({'before' if order == 0 else 'after'})" if item.name == REFERENCE else item.name
                run = measure(item, servers[item.server], connections, options, db, loaded, label)
                runs.append(run)
                if item.name == REFERENCE:
                    spread.setdefault(str(connections), []).append(run["wrk"]["requests_per_s"])
        for connections in options.connections:
            for endpoint in writes:
                runs.append(measure(endpoint, flowsuite, connections, options, db, loaded, endpoint.name))
    result["reference_spread"] = spread
    return result


def environment() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()

    dirty = " (uncommitted changes)" if git("status", "--porcelain", "--", "src") else ""
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "wrk": wrkrun.wrk_version(),
        "sqlite": sqlite3.sqlite_version,
        "commit": f"{git('rev-parse', '--short', 'HEAD')} on {git('rev-parse', '--abbrev-ref', 'HEAD')}{dirty}",
    }


def postgres_version(admin_url: str) -> str | None:
    try:
        with psycopg.connect(admin_url, connect_timeout=5) as connection:
            row = connection.execute("SHOW server_version").fetchone()
    except psycopg.Error:
        return None
    return f"PostgreSQL {row[0]}" if row else None


def print_summary(result: dict[str, Any]) -> None:
    say(f"\n{result['backend']}:\n")
    say(report.table(result))
    for endpoint in (CLIENTS, "assets/read?asset_id=N", "assets/read?limit=50&offset=40000", TICKET_CREATE):
        ratios = [
            f"{run['connections']} connections {value:.0%}"
            for run in result["runs"]
            if run["endpoint"] == endpoint and (value := report.ratio(result, run)) is not None
        ]
        if ratios:
            say(f"  {endpoint} vs reference: {', '.join(ratios)}")
    say("\n  targets:")
    for check in result["targets"]:
        measured = f" ({check['measured']})" if check["measured"] else ""
        say(f"    {check['target']}: {check['status']}{measured}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--duration", type=int, default=5, help="seconds per measured wrk run (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of unmeasured wrk before each run (0: none)")
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64], help="default: 16 64")
    parser.add_argument("--scale", type=float, default=1.0, help="data set size factor (1 = 2,000 clients)")
    parser.add_argument(
        "--postgres",
        default=DEFAULT_POSTGRES,
        help="admin URL of the PostgreSQL server (default: $FLOWSUITE_BENCH_POSTGRES or %(default)s)",
    )
    parser.add_argument("--keep-database", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where results are written")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    try:
        env = environment()
    except wrkrun.WrkMissing as error:
        say(str(error))
        return 2
    backends = ["sqlite", "postgresql"] if options.backend == "both" else [options.backend]
    if "postgresql" in backends:
        env["postgresql"] = postgres_version(options.postgres)
    shape = Shape().scaled(options.scale)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    options.results.mkdir(parents=True, exist_ok=True)
    WORK.mkdir(exist_ok=True)
    began = time.perf_counter()
    results: list[dict[str, Any]] = []
    failures: dict[str, str] = {}
    for backend in backends:
        try:
            database = (
                sqlite_database() if backend == "sqlite" else postgres_database(options.postgres, options.keep_database)
            )
            with database as target:
                result = bench_backend(target, options, shape)
        except (OSError, RuntimeError, subprocess.CalledProcessError, psycopg.Error) as error:
            failures[backend] = f"{type(error).__name__}: {error}"
            say(f"  {backend}: the bench could not run: {failures[backend]}")
            continue
        result.update(stamp=stamp, environment=env, options={k: str(v) for k, v in vars(options).items()})
        results.append(result)
        say(f"  wrote {shown(report.write(options.results, stamp, result))}")
    for result in results:
        print_summary(result)
    markdown = report.markdown(stamp, env, vars(options), results, failures)
    path = options.results / f"{stamp}.md"
    path.write_text(markdown)
    say(
        f"\nwrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}; "
        f"whole run {time.perf_counter() - began:.0f} s"
    )
    if failures:
        return 2
    flagged = any(run["wrk"]["problems"] or run["extra_problems"] for r in results for run in r["runs"])
    return 1 if flagged or any(r["problems"] for r in results) else 0
