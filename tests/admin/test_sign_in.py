"""Signing in and out of the console: cookies, CSRF, redirects, sessions."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import select, update

from flowsuite.admin.models import AdminSession, AdminUser
from tests.admin.factories import ConsoleTenant, csrf_of, new_console_tenant
from tests.conftest import LiveServer

WRONG = "The e-mail address or the password is wrong."


@pytest.fixture
def tenant(server: LiveServer) -> ConsoleTenant:
    return new_console_tenant(server)


def test_a_page_sends_a_stranger_to_sign_in_and_back(tenant: ConsoleTenant) -> None:
    with tenant.browser() as http:
        reply = http.get("/admin/iflow/access")
        assert (reply.status_code, reply.headers["location"]) == (303, "/admin/sign-in?next=%2Fadmin%2Fiflow%2Faccess")
        form = http.get(reply.headers["location"])
        assert 'name="next" value="/admin/iflow/access"' in form.text
        signed = http.post(
            "/admin/sign-in",
            data={
                "email": tenant.email,
                "password": tenant.password,
                "csrf_token": csrf_of(form),
                "next": "/admin/iflow/access",
            },
        )
        assert (signed.status_code, signed.headers["location"]) == (303, "/admin/iflow/access")
        assert http.get("/admin/iflow/access").status_code == 200


def test_session_cookie_flags_and_page_headers(tenant: ConsoleTenant) -> None:
    with tenant.browser() as http:
        form = http.get("/admin/sign-in")
        assert form.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in form.headers["content-security-policy"]
        assert form.headers["cache-control"] == "no-store"
        reply = tenant.sign_in(http)
        cookie = next(c for c in reply.headers.get_list("set-cookie") if c.startswith("flowsuite_session="))
        flags = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "path=/admin", "samesite=lax"} <= flags
        assert "secure" not in flags  # plain http here; https adds it
        value = cookie.split(";")[0].split("=", 1)[1]
    with tenant.server.db.transaction() as session:
        stored = session.scalars(select(AdminSession.token_hash).where(AdminSession.user_id == tenant.user_id)).all()
    assert stored and value not in stored  # only the keyed hash is kept


@pytest.mark.parametrize("who", ["wrong password", "unknown address"])
def test_a_failed_sign_in_says_the_same_whatever_was_wrong(tenant: ConsoleTenant, who: str) -> None:
    with tenant.browser() as http:
        if who == "wrong password":
            reply = tenant.sign_in(http, password="not-the-password")
        else:
            reply = tenant.sign_in(http, email="nobody@example.com")
        assert reply.status_code == 400
        assert WRONG in reply.text
        assert "flowsuite_session" not in reply.headers.get("set-cookie", "")
        assert http.get("/admin/").status_code == 303


def test_the_address_is_case_insensitive(tenant: ConsoleTenant) -> None:
    with tenant.browser() as http:
        assert tenant.sign_in(http, email=tenant.email.upper()).status_code == 303


def test_sign_in_without_its_csrf_cookie_is_refused(tenant: ConsoleTenant) -> None:
    with tenant.browser() as http:
        form = http.get("/admin/sign-in")
        http.cookies.clear()
        reply = http.post(
            "/admin/sign-in",
            data={"email": tenant.email, "password": tenant.password, "csrf_token": csrf_of(form)},
        )
        assert reply.status_code == 403
        assert "This form has expired" in reply.text


@pytest.mark.parametrize("target", ["//evil.example/admin/", "https://evil.example/", "/api/v1/clients/read.php"])
def test_next_never_leaves_the_console(tenant: ConsoleTenant, target: str) -> None:
    with tenant.browser() as http:
        form = http.get("/admin/sign-in", params={"next": target})
        reply = http.post(
            "/admin/sign-in",
            data={"email": tenant.email, "password": tenant.password, "csrf_token": csrf_of(form), "next": target},
        )
        assert reply.headers["location"] == "/admin/"


def test_sign_out_ends_the_session_for_good(tenant: ConsoleTenant) -> None:
    with tenant.signed_in() as (http, csrf):
        cookie = http.cookies["flowsuite_session"]
        assert http.post("/admin/sign-out", data={"csrf_token": "forged"}).status_code == 403
        reply = http.post("/admin/sign-out", data={"csrf_token": csrf})
        assert (reply.status_code, reply.headers["location"]) == (303, "/admin/sign-in")
    with httpx.Client(base_url=tenant.server.base_url, cookies={"flowsuite_session": cookie}) as replay:
        assert replay.get("/admin/", follow_redirects=False).status_code == 303


def test_an_expired_session_or_a_disabled_user_is_signed_out(tenant: ConsoleTenant) -> None:
    with tenant.signed_in() as (http, _):
        assert http.get("/admin/").status_code == 200
        with tenant.server.db.transaction(write=True) as session:
            session.execute(
                update(AdminSession)
                .where(AdminSession.user_id == tenant.user_id)
                .values(expires_at=dt.datetime(2000, 1, 1))
            )
        assert http.get("/admin/").status_code == 303
    with tenant.signed_in() as (http, _):
        with tenant.server.db.transaction(write=True) as session:
            session.execute(update(AdminUser).where(AdminUser.id == tenant.user_id).values(is_active=False))
        assert http.get("/admin/").status_code == 303
        assert tenant.sign_in(http).status_code == 400


def test_the_session_cookie_is_secure_over_https(tenant: ConsoleTenant) -> None:
    # Behind a TLS proxy on this host: uvicorn takes X-Forwarded-Proto from 127.0.0.1.
    with tenant.browser() as http:
        http.headers["X-Forwarded-Proto"] = "https"
        form = http.get("/admin/sign-in")
        assert "secure" in form.headers["set-cookie"].lower()
        # The browser keeps a Secure cookie for https only; this client speaks http, so hand it back.
        http.cookies.clear()
        http.cookies.set("flowsuite_sign_in", form.cookies["flowsuite_sign_in"])
        reply = http.post(
            "/admin/sign-in", data={"email": tenant.email, "password": tenant.password, "csrf_token": csrf_of(form)}
        )
        cookie = next(c for c in reply.headers.get_list("set-cookie") if c.startswith("flowsuite_session="))
        assert "secure" in {part.strip().lower() for part in cookie.split(";")}
