"""`python -m bench.iflow_reports`: time `user/get_work_schedule` with all 36 totals on a bulk-loaded company.

Per size (1,000 employees by default; `--employees 1000 10000` for both targets): a fresh database (SQLite file
under bench/work/, or a new PostgreSQL database dropped afterwards with `--backend postgresql`), `flowsuite db
upgrade`, a bulk load of one company (employees in 10 teams, a month of shifts on every weekday and some
Saturdays, day shifts with a half-hour break, evening and night shifts crossing midnight, two approved overtime
events each, a sick-leave week for one in ten, a waiting leave for one in twenty, a company free day), then
`flowsuite serve --no-migrate` (one worker) and N timed requests after one warm-up, RSS sampled throughout.

Targets (issue 3): 1,000 employees under 0.5 s per request; 10,000 under 5 s with server RSS under 500 MB.
Results: printed, and `bench/results/<timestamp>-iflow-reports.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Table, insert, select, text

from bench.procs import RssSampler, Server, free_port, start
from bench.run import (
    DEFAULT_POSTGRES,
    RESULTS,
    SECRET,
    WORK,
    Target,
    environment,
    flowsuite_command,
    migrate,
    postgres_database,
    say,
    server_env,
    shown,
    sqlite_database,
)
from flowsuite.core.db import Database
from flowsuite.core.secrets import ServerSecret
from flowsuite.iflow.keys import create_api_key
from flowsuite.iflow.models import Employee, Event, EventType, FreeDay, Team, WorkScheduleInterval
from flowsuite.iflow.totals import TOTAL_NAMES
from flowsuite.tenancy.service import create_company

TEAMS = 10
CHUNK = 5_000
# Shifts as lists of (start, end) wall-clock intervals; an end before its start is on the next day.
SHIFTS = (
    ((dt.time(8), dt.time(12)), (dt.time(12, 30), dt.time(16, 30))),
    ((dt.time(14), dt.time(22)),),
    ((dt.time(22), dt.time(6)),),
    ((dt.time(7), dt.time(19)),),
)
# What each size must reach: seconds per request, and peak server RSS in MiB (None: no target).
TARGETS = {1_000: (0.5, None), 10_000: (5.0, 500)}

Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Loaded:
    company_id: int
    api_key: str
    rows: dict[str, int]
    seconds: float


@dataclass(frozen=True, slots=True)
class Measured:
    employees: int
    backend: str
    loaded: Loaded
    timings: list[float]
    reply_bytes: int
    idle_rss_kib: int
    peak_rss_kib: int

    @property
    def median(self) -> float:
        return statistics.median(self.timings)

    @property
    def p95(self) -> float:
        ordered = sorted(self.timings)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def verdict(self) -> str:
        seconds, rss_mib = TARGETS.get(self.employees, (None, None))
        if seconds is None:
            return "no target for this size"
        met = self.p95 < seconds and (rss_mib is None or self.peak_rss_kib < rss_mib * 1024)
        wanted = f"p95 < {seconds} s" + (f", RSS < {rss_mib} MB" if rss_mib else "")
        return f"{'met' if met else 'NOT met'} ({wanted})"


# ----------------------------------------------------------------------------------------------- the data


def _month_days(year: int, month: int) -> list[dt.date]:
    first = dt.date(year, month, 1)
    return [first + dt.timedelta(days=n) for n in range(31) if (first + dt.timedelta(days=n)).month == month]


def _employees(company_id: int, count: int, team_ids: list[int], first_id: int) -> Iterator[Row]:
    for number in range(count):
        yield {
            "id": first_id + number,
            "company_id": company_id,
            "team_id": team_ids[number % len(team_ids)],
            "full_name": f"Employee {number:05d}",
            "is_enabled": True,
            "cnp": f"{1_800_101_000_000 + number}",
            "mark_number": f"M{number:05d}",
            "daily_norm_hours": 8,
        }


def _schedules(company_id: int, employee_ids: list[int], days: list[dt.date], rng: random.Random) -> Iterator[Row]:
    for employee_id in employee_ids:
        shift = SHIFTS[employee_id % len(SHIFTS)]
        for day in days:
            if day.weekday() < 5 or (day.weekday() == 5 and rng.random() < 0.3):
                for start, end in shift:
                    yield {
                        "company_id": company_id,
                        "employee_id": employee_id,
                        "work_date": day,
                        "start_time": start,
                        "end_time": end,
                    }


def _events(
    company_id: int, employee_ids: list[int], days: list[dt.date], types: dict[str, int], rng: random.Random
) -> Iterator[Row]:
    def event(employee_id: int, code: str, first: dt.date, last: dt.date, status: str, **times: dt.time) -> Row:
        return {
            "company_id": company_id,
            "employee_id": employee_id,
            "event_type_id": types[code],
            "start_date": first,
            "end_date": last,
            "start_time": times.get("start"),
            "end_time": times.get("end"),
            "approve_status": status,
        }

    for employee_id in employee_ids:
        for day in rng.sample(days, 2):
            yield event(employee_id, "overtime", day, day, "approved", start=dt.time(18), end=dt.time(20))
        if employee_id % 10 == 0:
            first = days[rng.randrange(len(days) - 7)]
            yield event(employee_id, "other_leave", first, first + dt.timedelta(days=6), "approved")
        if employee_id % 20 == 1:
            day = rng.choice(days)
            yield event(employee_id, "paid_leave", day, day, "waiting")


def _insert(db: Database, model: type[Any], rows: Iterator[Row]) -> int:
    table: Table = model.__table__
    count = 0
    with db.engine.begin() as connection:
        chunk: list[Row] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == CHUNK:
                connection.execute(insert(table), chunk)
                count, chunk = count + len(chunk), []
        if chunk:
            connection.execute(insert(table), chunk)
            count += len(chunk)
    return count


def load(db: Database, employees: int, year: int, month: int) -> Loaded:
    """One company with its API key (made by the services), then every table in bulk, then ANALYZE."""
    began = time.perf_counter()
    with db.transaction(write=True) as session:
        company = create_company(session, "Bench Factory", "Europe/Bucharest")
        api_key = create_api_key(session, ServerSecret(SECRET.encode()), company_id=company.id, name="bench").secret
        company_id = company.id
        teams = [Team(company_id=company_id, name=f"Team {n + 1}") for n in range(TEAMS)]
        session.add_all(teams)
        session.add(FreeDay(company_id=company_id, day=dt.date(year, month, 15), name="Company day"))
        session.flush()
        team_ids = [team.id for team in teams]
        types = {
            code: id_
            for code, id_ in session.execute(
                select(EventType.code, EventType.id).where(EventType.company_id == company_id)
            )
        }
        first_id = (session.scalar(select(Employee.id).order_by(Employee.id.desc()).limit(1)) or 0) + 1
    rng = random.Random(2026)
    days = _month_days(year, month)
    employee_ids = list(range(first_id, first_id + employees))
    rows = {
        "employees": _insert(db, Employee, _employees(company_id, employees, team_ids, first_id)),
        "planned intervals": _insert(db, WorkScheduleInterval, _schedules(company_id, employee_ids, days, rng)),
        "events": _insert(db, Event, _events(company_id, employee_ids, days, types, rng)),
    }
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if db.dialect_name == "postgresql":
            # Explicit employee ids were loaded: move the sequence past them.
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence('iflow_employees', 'id'), :last)"),
                {"last": employee_ids[-1]},
            )
            connection.execute(text("VACUUM ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))
    return Loaded(company_id, api_key, rows, time.perf_counter() - began)


# ------------------------------------------------------------------------------------------ the measuring


def start_server(target: Target, employees: int) -> Server:
    port = free_port()
    command = [*flowsuite_command(), "serve", "--port", str(port), "--no-migrate"]
    log_path = WORK / f"{target.backend}-iflow-reports-{employees}.log"
    return start("flowsuite", command, server_env(target.url), WORK, log_path, port)


def request(http: httpx.Client, api_key: str, year: int, month: int, employees: int) -> tuple[float, int]:
    """One report as the seed's curl sends it (url-encoded); returns its seconds and its body's size."""
    fields = {"api_key": api_key, "api_language": "en_US", "year": str(year), "month": f"{month:02d}"}
    began = time.perf_counter()
    reply = http.post("/api/api_v2/user/get_work_schedule", data={**fields, "totals": ",".join(TOTAL_NAMES)})
    seconds = time.perf_counter() - began
    users = reply.json()["api_reply"].get("users") if reply.status_code == 200 else None
    if users is None or len(users) != employees or len(users[0]["totals"]) != len(TOTAL_NAMES):
        raise RuntimeError(f"bad reply ({reply.status_code}): {reply.text[:500]}")
    return seconds, len(reply.content)


def measure(target: Target, employees: int, requests: int, year: int, month: int) -> Measured:
    say(f"{target.backend}, {employees:,} employees")
    migrate(target)
    db = Database(target.url)
    try:
        loaded = load(db, employees, year, month)
    finally:
        db.dispose()
    say(f"  loaded {', '.join(f'{n:,} {name}' for name, n in loaded.rows.items())} in {loaded.seconds:.1f} s")
    server = start_server(target, employees)
    try:
        with RssSampler([server], interval=0.05), httpx.Client(base_url=server.base_url, timeout=120) as http:
            _, size = request(http, loaded.api_key, year, month, employees)  # warm-up: imports, caches
            timings = [request(http, loaded.api_key, year, month, employees)[0] for _ in range(requests)]
        if "Traceback" in server.log_text():
            raise RuntimeError(f"the server logged a traceback:\n{server.log_text()}")
    finally:
        server.stop()
    result = Measured(employees, target.backend, loaded, timings, size, server.idle_rss_kib, server.peak_rss_kib)
    say(
        f"  {requests} requests: median {result.median:.3f} s, p95 {result.p95:.3f} s, "
        f"peak RSS {result.peak_rss_kib / 1024:.0f} MB, reply {size / 1e6:.1f} MB: {result.verdict()}"
    )
    return result


# -------------------------------------------------------------------------------------------------- report


def markdown(results: list[Measured], command: str, year: int, month: int) -> str:
    machine = environment()
    lines = [
        "# iFlow `user/get_work_schedule` with all 36 totals",
        "",
        f"Command: `{command}`  ",
        f"Month: {year}-{month:02d}; one `flowsuite serve` worker; timed from the client, after one warm-up.  ",
        f"Machine: {machine['cpus']} CPUs, {machine['platform']}, Python {machine['python']}, "
        f"SQLite {machine['sqlite']}; {machine['commit']}",
        "",
        "| backend | employees | planned intervals | events | requests | median s | p95 s | max s "
        "| reply MB | idle RSS MB | peak RSS MB | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        rows = r.loaded.rows
        lines.append(
            f"| {r.backend} | {r.employees:,} | {rows['planned intervals']:,} | {rows['events']:,} | {len(r.timings)} "
            f"| {r.median:.3f} | {r.p95:.3f} | {max(r.timings):.3f} | {r.reply_bytes / 1e6:.1f} "
            f"| {r.idle_rss_kib / 1024:.0f} | {r.peak_rss_kib / 1024:.0f} | {r.verdict()} |"
        )
    return "\n".join(lines) + "\n"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--employees", type=int, nargs="+", default=[1_000])
    parser.add_argument("--requests", type=int, default=10, help="timed requests per size (default 10)")
    parser.add_argument("--month", default="2026-12", help="YYYY-MM (default 2026-12)")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="admin URL of the PostgreSQL server")
    parser.add_argument("--results", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def database(options: argparse.Namespace) -> AbstractContextManager[Target]:
    return postgres_database(options.postgres, False) if options.backend == "postgresql" else sqlite_database()


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    year, month = (int(part) for part in options.month.split("-"))
    results = []
    for employees in options.employees:
        with database(options) as target:
            results.append(measure(target, employees, options.requests, year, month))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    options.results.mkdir(parents=True, exist_ok=True)
    path = options.results / f"{stamp}-iflow-reports.md"
    command = "python -m bench.iflow_reports " + " ".join(sys.argv[1:] if argv is None else argv)
    path.write_text(markdown(results, command.strip(), year, month))
    say(f"results: {shown(path)}")
    return 0 if all(r.verdict().startswith("met") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
