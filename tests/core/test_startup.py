"""What `flowsuite serve` and the commands check before they start: the database answers and is migrated, the
secret is the database's; SQLite files are private. Real processes on real databases, as an operator meets them.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from flowsuite.core.db import Database
from flowsuite.core.migrate import upgrade
from tests.conftest import BACKENDS, POSTGRES_ADMIN_URL, _free_port, fresh_database

FLOWSUITE = Path(sys.executable).with_name("flowsuite")
UNREACHABLE = "postgresql+psycopg://postgres:hunter2@127.0.0.1:9/nowhere"


def flowsuite(cwd: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Runs `flowsuite ARGS` in `cwd` with no FLOWSUITE_* setting but `env`: its exit code and output."""
    base = {name: value for name, value in os.environ.items() if not name.startswith("FLOWSUITE_")}
    result = subprocess.run(
        [str(FLOWSUITE), *args],
        env={**base, "COLUMNS": "250", **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def refusal(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """The one line `flowsuite ARGS` ends with, failing."""
    code, output = flowsuite(cwd, *args, env=env)
    assert code == 1, output
    assert "Traceback" not in output, output
    assert output.count("\n") == 1 and output.startswith("error: "), output
    return output


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database of each backend, used so far by nobody."""
    urls = fresh_database(request.param, tmp_path)
    url = next(urls)
    try:
        upgrade(url)
        yield url
    finally:
        for _ in urls:
            pass


def test_a_missing_secret_file_is_refused_instead_of_replaced(database_url: str, tmp_path: Path) -> None:
    env = {"FLOWSUITE_DATABASE_URL": database_url}
    assert flowsuite(tmp_path, "company", "create", "Acme", env=env)[0] == 0
    assert flowsuite(tmp_path, "itflow", "key", "create", "--company", "Acme", "--name", "rmm", env=env)[0] == 0
    backup = (tmp_path / "flowsuite.secret").read_bytes()
    (tmp_path / "flowsuite.secret").unlink()

    for command in (("itflow", "key", "list", "--company", "Acme"), ("serve", "--port", str(_free_port()))):
        line = refusal(tmp_path, *command, env=env)
        assert "the secret file flowsuite.secret is missing" in line, line
        assert "restore flowsuite.secret from the backup of this database" in line, line
        assert not (tmp_path / "flowsuite.secret").exists()

    (tmp_path / "flowsuite.secret").write_bytes(backup)
    code, output = flowsuite(tmp_path, "itflow", "key", "list", "--company", "Acme", env=env)
    assert code == 0 and "rmm" in output, output


def test_another_secret_is_refused_by_the_commands_and_the_server(database_url: str, tmp_path: Path) -> None:
    first = {"FLOWSUITE_DATABASE_URL": database_url, "FLOWSUITE_SECRET_KEY": "first-" + "s" * 40}
    assert flowsuite(tmp_path, "company", "create", "Acme", env=first)[0] == 0
    other = {**first, "FLOWSUITE_SECRET_KEY": "other-" + "s" * 40}
    (tmp_path / "other.secret").write_text("o" * 64 + "\n")
    other_file = {"FLOWSUITE_DATABASE_URL": database_url, "FLOWSUITE_SECRET_KEY_FILE": "other.secret"}

    for command in (("iflow", "key", "create", "--company", "Acme"), ("serve", "--port", str(_free_port()))):
        line = refusal(tmp_path, *command, env=other)
        assert "FLOWSUITE_SECRET_KEY is not the one the database" in line, line
        line = refusal(tmp_path, *command, env=other_file)
        assert "the secret in other.secret is not the one the database" in line, line
    assert flowsuite(tmp_path, "iflow", "key", "create", "--company", "Acme", env=first)[0] == 0


def test_the_fingerprint_is_no_secret(database_url: str, tmp_path: Path) -> None:
    secret = "fingerprinted-" + "s" * 40
    env = {"FLOWSUITE_DATABASE_URL": database_url, "FLOWSUITE_SECRET_KEY": secret}
    assert flowsuite(tmp_path, "company", "list", env=env)[0] == 0
    db = Database(database_url)
    try:
        with db.engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT id, fingerprint FROM server_secret").all()
    finally:
        db.dispose()
    [(row_id, fingerprint)] = rows
    assert row_id == 1 and len(fingerprint) == 64 and secret not in fingerprint


def test_an_unmigrated_database_is_one_line(tmp_path: Path) -> None:
    line = refusal(tmp_path, "company", "list", env={"FLOWSUITE_SECRET_KEY": "s" * 40})
    expected = "error: the database sqlite:///flowsuite.db has no flowsuite tables yet: run `flowsuite db upgrade`\n"
    assert line == expected
    line = refusal(tmp_path, "serve", "--no-migrate", "--port", str(_free_port()))
    assert "run `flowsuite db upgrade`" in line
    assert not (tmp_path / "flowsuite.secret").exists()


def test_an_unreachable_database_is_one_line_with_the_cause(tmp_path: Path) -> None:
    env = {"FLOWSUITE_DATABASE_URL": UNREACHABLE, "FLOWSUITE_SECRET_KEY": "s" * 40}
    for command in (("serve", "--port", str(_free_port())), ("db", "upgrade"), ("company", "list")):
        line = refusal(tmp_path, *command, env=env)
        assert line.startswith("error: cannot use the database postgresql+psycopg://postgres:***@127.0.0.1:9/nowhere (")
        assert "Connection refused" in line and "hunter2" not in line, line
    missing = {"FLOWSUITE_DATABASE_URL": f"sqlite:///{tmp_path}/no/such/folder/flowsuite.db"}
    line = refusal(tmp_path, "db", "upgrade", env=missing)
    assert "(unable to open database file): check that its folder exists" in line, line


def test_sqlite_files_are_private(tmp_path: Path) -> None:
    assert flowsuite(tmp_path, "db", "upgrade")[0] == 0
    assert stat.S_IMODE((tmp_path / "flowsuite.db").stat().st_mode) == 0o600
    db = Database(f"sqlite:///{tmp_path / 'server.db'}")
    try:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            connection.exec_driver_sql("INSERT INTO t VALUES (1)")
            connection.commit()
            modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in tmp_path.glob("server.db*")}
    finally:
        db.dispose()
    assert modes == {"server.db": 0o600, "server.db-wal": 0o600, "server.db-shm": 0o600}


def _serve(cwd: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """`flowsuite serve --no-migrate` in `cwd`, once it answers /healthz."""
    port = _free_port()
    base = {name: value for name, value in os.environ.items() if not name.startswith("FLOWSUITE_")}
    with open(cwd / "server.log", "wb") as log:
        process = subprocess.Popen(
            [str(FLOWSUITE), "serve", "--no-migrate", "--port", str(port)],
            env={**base, "FLOWSUITE_LOG_LEVEL": "warning", **env},
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, (cwd / "server.log").read_text()
        try:
            httpx.get(f"{base_url}/healthz", timeout=1)
            return process, base_url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError((cwd / "server.log").read_text())


def _set_connections(database_url: str, allowed: bool) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{database_url.rsplit("/", 1)[1]}" ALLOW_CONNECTIONS {str(allowed).lower()}')


def test_a_server_that_started_before_its_database_checks_the_secret_when_it_answers(
    database_url: str, tmp_path: Path
) -> None:
    """`serve --no-migrate` may start while its database is down; once it answers, /readyz stays 503 if the
    secret is not the database's."""
    assert flowsuite(tmp_path, "company", "list", env={"FLOWSUITE_DATABASE_URL": database_url})[0] == 0
    sqlite_file = tmp_path / "flowsuite.db"
    if database_url.startswith("sqlite"):
        served_url = f"sqlite:///{tmp_path}/later/flowsuite.db"  # a folder that does not exist yet
    else:
        served_url = database_url
        _set_connections(database_url, False)
    process, base_url = _serve(
        tmp_path, {"FLOWSUITE_DATABASE_URL": served_url, "FLOWSUITE_SECRET_KEY": "another-" + "s" * 40}
    )
    try:
        assert httpx.get(f"{base_url}/readyz", timeout=30).json() == {"status": "unavailable", "database": "down"}
        if database_url.startswith("sqlite"):
            (tmp_path / "later").mkdir()
            shutil.copy(sqlite_file, tmp_path / "later" / "flowsuite.db")
        else:
            _set_connections(database_url, True)
        reply = httpx.get(f"{base_url}/readyz", timeout=30)
        assert (reply.status_code, reply.json()) == (503, {"status": "unavailable", "database": "refused"})
    finally:
        if not database_url.startswith("sqlite"):
            _set_connections(database_url, True)
        process.terminate()
        process.wait(timeout=10)
    log = (tmp_path / "server.log").read_text()
    assert "not ready: the secret in FLOWSUITE_SECRET_KEY is not the one the database" in log, log
