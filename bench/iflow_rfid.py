"""Throughput of `rfid_devices/auto_attendance` (one badge scan), one worker, measured with wrk.

Run from the repository root: `.venv/bin/python -m bench.iflow_rfid [--backend sqlite|postgresql|both]
[--seconds 15] [--connections 16]`. Per backend it seeds a company with `--badges` employees and one
terminal in a fresh database, starts `flowsuite serve` on it, and lets wrk scan the badges in turn (each
badge comes back only every few seconds, so no scan is a same-second duplicate); every reply body must hold
`"action":"check_`. Target (issue 3): at least 1,000 requests/s. The figures go to
bench/results/<time>-iflow-rfid.json and the console.
"""

from __future__ import annotations

import argparse

from bench import iflow_wrk
from bench.run import Target
from flowsuite.core.db import Database
from flowsuite.core.migrate import upgrade
from flowsuite.iflow.keys import add_device, ensure_company_setup
from flowsuite.iflow.models import Employee, Team
from flowsuite.tenancy.service import create_company

SERIAL = "BENCH-RFID-0001"
TAG_PREFIX = "BADGE"
PATH = "/api/rfid_devices/auto_attendance"


def seed(database_url: str, badges: int) -> None:
    """A company, one team of `badges` employees tagged BADGE0..BADGE<n-1>, and the bench terminal."""
    upgrade(database_url)
    db = Database(database_url)
    with db.transaction(write=True) as session:
        company = create_company(session, "Bench RFID", "Europe/Bucharest")
        ensure_company_setup(session, company.id)
        team = Team(company_id=company.id, name="Bench")
        session.add(team)
        session.flush()
        session.add_all(
            Employee(company_id=company.id, team_id=team.id, full_name=f"Badge {n}", rfid_tag=f"{TAG_PREFIX}{n}")
            for n in range(badges)
        )
        add_device(session, iflow_wrk.SERVER_SECRET, company_id=company.id, serial=SERIAL)
    db.dispose()
    iflow_wrk.analyze(database_url)


def bench_backend(target: Target, arguments: argparse.Namespace) -> dict[str, object]:
    seed(target.url, arguments.badges)
    with iflow_wrk.serving(target, "iflow-rfid") as server:
        args = ['"action":"check_', PATH, SERIAL, TAG_PREFIX, str(arguments.badges)]
        result, cpu_share = iflow_wrk.run_wrk(
            server, PATH, "rfid_scan", args, connections=arguments.connections, seconds=arguments.seconds
        )
    print(iflow_wrk.summary("auto_attendance", target.backend, result, cpu_share), flush=True)
    return {"backend": target.backend, "workers": 1, "server_cpu_share": cpu_share, **result.to_json()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    iflow_wrk.add_arguments(parser, seconds=15, connections=16)
    parser.add_argument("--badges", type=int, default=20_000)
    arguments = parser.parse_args()
    for backend in iflow_wrk.backends(arguments.backend):
        with iflow_wrk.database(backend, arguments.postgres) as target:
            data = bench_backend(target, arguments)
        print(f"  ({iflow_wrk.write_json(f'iflow-rfid-{backend}', data)})")


if __name__ == "__main__":
    main()
