"""`flowsuite admin ...` and the demo's console user, as real processes against the live server."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from tests.admin.factories import ConsoleTenant
from tests.conftest import SECRET, LiveServer
from tests.test_cli import FLOWSUITE, Cli


def _sign_in_works(server: LiveServer, email: str, password: str) -> bool:
    probe = ConsoleTenant(server, 0, email, password, 0)
    with probe.browser() as http:
        return probe.sign_in(http).status_code == 303


def test_create_user_prints_a_password_that_signs_in(server: LiveServer, tmp_path: Path) -> None:
    runner = Cli(server.database_url, tmp_path)
    company = runner.new_company()
    email = f"{company.split()[-1]}@example.com"
    created = json.loads(runner.run("admin", "create-user", "--company", company, "--email", email, "--json"))
    assert set(created) == {"id", "email", "password"} and len(created["password"]) >= 12
    assert _sign_in_works(server, email.upper(), created["password"])
    again = runner.run("admin", "create-user", "--company", company, "--email", email, code=1)
    assert "There is already a console user with the address" in again
    assert email in runner.run("admin", "list-users", "--company", company)


def test_a_password_can_come_on_stdin_and_must_be_long_enough(server: LiveServer, tmp_path: Path) -> None:
    runner = Cli(server.database_url, tmp_path)
    company = runner.new_company()
    env = {"FLOWSUITE_DATABASE_URL": server.database_url, "FLOWSUITE_SECRET_KEY": SECRET, "PATH": "/usr/bin:/bin"}

    def create(email: str, password: str) -> subprocess.CompletedProcess[str]:
        command = [str(FLOWSUITE), "admin", "create-user", "--company", company, "--email", email, "--password-stdin"]
        return subprocess.run(
            command,
            input=password + "\n",
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    short = create(f"short-{company[-8:]}@example.com", "too short")
    assert short.returncode == 1 and "A password needs at least 12 characters." in short.stdout
    chosen = create(f"chosen-{company[-8:]}@example.com", "correct horse battery staple")
    assert chosen.returncode == 0 and "correct horse" not in chosen.stdout
    assert _sign_in_works(server, f"chosen-{company[-8:]}@example.com", "correct horse battery staple")


def test_the_demo_prints_a_console_sign_in_that_works(server: LiveServer, tmp_path: Path) -> None:
    output = Cli(server.database_url, tmp_path).run("demo", "--base-url", server.base_url)
    found = re.search(r"Admin console +\S+/admin/\n +e-mail: +(\S+)\n +password: +(\S+)", output)
    assert found is not None, output
    assert _sign_in_works(server, found[1], found[2])
