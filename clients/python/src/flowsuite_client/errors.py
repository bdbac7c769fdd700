"""The exceptions the clients raise. Every one carries the server's own message where there is one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class FlowsuiteClientError(Exception):
    """Base of every error this package raises."""


class ConnectionFailed(FlowsuiteClientError):
    """The server could not be reached (or stopped answering) after the retries allowed."""


class UnexpectedResponse(FlowsuiteClientError):
    """The answer is not the API's: an HTML page, a body that is not JSON, or a shape the API never sends.

    Most often `base_url` is wrong (a web server's 404 page is not the API's JSON).
    """

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


class APIError(FlowsuiteClientError):
    """The API refused the request; `message` is the server's text."""

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


class AuthenticationFailed(APIError):
    """The key, token or device serial was missing, unknown, expired or revoked (HTTP 401)."""


class ITFlowError(APIError):
    """ITFlow answered `success: "False"` (its fixed message for the operation, or what was wrong).

    `reason` is flowsuite's precise cause of a failed write (the `X-Flowsuite-Reason` header), since
    ITFlow's own message is the same for every failure of an operation; None from the original.
    """

    def __init__(self, message: str, status_code: int, reason: str | None = None) -> None:
        super().__init__(message if reason is None else f"{message} ({reason})", status_code)
        self.message = message
        self.reason = reason


class IFlowError(APIError):
    """iFlow answered an error that is not a validator failure (`{"error": "..."}`)."""


@dataclass(frozen=True, slots=True)
class FieldError:
    """One failed check of the iFlow validator."""

    field_name: str
    check_name: str
    message: str


class IFlowValidationError(IFlowError):
    """The request did not pass iFlow's validator; `errors` lists every failed check."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        listed = "; ".join(f"{e.field_name} ({e.check_name}): {e.message}" for e in errors)
        super().__init__(f"validation failed: {listed}", 200)
        self.errors = list(errors)


@dataclass(frozen=True, slots=True)
class CflowFieldProblem:
    """One refused field (or parameter) of a Cflow request."""

    field: str
    message: str


class CflowError(APIError):
    """Cflow refused the request (`{"Message", "Errors"}`); `problems` names every offending field."""

    def __init__(self, message: str, status_code: int, problems: Sequence[CflowFieldProblem] = ()) -> None:
        listed = "; ".join(f"{p.field}: {p.message}" for p in problems)
        super().__init__(f"{message} {listed}".strip() if listed else message, status_code)
        self.message = message
        self.problems = list(problems)
