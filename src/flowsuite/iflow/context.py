"""Who is calling: the company a credential resolved to, and how the caller authenticated."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IFlowContext:
    company_id: int
    credential_id: int
    # "api_key" or "token" (a Bearer access token).
    via: str
