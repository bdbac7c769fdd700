"""`python -m bench.compare`: flowsuite at two revisions, on the same data, measured in alternation.

    python -m bench.compare --before REV [--after REV | --after-tree PATH] [--backend sqlite|postgresql|both]
        [--workers 1 2] [--rounds 3] [--duration S] [--connections 16 64] [--scale F] [--only NAMES ...]

Each revision given as REV is checked out in a throwaway `git worktree` under bench/work/ (removed afterwards);
the after side defaults to the tree this command runs from. Per backend: one fresh database, migrated by the
after tree, one load of every bench data set (bench.compare_data, run with the after tree's code); then per
worker count both servers, each started as a user starts it (`python -m flowsuite serve --no-migrate`) with
its own tree's `src` on PYTHONPATH (checked before start). Every endpoint at every connection count is run
before, after, after, before, ... (`--rounds` pairs, the first of a pair alternating), every response body
checked by the bench's Lua scripts; the medians are compared. A "reads with deep pages running" scenario
measures assets/read?asset_id=N while a second wrk requests the deep page. Results: a markdown table per
backend and worker count in bench/results/<UTC stamp>-compare.md, everything (wrk output with the keys
redacted) in the .json beside it.

Exit status: 0 when every run was clean (slower endpoints are reported, not an error), 1 when a run was
flagged (bad responses, a traceback in a server log, a backend that could not be set up), 2 when nothing
could be measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlencode

import httpx
import psycopg
from sqlalchemy import func, select, update

from bench import cflow, iflow_rfid, iflow_status, iflow_sync, wrkrun
from bench.compare_data import SETS, Sizes
from bench.dataset import Loaded, Shape
from bench.endpoints import ASSET_BY_ID, ASSETS_DEEP, CLIENTS, TICKET_CREATE, Endpoint, build
from bench.procs import Server, free_port, start
from bench.run import (
    DEFAULT_POSTGRES,
    RESULTS,
    ROOT,
    WORK,
    Target,
    environment,
    measure,
    postgres_database,
    postgres_version,
    redact,
    say,
    server_env,
    shown,
)
from flowsuite.cflow.models import CflowRecord
from flowsuite.core.db import Database

BEFORE, AFTER = "before", "after"
# An endpoint whose after median req/s is more than this fraction below the before median is "slower".
TOLERANCE = 0.05
# The scenario's target: p99 of assets/read?asset_id=N at 16 connections, deep pages running, on PostgreSQL.
DEEP_CONNECTIONS = 16
DEEP_P99_TARGET_MS = 20.0

LEGACY_CID = "api.php?cid=<phone>"
TODAY_STATUS = "users/get_today_status"
WORK_SCHEDULE = "user/get_work_schedule"
SYNC = "user/sync"
RFID = "rfid_devices/auto_attendance"
SUBMIT = "submitrecord"
APPROVE = "updaterecord (approve)"
GETPROCESS = "getprocess"
GETWORKFLOWS = "getworkflows"
DEEP = "assets/read?asset_id=N (deep pages running)"

# Every endpoint (and the scenario) in the order they run, with the data set each needs: reads first, then
# the scenario, then the writes (their rows would otherwise be there for some reads and not for others).
CATALOG: dict[str, str] = {
    CLIENTS: "itflow",
    ASSET_BY_ID: "itflow",
    ASSETS_DEEP: "itflow",
    TODAY_STATUS: "status",
    WORK_SCHEDULE: "reports",
    GETPROCESS: "cflow",
    GETWORKFLOWS: "cflow",
    DEEP: "itflow",
    LEGACY_CID: "itflow",
    TICKET_CREATE: "itflow",
    SYNC: "sync",
    RFID: "rfid",
    SUBMIT: "cflow",
    APPROVE: "cflow",
}

FORM = "Content-Type: application/x-www-form-urlencoded"
SYNC_CREATES = 10  # percent of user/sync requests that create an employee (bench.iflow_sync's default)
SYNC_BLOCK = 100_000  # CNP indices per wrk run for user/sync's creates (lua/sync_user.lua's 6th argument)
# RFID: a badge scanned again within the second of its check-in is a refused duplicate. Runs start again at
# the first badge, so each wrk run waits this long first, and there are more badges than scans a second.
RFID_PAUSE = 1.0
MIN_BADGES = 5_000
# Approvals: every wrk run of updaterecord approves records 1, 2, ... (the seeded ones are put back at Manager
# Review before each run), so the seeded records must outnumber one run's requests.
MAX_APPROVALS_PER_SECOND = 8_000


# ------------------------------------------------------------------------------------------- pure helpers


def alternation(rounds: int) -> list[str]:
    """The order of the runs of one endpoint at one connection count: a before/after pair per round, the
    first of each pair alternating (before, after, after, before, before, after, ...)."""
    order: list[str] = []
    for round_number in range(rounds):
        order += [BEFORE, AFTER] if round_number % 2 == 0 else [AFTER, BEFORE]
    return order


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def verdict(
    before_rps: list[float],
    after_rps: list[float],
    *,
    flagged: bool = False,
    after_p99: float | None = None,
    p99_target: float | None = None,
) -> tuple[float | None, str]:
    """after/before of the median req/s, and the verdict: "ok", "slower by X%" (after more than TOLERANCE
    below before), with the p99 target appended when one applies and the after median p99 misses it."""
    if flagged:
        return None, "flagged: not compared"
    before, after = median(before_rps), median(after_rps)
    if before is None or after is None or before <= 0:
        return None, "not measured"
    ratio = after / before
    parts = [f"slower by {100 * (1 - ratio):.1f}%"] if ratio < 1 - TOLERANCE else []
    if p99_target is not None and after_p99 is not None and after_p99 >= p99_target:
        parts.append(f"after p99 {after_p99:.1f} ms, not under {p99_target:g} ms")
    return ratio, "; ".join(parts) or "ok"


def chosen_names(only: list[str] | None) -> list[str]:
    """The catalog's names that `--only` asks for (each an exact name or a case-insensitive part of names)."""
    if not only:
        return list(CATALOG)
    chosen: set[str] = set()
    for wanted in only:
        found = [name for name in CATALOG if name == wanted] or [
            name for name in CATALOG if wanted.lower() in name.lower()
        ]
        if not found:
            raise ValueError(f"--only {wanted!r} names nothing; the names are: {', '.join(CATALOG)}")
        chosen.update(found)
    return [name for name in CATALOG if name in chosen]


