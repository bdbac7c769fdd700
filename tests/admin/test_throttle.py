"""Sign-in attempts are throttled per address and per client, in a server process of their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.admin.factories import ConsoleTenant, new_console_tenant
from tests.conftest import LiveServer, another_server


@pytest.fixture(scope="module")
def fresh_url(server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second server on the same database whose throttle has seen nothing yet."""
    with another_server(server, tmp_path_factory, "admin-throttle") as base_url:
        yield base_url


def test_five_failures_lock_the_address_but_not_another(server: LiveServer, fresh_url: str) -> None:
    target, other = new_console_tenant(server), new_console_tenant(server)
    with target.browser(fresh_url) as http:
        for _ in range(5):
            assert target.sign_in(http, password="guess-guess-guess").status_code == 400
        locked = target.sign_in(http)  # even the right password waits now
        assert locked.status_code == 429
        assert "Too many failed sign-ins. Try again in 15 minute(s)." in locked.text
    with other.browser(fresh_url) as http:
        assert other.sign_in(http).status_code == 303


def test_one_client_trying_many_addresses_is_stopped(server: LiveServer, fresh_url: str) -> None:
    tenants: list[ConsoleTenant] = [new_console_tenant(server) for _ in range(3)]
    with tenants[0].browser(fresh_url) as http:
        # Twenty failures from one client, whoever they were for (the other test's count too), stop it.
        statuses = [tenants[0].sign_in(http, email=f"nobody-{n}@example.com").status_code for n in range(21)]
        assert statuses[-1] == 429
        assert tenants[1].sign_in(http).status_code == 429
