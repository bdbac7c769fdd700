"""Several worker processes answer as fast as one: no request waits for the client's delayed ACK.

With `--workers 2` every reply used to take at least 40 ms (Nagle's algorithm held the body back until the
client acknowledged the headers; see core.tcp). One keep-alive connection asking in turn shows it at once:
each request waits for the one before, so the floor is in every figure.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import LiveServer, start_server

# Far below the 40 ms of a delayed ACK, far above a loaded machine's time for /healthz and a by-id read.
CEILING_MS = 25.0


@pytest.mark.parametrize("workers", [1, 2])
def test_replies_go_out_at_once_whatever_the_workers(
    server: LiveServer, tmp_path_factory: pytest.TempPathFactory, workers: int
) -> None:
    workdir: Path = tmp_path_factory.mktemp(f"workers-{workers}-{server.backend}")
    process, base_url = start_server(server.database_url, workdir, workers=workers)
    try:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            for _ in range(5):  # warm: the connection, both workers' first requests
                http.get("/healthz")
            took = []
            for _ in range(40):
                started = time.perf_counter()
                assert http.get("/healthz").status_code == 200
                took.append((time.perf_counter() - started) * 1000)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert statistics.median(took) < CEILING_MS, sorted(took)
