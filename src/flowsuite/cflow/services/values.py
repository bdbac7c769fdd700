"""Checking a record's values against its workflow's fields; every offending field is reported."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flowsuite.cflow.errors import Problems

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# The vendor's own format (`3/26/2022 6:30:00 PM`), with or without seconds or a time.
_VENDOR_DATE_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y")
_TRUE, _FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off", ""}


class ValueRefused(Exception):
    """One value does not fit its field; the message says how."""


def parse_date(value: str) -> dt.datetime:
    """`M/D/YYYY h:mm:ss AM/PM` (as the vendor sends) or ISO 8601; ValueError otherwise."""
    text = value.strip()
    for pattern in _VENDOR_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
    return dt.datetime.fromisoformat(text)


def _one(field: Mapping[str, Any], value: Any) -> Any:
    """The stored form of one value of `field`, or ValueRefused."""
    kind, name = field["type"], field["name"]
    if kind == "checkbox":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ValueRefused(f"{name} must be true or false.")
    if kind == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                pass
            else:
                if not math.isfinite(number):
                    raise ValueRefused(f"{name} must be a number.")
                return int(number) if number.is_integer() and "." not in value else number
        raise ValueRefused(f"{name} must be a number.")
    if not isinstance(value, str):
        raise ValueRefused(f"{name} must be a string.")
    if kind == "date":
        try:
            return parse_date(value).isoformat()
        except ValueError:
            raise ValueRefused(f"{name} must be a date as M/D/YYYY h:mm:ss AM/PM or ISO 8601, not {value!r}.") from None
    if kind == "select" and value not in {option["value"] for option in field["options"]}:
        allowed = ", ".join(option["value"] for option in field["options"])
        raise ValueRefused(f"{name}: {value!r} is not one of its options ({allowed}).")
    if kind == "email" and value and not _EMAIL.fullmatch(value.strip()):
        raise ValueRefused(f"{name} must be an email address.")
    if kind == "url" and value and (urlsplit(value.strip()).scheme not in ("http", "https") or "." not in value):
        raise ValueRefused(f"{name} must be an http(s) URL.")
    return value


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def clean_value(field: Mapping[str, Any], value: Any) -> Any:
    """The stored form of `value` for `field` (a list for a multiple field); ValueRefused when it does not fit."""
    if value is None:
        return None
    if field["multiple"]:
        if not isinstance(value, list):
            raise ValueRefused(f"{field['name']} takes a list of values.")
        return [_one(field, item) for item in value]
    return _one(field, value)


def clean_values(
    fields: Mapping[str, Mapping[str, Any]], given: Mapping[str, Any], problems: Problems, *, partial: bool
) -> dict[str, Any]:
    """The values in `given` as stored, each checked against its field; every failure goes to `problems`.

    On a submit (`partial=False`) a required field must have a value; an update may send any subset.
    """
    cleaned: dict[str, Any] = {}
    for name, value in given.items():
        field = fields.get(name)
        if field is None:
            problems.add(name, f"{name} is not a field of this workflow.")
            continue
        try:
            cleaned[name] = clean_value(field, value)
        except ValueRefused as refused:
            problems.add(name, str(refused))
    for name, field in fields.items():
        asked = name in given or not partial
        if field["required"] and asked and _blank(given.get(name)) and not any(p.field == name for p in problems.found):
            problems.add(name, f"{name} is required.")
    return cleaned
