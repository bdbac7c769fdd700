"""Cflow's domain errors; the router gives each its HTTP status and the `{"Message", "Errors"}` body."""

from __future__ import annotations

from dataclasses import dataclass

from flowsuite.core.errors import DomainError


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """What is wrong with one field (or parameter) of a request."""

    field: str
    message: str


class NotAuthenticated(DomainError):
    """The API key, user key or username does not identify a user of a company (HTTP 401)."""


class InvalidFields(DomainError):
    """One or more fields or parameters are refused; every one is listed (HTTP 400)."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        names = ", ".join(dict.fromkeys(p.field for p in problems))
        super().__init__(f"Invalid value for: {names}.")
        self.problems = problems


class NotAllowed(DomainError):
    """The user may not do this: not an initiator of the workflow, not a reviewer of the stage (HTTP 403)."""


class RecordNotFound(DomainError):
    """No such record in this company's workflow (HTTP 404)."""


class StageConflict(DomainError):
    """The record is not at the stage the update names, or has already reached END (HTTP 409)."""


class Problems:
    """Collects problems so that a reply names every offending field, not just the first."""

    def __init__(self) -> None:
        self.found: list[FieldProblem] = []

    def add(self, field: str, message: str) -> None:
        self.found.append(FieldProblem(field, message))

    def raise_if_any(self) -> None:
        if self.found:
            raise InvalidFields(list(self.found))
