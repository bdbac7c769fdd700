"""Domain errors. Services raise these; each face renders them in its own envelope."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose."""


class NotFound(DomainError):
    """The record does not exist for this tenant (or is outside the credential's scope)."""


class InvalidInput(DomainError):
    """A field of the request is malformed: the message names the field and what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class Conflict(DomainError):
    """The change would break a uniqueness or state rule (duplicate, already archived, ...)."""


class AccessDenied(DomainError):
    """The credential may not do this."""
