"""Who is calling: the company a credential resolved to, and how the caller authenticated."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IFlowContext:
    company_id: int
    # The core credential (api_key or token); None for an RFID device, which is not one.
    credential_id: int | None
    # "api_key", "token" (a Bearer access token), "device" (an RFID terminal's serial), or who calls a service
    # directly: "console", "import" (the CLI) or "demo" (`flowsuite demo`).
    via: str
    device_id: int | None = None
    # What an endpoint's own credential check read along with the credential, for its service (an RFID
    # scan's badge: see services.rfid.authenticate_scan; user/sync's SyncPolicy); None after the face's usual
    # checks.
    read_along: object = None
