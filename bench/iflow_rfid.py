"""Throughput of `rfid_devices/auto_attendance` (one badge scan) on SQLite, one worker, measured with wrk.

Run from the repository root: `.venv/bin/python -m bench.iflow_rfid [--seconds 15] [--connections 16]`.
It seeds a company with `--badges` employees and one terminal in a fresh SQLite database, starts
`flowsuite serve` on it, and lets wrk scan the badges in turn (each badge comes back only every few seconds,
so no scan is a same-second duplicate); every reply body must hold `"action":"check_`. Target (issue 3):
at least 1,000 requests/s. The figures go to bench/results/<time>-iflow-rfid.json and the console.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

from bench import procs, wrkrun
from flowsuite.core.db import Database
from flowsuite.core.migrate import upgrade
from flowsuite.core.secrets import ServerSecret
from flowsuite.iflow.keys import add_device, ensure_company_setup
from flowsuite.iflow.models import Employee, Team
from flowsuite.tenancy.service import create_company

SECRET = "bench-secret-bench-secret-bench-secret-0001"
SERIAL = "BENCH-RFID-0001"
TAG_PREFIX = "BADGE"
PATH = "/api/rfid_devices/auto_attendance"
RESULTS = Path(__file__).parent / "results"


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
        add_device(session, ServerSecret(SECRET.encode()), company_id=company.id, serial=SERIAL)
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--badges", type=int, default=20_000)
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="flowsuite-bench-rfid-"))
    database_url = f"sqlite:///{workdir / 'bench.db'}"
    seed(database_url, arguments.badges)
    port = procs.free_port()
    env = {**os.environ, "FLOWSUITE_DATABASE_URL": database_url, "FLOWSUITE_SECRET_KEY": SECRET}
    env["FLOWSUITE_LOG_LEVEL"] = "warning"
    command = [sys.executable, "-m", "flowsuite", "serve", "--port", str(port), "--no-migrate"]
    server = procs.start("flowsuite", command, env, workdir, workdir / "server.log", port)
    try:
        script = wrkrun.Script("rfid_scan", []).write(workdir, "rfid_scan")
        args = ['"action":"check_', PATH, SERIAL, TAG_PREFIX, str(arguments.badges)]
        result = wrkrun.run(
            server.base_url + PATH, script, args, connections=arguments.connections, seconds=arguments.seconds
        )
    finally:
        server.stop()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{stamp}-iflow-rfid.json"
    out.write_text(json.dumps({"backend": "sqlite", "workers": 1, **result.to_json()}, indent=2) + "\n")
    print(
        f"auto_attendance, SQLite, 1 worker, {arguments.connections} connections: "
        f"{result.requests_per_s:,.0f} req/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms"
    )
    print("problems: " + ("; ".join(result.problems) or "none") + f"  ({out})")


if __name__ == "__main__":
    main()