def flagged(run: dict[str, Any]) -> list[str]:
    """What makes one run's figures untrustworthy (empty for a clean run)."""
    problems = list(run["extra_problems"])
    if run["wrk"] is not None:
        problems += run["wrk"]["problems"]
    return problems


def summarize(runs: list[dict[str, Any]], backend: str) -> list[dict[str, Any]]:
    """One row per endpoint and connection count: the medians of each side, the ratio and the verdict."""
    rows = []
    for (name, connections), group in itertools.groupby(runs, key=lambda r: (r["endpoint"], r["connections"])):
        side: dict[str, dict[str, list[float]]] = {BEFORE: {"rps": [], "p99": []}, AFTER: {"rps": [], "p99": []}}
        problems = []
        for run in group:
            problems += [f"{run['label']}, round {run['round'] + 1}: {p}" for p in flagged(run)]
            if run["wrk"] is not None:
                side[run["label"]]["rps"].append(run["wrk"]["requests_per_s"])
                side[run["label"]]["p99"].append(run["wrk"]["p99_ms"])
        after_p99 = median(side[AFTER]["p99"])
        target = DEEP_P99_TARGET_MS if name == DEEP and backend == "postgresql" else None
        ratio, text = verdict(
            side[BEFORE]["rps"], side[AFTER]["rps"], flagged=bool(problems), after_p99=after_p99, p99_target=target
        )
        rows.append(
            {
                "endpoint": name,
                "connections": connections,
                "before_rps": median(side[BEFORE]["rps"]),
                "after_rps": median(side[AFTER]["rps"]),
                "ratio": ratio,
                "before_p99_ms": median(side[BEFORE]["p99"]),
                "after_p99_ms": after_p99,
                "verdict": text,
                "per_round": side,
                "problems": problems,
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------------- trees


@dataclass
class Tree:
    """One side's source tree: a throwaway worktree of a revision, or an existing checkout."""

    label: str
    path: Path
    description: str
    commit: str | None = None

    @property
    def init_file(self) -> Path:
        return (self.path / "src" / "flowsuite" / "__init__.py").resolve()


def git(*args: str, cwd: Path = ROOT) -> str:
    completed = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {completed.stderr.strip() or completed.stdout.strip()}")
    return completed.stdout.strip()


def remove_worktree(path: Path) -> None:
    removed = subprocess.run(
        ["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, capture_output=True, check=False
    )
    if removed.returncode != 0 or path.exists():
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, capture_output=True, check=False)


def checkout(label: str, revision: str, workdir: Path, stack: ExitStack) -> Tree:
    """A detached worktree of `revision` at workdir/<label>, removed when `stack` closes."""
    try:
        commit = git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except RuntimeError:
        raise RuntimeError(f"{revision!r} is not a commit of this repository") from None
    path = workdir / label
    stack.callback(remove_worktree, path)
    git("worktree", "add", "--detach", "--quiet", str(path), commit)
    return Tree(label, path, f"{revision} = {git('log', '-1', '--format=%h %s', commit)} (worktree)", commit)


def existing_tree(label: str, path: Path) -> Tree:
    path = path.resolve()
    if not (path / "src" / "flowsuite" / "__init__.py").is_file():
        raise RuntimeError(f"{path} has no src/flowsuite")
    try:
        commit = git("rev-parse", "HEAD", cwd=path)
        dirty = " + uncommitted changes" if git("status", "--porcelain", "--", "src", cwd=path) else ""
        description = f"tree {path} ({git('log', '-1', '--format=%h %s', cwd=path)}{dirty})"
    except RuntimeError:
        commit, description = None, f"tree {path} (not a git checkout)"
    return Tree(label, path, description, commit)


def tree_env(tree: Tree, database_url: str, *extra_path: Path) -> dict[str, str]:
    """bench.run's server environment with the tree's `src` (only) on PYTHONPATH."""
    return {**server_env(database_url), "PYTHONPATH": os.pathsep.join(str(p) for p in (tree.path / "src", *extra_path))}


def check_imports(tree: Tree, env: dict[str, str], cwd: Path) -> None:
    """Fails unless Python started with `env` in `cwd` imports flowsuite from `tree` (not the installed one)."""
    completed = subprocess.run(
        [sys.executable, "-c", "import flowsuite; print(flowsuite.__file__)"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    found = completed.stdout.strip()
    if completed.returncode != 0 or Path(found).resolve() != tree.init_file:
        raise RuntimeError(
            f"the {tree.label} side would import flowsuite from {found or completed.stderr.strip()!r}, "
            f"not from {tree.init_file}"
        )


# ------------------------------------------------------------------------------------- database, data, servers


@contextmanager
def sqlite_file(workdir: Path) -> Iterator[Target]:
    path = workdir / "compare-sqlite.db"
    try:
        yield Target("sqlite", f"sqlite:///{path}", str(path))
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def migrate(tree: Tree, target: Target) -> None:
    env = tree_env(tree, target.url)
    check_imports(tree, env, WORK)
    completed = subprocess.run(
        [sys.executable, "-m", "flowsuite", "db", "upgrade"], env=env, cwd=WORK, capture_output=True, text=True
    )
    if completed.returncode != 0:
        raise RuntimeError(f"flowsuite db upgrade ({tree.label} tree) failed:\n{completed.stdout}{completed.stderr}")


def load_data(tree: Tree, target: Target, sizes: Sizes, sets: list[str]) -> dict[str, Any]:
    """bench.compare_data in a subprocess that imports flowsuite from `tree` (its progress goes to the console)."""
    env = tree_env(tree, target.url, ROOT)
    command = [sys.executable, "-m", "bench.compare_data", "--url", target.url, "--sizes", json.dumps(asdict(sizes))]
    completed = subprocess.run([*command, "--sets", *sets], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"loading the data failed (exit status {completed.returncode})")
    data: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    if Path(data["flowsuite_file"]).resolve() != tree.init_file:
        raise RuntimeError(f"the data was loaded by flowsuite from {data['flowsuite_file']}, not {tree.init_file}")
    return data


def start_server(tree: Tree, target: Target, workers: int, logs: Path) -> Server:
    """`python -m flowsuite serve --no-migrate --workers W`, importing flowsuite from `tree`."""
    env = tree_env(tree, target.url)
    check_imports(tree, env, WORK)
    port = free_port()
    command = [sys.executable, "-m", "flowsuite", "serve", "--port", str(port), "--no-migrate", "--workers"]
    log = logs / f"{target.backend}-{workers}w-{tree.label}.log"
    server = start(tree.label, [*command, str(workers)], env, WORK, log, port)
    say(
        f"  {tree.label} server: pid {server.pid}, port {port}, {workers_text(workers)}, "
        f"flowsuite from {tree.init_file}"
    )
    return server


# ------------------------------------------------------------------------------------------------ the endpoints


@dataclass
class Case:
    """One endpoint as wrk requests it. `arguments` gives the Lua generator's arguments for one wrk run (and
    first puts back whatever an earlier run changed that this one must find as it was)."""

    name: str
    path: str
    script: wrkrun.Script
    arguments: Callable[[], list[str]]
    # ITFlow's endpoints are measured by bench.run.measure (sample replies judged, created tickets counted).
    endpoint: Endpoint | None = None
    # user/get_work_schedule: slow per request, so half the run length.
    short: bool = False


def fixed(args: list[str]) -> Callable[[], list[str]]:
    return lambda: list(args)


def sync_arguments(api_key: str, employees: int) -> Callable[[], list[str]]:
    """Each run's creates count up from a block of CNP indices of their own, so that they stay creates."""
    runs = itertools.count()
    path = iflow_sync.PATH

    def arguments() -> list[str]:
        return [path, api_key, str(employees), str(SYNC_CREATES), str(next(runs) * SYNC_BLOCK)]

    return arguments


def rfid_arguments(badges: int) -> Callable[[], list[str]]:
    def arguments() -> list[str]:
        time.sleep(RFID_PAUSE)
        return [iflow_rfid.PATH, iflow_rfid.SERIAL, iflow_rfid.TAG_PREFIX, str(badges)]

    return arguments


def reset_approvals(db: Database, seeded: dict[str, Any]) -> None:
    """Puts the seeded records an earlier run approved back at Manager Review, as bench.cflow seeded them (their
    history rows stay: the history only grows, for both sides alike). Approvals still in flight when wrk
    stopped may commit after the reset, so it is repeated until none is left a moment later."""
    record = CflowRecord
    seeded_rows = (
        record.company_id == seeded["company_id"],
        record.workflow_id == seeded["workflow_id"],
        record.number <= seeded["records"],
        record.version != 1,
    )
    for _ in range(20):
        with db.engine.begin() as connection:
            connection.execute(
                update(record)
                .where(*seeded_rows)
                .values(
                    stage_id=seeded["stage_id"],
                    outcome="in_progress",
                    values=seeded["seeded_values"],
                    reviews=seeded["seeded_reviews"],
                    version=1,
                )
            )
        time.sleep(0.3)
        with db.engine.connect() as connection:
            if not connection.execute(select(func.count()).where(*seeded_rows)).scalar_one():
                return
    raise RuntimeError("approved records kept changing after the run: could not put them back at Manager Review")


def approve_arguments(db: Database, seeded: dict[str, Any], args: list[str]) -> Callable[[], list[str]]:
    def arguments() -> list[str]:
        reset_approvals(db, seeded)
        return list(args)

    return arguments


def itflow_loaded(data: dict[str, Any]) -> Loaded:
    itflow = data["itflow"]
    return Loaded(itflow["company_id"], itflow["api_key"], Shape(**itflow["shape"]))


def build_cases(data: dict[str, Any], db: Database, duration: int) -> dict[str, Case]:
    """Every endpoint whose data set was loaded, by name."""
    cases: dict[str, Case] = {}
    if "itflow" in data:
        for endpoint in build(itflow_loaded(data)):
            if endpoint.name in CATALOG:
                script = endpoint.script
                cases[endpoint.name] = Case(endpoint.name, endpoint.url_path, script, fixed(script.args), endpoint)
        key, caller = data["itflow"]["api_key"], data["itflow"]["cid"]
        cases[LEGACY_CID] = Case(
            LEGACY_CID,
            f"/api.php?{urlencode({'api_key': key, 'cid': caller['digits']})}",
            wrkrun.Script(expect=f"{caller['name']} - {caller['digits']}"),
            fixed([]),
        )
    if "status" in data:
        auth = f"Authorization: Bearer {data['status']['token']}"
        args = ["POST", iflow_status.PATH, "attendance_type=live_attendance", FORM, auth]
        cases[TODAY_STATUS] = Case(
            TODAY_STATUS, iflow_status.PATH, wrkrun.Script("fixed_request", expect='"at_work":'), fixed(args)
        )
    if "reports" in data:
        reports = data["reports"]
        path = "/api/api_v2/user/get_work_schedule"
        body = urlencode(
            {
                "api_key": reports["api_key"],
                "api_language": "en_US",
                "year": str(reports["year"]),
                "month": f"{reports['month']:02d}",
                "totals": reports["totals"],
            }
        )
        script = wrkrun.Script("fixed_request", expect='"totals":{')
        cases[WORK_SCHEDULE] = Case(WORK_SCHEDULE, path, script, fixed(["POST", path, body, FORM]), short=True)
    if "rfid" in data:
        script = wrkrun.Script("rfid_scan", expect='"action":"check_')
        cases[RFID] = Case(RFID, iflow_rfid.PATH, script, rfid_arguments(data["rfid"]["badges"]))
    if "sync" in data:
        script = wrkrun.Script("sync_user", expect=iflow_sync.EXPECT)
        arguments = sync_arguments(data["sync"]["api_key"], data["sync"]["employees"])
        cases[SYNC] = Case(SYNC, iflow_sync.PATH, script, arguments)
    if "cflow" in data:
        seeded = data["cflow"]
        runs = cflow.runs(
            cflow.Seeded(seeded["api_key"], seeded["user_keys"], seeded["group_id"]),
            argparse.Namespace(seconds=duration, get_seconds=duration),
        )
        for run in runs:
            if run.label not in CATALOG:
                continue
            script = wrkrun.Script(run.generator, expect=run.args[0])
            arguments = approve_arguments(db, seeded, run.args[1:]) if run.label == APPROVE else fixed(run.args[1:])
            cases[run.label] = Case(run.label, run.path, script, arguments)
    return cases


def secrets(data: dict[str, Any]) -> list[str]:
    """Every key, token and device serial the data set holds (kept out of the results files)."""
    found = [data[name]["api_key"] for name in ("itflow", "reports", "sync", "cflow") if name in data]
    if "status" in data:
        found.append(data["status"]["token"])
    if "cflow" in data:
        found += data["cflow"]["user_keys"].values()
    if "rfid" in data:
        found.append(data["rfid"]["serial"])
    return found


# ------------------------------------------------------------------------------------------------- measuring


def slug(name: str) -> str:
    return "compare_" + "".join(ch if ch.isalnum() else "_" for ch in name)


def report_line(label: str, connections: int, result: wrkrun.WrkResult | None, cpu: float, problems: list[str]) -> str:
    figures = (
        f"{result.requests_per_s:>8,.0f} req/s  p50 {result.p50_ms:6.2f} ms  p99 {result.p99_ms:6.2f} ms  "
        f"cpu {100 * cpu:3.0f}%"
        if result is not None
        else "no result"
    )
    return f"  {label:<44} c={connections:<3} {figures}" + (f"  ⚠ {'; '.join(problems)}" if problems else "")


def measure_case(
    case: Case, server: Server, connections: int, options: argparse.Namespace, label: str
) -> dict[str, Any]:
    """A warm-up wrk run (its replies checked too) and the measured one, with the server's CPU share."""
    script = case.script.write(WORK, slug(case.name))
    url = server.base_url + case.path
    seconds = max(1, options.duration // 2) if case.short else options.duration
    extra: list[str] = []
    if options.warmup > 0:
        warm = wrkrun.run(
            url, script, [case.script.expect, *case.arguments()], connections=connections, seconds=options.warmup
        )
        extra += [f"warm-up: {problem}" for problem in warm.problems]
    args = [case.script.expect, *case.arguments()]
    server.refresh_tree()
    cpu_before, wall_before = server.cpu_seconds(), time.perf_counter()
    result = wrkrun.run(url, script, args, connections=connections, seconds=seconds)
    cpu = (server.cpu_seconds() - cpu_before) / (time.perf_counter() - wall_before)
    say(report_line(label, connections, result, cpu, result.problems + extra))
    return {"server_cpu_percent": 100 * cpu, "wrk": result.to_json(), "extra_problems": extra}


def measure_deep(
    by_id: Endpoint, deep: Endpoint, server: Server, options: argparse.Namespace, label: str
) -> dict[str, Any]:
    """assets/read?asset_id=N measured (after a warm-up) while a second wrk requests the deep page throughout."""
    by_id_script = by_id.script.write(WORK, slug(by_id.name))
    deep_script = deep.script.write(WORK, slug(deep.name))
    by_id_args = [by_id.script.expect, *by_id.script.args]
    lead = 1  # seconds the deep pages run alone before the by-id runs start
    background_seconds = lead + options.warmup + options.duration + 1
    extra: list[str] = []
    with ThreadPoolExecutor(1) as pool:
        background = pool.submit(
            wrkrun.run,
            server.base_url + deep.url_path,
            deep_script,
            [deep.script.expect, *deep.script.args],
            connections=DEEP_CONNECTIONS,
            seconds=background_seconds,
        )
        time.sleep(lead)
        url = server.base_url + by_id.url_path
        if options.warmup > 0:
            warm = wrkrun.run(url, by_id_script, by_id_args, connections=DEEP_CONNECTIONS, seconds=options.warmup)
            extra += [f"warm-up: {problem}" for problem in warm.problems]
        server.refresh_tree()
        cpu_before, wall_before = server.cpu_seconds(), time.perf_counter()
        result = wrkrun.run(url, by_id_script, by_id_args, connections=DEEP_CONNECTIONS, seconds=options.duration)
        cpu = (server.cpu_seconds() - cpu_before) / (time.perf_counter() - wall_before)
        if background.done():
            extra.append("the deep page requests ended before the measured run did")
        deep_result = background.result()
    extra += [f"deep page requests: {problem}" for problem in deep_result.problems]
    say(
        report_line(label, DEEP_CONNECTIONS, result, cpu, result.problems + extra)
        + f"  (deep pages {deep_result.requests_per_s:,.0f} req/s)"
    )
    return {
        "server_cpu_percent": 100 * cpu,
        "wrk": result.to_json(),
        "background_wrk": deep_result.to_json(),
        "extra_problems": extra,
    }


def settle(servers: list[Server], *, interval: float = 0.2, quiet: float = 0.02, limit: float = 5.0) -> None:
    """Waits (at most `limit` seconds) until the servers used less than `quiet` CPU seconds in `interval`: the
    requests the last run left in flight are done, and take nothing from the next run."""
    deadline = time.monotonic() + limit
    for server in servers:
        server.refresh_tree()
    used = sum(server.cpu_seconds() for server in servers)
    while time.monotonic() < deadline:
        time.sleep(interval)
        now = sum(server.cpu_seconds() for server in servers)
        if now - used < quiet:
            return
        used = now


def plan(names: list[str], cases: dict[str, Case], options: argparse.Namespace) -> Iterator[tuple[str, int, int, str]]:
    """(endpoint, connections, run index, side) in run order: per endpoint and connection count, the rounds."""
    for name in names:
        if name != DEEP and name not in cases:
            continue
        for connections in [DEEP_CONNECTIONS] if name == DEEP else options.connections:
            for index, label in enumerate(alternation(options.rounds)):
                yield name, connections, index, label


@dataclass
class Session:
    """One backend at one worker count: both servers, every run."""

    backend: str
    workers: int
    runs: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    servers: dict[str, Any] = field(default_factory=dict)


def run_session(
    target: Target,
    workers: int,
    trees: list[Tree],
    cases: dict[str, Case],
    names: list[str],
    options: argparse.Namespace,
    db: Database,
    data: dict[str, Any],
    logs: Path,
) -> Session:
    session = Session(target.backend, workers)
    say(f"\n== {target.backend}, {workers_text(workers)} ==")
    servers: dict[str, Server] = {}
    try:
        for tree in trees:
            servers[tree.label] = start_server(tree, target, workers, logs)
        for name, connections, index, label in plan(names, cases, options):
            exited = [side for side, server in servers.items() if server.process.poll() is not None]
            if exited:
                session.problems.append(
                    f"the {' and '.join(exited)} server exited; the runs stopped: see {shown(logs)}"
                )
                break
            settle(list(servers.values()))
            run = one_run(name, cases, servers[label], connections, options, db, data, f"{label:<6} {name}")
            run.update(endpoint=name, label=label, connections=connections, round=index // 2)
            session.runs.append(run)
    finally:
        for server in servers.values():
            server.stop()
    for label, server in servers.items():
        session.servers[label] = {"command": server.process.args, "log": str(shown(server.log_path))}
        if "Traceback" in server.log_text():
            session.problems.append(f"the {label} server logged a traceback: see {shown(server.log_path)}")
    return session


def one_run(
    name: str,
    cases: dict[str, Case],
    server: Server,
    connections: int,
    options: argparse.Namespace,
    db: Database,
    data: dict[str, Any],
    label: str,
) -> dict[str, Any]:
    try:
        if name == DEEP:
            by_id, deep = cases[ASSET_BY_ID].endpoint, cases[ASSETS_DEEP].endpoint
            assert by_id is not None and deep is not None
            return measure_deep(by_id, deep, server, options, label)
        case = cases[name]
        if case.endpoint is not None:
            server.refresh_tree()
            run = measure(case.endpoint, server, connections, options, db, itflow_loaded(data), label)
            return {k: run[k] for k in ("server_cpu_percent", "wrk", "extra_problems")}
        return measure_case(case, server, connections, options, label)
    except (RuntimeError, ValueError, subprocess.TimeoutExpired, httpx.HTTPError) as error:
        problem = f"{type(error).__name__}: {error}"
        say(report_line(label, connections, None, 0.0, [problem]))
        return {"server_cpu_percent": None, "wrk": None, "extra_problems": [problem]}


# ---------------------------------------------------------------------------------------------- per backend


def deep_offset(shape: Shape) -> int:
    """The offset bench.endpoints gives the deep page (40,000, or the last page of a smaller data set)."""
    return min(40_000, max(shape.assets - 50, 0))


def bench_backend(
    backend: str, trees: list[Tree], options: argparse.Namespace, sizes: Sizes, names: list[str], workdir: Path
) -> dict[str, Any]:
    after = next(tree for tree in trees if tree.label == AFTER)
    database = sqlite_file(workdir) if backend == "sqlite" else postgres_database(options.postgres, keep=False)
    with database as target:
        say(f"\n== {backend}: migrations and data, with the after tree ==")
        began = time.perf_counter()
        migrate(after, target)
        sets = sorted({CATALOG[name] for name in names}, key=SETS.index)
        data = load_data(after, target, sizes, sets)
        say(f"  migrated and loaded in {time.perf_counter() - began:.1f} s")
        db = Database(target.url)
        try:
            cases = build_cases(data, db, options.duration)
            sessions = [
                run_session(target, workers, trees, cases, names, options, db, data, workdir / "logs")
                for workers in options.workers
            ]
        finally:
            db.dispose()
    result: dict[str, Any] = {
        "backend": backend,
        "data": {"sets": sets, "sizes": data["sizes"], "load_seconds": data["seconds"]},
        "sessions": [{**asdict(session), "rows": summarize(session.runs, backend)} for session in sessions],
    }
    if "itflow" in data:
        result["data"]["deep_page_offset"] = deep_offset(itflow_loaded(data).shape)
    redacted: dict[str, Any] = result
    for secret in secrets(data):
        redacted = redact(redacted, secret)
    return redacted


# -------------------------------------------------------------------------------------------------- report


def workers_text(workers: int) -> str:
    return f"{workers} worker" + ("" if workers == 1 else "s")


def cell(value: float | None, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def table(session: dict[str, Any]) -> list[str]:
    lines = [
        "| endpoint | conns | before req/s | after req/s | after/before | before p99 ms | after p99 ms | verdict |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in session["rows"]:
        lines.append(
            f"| {row['endpoint']} | {row['connections']} | {cell(row['before_rps'], ',.0f')} | "
            f"{cell(row['after_rps'], ',.0f')} | {cell(row['ratio'], '.3f')} | {cell(row['before_p99_ms'], '.1f')} | "
            f"{cell(row['after_p99_ms'], '.1f')} | {row['verdict']} |"
        )
    deep = {BEFORE: [], AFTER: []} | {
        label: [
            r["background_wrk"]["requests_per_s"]
            for r in session["runs"]
            if r.get("background_wrk") and r["label"] == label
        ]
        for label in (BEFORE, AFTER)
    }
    if deep[BEFORE] or deep[AFTER]:
        lines += [
            "",
            f"Deep pages requested meanwhile (median req/s, {DEEP_CONNECTIONS} connections): "
            f"before {cell(median(deep[BEFORE]), ',.0f')}, after {cell(median(deep[AFTER]), ',.0f')}.",
        ]
    return lines


def markdown(report: dict[str, Any]) -> str:
    env, options = report["environment"], report["options"]
    lines = [
        f"# flowsuite before and after ({report['stamp']})",
        "",
        f"Command: `{report['command']}`",
        "",
        f"- before: {report['trees'][BEFORE]}",
        f"- after: {report['trees'][AFTER]}",
        "- servers: `python -m flowsuite serve --port P --no-migrate --workers W`, PYTHONPATH=<tree>/src (checked: "
        "each imports flowsuite from its own tree); one database per backend, migrated and loaded by the after tree",
        f"- runs: {options['rounds']} before/after pairs per endpoint and connection count, the first of a pair "
        f"alternating; {options['duration']} s each ({WORK_SCHEDULE}: half) after a {options['warmup']} s warm-up; "
        "the table shows medians over the rounds",
        f'- verdict: "slower by X%" when the after median req/s is more than {TOLERANCE:.0%} below the before '
        f"median; the deep-pages scenario on PostgreSQL must also keep the after p99 under {DEEP_P99_TARGET_MS:g} ms",
        f"- machine: {env['cpus']} CPUs, {env['platform']}, Python {env['python']}, {env['wrk']}, SQLite "
        f"{env['sqlite']}"
        + (f", {env['postgresql']}" if env.get("postgresql") else "")
        + f"; load average {report['load_average']['start']} at the start, {report['load_average']['end']} at the end",
    ]
    for backend in report["backends"]:
        data = backend["data"]
        sizes = ", ".join(f"{name} {value:,}" for name, value in data["sizes"].items())
        lines += ["", f"## {backend['backend']}", "", f"Data: {sizes}."]
        if "deep_page_offset" in data:
            lines[-1] += f" Deep page offset: {data['deep_page_offset']:,}."
        for session in backend["sessions"]:
            lines += ["", f"### {backend['backend']}, {workers_text(session['workers'])}", "", *table(session)]
            problems = session["problems"] + [
                f"{row['endpoint']} c={row['connections']}: {p}" for row in session["rows"] for p in row["problems"]
            ]
            if problems:
                lines += ["", "Flagged (figures not to be trusted):", "", *(f"- {p}" for p in problems)]
    for backend, failure in report["failures"].items():
        lines += ["", f"## {backend}", "", f"Could not be measured: {failure}"]
    lines += ["", "## Summary", ""]
    for backend in report["backends"]:
        for session in backend["sessions"]:
            rows = session["rows"]
            not_ok = [f"{r['endpoint']} c={r['connections']} ({r['verdict']})" for r in rows if r["verdict"] != "ok"]
            lines.append(
                f"- {backend['backend']}, {workers_text(session['workers'])}: "
                + ("all ok" if not not_ok and not session["problems"] else "; ".join([*not_ok, *session["problems"]]))
            )
    lines += [f"- {backend}: not measured" for backend in report["failures"]]
    return "\n".join(lines) + "\n"


def exit_status(report: dict[str, Any]) -> int:
    runs = [run for b in report["backends"] for s in b["sessions"] for run in s["runs"]]
    if not any(run["wrk"] is not None for run in runs):
        return 2
    problems = report["failures"] or any(
        s["problems"] or any(row["problems"] for row in s["rows"]) for b in report["backends"] for s in b["sessions"]
    )
    return 1 if problems else 0


# ---------------------------------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.compare", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", required=True, metavar="REV", help="the revision to compare against")
    after = parser.add_mutually_exclusive_group()
    after.add_argument("--after", metavar="REV", help="a revision (default: the tree this command runs from)")
    after.add_argument("--after-tree", metavar="PATH", type=Path, help="an existing checkout (its src/ is used)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--workers", type=int, nargs="+", default=[1], help="server worker counts (default: 1)")
    parser.add_argument("--rounds", type=int, default=3, help="before/after pairs per endpoint (default 3)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per measured wrk run (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of checked warm-up before each run (0: none)")
    parser.add_argument("--connections", type=int, nargs="+", default=[16, 64], help="default: 16 64")
    parser.add_argument("--scale", type=float, default=1.0, help="data set size factor (default 1)")
    parser.add_argument(
        "--full", action="store_true", help=f"{WORK_SCHEDULE} on 1,000 employees, as bench.iflow_reports (default 100)"
    )
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these endpoints (names or parts of names)")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="admin URL of the PostgreSQL server")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where results are written")
    options = parser.parse_args(argv)
    if min(options.rounds, options.duration, *options.workers, *options.connections) < 1 or options.warmup < 0:
        parser.error("--rounds, --duration, --workers and --connections must be at least 1, --warmup at least 0")
    try:
        options.names = chosen_names(options.only)
    except ValueError as error:
        parser.error(str(error))
    return options


def _terminate(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)  # cleans up (worktrees, databases, servers) as Ctrl-C does
    try:
        env = environment()
    except wrkrun.WrkMissing as error:
        say(str(error))
        return 2
    backends = ["sqlite", "postgresql"] if options.backend == "both" else [options.backend]
    if "postgresql" in backends:
        env["postgresql"] = postgres_version(options.postgres)
    base = Sizes.full() if options.full else Sizes()
    sizes = base.scaled(options.scale)
    sizes = replace(
        sizes,
        badges=max(sizes.badges, MIN_BADGES),
        cflow_records=max(sizes.cflow_records, MAX_APPROVALS_PER_SECOND * max(options.duration, options.warmup)),
    )
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    command = shlex.join(["python -m bench.compare", *(sys.argv[1:] if argv is None else argv)])
    report: dict[str, Any] = {
        "stamp": stamp,
        "command": command.replace("'python -m bench.compare'", "python -m bench.compare", 1),
        "environment": env,
        "options": {key: str(value) if isinstance(value, Path) else value for key, value in vars(options).items()},
        "sizes": asdict(sizes),
        "load_average": {"start": load_average()},
        "backends": [],
        "failures": {},
    }
    workdir = WORK / f"compare-{stamp}"
    (workdir / "logs").mkdir(parents=True)
    began = time.perf_counter()
    try:
        with ExitStack() as stack:
            trees = [
                checkout(BEFORE, options.before, workdir, stack),
                checkout(AFTER, options.after, workdir, stack)
                if options.after
                else existing_tree(AFTER, options.after_tree or ROOT),
            ]
            report["trees"] = {tree.label: tree.description for tree in trees}
            report["commits"] = {tree.label: tree.commit for tree in trees}
            for tree in trees:
                say(f"{tree.label}: {tree.description}")
            for backend in backends:
                try:
                    report["backends"].append(bench_backend(backend, trees, options, sizes, options.names, workdir))
                except (OSError, RuntimeError, subprocess.CalledProcessError, psycopg.Error) as error:
                    report["failures"][backend] = f"{type(error).__name__}: {error}"
                    say(f"  {backend}: could not be measured: {report['failures'][backend]}")
    except KeyboardInterrupt:
        say("\ninterrupted: servers stopped, worktrees and databases removed")
        return 130
    except RuntimeError as error:  # a revision that does not exist, a tree without src/flowsuite
        say(f"bench.compare: {error}")
        return 2
    finally:
        if not any((workdir / "logs").iterdir()):  # nothing ran: nothing to keep
            shutil.rmtree(workdir, ignore_errors=True)
    report["load_average"]["end"] = load_average()
    options.results.mkdir(parents=True, exist_ok=True)
    (options.results / f"{stamp}-compare.json").write_text(json.dumps(report, indent=2) + "\n")
    text = markdown(report)
    path = options.results / f"{stamp}-compare.md"
    path.write_text(text)
    say("\n" + text)
    say(f"wrote {shown(path)} and {shown(path.with_suffix('.json'))}; whole run {time.perf_counter() - began:.0f} s")
    say(f"server logs: {shown(workdir / 'logs')}")
    return exit_status(report)


if __name__ == "__main__":
    sys.exit(main())
