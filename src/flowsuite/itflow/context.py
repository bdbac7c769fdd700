"""Who acts: what the rules need of them (a Scope), who a change is recorded as (an Author), and the
resolved ITFlow key the wire adapter holds (a KeyContext: both, plus its seal of the company's data key)."""

from __future__ import annotations

from dataclasses import dataclass

from flowsuite.core.audit import Actor, Caller


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose records a rule may see and change: the company's, of every client or of one client only."""

    company_id: int
    # The one client an API key is limited to; None for all clients (every person of the console).
    client_id: int | None = None

    @property
    def all_clients(self) -> bool:
        return self.client_id is None


@dataclass(frozen=True, slots=True)
class Author:
    """Who a change is recorded as: an API key (its credential and name) or a person (no credential, the
    person's e-mail), and where the request came from."""

    credential_id: int | None
    name: str
    caller: Caller


@dataclass(frozen=True, slots=True)
class KeyContext:
    """A valid ITFlow key, as the wire adapter resolved it."""

    scope: Scope
    author: Author
    # The company's data key sealed under this key's decrypt password (credentials open it).
    sealed_data_key: str

    @property
    def actor(self) -> Actor:
        """The tenant and the credential, as the pipeline records them."""
        return Actor(self.scope.company_id, self.author.credential_id)
