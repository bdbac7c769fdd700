"""The values of one ITFlow request, with the original's rules of where each is read from.

Services get this plain mapping (query string and decoded body), never the HTTP request. A JSON
`null` counts as absent, as in the original (`isset`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from flowsuite.core.errors import InvalidInput

_INTEGER = re.compile(r"[+-]?\d+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
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
