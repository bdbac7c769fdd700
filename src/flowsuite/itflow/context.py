"""Who is calling: the resolved ITFlow key, as services see it."""

from __future__ import annotations

from dataclasses import dataclass

from flowsuite.core.audit import Caller


@dataclass(frozen=True, slots=True)
class KeyContext:
    """A valid ITFlow key: its company, its client scope (None = all clients) and its data key seal.

    The admin console acts as a person of the company, not through a key: its context has no credential
    (`credential_id` None) and names the person in `key_name`.
    """

    credential_id: int | None
    company_id: int
    key_name: str
    client_id: int | None
    sealed_data_key: str
    caller: Caller

    @property
    def all_clients(self) -> bool:
        return self.client_id is None
