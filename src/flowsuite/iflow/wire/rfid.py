"""The RFID terminals' wire: a live scan's form read into a BadgeScan and its BadgeScanned written as the
`api_reply`; an offline batch's `csv_data` read into StoreScans and its outcomes written per row.

The terminal authenticates with its serial as the form's `access_token` (the face's `device` credential).
Replies (ours, in the vendor's `api_reply` style; the vendor's are not public):

- `rfid_devices/auto_attendance`: `{"api_reply": {"user_id": "7", "full_name": "...", "rfid_tag": "...",
  "action": "check_in" | "check_out", "check_in": "Y-m-d H:M:S", "check_out": "" | "Y-m-d H:M:S"}}`
  (company wall-clock times).
- `rfid_v2/offline_attendance/store_attendances`: `csv_data` is a JSON list of `{date: "Y-m-d", time:
  "HH:MM[:SS]", rfidTag, errorMsg}` in company wall-clock time (`errorMsg`, the terminal's own note, is
  not kept), at most MAX_ROWS, applied in the order sent.
  Reply `{"api_reply": {"stored": 3, "refused": 1, "attendances": [{date, time, rfidTag, error_authenticate,
  error_check_in_out, error_csv}, ...]}}`, one result per row in the order sent; each `error_*` is "" when
  that check passed, else its message in the requested language: `error_csv` for a malformed row,
  `error_authenticate` for an unknown tag, `error_check_in_out` for a scan that does not fit the
  employee's recorded intervals (services/rfid.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from flowsuite.iflow import fields
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import Checks, FieldError, Reply
from flowsuite.iflow.fields import Form
from flowsuite.iflow.messages import check_message
from flowsuite.iflow.services import rfid
from flowsuite.iflow.services.attendance import local_time
from flowsuite.iflow.services.rfid import BadgeScan, BadgeScanned, OfflineScan, Refusal, ScansStored, StoreScans

# A terminal's buffer is bounded; a larger batch is refused whole rather than half-applied.
MAX_ROWS = 1000
_SCAN_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?")
# The reply's field of each kind of refusal.
ERROR_FIELDS = {
    Refusal.MALFORMED: "error_csv",
    Refusal.UNKNOWN_BADGE: "error_authenticate",
    Refusal.MISPLACED: "error_check_in_out",
}


# ---- a live scan --------------------------------------------------------------------------------------


def scanned_tag(form: Form) -> str:
    """The tag as the scan's credential check reads it along with the device (before the form's checks)."""
    return form.get("rfid_tag", "").strip()


def read_scan(form: Form) -> BadgeScan:
    """The scan the form asks; ValidationFailed for a missing or overlong `rfid_tag`."""
    checks = Checks()
    tag = fields.text(form, "rfid_tag", checks, required=True, max_length=64)
    checks.raise_if_any()
    assert tag is not None
    return BadgeScan(tag)


def scan_reply(result: BadgeScanned) -> Reply:
    body: dict[str, object] = {
        "user_id": str(result.employee_id),
        "full_name": result.full_name,
        "rfid_tag": result.tag,
        "action": result.action.value,
        "check_in": local_time(result.check_in, result.zone),
        "check_out": local_time(result.check_out, result.zone),
    }
    return Reply(body)


# ---- an offline batch ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScanRow:
    """One row as the terminal sent it: its date, time and tag as texts (the reply repeats them), and the
    scan it stands for, or the check it fails."""

    date: str
    time: str
    tag: str
    scan: OfflineScan | FieldError


@dataclass(frozen=True, slots=True)
class OfflineBatch:
    rows: list[ScanRow]


@dataclass(frozen=True, slots=True)
class StoredBatch:
    """The batch as sent, and each of its scans' outcomes."""

    batch: OfflineBatch
    stored: ScansStored


def _rows(form: Form, checks: Checks) -> list[object]:
    """`csv_data` as the list the terminal sent (each row is checked on its own later)."""
    raw = fields.text(form, "csv_data", checks, required=True, max_length=MAX_ROWS * 200)
    if not raw:
        return []
    try:
        rows = json.loads(raw)
    except ValueError:
        rows = None
    if not isinstance(rows, list):
        checks.fail("csv_data", "valid_scan_list")
        return []
    if len(rows) > MAX_ROWS:
        checks.fail("csv_data", "max_items", limit=str(MAX_ROWS))
    return rows


def _row_text(row: Mapping[str, object], name: str) -> str:
    value = row.get(name)
    return value.strip() if isinstance(value, str) else ""


def read_row(row: object) -> ScanRow:
    """A row as its scan, or the first check it fails: a missing tag, else the date's, else the time's."""
    mapping: Mapping[str, object] = row if isinstance(row, dict) else {}
    date, time, tag = _row_text(mapping, "date"), _row_text(mapping, "time"), _row_text(mapping, "rfidTag")
    day = fields.parse_date(date)
    scan: OfflineScan | FieldError
    if not tag:
        scan = FieldError("rfidTag", "required")
    elif day is None:
        scan = FieldError("date", "valid_date")
    elif not _SCAN_TIME.fullmatch(time):
        scan = FieldError("time", "valid_scan_time")
    else:
        scan = OfflineScan(tag, dt.datetime.combine(day, dt.time.fromisoformat(time)))
    return ScanRow(date, time, tag, scan)


def read_batch(form: Form) -> OfflineBatch:
    """The batch `csv_data` holds; ValidationFailed when it is missing, not a JSON list, or too long."""
    checks = Checks()
    rows = _rows(form, checks)
    checks.raise_if_any()
    return OfflineBatch([read_row(row) for row in rows])


def store_attendances(session: Session, ctx: IFlowContext, batch: OfflineBatch) -> StoredBatch:
    """The service's outcomes for the batch's scans, with the batch the reply repeats."""
    command = StoreScans([row.scan for row in batch.rows])
    return StoredBatch(batch, rfid.store_attendances(session, ctx, command))


def batch_reply(result: StoredBatch, language: str) -> Reply:
    """`{stored, refused, attendances}`, a refusal's message in `language`."""
    attendances: list[dict[str, object]] = []
    for row, outcome in zip(result.batch.rows, result.stored.outcomes, strict=True):
        item: dict[str, object] = {
            "date": row.date,
            "time": row.time,
            "rfidTag": row.tag,
            "error_authenticate": "",
            "error_check_in_out": "",
            "error_csv": "",
        }
        if outcome.refusal is not None and outcome.reason is not None:
            reason = outcome.reason
            item[ERROR_FIELDS[outcome.refusal]] = check_message(
                language, reason.check_name, reason.field_name, reason.values
            )
        attendances.append(item)
    body: dict[str, object] = {
        "stored": result.stored.stored,
        "refused": result.stored.refused,
        "attendances": attendances,
    }
    return Reply(body)
