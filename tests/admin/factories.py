"""A company with a console user, and a browser-like client that signs in with it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from flowsuite.admin.services.accounts import create_user
from flowsuite.tenancy.service import create_company
from tests.conftest import LiveServer
from tests.factories import CompanyRows

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_SECRET = re.compile(r'<code class="secret" id="secret-(\d+)">([^<]+)</code>')


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token a page's forms carry."""
    found = _CSRF.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def secrets_shown(page: httpx.Response) -> list[str]:
    """The secrets a "shown once" page displays, in order."""
    return [value for _, value in _SECRET.findall(page.text)]


@dataclass
class ConsoleTenant(CompanyRows):
    email: str
    password: str
    user_id: int

    def browser(self, base_url: str | None = None) -> httpx.Client:
        """A client that keeps cookies and does not follow redirects (tests look at them)."""
        return httpx.Client(base_url=base_url or self.server.base_url, timeout=30, follow_redirects=False)

    def sign_in(self, http: httpx.Client, email: str | None = None, password: str | None = None) -> httpx.Response:
        form = http.get("/admin/sign-in")
        return http.post(
            "/admin/sign-in",
            data={
                "email": email or self.email,
                "password": self.password if password is None else password,
                "csrf_token": csrf_of(form),
                "next": "/admin/",
            },
        )

    @contextmanager
    def signed_in(self, base_url: str | None = None) -> Iterator[tuple[httpx.Client, str]]:
        """A signed-in client and its session's CSRF token."""
        with self.browser(base_url) as http:
            reply = self.sign_in(http)
            assert reply.status_code == 303, reply.text
            yield http, csrf_of(http.get("/admin/"))


def new_console_tenant(server: LiveServer, name: str = "Ana Pop") -> ConsoleTenant:
    email = f"ana-{uuid.uuid4().hex[:8]}@example.com"
    password = f"pw-{uuid.uuid4().hex}"
    with server.db.transaction(write=True) as session:
        company = create_company(session, f"Company {uuid.uuid4().hex[:10]}")
        user, _ = create_user(session, company_id=company.id, email=email, name=name, password=password)
        return ConsoleTenant(server, company.id, email, password, user.id)
