"""Importing employees from a CSV file whose columns are the sync fields, through user/sync's own service.

Each row is one sync in its own transaction, so a rejected row leaves the others standing and the rules
(required name, CNP check, unique CNP / ID card, team creation) are exactly the API's. A row is matched by
its `update_by` / `update_by_value` columns when the file has them, else by its CNP, else by its ID card.
An empty cell means "not given" (it leaves the field as it is): a spreadsheet's blanks must not wipe data.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flowsuite.core.db import Database
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import FieldError, ValidationFailed
from flowsuite.iflow.messages import DEFAULT_LANGUAGE, check_message
from flowsuite.iflow.services.sync import sync_user


@dataclass(frozen=True, slots=True)
class RowOutcome:
    line: int
    # "created", "updated" or "rejected".
    outcome: str
    messages: list[str] = field(default_factory=list)


@dataclass
class ImportSummary:
    outcomes: list[RowOutcome] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    def rejected(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.outcome == "rejected"]

    def warned(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.outcome != "rejected" and o.messages]


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The file's rows with their line numbers (the header is line 1); `utf-8-sig` eats Excel's BOM."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        return [(reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items() if k}) for row in reader]


def sync_form(row: dict[str, str]) -> dict[str, str]:
    """The sync post a row stands for: its non-empty cells plus how to find the employee."""
    form = {name: value for name, value in row.items() if value}
    if "update_by" not in form:
        by = "cnp" if form.get("cnp") else "id_card"
        form["update_by"] = by
        form.setdefault("update_by_value", form.get(by, ""))
    return form


def _messages(errors: Iterable[FieldError]) -> list[str]:
    return [check_message(DEFAULT_LANGUAGE, e.check_name, e.field_name, e.values) for e in errors]


def import_row(db: Database, company_id: int, line: int, row: dict[str, str]) -> RowOutcome:
    ctx = IFlowContext(company_id, None, "import")
    try:
        with db.transaction(write=True) as session:
            result = sync_user(session, ctx, sync_form(row))
    except ValidationFailed as failed:
        return RowOutcome(line, "rejected", _messages(failed.errors))
    outcome = "created" if "new_user" in result.body else "updated"
    return RowOutcome(line, outcome, _messages(result.warnings))


def import_employees(
    db: Database,
    company_id: int,
    rows: list[tuple[int, dict[str, str]]],
    progress: Callable[[Iterable[tuple[int, dict[str, str]]]], Iterator[tuple[int, dict[str, str]]]] = iter,
) -> ImportSummary:
    """Syncs every row; `progress` wraps the iteration (the CLI's progress bar)."""
    summary = ImportSummary()
    for line, row in progress(rows):
        summary.outcomes.append(import_row(db, company_id, line, row))
    return summary
