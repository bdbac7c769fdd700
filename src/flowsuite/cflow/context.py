"""Who is calling: the company the API key resolved to, and the Cflow user the user key named."""

from __future__ import annotations

from dataclasses import dataclass

from flowsuite.cflow.definitions import ANYONE, ROLE_PREFIX


@dataclass(frozen=True, slots=True)
class CflowUserContext:
    company_id: int
    # The company's API key (a core credential).
    credential_id: int
    user_id: int
    username: str
    role: str

    def named_in(self, entries: frozenset[str] | tuple[str, ...]) -> bool:
        """Whether a list of usernames and `role:NAME` entries includes this user ("anyone" includes all)."""
        return (
            ANYONE in entries
            or self.username in entries
            or (bool(self.role) and f"{ROLE_PREFIX}{self.role}" in entries)
        )
