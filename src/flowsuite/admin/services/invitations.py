"""Inviting people to the console, and the people of a company: who may sign in.

An invitation is a one-time link shown once to the person who made it (flowsuite sends no mail: they pass
it on). Opening it lets the invitee choose a password, which creates their account in the inviter's company
and signs them in. Only the link's keyed hash is kept; it lasts INVITATION_LIFETIME, and inviting the same
address again replaces a pending invitation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from flowsuite.admin.models import AdminInvitation, AdminSession, AdminUser
from flowsuite.admin.services.accounts import Console, NewSession, create_user, normal_email, sign_in
from flowsuite.core.audit import Caller
from flowsuite.core.db import utc_now
from flowsuite.core.errors import Conflict, InvalidInput, NotFound
from flowsuite.core.secrets import ServerSecret, new_token

INVITATION_LIFETIME = dt.timedelta(days=7)


@dataclass(frozen=True, slots=True)
class InvitationLine:
    id: int
    email: str
    name: str
    invited_by: str
    expires_at: dt.datetime
    state: str


def _taken(session: Session, email: str) -> bool:
    return session.scalar(select(AdminUser.id).where(func.lower(AdminUser.email) == email.lower())) is not None


def invite(session: Session, secret: ServerSecret, console: Console, email: str, name: str = "") -> str:
    """A new invitation to the console's company; returns the token for its link (shown once)."""
    email = normal_email(email)
    if _taken(session, email):
        raise Conflict(f"There is already a console user with the address {email}.")
    now = utc_now()
    session.execute(
        update(AdminInvitation)
        .where(
            AdminInvitation.company_id == console.company_id,
            func.lower(AdminInvitation.email) == email.lower(),
            AdminInvitation.accepted_at.is_(None),
            AdminInvitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    token = new_token(32)
    session.add(
        AdminInvitation(
            company_id=console.company_id,
            email=email,
            name=name.strip(),
            token_hash=secret.hash_token(token),
            invited_by=console.user_id,
            created_at=now,
            expires_at=now + INVITATION_LIFETIME,
        )
    )
    session.flush()
    return token


def _state(invitation: AdminInvitation, now: dt.datetime) -> str:
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    return "expired" if invitation.expires_at <= now else "pending"


def invitations(session: Session, company_id: int) -> list[InvitationLine]:
    """The company's invitations, newest first."""
    rows = session.execute(
        select(AdminInvitation, AdminUser.email)
        .join(AdminUser, AdminUser.id == AdminInvitation.invited_by)
        .where(AdminInvitation.company_id == company_id)
        .order_by(AdminInvitation.id.desc())
        .limit(100)
    )
    now = utc_now()
    return [InvitationLine(i.id, i.email, i.name, inviter, i.expires_at, _state(i, now)) for i, inviter in rows]


def revoke_invitation(session: Session, company_id: int, invitation_id: int) -> None:
    found = session.scalar(
        select(AdminInvitation).where(AdminInvitation.company_id == company_id, AdminInvitation.id == invitation_id)
    )
    if found is None:
        raise NotFound(f"No invitation with id {invitation_id}.")
    if found.accepted_at is None and found.revoked_at is None:
        found.revoked_at = utc_now()
        session.flush()


def open_invitation(session: Session, secret: ServerSecret, token: str) -> AdminInvitation | None:
    """The pending invitation the link names, or None (unknown, used, revoked or expired)."""
    if not token or len(token) > 128:
        return None
    found = session.scalar(select(AdminInvitation).where(AdminInvitation.token_hash == secret.hash_token(token)))
    if found is None or _state(found, utc_now()) != "pending":
        return None
    return found


def accept(session: Session, secret: ServerSecret, token: str, password: str, caller: Caller) -> NewSession:
    """Creates the invitee's account with `password` and signs them in; NotFound if the link is no good."""
    invitation = open_invitation(session, secret, token)
    if invitation is None:
        raise NotFound("This invitation link is not valid any more: ask for a new one.")
    if _taken(session, invitation.email):
        raise Conflict(f"There is already a console user with the address {invitation.email}.")
    create_user(
        session, company_id=invitation.company_id, email=invitation.email, name=invitation.name, password=password
    )
    invitation.accepted_at = utc_now()
    started = sign_in(session, secret, email=invitation.email, password=password, caller=caller)
    assert started is not None
    return started


def set_active(session: Session, console: Console, user_id: int, active: bool) -> AdminUser:
    """Lets a user of the company sign in again, or stops them (ending their sessions); never oneself."""
    if user_id == console.user_id:
        raise InvalidInput("user_id", "You cannot disable your own account.")
    user = session.scalar(select(AdminUser).where(AdminUser.company_id == console.company_id, AdminUser.id == user_id))
    if user is None:
        raise NotFound(f"No console user with id {user_id}.")
    user.is_active = active
    if not active:
        session.execute(delete(AdminSession).where(AdminSession.user_id == user.id))
    session.flush()
    return user
