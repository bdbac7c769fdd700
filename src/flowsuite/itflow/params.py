"""The values of one ITFlow request, with the original's rules of where each is read from and how each
is parsed (a module's fields by its Field table).

The wire adapter's side (itflow.parse builds the services' commands with these): the services never see
Params. A JSON `null` counts as absent, as in the original (`isset`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from flowsuite.core.errors import InvalidInput
from flowsuite.itflow.commands import ColumnValue
from flowsuite.itflow.resources import Field, Resource, digits_only

_INTEGER = re.compile(r"[+-]?\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DURATION = re.compile(r"(\d{1,3}):([0-5]\d):([0-5]\d)")
_MAX_INT = 2**31 - 1


class Params:
    """Query-string and body values. `get` prefers the body for writes and the query for reads."""

    __slots__ = ("body", "prefer_body", "query")

    def __init__(self, query: Mapping[str, Any], body: Mapping[str, Any], *, prefer_body: bool) -> None:
        self.query = query
        self.body = body
        self.prefer_body = prefer_body

    def get(self, name: str) -> Any:
        first, second = (self.body, self.query) if self.prefer_body else (self.query, self.body)
        value = first.get(name)
        return second.get(name) if value is None else value

    def has(self, name: str) -> bool:
        return self.get(name) is not None

    def text(self, name: str, *, max_length: int | None = None, strip: bool = True) -> str | None:
        """A text value (numbers are accepted and written as text), or None if absent."""
        return to_text(name, self.get(name), max_length=max_length, strip=strip)

    def integer(self, name: str) -> int | None:
        return to_integer(name, self.get(name))

    def date(self, name: str) -> dt.date | str | None:
        """A date, None if absent, or "" if sent empty (which clears a date)."""
        return to_date(name, self.get(name))


def to_text(name: str, value: Any, *, max_length: int | None = None, strip: bool = True) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        value = "1" if value else "0"
    elif isinstance(value, (int, float)):
        value = str(value)
    elif not isinstance(value, str):
        raise InvalidInput(name, f"{name} must be text.")
    if "\x00" in value:
        raise InvalidInput(name, f"{name} must not contain NUL characters.")
    if strip:
        value = value.strip()
    if max_length is not None and len(value) > max_length:
        raise InvalidInput(name, f"{name} is too long (at most {max_length} characters).")
    return str(value)


def to_integer(name: str, value: Any) -> int | None:
    """A whole number from a JSON number, a boolean or a digit string; "" counts as absent."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        number = int(value.strip())
    elif isinstance(value, str) and not value.strip():
        return None
    else:
        raise InvalidInput(name, f"{name} must be a whole number.")
    if abs(number) > _MAX_INT:
        raise InvalidInput(name, f"{name} is out of range.")
    return number


def to_money(name: str, value: Any) -> Decimal | None:
    """An amount with two decimals, from a JSON number or a numeric string."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise InvalidInput(name, f"{name} must be a number.")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise InvalidInput(name, f"{name} must be a number.") from error
    if not amount.is_finite() or abs(amount) >= Decimal("1e13"):
        raise InvalidInput(name, f"{name} is out of range.")
    return amount.quantize(Decimal("0.01"))


def to_date(name: str, value: Any) -> dt.date | str | None:
    """A YYYY-MM-DD date; "" (and the original's "0000-00-00") come back as "", meaning no date."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(name, f"{name} must be a date as YYYY-MM-DD.")
    value = value.strip()
    if value in ("", "0000-00-00"):
        return ""
    if not _DATE.fullmatch(value):
        raise InvalidInput(name, f"{name} must be a date as YYYY-MM-DD.")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise InvalidInput(name, f"{name} is not a valid date: {value}.") from error


def to_duration(name: str, value: str) -> dt.time:
    """H:MM:SS (one to three hour digits, as the original accepts) as a time of day, below 24:00:00."""
    match = _DURATION.fullmatch(value)
    if match is None:
        raise InvalidInput(name, f"{name} must be a duration as H:MM:SS.")
    hours, minutes, seconds = (int(part) for part in match.groups())
    if hours > 23:
        raise InvalidInput(name, f"{name} must be below 24:00:00.")
    return dt.time(hours, minutes, seconds)


def field_values(
    resource: Resource, fields: Iterable[Field], lookup: Callable[[str], object]
) -> dict[str, ColumnValue]:
    """The fields present (`lookup` answers None for an absent one), parsed, by column."""
    values: dict[str, ColumnValue] = {}
    for spec in fields:
        raw = lookup(spec.param)
        if raw is not None:
            values[spec.column] = field_value(resource, spec, raw)
    return values


def field_value(resource: Resource, spec: Field, raw: object) -> ColumnValue:
    """One field's value as its kind reads it; text longer than its column is refused."""
    name = spec.param
    if spec.kind in ("text", "html", "digits"):
        text = to_text(name, raw, strip=spec.kind != "html")
        assert text is not None
        if spec.kind == "digits":
            text = digits_only(text)
        if spec.transform is not None:
            text = spec.transform(text)
        limit = resource.column_length(spec.column)
        if limit is not None and len(text) > limit:
            raise InvalidInput(name, f"{name} is too long (at most {limit} characters).")
        return text
    if spec.kind in ("int", "flag"):
        number = to_integer(name, raw)
        if spec.kind == "flag" and number is not None:
            return 1 if number else 0
        return number if number is not None else 0
    if spec.kind == "money":
        return to_money(name, raw)
    if spec.kind == "duration":
        return to_duration(name, to_text(name, raw) or "")
    date = to_date(name, raw)
    return None if date == "" else date
