"""ITFlow's failure kinds, beyond the core's InvalidInput. The wire adapter's table (router.ITFlowFace.refusal)
decides how each is answered."""

from __future__ import annotations

from flowsuite.core.errors import DomainError


class OperationFailed(DomainError):
    """The write could not be done (missing field, duplicate, unknown or out-of-scope record).

    The wire answers with the original's fixed message for the operation; `reason` says what
    actually went wrong and travels in the X-Flowsuite-Reason header for whoever debugs a client.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Refused(DomainError):
    """The key may not do this (e.g. a client-scoped key creating clients, a wrong decrypt password).

    Answered with the message itself, since the original has no fixed text for it.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SecretMissing(Refused):
    """The request did not bring a secret the operation needs (credentials' decrypt password)."""
