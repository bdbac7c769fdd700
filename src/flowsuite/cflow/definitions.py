"""Workflow definition files (YAML or JSON): read, checked whole, and turned into the wire's field objects.

The format is described in the README (the Cflow face); every problem of a file is reported at once, each with
where it is (`fields[2].type: ...`), so an admin fixes a definition in one pass.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from flowsuite.core.errors import DomainError

FIELD_TYPES = ("text", "textarea", "number", "date", "select", "checkbox", "email", "url")
DEFAULT_STATUSES = ("New", "Approved", "Rejected")
# The statuses the engine acts on, so every review stage must offer them.
REQUIRED_STATUSES = DEFAULT_STATUSES
ANYONE = "anyone"
END = "END"
ROLE_PREFIX = "role:"
# Names the wire gives a meaning of its own: the review stages' fields and the update's record id.
RESERVED_PREFIX = "R_"
RECORD_ID = "RecordId"

_TOP_KEYS = {"name", "display_name", "initiators", "fields", "stages"}
_FIELD_KEYS = {"name", "type", "label", "options", "spec", "help", "default", "default:", "required", "multiple"}
_FIELD_KEYS |= {"multiline"}
_STAGE_KEYS = {"name", "display_name", "reviewers", "statuses"}


class InvalidDefinition(DomainError):
    """The definition file cannot be imported; `problems` says everything that is wrong with it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class StageDefinition:
    name: str
    display_name: str
    reviewers: tuple[str, ...]
    statuses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WorkflowDefinition:
    name: str
    display_name: str
    initiators: tuple[str, ...]
    # Each in the wire's shape: name, type, label, options, spec, help, "default:", required, multiple, multiline.
    fields: tuple[dict[str, Any], ...]
    stages: tuple[StageDefinition, ...]


