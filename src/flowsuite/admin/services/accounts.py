"""Console users, their passwords (argon2id) and their sessions.

A session is a random cookie value; only its keyed hash is stored, with the session's CSRF token and its
absolute expiry. Signing in with a wrong password and with an unknown address take the same time (a
password is verified against a dummy hash when there is no account), so the form does not tell which
addresses have accounts.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import deque
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from flowsuite.admin.models import AdminSession, AdminUser
from flowsuite.core.audit import Caller
from flowsuite.core.db import utc_now
from flowsuite.core.errors import Conflict, InvalidInput
from flowsuite.core.secrets import ServerSecret, new_token
from flowsuite.tenancy.models import Company

SESSION_LIFETIME = dt.timedelta(hours=12)
MIN_PASSWORD_LENGTH = 12
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash(new_token(16))


@dataclass(frozen=True, slots=True)
class Console:
    """Who is signed in, for which company, and the CSRF token their forms must carry."""

    session_id: int
    user_id: int
    email: str
    name: str
    company_id: int
    company_name: str
    company_timezone: str
    csrf_token: str


@dataclass(frozen=True, slots=True)
class NewSession:
    cookie: str
    console: Console


def normal_email(email: str) -> str:
    email = email.strip()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise InvalidInput("email", "Enter an e-mail address such as ana@example.com.")
    return email


def create_user(
    session: Session, *, company_id: int, email: str, name: str = "", password: str | None = None
) -> tuple[AdminUser, str]:
    """A new console user of the company, and their password (a new random one unless given)."""
    email = normal_email(email)
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    taken = session.scalar(select(AdminUser.id).where(func.lower(AdminUser.email) == email.lower()))
    if taken is not None:
        raise Conflict(f"There is already a console user with the address {email}.")
    password = password or new_token(18)
    user = AdminUser(company_id=company_id, email=email, name=name.strip(), password_hash=_HASHER.hash(password))
    session.add(user)
    session.flush()
    return user, password


def set_password(session: Session, user: AdminUser, password: str | None = None) -> str:
    """Gives the user a new password (a new random one unless given) and ends their sessions."""
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    password = password or new_token(18)
    user.password_hash = _HASHER.hash(password)
    session.execute(delete(AdminSession).where(AdminSession.user_id == user.id))
    session.flush()
    return password


def list_users(session: Session, company_id: int) -> list[AdminUser]:
    return list(session.scalars(select(AdminUser).where(AdminUser.company_id == company_id).order_by(AdminUser.email)))


def _verified(user: AdminUser | None, password: str) -> bool:
    try:
        return _HASHER.verify(user.password_hash if user is not None else _DUMMY_HASH, password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


def sign_in(session: Session, secret: ServerSecret, *, email: str, password: str, caller: Caller) -> NewSession | None:
    """A new session for the active user with this address and password, or None."""
    user = session.scalar(
        select(AdminUser).where(func.lower(AdminUser.email) == email.strip().lower(), AdminUser.is_active.is_(True))
    )
    if not _verified(user, password):
        return None
    assert user is not None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    now = utc_now()
    user.last_sign_in_at = now
    cookie = new_token(32)
    row = AdminSession(
        company_id=user.company_id,
        user_id=user.id,
        token_hash=secret.hash_token(cookie),
        csrf_token=new_token(32),
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
        ip=caller.ip,
        user_agent=(caller.user_agent or "")[:255] or None,
    )
    session.add(row)
    session.flush()
    console = _console(session, secret, cookie)
    assert console is not None
    return NewSession(cookie, console)


def _console(session: Session, secret: ServerSecret, cookie: str) -> Console | None:
    row = session.execute(
        select(
            AdminSession.id,
            AdminSession.csrf_token,
            AdminUser.id,
            AdminUser.email,
            AdminUser.name,
            Company.id,
            Company.name,
            Company.timezone,
        )
        .join(AdminUser, AdminUser.id == AdminSession.user_id)
        .join(Company, Company.id == AdminSession.company_id)
        .where(
            AdminSession.token_hash == secret.hash_token(cookie),
            AdminSession.expires_at > utc_now(),
            AdminUser.is_active.is_(True),
        )
    ).first()
    if row is None:
        return None
    session_id, csrf, user_id, email, name, company_id, company_name, timezone = row
    return Console(session_id, user_id, email, name, company_id, company_name, timezone, csrf)


def current_console(session: Session, secret: ServerSecret, cookie: str | None) -> Console | None:
    """The signed-in console the session cookie names, or None (absent, unknown, expired, user disabled)."""
    if not cookie or len(cookie) > 128:
        return None
    return _console(session, secret, cookie)


def sign_out(session: Session, console: Console) -> None:
    """Ends the session, and any of the user's sessions that have expired meanwhile."""
    session.execute(
        delete(AdminSession).where(
            AdminSession.user_id == console.user_id,
            (AdminSession.id == console.session_id) | (AdminSession.expires_at <= utc_now()),
        )
    )


class SignInThrottle:
    """Refuses sign-in attempts after too many failures for one address or from one client, per process.

    Per e-mail address it stops guessing one account's password; per client address it stops one client
    trying many accounts. A success clears its e-mail address's failures.
    """

    def __init__(self, per_email: int = 5, per_client: int = 20, window: float = 900, max_keys: int = 100_000) -> None:
        self.max_keys = max_keys
        self.per_email = per_email
        self.per_client = per_client
        self.window = window
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and now - times[0] >= self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def retry_after(self, email: str, client: str | None) -> int:
        """Seconds until this address may try again from this client; 0 when it may now."""
        now = time.monotonic()
        waits = [0.0]
        for key, limit in ((f"email:{email.strip().lower()}", self.per_email), (f"client:{client}", self.per_client)):
            times = self._recent(key, now)
            if len(times) >= limit:
                waits.append(self.window - (now - times[-limit]))
        return int(max(waits) + 0.999)

    def failed(self, email: str, client: str | None) -> None:
        now = time.monotonic()
        if len(self._failures) >= self.max_keys:
            # A flood of made-up addresses: forget the oldest half rather than grow without bound.
            for key in list(self._failures)[: self.max_keys // 2]:
                del self._failures[key]
        for key in (f"email:{email.strip().lower()}", f"client:{client}"):
            self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, email: str) -> None:
        self._failures.pop(f"email:{email.strip().lower()}", None)
