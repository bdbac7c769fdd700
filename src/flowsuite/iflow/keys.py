"""iFlow credentials: API keys (form field `api_key`) and Bearer access tokens, on the core's table."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from flowsuite.core.db import utc_now
from flowsuite.core.errors import Conflict, InvalidInput, NotFound
from flowsuite.core.secrets import ServerSecret
from flowsuite.core.wiretext import PreparedQuery, Readable
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.models import EventType, IFlowAccessToken, IFlowSettings, RfidDevice
from flowsuite.tenancy.service import CredentialLookup, issue_credential, list_credentials

KEY_FACE = "iflow"
TOKEN_FACE = "iflow_token"
_KEYS = CredentialLookup(KEY_FACE)
_TOKENS = CredentialLookup(TOKEN_FACE)

# The built-in event types every company starts with: code, name, colour, effect on totals.
DEFAULT_EVENT_TYPES = (
    ("paid_leave", "Paid Leave", "#3AB0FF", "subtract"),
    ("other_leave", "Sick Leave", "#FA28FF", "subtract"),
    ("overtime", "Overtime", "#F5A623", "add"),
    ("time_off", "Time Off", "#7ED321", "subtract"),
    ("delegation", "Delegation", "#9B9B9B", "none"),
)


@dataclass(frozen=True)
class IssuedSecret:
    """A new key or token: the secret is only ever seen here."""

    id: int
    secret: str


@dataclass(frozen=True)
class TokenInfo:
    id: int
    label: str
    administrator_name: str
    hint: str
    revoked: bool


def ensure_company_setup(session: Session, company_id: int) -> IFlowSettings:
    """The company's iFlow settings and built-in event types, made on first use."""
    settings = session.get(IFlowSettings, company_id)
    if settings is None:
        settings = IFlowSettings(company_id=company_id, strict_cnp=False, checkin_reset_limit_hours=13)
        session.add(settings)
        for code, name, color, effect in DEFAULT_EVENT_TYPES:
            session.add(EventType(company_id=company_id, code=code, name=name, color=color, effect=effect))
        session.flush()
    return settings


def create_api_key(session: Session, secret: ServerSecret, *, company_id: int, name: str) -> IssuedSecret:
    ensure_company_setup(session, company_id)
    credential, api_key = issue_credential(
        session, secret, company_id=company_id, face=KEY_FACE, name=name, expires_on=None
    )
    return IssuedSecret(credential.id, api_key)


def create_access_token(
    session: Session, secret: ServerSecret, *, company_id: int, label: str, administrator_name: str = ""
) -> IssuedSecret:
    """A Bearer token labelled `label` (the credential's name), assigned to one administrator."""
    ensure_company_setup(session, company_id)
    credential, token = issue_credential(
        session, secret, company_id=company_id, face=TOKEN_FACE, name=label, expires_on=None
    )
    session.add(
        IFlowAccessToken(credential_id=credential.id, company_id=company_id, administrator_name=administrator_name)
    )
    session.flush()
    return IssuedSecret(credential.id, token)


def list_tokens(session: Session, company_id: int) -> list[TokenInfo]:
    administrators = dict(
        session.execute(
            select(IFlowAccessToken.credential_id, IFlowAccessToken.administrator_name).where(
                IFlowAccessToken.company_id == company_id
            )
        ).all()
    )
    return [
        TokenInfo(c.id, c.name, administrators.get(c.id, ""), c.secret_hint, c.revoked_at is not None)
        for c in list_credentials(session, company_id, TOKEN_FACE)
    ]


def authenticate_key(source: Readable, secret: ServerSecret, presented: str) -> IFlowContext | None:
    resolved = _KEYS.resolve(source, secret, presented)
    return None if resolved is None else IFlowContext(resolved.company_id, resolved.id, "api_key")


def authenticate_token(source: Readable, secret: ServerSecret, presented: str) -> IFlowContext | None:
    resolved = _TOKENS.resolve(source, secret, presented)
    return None if resolved is None else IFlowContext(resolved.company_id, resolved.id, "token")


@dataclass(frozen=True)
class DeviceInfo:
    id: int
    name: str
    hint: str
    revoked: bool


def add_device(session: Session, secret: ServerSecret, *, company_id: int, serial: str, name: str = "") -> RfidDevice:
    """Registers an RFID terminal by its serial, which the terminal then sends as `access_token`.

    The serial is printed on the device, so unlike a key it is not ours to show once: only its keyed hash is
    kept, and a serial already registered (to any company) is refused, since it alone names the company.
    """
    serial = serial.strip()
    if not serial:
        raise InvalidInput("serial", "A device needs a serial.")
    serial_hash = secret.hash_token(serial)
    if session.scalar(select(RfidDevice.id).where(RfidDevice.serial_hash == serial_hash)) is not None:
        raise Conflict("This serial is already registered.")
    ensure_company_setup(session, company_id)
    device = RfidDevice(
        company_id=company_id,
        name=name.strip() or f"Terminal {serial[-4:]}",
        serial_hash=serial_hash,
        serial_hint=serial[-4:],
    )
    session.add(device)
    session.flush()
    return device


def list_devices(session: Session, company_id: int) -> list[DeviceInfo]:
    devices = session.scalars(select(RfidDevice).where(RfidDevice.company_id == company_id).order_by(RfidDevice.id))
    return [DeviceInfo(d.id, d.name, d.serial_hint, d.revoked_at is not None) for d in devices]


def remove_device(session: Session, company_id: int, device_id: int) -> RfidDevice:
    """Revokes the device: its serial stops working at once; its past scans keep naming it."""
    device = session.scalar(select(RfidDevice).where(RfidDevice.company_id == company_id, RfidDevice.id == device_id))
    if device is None:
        raise NotFound(f"No RFID device with id {device_id}.")
    if device.revoked_at is None:
        device.revoked_at = utc_now()
    session.flush()
    return device


# Prepared: it authenticates every badge scan, the RFID terminals' hot path.
_DEVICE = PreparedQuery(
    lambda _dialect: select(RfidDevice.id, RfidDevice.company_id).where(
        RfidDevice.serial_hash == bindparam("serial_hash"), RfidDevice.revoked_at.is_(None)
    )
)


def authenticate_device(source: Readable, secret: ServerSecret, serial: str) -> IFlowContext | None:
    """The company of the active device whose serial is `serial`: one indexed read."""
    _, rows = _DEVICE.execute(source, {"serial_hash": secret.hash_token(serial)})
    return None if not rows else IFlowContext(rows[0][1], None, "device", rows[0][0])
