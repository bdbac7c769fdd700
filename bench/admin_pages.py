"""Server time of the admin console's ITFlow list pages at the benchmark's data volume.

Run from the repository root: `.venv/bin/python -m bench.admin_pages [--requests 30] [--backend both]`.
Per backend: a fresh migrated database with the load benchmark's data (2,000 clients, 20,000 contacts,
50,000 assets, 20,000 tickets), a console user, one `flowsuite serve` worker; then, signed in, sequential
GETs of each page after a few unmeasured ones. The time is measured at the client on the same machine, so
it bounds the server's time from above. Target (issue 5): a page of the 50,000-asset list under 100 ms.
Writes `bench/results/<timestamp>-admin-pages.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import time

import httpx

from bench.dataset import Shape, load
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
from flowsuite.admin.services.accounts import create_user
from flowsuite.core.db import Database
from flowsuite.core.secrets import ServerSecret
from flowsuite.itflow import models

WARMUP = 3
TARGET_MS = 100
EMAIL, PASSWORD = "bench@example.com", "bench-password-" + "p" * 20
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _prepare(target: Target) -> dict[str, str]:
    """Loads the data and a console user; returns the pages to time, by label."""
    migrate(target)
    db = Database(target.url)
    try:
        loaded = load(db, ServerSecret(SECRET.encode()), Shape(), lambda message: None)
        with db.transaction(write=True) as session:
            create_user(session, company_id=loaded.company_id, email=EMAIL, password=PASSWORD)
            oldest_assets = session.query(models.Asset.asset_id).order_by(models.Asset.asset_id).limit(60).all()
    finally:
        db.dispose()
    deep = oldest_assets[-1][0]
    return {
        "assets, first page": "/admin/itflow/assets",
        "assets, the last page (keyset)": f"/admin/itflow/assets?before={deep}",
        "assets, search 'lt-0'": "/admin/itflow/assets?q=lt-0",
        "clients, first page": "/admin/itflow/clients",
        "contacts, first page": "/admin/itflow/contacts",
        "tickets, first page": "/admin/itflow/tickets",
    }


def _signed_in(base_url: str) -> httpx.Client:
    http = httpx.Client(base_url=base_url, timeout=60)
    form = http.get("/admin/sign-in")
    token = _CSRF.search(form.text)
    assert token is not None
    reply = http.post("/admin/sign-in", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token[1]})
    assert reply.status_code == 303, reply.text
    return http


def _time(http: httpx.Client, path: str, requests: int) -> tuple[list[float], int]:
    timings, size = [], 0
    for attempt in range(WARMUP + requests):
        began = time.perf_counter()
        reply = http.get(path)
        elapsed = (time.perf_counter() - began) * 1000
        assert reply.status_code == 200, (path, reply.status_code)
        size = len(reply.content)
        if attempt >= WARMUP:
            timings.append(elapsed)
    return sorted(timings), size


def bench_backend(target: Target, requests: int) -> list[str]:
    pages = _prepare(target)
    port = free_port()
    server = start(
        "flowsuite",
        [*flowsuite_command(), "serve", "--port", str(port), "--no-migrate"],
        server_env(target.url),
        WORK,
        WORK / f"{target.backend}-admin-pages.log",
        port,
    )
    lines = []
    try:
        http = _signed_in(server.base_url)
        try:
            for label, path in pages.items():
                timings, size = _time(http, path, requests)
                median, p95 = statistics.median(timings), timings[min(len(timings) - 1, int(len(timings) * 0.95))]
                verdict = "met" if p95 < TARGET_MS else "NOT met"
                line = f"| {target.backend} | {label} | {size // 1024} KB | {median:.1f} | {p95:.1f} | {verdict} |"
                print(line, flush=True)
                lines.append(line)
        finally:
            http.close()
    finally:
        server.stop()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    arguments = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    load_average = " / ".join(f"{figure:.2f}" for figure in os.getloadavg())
    rows = []
    if arguments.backend in ("sqlite", "both"):
        with sqlite_database() as target:
            rows += bench_backend(target, arguments.requests)
    if arguments.backend in ("postgresql", "both"):
        with postgres_database(arguments.postgres, keep=False) as target:
            rows += bench_backend(target, arguments.requests)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{stamp}-admin-pages.md"
    path.write_text(
        "\n".join(
            [
                "# Admin console: ITFlow list pages at the benchmark's volume",
                "",
                f"Command: `.venv/bin/python -m bench.admin_pages --requests {arguments.requests} "
                f"--backend {arguments.backend}`",
                "",
                "2,000 clients, 20,000 contacts, 50,000 assets, 20,000 tickets; one `flowsuite serve` worker;",
                f"{arguments.requests} sequential signed-in GETs per page after {WARMUP} unmeasured ones, timed at a",
                f"client on the same machine. Target: under {TARGET_MS} ms.",
                f"Machine: {os.cpu_count()} CPUs, load average {load_average} when the run began.",
                "",
                "| backend | page | size | median ms | p95 ms | target (p95) |",
                "|---|---|---|---|---|---|",
                *rows,
                "",
            ]
        )
    )
    print(f"wrote {shown(path)}")


if __name__ == "__main__":
    main()