def read_definition(text: str) -> WorkflowDefinition:
    """The definition in `text` (JSON when it starts with `{`, YAML otherwise), or InvalidDefinition."""
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise InvalidDefinition([f"not valid YAML or JSON: {error}"]) from error
    return parse_definition(data)


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _names(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    """A list of non-empty strings (usernames, roles, statuses)."""
    if not isinstance(value, list) or not value or not all(_text(item) for item in value):
        problems.append(f"{where}: must be a non-empty list of names")
        return ()
    return tuple(str(item).strip() for item in value)


def _people(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    """Usernames and `role:NAME` entries, lower-cased: logins, emails and roles match without regard to case."""
    return tuple(name.lower() for name in _names(value, where, problems))


def _unknown_keys(entry: Mapping[str, Any], allowed: set[str], where: str, problems: list[str]) -> None:
    for key in sorted(set(entry) - allowed, key=str):
        problems.append(f"{where}: unknown key {key!r}")


def _options(raw: Any, where: str, problems: list[str]) -> list[dict[str, str]] | None:
    if not isinstance(raw, list) or not raw:
        problems.append(f"{where}.options: a select needs a non-empty list of options")
        return None
    options = []
    for index, option in enumerate(raw):
        if isinstance(option, Mapping) and _text(option.get("value")):
            value = str(option["value"]).strip()
            options.append({"label": _text(option.get("label")) or value, "value": value})
        elif isinstance(option, (str, int, float)) and not isinstance(option, bool) and str(option).strip():
            options.append({"label": str(option).strip(), "value": str(option).strip()})
        else:
            problems.append(f"{where}.options[{index}]: an option is a name or {{label, value}}")
    if len({o["value"] for o in options}) < len(options):
        problems.append(f"{where}.options: the same value is listed twice")
    return options


def _flag(entry: Mapping[str, Any], key: str, where: str, problems: list[str]) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        problems.append(f"{where}.{key}: must be true or false")
        return False
    return value


def _named(entry: Any, allowed: set[str], where: str, problems: list[str]) -> str | None:
    """The name of a field or stage entry ("" when missing), or None when the entry is not a mapping."""
    if not isinstance(entry, Mapping):
        problems.append(f"{where}: must be a mapping with at least a name")
        return None
    _unknown_keys(entry, allowed, where, problems)
    name = _text(entry.get("name"))
    if name is None:
        problems.append(f"{where}.name: missing")
    return name or ""


def _field(entry: Any, where: str, problems: list[str]) -> dict[str, Any] | None:
    name = _named(entry, _FIELD_KEYS, where, problems)
    if name is None:
        return None
    if name.startswith(RESERVED_PREFIX) or name == RECORD_ID:
        problems.append(f"{where}.name: {name!r} is reserved (R_* fields belong to the review stages)")
    kind = entry.get("type", "text")
    if kind not in FIELD_TYPES:
        problems.append(f"{where}.type: {kind!r} is not one of {', '.join(FIELD_TYPES)}")
    options = _options(entry.get("options"), where, problems) if kind == "select" else None
    if kind != "select" and entry.get("options") is not None:
        problems.append(f"{where}.options: only a select has options")
    help_text = entry.get("help", "")
    if not isinstance(help_text, str):
        problems.append(f"{where}.help: must be text")
    return {
        "name": name,
        "type": kind,
        "label": _text(entry.get("label")) or name,
        "options": options,
        "spec": entry.get("spec"),
        "help": help_text if isinstance(help_text, str) else "",
        "default:": entry.get("default", entry.get("default:")),
        "required": _flag(entry, "required", where, problems),
        "multiple": _flag(entry, "multiple", where, problems),
        "multiline": _flag(entry, "multiline", where, problems),
    }


def _stage(entry: Any, where: str, workflow_name: str, problems: list[str]) -> StageDefinition | None:
    name = _named(entry, _STAGE_KEYS, where, problems)
    if name is None:
        return None
    if name in (END, workflow_name):
        problems.append(f"{where}.name: {name!r} is the name of the first or the last stage")
    reviewers = _people(entry.get("reviewers"), f"{where}.reviewers", problems)
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    if "statuses" in entry:
        statuses = _names(entry["statuses"], f"{where}.statuses", problems)
        missing = [s for s in REQUIRED_STATUSES if s not in statuses]
        if statuses and missing:
            problems.append(f"{where}.statuses: must include {', '.join(missing)}")
        if len(set(statuses)) < len(statuses):
            problems.append(f"{where}.statuses: the same status is listed twice")
    display_name = _text(entry.get("display_name")) or name
    return StageDefinition(name, display_name, reviewers, statuses)


def _duplicates(names: list[str], where: str, problems: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.append(f"{where}: {name!r} is defined twice")
        seen.add(name)


def parse_definition(data: Any) -> WorkflowDefinition:
    """A checked WorkflowDefinition from a loaded YAML/JSON document; InvalidDefinition lists every problem."""
    if not isinstance(data, Mapping):
        raise InvalidDefinition(["the file must hold one mapping with name, fields and stages"])
    problems: list[str] = []
    _unknown_keys(data, _TOP_KEYS, "workflow", problems)
    name = _text(data.get("name"))
    if name is None:
        problems.append("name: missing (the WorkflowName, fixed once imported)")
    elif name == END:
        problems.append("name: END is the name of every workflow's last stage")
    initiators = _people(data.get("initiators", [ANYONE]), "initiators", problems)
    raw_fields, raw_stages = data.get("fields"), data.get("stages")
    if not isinstance(raw_fields, list) or not raw_fields:
        problems.append("fields: must be a non-empty list")
        raw_fields = []
    if not isinstance(raw_stages, list) or not raw_stages:
        problems.append("stages: must be a non-empty list of review stages (END is added by itself)")
        raw_stages = []
    fields = [_field(entry, f"fields[{i}]", problems) for i, entry in enumerate(raw_fields)]
    stages = [_stage(entry, f"stages[{i}]", name or "", problems) for i, entry in enumerate(raw_stages)]
    _duplicates([f["name"] for f in fields if f and f["name"]], "fields", problems)
    _duplicates([s.name for s in stages if s and s.name], "stages", problems)
    if problems or name is None:
        raise InvalidDefinition(problems)
    return WorkflowDefinition(
        name=name,
        display_name=_text(data.get("display_name")) or name,
        initiators=initiators,
        fields=tuple(f for f in fields if f is not None),
        stages=tuple(s for s in stages if s is not None),
    )
