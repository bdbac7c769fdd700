"""People: invitations (a one-time link), accepting one, disabling and enabling a user."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from sqlalchemy import update

from flowsuite.admin.models import AdminInvitation
from tests.admin.factories import ConsoleTenant, csrf_of, new_console_tenant, secrets_shown
from tests.conftest import LiveServer


@pytest.fixture
def tenant(server: LiveServer) -> ConsoleTenant:
    return new_console_tenant(server)


def _invite(http: httpx.Client, csrf: str, email: str) -> str:
    reply = http.post("/admin/people/invite", data={"csrf_token": csrf, "email": email, "name": "New Person"})
    assert reply.status_code == 200, reply.text
    [link] = secrets_shown(reply)
    return link


def _accept(base_url: str, link: str, password: str, repeat: str | None = None) -> tuple[httpx.Client, httpx.Response]:
    browser = httpx.Client(base_url=base_url, follow_redirects=False, timeout=30)
    form = browser.get(link)
    if form.status_code != 200:
        return browser, form
    reply = browser.post(link, data={"password": password, "repeat": repeat or password, "csrf_token": csrf_of(form)})
    return browser, reply


def test_an_invitation_link_makes_an_account_once(tenant: ConsoleTenant) -> None:
    email = f"new-{uuid.uuid4().hex[:6]}@example.com"
    with tenant.signed_in() as (http, csrf):
        link = _invite(http, csrf, email)
        assert re.fullmatch(rf"{re.escape(tenant.server.base_url)}/admin/invitation/[\w-]{{32}}", link)
        assert "pending" in http.get("/admin/people").text
    invitee, short = _accept(tenant.server.base_url, link, "short")
    invitee.close()
    assert short.status_code == 400 and "A password needs at least 12 characters." in short.text
    invitee, differ = _accept(tenant.server.base_url, link, "long enough password", "another long password")
    invitee.close()
    assert differ.status_code == 400 and "The two passwords differ." in differ.text
    invitee, joined = _accept(tenant.server.base_url, link, "long enough password")
    assert (joined.status_code, joined.headers["location"]) == (303, "/admin/")
    home = invitee.get("/admin/")
    invitee.close()
    assert home.status_code == 200 and email in home.text  # signed in, in the inviter's company
    again, used = _accept(tenant.server.base_url, link, "long enough password")
    assert used.status_code == 404 and "not valid any more" in used.text
    again.close()
    with tenant.signed_in() as (http, _):
        page = http.get("/admin/people").text
        assert email in page and "accepted" in page


def test_invitations_refuse_taken_addresses_expire_and_can_be_revoked(tenant: ConsoleTenant) -> None:
    with tenant.signed_in() as (http, csrf):
        taken = http.post("/admin/people/invite", data={"csrf_token": csrf, "email": tenant.email.upper()})
        assert taken.status_code == 400 and "There is already a console user" in taken.text
        bad = http.post("/admin/people/invite", data={"csrf_token": csrf, "email": "not an address"})
        assert bad.status_code == 400 and "Enter an e-mail address" in bad.text
        first = _invite(http, csrf, email := f"x-{uuid.uuid4().hex[:6]}@example.com")
        second = _invite(http, csrf, email)  # inviting again replaces the pending one
        [newest] = [row for row in tenant.rows(AdminInvitation) if row["revoked_at"] is None]
        revoked = http.post(f"/admin/people/invitations/{newest['id']}/revoke", data={"csrf_token": csrf})
        assert revoked.headers["location"] == "/admin/people?notice=revoked"
        third = _invite(http, csrf, email)
    for link in (first, second):
        browser, reply = _accept(tenant.server.base_url, link, "long enough password")
        browser.close()
        assert reply.status_code == 404
    with tenant.server.db.transaction(write=True) as session:
        session.execute(update(AdminInvitation).values(expires_at=__import__("datetime").datetime(2000, 1, 1)))
    browser, reply = _accept(tenant.server.base_url, third, "long enough password")
    browser.close()
    assert reply.status_code == 404


def test_disabling_a_user_ends_their_sessions_but_never_ones_own(server: LiveServer, tenant: ConsoleTenant) -> None:
    email = f"colleague-{uuid.uuid4().hex[:6]}@example.com"
    with tenant.signed_in() as (http, csrf):
        link = _invite(http, csrf, email)
    colleague, _ = _accept(server.base_url, link, "long enough password")
    with tenant.signed_in() as (http, csrf):
        assert colleague.get("/admin/").status_code == 200
        page = http.get("/admin/people").text
        user_id = re.search(
            rf'action="/admin/people/(\d+)/disable"[^>]*>\s*<input[^>]*>\s*<button[^>]*{re.escape(email)}', page
        )
        assert user_id is not None
        disabled = http.post(f"/admin/people/{user_id[1]}/disable", data={"csrf_token": csrf})
        assert disabled.headers["location"] == "/admin/people?notice=disabled"
        assert colleague.get("/admin/").status_code == 303
        assert http.post(f"/admin/people/{tenant.user_id}/disable", data={"csrf_token": csrf}).status_code == 400
        assert http.post(f"/admin/people/{user_id[1]}/enable", data={"csrf_token": csrf}).status_code == 303
    colleague.close()
    neighbour = new_console_tenant(server, "Dan Ion")
    with neighbour.signed_in() as (http, csrf):
        assert http.post(f"/admin/people/{tenant.user_id}/disable", data={"csrf_token": csrf}).status_code == 404
        assert tenant.email not in http.get("/admin/people").text
