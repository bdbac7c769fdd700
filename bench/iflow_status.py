"""Timing of `users/get_today_status` for a company of 1,000 employees, on SQLite and PostgreSQL.

Run from the repository root: `.venv/bin/python -m bench.iflow_status [--employees 1000] [--requests 50]`.
Per backend: a fresh migrated database, a bulk load (a month of plans, live intervals and leaves around
today, so the day's rows must be found among many), one `flowsuite serve` worker, a few unmeasured
requests, then sequential timed requests in both attendance modes. Target (issue 3): under 150 ms.
Writes `bench/results/<timestamp>-iflow-status.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import Table, insert, select

from bench.procs import free_port, start
from bench.run import (
    DEFAULT_POSTGRES,
    RESULTS,
    SECRET,
    WORK,
    Target,
    flowsuite_command,
    migrate,
    postgres_database,
    server_env,
    shown,
    sqlite_database,
)
from flowsuite.core.db import Database
from flowsuite.core.secrets import ServerSecret
from flowsuite.iflow.keys import create_access_token
from flowsuite.iflow.models import Employee, Event, EventType, LiveAttendanceInterval, Team, WorkScheduleInterval
from flowsuite.tenancy.service import create_company

ZONE = ZoneInfo("Europe/Bucharest")
TARGET_MS = 150.0
PATH = "/api/api_v2/users/get_today_status"
HISTORY_DAYS = 30
WARMUP = 5
CHUNK = 2_000
Rows = Iterator[tuple[Table, dict[str, Any]]]


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _utc(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), ZONE).astimezone(dt.UTC).replace(tzinfo=None)


def _shift(company_id: int, employee_id: int, begins: dt.datetime, now: dt.datetime, rng: random.Random) -> Rows:
    """An eight-hour plan from local `begins`, and its live interval: closed in the past, mostly open today."""
    ends = begins + dt.timedelta(hours=8)
    yield (
        _table(WorkScheduleInterval),
        {
            "company_id": company_id,
            "employee_id": employee_id,
            "work_date": begins.date(),
            "start_time": begins.time(),
            "end_time": ends.time(),
        },
    )
    check_in = (begins - dt.timedelta(minutes=rng.randrange(30))).astimezone(dt.UTC).replace(tzinfo=None)
    check_out: dt.datetime | None = check_in + dt.timedelta(hours=8)
    if check_out is not None and check_out > now:
        check_out = None if rng.random() < 0.8 else now - dt.timedelta(minutes=rng.randrange(1, 30))
    yield (
        _table(LiveAttendanceInterval),
        {
            "company_id": company_id,
            "employee_id": employee_id,
            "check_in_at": check_in,
            "check_out_at": check_out,
            "source": "rfid",
            "device_id": None,
        },
    )


def _rows(company_id: int, employees: int, today: dt.date, now: dt.datetime) -> Rows:
    """A month of weekday shifts before today for every employee, a shift under way now, and some leaves."""
    rng = random.Random(2026)
    # Today's shift began four hours ago, whatever the weekday and hour the bench runs at.
    under_way = (now.replace(tzinfo=dt.UTC) - dt.timedelta(hours=4)).astimezone(ZONE).replace(second=0)
    for number in range(employees):
        employee_id = 1 + number
        for back in range(HISTORY_DAYS, 0, -1):
            day = today - dt.timedelta(days=back)
            if day.weekday() < 5:
                yield from _shift(company_id, employee_id, dt.datetime.combine(day, dt.time(8), ZONE), now, rng)
        yield from _shift(company_id, employee_id, under_way, now, rng)
        if number % 10 == 0:
            start = today - dt.timedelta(days=rng.randrange(4))
            yield (
                _table(Event),
                {
                    "company_id": company_id,
                    "employee_id": employee_id,
                    "event_type_id": None,
                    "start_date": start,
                    "end_date": start + dt.timedelta(days=4),
                    "start_time": None,
                    "end_time": None,
                    "approve_status": "approved",
                    "partial_approved_by_user_id": None,
                    "other_leave_type_name": "01 - Common illness",
                    "reason_message": "",
                    "created_at": now,
                },
            )


def load(database_url: str, employees: int) -> str:
    """Loads one company of `employees` people and returns a Bearer token for it."""
    db = Database(database_url)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    today = now.replace(tzinfo=dt.UTC).astimezone(ZONE).date()
    try:
        with db.transaction(write=True) as session:
            company = create_company(session, "Bench iFlow", "Europe/Bucharest")
            token = create_access_token(
                session, ServerSecret(SECRET.encode()), company_id=company.id, label="bench", administrator_name="Bench"
            )
            team = Team(company_id=company.id, name="Everyone")
            session.add(team)
            session.flush()
            sick = session.scalars(
                select(EventType).where(EventType.company_id == company.id, EventType.code == "other_leave")
            ).one()
            session.execute(
                insert(_table(Employee)),
                [
                    {
                        "id": n + 1,
                        "company_id": company.id,
                        "team_id": team.id,
                        "full_name": f"Employee {n + 1:05d}",
                        "is_enabled": True,
                        "cnp": f"{1900101000000 + n}",
                        "mark_number": str(10_000 + n),
                        "daily_norm_hours": 8,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n in range(employees)
                ],
            )
            batches: dict[Table, list[dict[str, Any]]] = {}
            for table, row in _rows(company.id, employees, today, now):
                if table is _table(Event):
                    row["event_type_id"] = sick.id
                batch = batches.setdefault(table, [])
                batch.append(row)
                if len(batch) >= CHUNK:
                    session.execute(insert(table), batch)
                    batch.clear()
            for table, batch in batches.items():
                if batch:
                    session.execute(insert(table), batch)
        _after_load(db)
        return token.secret
    finally:
        db.dispose()


def _after_load(db: Database) -> None:
    # Ids were given explicitly; PostgreSQL's sequence must move past them, and both need fresh statistics.
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('iflow_employees', 'id'), (SELECT max(id) FROM iflow_employees))"
            )
        connection.exec_driver_sql("ANALYZE")


def time_requests(
    base_url: str, token: str, requests: int, attendance_type: str
) -> tuple[list[float], list[dict[str, Any]]]:
    """Milliseconds of each sequential request (after a warm-up), and the last reply."""
    headers = {"Authorization": f"Bearer {token}"}
    data = {"attendance_type": attendance_type}
    timings: list[float] = []
    body: list[dict[str, Any]] = []
    with httpx.Client(base_url=base_url, timeout=30) as http:
        for attempt in range(WARMUP + requests):
            began = time.perf_counter()
            reply = http.post(PATH, data=data, headers=headers)
            elapsed = (time.perf_counter() - began) * 1000
            reply.raise_for_status()
            body = reply.json()
            if attempt >= WARMUP:
                timings.append(elapsed)
    return timings, body


def bench_backend(target: Target, employees: int, requests: int) -> list[str]:
    migrate(target)
    began = time.perf_counter()
    token = load(target.url, employees)
    print(f"  {target.backend}: loaded in {time.perf_counter() - began:.1f} s", flush=True)
    port = free_port()
    server = start(
        "flowsuite",
        [*flowsuite_command(), "serve", "--port", str(port), "--no-migrate"],
        server_env(target.url),
        WORK,
        WORK / f"{target.backend}-iflow-status.log",
        port,
    )
    lines = []
    try:
        for mode in ("live_attendance", "work_schedule"):
            timings, body = time_requests(server.base_url, token, requests, mode)
            # What the reply held, so that a fast but empty answer shows.
            at_work = sum(1 for item in body if item["at_work"])
            on_leave = sum(1 for item in body if "events" in item)
            timings.sort()
            median = statistics.median(timings)
            p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
            verdict = "met" if p95 < TARGET_MS else "NOT met"
            reply = f"{len(body)} / {at_work} / {on_leave}"
            figures = f"{median:.1f} | {p95:.1f} | {timings[-1]:.1f}"
            line = f"| {target.backend} | {mode} | {reply} | {figures} | {verdict} |"
            print(line, flush=True)
            lines.append(line)
    finally:
        server.stop()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=50, help="timed sequential requests per mode")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    arguments = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    load = " / ".join(f"{figure:.2f}" for figure in os.getloadavg())
    rows = []
    if arguments.backend in ("sqlite", "both"):
        with sqlite_database() as target:
            rows += bench_backend(target, arguments.employees, arguments.requests)
    if arguments.backend in ("postgresql", "both"):
        with postgres_database(arguments.postgres, keep=False) as target:
            rows += bench_backend(target, arguments.employees, arguments.requests)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{stamp}-iflow-status.md"
    path.write_text(_markdown(arguments, rows, load))
    print(f"wrote {shown(path)}")


def _markdown(arguments: argparse.Namespace, rows: list[str], load: str) -> str:
    return "\n".join(
        [
            f"# users/get_today_status, {arguments.employees} employees",
            "",
            f"Command: `.venv/bin/python -m bench.iflow_status --employees {arguments.employees} "
            f"--requests {arguments.requests} --backend {arguments.backend}`",
            "",
            f"One `flowsuite serve` worker, {arguments.requests} sequential POSTs per mode after {WARMUP} unmeasured",
            f"ones, client on the same machine. Data: {HISTORY_DAYS} days of plans and live intervals per employee",
            "(today's mostly open), a five-day sick leave for one employee in ten. Target: under 150 ms.",
            f"Machine: {os.cpu_count()} CPUs, load average {load} when the run began (other work shares it).",
            "",
            "| backend | attendance_type | employees / at work / with events | median ms | p95 ms | max ms"
            " | target (p95) |",
            "|---|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    )


if __name__ == "__main__":
    main()
