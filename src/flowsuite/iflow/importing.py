"""Importing employees from a CSV file whose columns are the sync fields (`flowsuite iflow import-employees`).

Not a service: a use of the wire adapter's reader by the CLI. A row is read into user/sync's command by
user/sync's own reader of those fields (wire.sync), then run by its service (services.sync); each
row is one sync in its own transaction, so a rejected row leaves the others standing and the checks, rules
(required name, CNP check, unique CNP / ID card, team creation) and messages are exactly the API's. A row is
matched by its `update_by` / `update_by_value` columns when the file has them, else by its CNP, else by its
ID card. An empty cell means "not given" (it leaves the field as it is): a spreadsheet's blanks must not
wipe data.
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
from flowsuite.iflow.services.sync import SyncEmployee, sync_policy, sync_user
from flowsuite.iflow.wire.sync import read_sync


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


def row_sync(row: dict[str, str], strict_cnp: bool) -> SyncEmployee:
    """The sync a row stands for: its non-empty cells, the employee found by the row's `update_by` /
    `update_by_value` cells, else by its CNP, else by its ID card; ValidationFailed for a bad row."""
    cells = {name: value for name, value in row.items() if value}
    if "update_by" not in cells:
        by = "cnp" if cells.get("cnp") else "id_card"
        cells["update_by"] = by
        cells.setdefault("update_by_value", cells.get(by, ""))
    return read_sync(cells, strict_cnp)


def _messages(errors: Iterable[FieldError]) -> list[str]:
    return [check_message(DEFAULT_LANGUAGE, e.check_name, e.field_name, e.values) for e in errors]


def import_row(db: Database, company_id: int, line: int, row: dict[str, str]) -> RowOutcome:
    try:
        with db.transaction(write=True) as session:
            policy = sync_policy(session, company_id)
            ctx = IFlowContext(company_id, None, "import", read_along=policy)
            synced = sync_user(session, ctx, row_sync(row, policy.strict_cnp))
    except ValidationFailed as failed:
        return RowOutcome(line, "rejected", _messages(failed.errors))
    return RowOutcome(line, "created" if synced.created else "updated", _messages(synced.warnings))


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
