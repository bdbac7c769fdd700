"""iFlow's domain errors: a validator's failed checks, rendered by the router in one place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flowsuite.core.errors import DomainError


@dataclass(frozen=True, slots=True)
class FieldError:
    """One failed check of one field; `values` fill the message's placeholders."""

    field_name: str
    check_name: str
    values: Mapping[str, str] = field(default_factory=dict)


class ValidationFailed(DomainError):
    """The request did not pass the validator; every failed check is listed."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(", ".join(f"{e.field_name}:{e.check_name}" for e in errors))
        self.errors = errors


class Checks:
    """Collects failed checks so that a reply lists all of them, not just the first."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, field_name: str, check_name: str, **values: str) -> None:
        self.errors.append(FieldError(field_name, check_name, values))

    def failed(self, field_name: str) -> bool:
        return any(e.field_name == field_name for e in self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(list(self.errors))


@dataclass(frozen=True, slots=True)
class Reply:
    """What a wire module writes of a result: the `api_reply` object, and checks that failed without refusing
    it (rendered as its `warning` list)."""

    body: dict[str, object]
    warnings: list[FieldError] = field(default_factory=list)
