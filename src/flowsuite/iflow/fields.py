"""Reading form fields (always text) into values, recording every failed check instead of stopping."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from flowsuite.iflow.errors import Checks

Form = Mapping[str, str]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_INTEGER = re.compile(r"[0-9]{1,9}")


def text(form: Form, name: str, checks: Checks, *, required: bool = False, max_length: int = 200) -> str | None:
    """The field stripped of surrounding blanks; None if absent. Present but empty fails `required`."""
    value = form.get(name)
    if value is None or not value.strip():
        if required:
            checks.fail(name, "required")
        return None if value is None else ""
    value = value.strip()
    if len(value) > max_length:
        checks.fail(name, "max_length", limit=str(max_length))
    return value


# Dates outside these years are typing mistakes, and near year 1 or 9999 a time-zone shift would overflow.
FIRST_YEAR, LAST_YEAR = 1900, 2200


def parse_date(value: str) -> dt.date | None:
    if not _DATE.fullmatch(value):
        return None
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return parsed if FIRST_YEAR <= parsed.year <= LAST_YEAR else None


def date(form: Form, name: str, checks: Checks, *, required: bool = False) -> dt.date | None:
    """A `Y-m-d` date; None if absent or empty (and then `required` fails if asked)."""
    value = text(form, name, checks, required=required)
    if not value:
        return None
    parsed = parse_date(value)
    if parsed is None:
        checks.fail(name, "valid_date")
    return parsed


def parse_time(value: str) -> dt.time | None:
    if not _TIME.fullmatch(value):
        return None
    return dt.time(int(value[:2]), int(value[3:]))


def time(form: Form, name: str, checks: Checks, *, required: bool = False) -> dt.time | None:
    """An `HH:MM` local time."""
    value = text(form, name, checks, required=required)
    if not value:
        return None
    parsed = parse_time(value)
    if parsed is None:
        checks.fail(name, "valid_time")
    return parsed


def choice(form: Form, name: str, checks: Checks, allowed: Sequence[str], *, required: bool = False) -> str | None:
    value = text(form, name, checks, required=required)
    if not value:
        return None
    if value not in allowed:
        checks.fail(name, "in_list", allowed=", ".join(allowed))
        return None
    return value


def integer(form: Form, name: str, checks: Checks, *, required: bool = False) -> int | None:
    value = text(form, name, checks, required=required)
    if not value:
        return None
    if not _INTEGER.fullmatch(value):
        checks.fail(name, "valid_integer")
        return None
    return int(value)


def flag(form: Form, name: str, checks: Checks) -> bool | None:
    """The vendor's "0" / "1" booleans."""
    value = text(form, name, checks)
    if not value:
        return None
    if value not in ("0", "1"):
        checks.fail(name, "valid_flag")
        return None
    return value == "1"
