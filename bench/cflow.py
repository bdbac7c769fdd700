"""Throughput of the Cflow face, one worker, measured with wrk: submitrecord, approving updaterecord, the GETs.

Run from the repository root: `.venv/bin/python -m bench.cflow [--backend sqlite|postgresql|both]
[--seconds 10] [--get-seconds 5] [--connections 64] [--records 60000]`. Per backend: a fresh migrated
database with one company, its API key, a requester and a manager with user keys, the example purchase
request workflow (examples/purchase-request.yaml) and `--records` records waiting at its Manager Review
(then ANALYZE); one `flowsuite serve` worker; then wrk (`lua/cflow_post.lua`, `lua/cflow_get.lua`):

- `submitrecord`: the same valid form each time (a text, a number as a string, a vendor-format date, a
  select, a multiple text); every reply must hold a `Record_Id`;
- `updaterecord` approving: each request approves the next seeded record at Manager Review
  (`R_Status1 = Approved`, RecordId counting up), so every request really moves a record; every reply
  must hold a `Record_Id` (a refusal, e.g. a record no longer at the stage, is a bad body);
- each GET endpoint, every reply checked for a key of its shape.

Targets (issue 4): submit and approving update at least 800 requests/s each, the GETs at least 2,000, p99
under 50 ms at 64 connections. Writes bench/results/<time>-cflow.md and a JSON file with wrk's reports.
"""

from __future__ import annotations

import argparse
import platform
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson
from sqlalchemy import insert, select

from bench import iflow_wrk
from bench.run import Target
from flowsuite.cflow.definitions import read_definition
from flowsuite.cflow.demo import example_text
from flowsuite.cflow.keys import create_api_key, create_user
from flowsuite.cflow.models import CflowCounter, CflowRecord, CflowRecordHistory
from flowsuite.cflow.services.workflows import import_workflow
from flowsuite.core.db import Database, utc_now
from flowsuite.core.migrate import upgrade
from flowsuite.tenancy.service import create_company

API = "/integromat/api"
WORKFLOW = "PurchaseRequest"
REQUESTER, MANAGER = "requester@bench.example", "manager@example.com"
WRITE_TARGET, READ_TARGET, P99_TARGET = 800.0, 2000.0, 50.0


@dataclass(frozen=True)
class Seeded:
    api_key: str
    user_keys: dict[str, str]
    group_id: str


def _records(company_id: int, workflow_id: int, stage_id: int, user_id: int, count: int) -> Iterator[dict[str, Any]]:
    now = utc_now()
    values = orjson.dumps({"Item": "Seeded laptop", "Amount": 990, "Category": "Hardware"}).decode()
    reviews = orjson.dumps({str(stage_id): {"status": "New"}}).decode()
    for number in range(1, count + 1):
        yield {
            "company_id": company_id,
            "workflow_id": workflow_id,
            "number": number,
            "stage_id": stage_id,
            "outcome": "in_progress",
            "values": values,
            "reviews": reviews,
            "version": 1,
            "submitted_by": user_id,
            "created_at": now,
            "updated_at": now,
        }


def seed(database_url: str, records: int) -> Seeded:
    """The company, its key and users, the purchase request workflow and `records` records at Manager Review."""
    upgrade(database_url)
    db = Database(database_url)
    with db.transaction(write=True) as session:
        company = create_company(session, "Bench Cflow")
        api_key = create_api_key(session, iflow_wrk.SERVER_SECRET, company_id=company.id).secret
        requester = create_user(session, iflow_wrk.SERVER_SECRET, company_id=company.id, username=REQUESTER)
        manager = create_user(session, iflow_wrk.SERVER_SECRET, company_id=company.id, username=MANAGER)
        outcome = import_workflow(session, company.id, read_definition(example_text("purchase-request.yaml")))
        stage_id = outcome.stages[1][0]
        rows = list(_records(company.id, outcome.workflow_id, stage_id, requester.id, records))
        for start in range(0, len(rows), 5000):
            session.execute(insert(CflowRecord), rows[start : start + 5000])
        session.execute(insert(CflowCounter).values(company_id=company.id, last_record_number=records))
        # The history of the seeded records: as many rows as a lived-in database would have.
        ids = session.scalars(select(CflowRecord.id).where(CflowRecord.company_id == company.id)).all()
        history = [
            {
                "company_id": company.id,
                "record_id": i,
                "to_stage_id": stage_id,
                "status": "New",
                "user_id": requester.id,
            }
            for i in ids
        ]
        for start in range(0, len(history), 5000):
            session.execute(insert(CflowRecordHistory), history[start : start + 5000])
    db.dispose()
    iflow_wrk.analyze(database_url)
    return Seeded(api_key, {REQUESTER: requester.secret, MANAGER: manager.secret}, str(stage_id))


@dataclass(frozen=True)
class Run:
    label: str
    path: str
    generator: str
    args: list[str]
    target: float
    seconds: int


