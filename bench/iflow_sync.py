"""Throughput of `user/sync` (create or update one employee), one worker, measured with wrk.

Run from the repository root: `.venv/bin/python -m bench.iflow_sync [--backend sqlite|postgresql|both]
[--seconds 15] [--connections 16] [--employees 10000] [--creates 10]`. Per backend: a fresh migrated
database with one company, its API key and `--employees` employees with valid CNPs and ID cards in eight
teams (then ANALYZE); one
`flowsuite serve` worker; wrk (`lua/sync_user.lua`) POSTs url-encoded syncs: mostly updates of a random
existing employee by CNP (job title, phone, address), `--creates` percent creates of new CNPs (valid check
digits), each with a team_name. Every reply must be an `api_reply` with `new_user` or `updated_user` and no
`error` or `warning`. Target (issue 3): at least 500 requests/s. Writes bench/results/<time>-iflow-sync.md.
"""

from __future__ import annotations

import argparse
import platform
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from bench import iflow_wrk
from bench.run import Target
from flowsuite.core.db import Database
from flowsuite.core.migrate import upgrade
from flowsuite.iflow.keys import create_api_key
from flowsuite.iflow.models import Employee, Team
from flowsuite.iflow.services.sync import cnp_is_valid
from flowsuite.tenancy.service import create_company

PATH = "/api/api_v2/user/sync"
TARGET = 500.0
TEAMS = ("Production", "Warehouse", "Logistics", "Office", "Maintenance", "Quality", "Sales", "Security")
WEIGHTS = (2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9)
# Every good reply holds the user object (new_user or updated_user), which starts with team_id.
EXPECT = '_user":{"team_id":"'


def cnp(first: int, index: int, base: int) -> str:
    """The index-th CNP of a series, exactly as lua/sync_user.lua builds it: sex/century digit `first`,
    birth dates from year `base` on (28 days a month), county 40, serial 100..999, check digit."""
    serial = index % 900 + 100
    k = index // 900
    digits = f"{first}{(base + k // 336) % 100:02d}{k // 28 % 12 + 1:02d}{k % 28 + 1:02d}40{serial:03d}"
    check = sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11
    return digits + str(1 if check == 10 else check)


def _employees(company_id: int, team_ids: list[int], count: int) -> Iterator[dict[str, Any]]:
    for index in range(count):
        yield {
            "company_id": company_id,
            "team_id": team_ids[index % len(team_ids)],
            "full_name": f"Employee {index}",
            "cnp": cnp(1 + index % 2, index, 70),
            "id_card": f"RX{index:06d}",
            "job_title": "Operator",
            "mark_number": str(1000 + index),
            "city": "Bucuresti",
            "phone_one": f"07{index:08d}",
        }


def seed(database_url: str, employees: int) -> str:
    """A company with an API key, eight teams and `employees` employees; returns the key."""
    assert all(cnp_is_valid(cnp(first, index, base)) for first, base in ((1, 70), (5, 0)) for index in range(2000))
    upgrade(database_url)
    db = Database(database_url)
    with db.transaction(write=True) as session:
        company = create_company(session, "Bench Sync", "Europe/Bucharest")
        api_key = create_api_key(session, iflow_wrk.SERVER_SECRET, company_id=company.id, name="bench").secret
        teams = [Team(company_id=company.id, name=name) for name in TEAMS]
        session.add_all(teams)
        session.flush()
        session.execute(insert(Employee), list(_employees(company.id, [t.id for t in teams], employees)))
    db.dispose()
    iflow_wrk.analyze(database_url)
    return api_key


def employee_count(database_url: str) -> int:
    db = Database(database_url)
    with db.transaction() as session:
        count = session.scalar(select(func.count()).select_from(Employee))
    db.dispose()
    return int(count or 0)


def bench_backend(target: Target, arguments: argparse.Namespace) -> str:
    api_key = seed(target.url, arguments.employees)
    with iflow_wrk.serving(target, "iflow-sync") as server:
        args = [EXPECT, PATH, api_key, str(arguments.employees), str(arguments.creates)]
        result, cpu_share = iflow_wrk.run_wrk(
            server, PATH, "sync_user", args, connections=arguments.connections, seconds=arguments.seconds
        )
    created = employee_count(target.url) - arguments.employees
    print(iflow_wrk.summary("user/sync", target.backend, result, cpu_share), flush=True)
    verdict = "met" if result.requests_per_s >= TARGET and not result.problems else "**NOT met**"
    return (
        f"| {target.backend} | {result.connections} | {result.requests:,} | {result.requests_per_s:,.0f} | "
        f"{result.p50_ms:.1f} | {result.p99_ms:.1f} | {result.non_2xx} | {result.bad_bodies} | "
        f"{created:,} | {cpu_share:.0%} | {verdict} |"
    )


def markdown(arguments: argparse.Namespace, rows: list[str]) -> str:
    load = Path("/proc/loadavg").read_text().split()[:3]
    return "\n".join(
        [
            "# iFlow `user/sync` throughput (one worker, wrk)",
            "",
            f"Command: `{' '.join(['python -m bench.iflow_sync', *sys.argv[1:]])}`",
            "",
            f"{arguments.employees:,} seeded employees, {arguments.creates}% of requests create a new CNP, the rest "
            f"update a random employee by CNP; every request has a team_name. {arguments.seconds} s per run.",
            "Every reply body was checked: `api_reply` with `new_user`/`updated_user`, no `error`, no `warning`.",
            "",
            "| backend | connections | requests | req/s | p50 ms | p99 ms | non-2xx | bad bodies | created | "
            "server CPU | ≥ 500 req/s |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"Machine: {platform.machine()}, Python {platform.python_version()}, load average before the "
            f"runs {' '.join(load)}. Absolute req/s drift by ±30% between runs here (shared/perf-notes.md).",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    iflow_wrk.add_arguments(parser, seconds=15, connections=16)
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--creates", type=int, default=10, help="percent of requests that create an employee")
    arguments = parser.parse_args()
    rows = []
    for backend in iflow_wrk.backends(arguments.backend):
        with iflow_wrk.database(backend, arguments.postgres) as target:
            rows.append(bench_backend(target, arguments))
    out = iflow_wrk.RESULTS / f"{iflow_wrk.stamp()}-iflow-sync.md"
    out.write_text(markdown(arguments, rows))
    print(out.read_text())


if __name__ == "__main__":
    main()
