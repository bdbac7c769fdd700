from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import LiveServer, _start_server
from tests.itflow.factories import Tenant, new_tenant


@pytest.fixture
def tenant(server: LiveServer) -> Tenant:
    return new_tenant(server)


@pytest.fixture(scope="module")
def twin_url(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second server process on the same database, so that requests really run in parallel.

    (One process handles its requests one after another; two processes race like a deployment with
    several workers does.)
    """
    workdir: Path = tmp_path_factory.mktemp(f"twin-{server.backend}")
    process, base_url = _start_server(server.database_url, workdir)
    try:
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)
        server_log = (workdir / "server.log").read_text()
        assert "Traceback" not in server_log, server_log