def runs(seeded: Seeded, arguments: argparse.Namespace) -> list[Run]:
    def credentials(username: str) -> list[str]:
        return [seeded.api_key, seeded.user_keys[username], username]

    def get(label: str, endpoint: str, expect: str, **params: str) -> Run:
        path = f"{API}/{endpoint}" + (f"?{urlencode(params)}" if params else "")
        return Run(
            label, path, "cflow_get", [expect, path, *credentials(REQUESTER)], READ_TARGET, arguments.get_seconds
        )

    submit = f"{API}/cflow/submitrecord"
    update = f"{API}/cflow/updaterecord"
    stage = {"WorkflowName": WORKFLOW, "group_id": seeded.group_id}
    return [
        Run(
            "updaterecord (approve)",
            update,
            "cflow_post",
            ['"Record_Id":"', update, *credentials(MANAGER), "approve", WORKFLOW, seeded.group_id, "1", "R_Status1"],
            WRITE_TARGET,
            arguments.seconds,
        ),
        Run(
            "submitrecord",
            submit,
            "cflow_post",
            ['"Record_Id":"', submit, *credentials(REQUESTER), "submit", WORKFLOW],
            WRITE_TARGET,
            arguments.seconds,
        ),
        get("GetConnection", "connection/GetConnection", '"Status":"Connected"'),
        get("getworkflows", "cflow/getworkflows", '"WorkflowName":"PurchaseRequest"', username=REQUESTER),
        get("getprocess", "cflow/getprocess", '"ProcessStage":"END"', WorkflowName=WORKFLOW),
        get("getstatus", "cflow/getstatus", '"Field_Status":"Approved"', **stage),
        get("getworkflowfieldsets", "cflow/getworkflowfieldsets", '"default:"', WorkflowName=WORKFLOW),
        get("getworkflowprocessfieldsets", "cflow/getworkflowprocessfieldsets", '"R_Status2"', **stage),
        get("getworkflowprocessfieldsformap", "cflow/getworkflowprocessfieldsformap", '"RecordId"', **stage),
    ]


def bench_backend(target: Target, arguments: argparse.Namespace) -> tuple[list[str], list[dict[str, Any]]]:
    seeded = seed(target.url, arguments.records)
    rows, reports = [], []
    with iflow_wrk.serving(target, "cflow") as server:
        for run in [r for r in runs(seeded, arguments) if not arguments.only or r.label in arguments.only]:
            result, cpu_share = iflow_wrk.run_wrk(
                server, run.path, run.generator, run.args, connections=arguments.connections, seconds=run.seconds
            )
            print(iflow_wrk.summary(run.label, target.backend, result, cpu_share), flush=True)
            met = result.requests_per_s >= run.target and result.p99_ms < P99_TARGET and not result.problems
            rows.append(
                f"| {run.label} | {target.backend} | {result.connections} | {result.requests:,} | "
                f"{result.requests_per_s:,.0f} | {result.p50_ms:.1f} | {result.p99_ms:.1f} | {result.non_2xx} | "
                f"{result.bad_bodies} | {cpu_share:.0%} | ≥ {run.target:,.0f}: {'met' if met else '**NOT met**'} |"
            )
            reports.append({"run": run.label, "backend": target.backend, **result.to_json()})
    return rows, reports


def markdown(arguments: argparse.Namespace, rows: list[str], load: list[str]) -> str:
    return "\n".join(
        [
            "# Cflow face throughput (one worker, wrk)",
            "",
            f"Command: `{' '.join(['python -m bench.cflow', *sys.argv[1:]])}`",
            "",
            f"{arguments.records:,} records seeded at Manager Review; each approving update moves the next one on. "
            f"Writes ran {arguments.seconds} s, each GET {arguments.get_seconds} s, wrk with one thread. Every "
            "reply body was checked for its shape's key (a refusal counts as a bad body).",
            "",
            "| endpoint | backend | connections | requests | req/s | p50 ms | p99 ms | non-2xx | bad bodies | "
            "server CPU | target (req/s, p99 < 50 ms) |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"Machine: {platform.machine()}, Python {platform.python_version()}, 2 cores shared with other work; "
            f"load average before the runs {' '.join(load)}. Absolute req/s drift by ±30% between runs here "
            "(shared/perf-notes.md).",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    iflow_wrk.add_arguments(parser, seconds=10, connections=64)
    parser.set_defaults(backend="sqlite")
    parser.add_argument("--get-seconds", type=int, default=5)
    parser.add_argument("--records", type=int, default=60_000, help="records waiting for an approval")
    parser.add_argument("--only", nargs="*", help="run only these endpoints (e.g. submitrecord getprocess)")
    arguments = parser.parse_args()
    load = Path("/proc/loadavg").read_text().split()[:3]
    rows, reports = [], []
    for backend in iflow_wrk.backends(arguments.backend):
        with iflow_wrk.database(backend, arguments.postgres) as target:
            backend_rows, backend_reports = bench_backend(target, arguments)
            rows += backend_rows
            reports += backend_reports
    iflow_wrk.write_json("cflow", reports)
    out = iflow_wrk.RESULTS / f"{iflow_wrk.stamp()}-cflow.md"
    out.write_text(markdown(arguments, rows, load))
    print(out.read_text())


if __name__ == "__main__":
    main()
