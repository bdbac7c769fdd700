"""RFID terminals: one live badge scan, and a terminal's buffered offline scans.

The terminal authenticates with its serial as `access_token` (resolved to the company and device by the
router, or for a live scan by the scan's own read: authenticate_scan); it never says check-in or
check-out: the server decides from the employee's open interval and the company's check-in reset limit,
with the same rules as `user/clock` (services.attendance).

Replies (ours, in the vendor's `api_reply` style; the vendor's are not public):

- `rfid_devices/auto_attendance`: `{"api_reply": {"user_id": "7", "full_name": "...", "rfid_tag": "...",
  "action": "check_in" | "check_out", "check_in": "Y-m-d H:M:S", "check_out": "" | "Y-m-d H:M:S"}}`
  (company wall-clock times). An unknown or disabled tag is the validator error `rfid_tag` / `rfid_unknown`;
  a second scan within the same second as the check-in is `rfid_tag` / `duplicate_scan`.
- `rfid_v2/offline_attendance/store_attendances`: `csv_data` is a JSON list of `{date: "Y-m-d", time:
  "HH:MM[:SS]", rfidTag, errorMsg}` in company wall-clock time (`errorMsg`, the terminal's own note, is
  not kept), at most MAX_ROWS, applied in the order sent.
  Reply `{"api_reply": {"stored": 3, "refused": 1, "attendances": [{date, time, rfidTag, error_authenticate,
  error_check_in_out, error_csv}, ...]}}`, one result per row in the order sent; each `error_*` is "" when
  that check passed, else its message in the requested language: `error_csv` for a malformed row,
  `error_authenticate` for an unknown tag, `error_check_in_out` for a scan that does not fit the
  employee's recorded intervals (below). A refused row writes nothing; the accepted rows are committed
  together, in the request's one transaction.

Late scans (ours). A terminal that was offline sends scans older than what other terminals recorded
meanwhile, so a buffered scan is placed among the employee's recorded intervals (in the database, or
stored by an earlier row of the batch), not only compared with the open one:

- a scan at the same instant as a recorded check-in or check-out is `duplicate_scan` (a resent buffer);
- a scan strictly inside a recorded closed interval is `inside_interval`: the employee was already in;
- a scan before a recorded interval's check-in can only begin an interval that must end before that
  one: it waits for the employee's next scan in the batch. A next scan before that check-in (and within
  the reset limit) is its check-out, and the pair is stored as one closed interval. Otherwise the
  interval would close at the reset limit: stored so if that is still before the recorded check-in,
  else the check-in is refused as `overlaps_interval` (its interval would overlap the recorded one),
  and the next scan is then taken on its own. A next scan before the waiting check-in is refused as
  `after_check_in`. A waiting check-in the batch never closes is settled the same way at the batch's end;
- any other scan follows the live rules of `user/clock`: a check-out of the open interval, or a check-in
  (after the reset limit, the open interval is closed at check-in + limit first).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from flowsuite.core.db import utc_now
from flowsuite.core.secrets import ServerSecret
from flowsuite.core.wiretext import PreparedQuery, PreparedWrite, execute_in_turn, timestamp_param, wire_text
from flowsuite.iflow import fields
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import Checks, FieldError, Reply
from flowsuite.iflow.fields import Form
from flowsuite.iflow.messages import DEFAULT_LANGUAGE, check_message
from flowsuite.iflow.models import Employee, IFlowSettings, LiveAttendanceInterval, RfidDevice
from flowsuite.iflow.services.attendance import (
    OpenInterval,
    Scan,
    decided_action,
    local_time,
    lock_employee,
    open_interval,
    read_instant,
    record_pair,
    record_scan,
    refused_scan,
    reset_limit,
)
from flowsuite.iflow.services.employees import company_zone
from flowsuite.tenancy.models import Company
from flowsuite.tenancy.service import zone

# A terminal's buffer is bounded; a larger batch is refused whole rather than half-applied.
MAX_ROWS = 1000
_SCAN_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?")


@dataclass(frozen=True, slots=True)
class _Rules:
    tz: zoneinfo.ZoneInfo
    limit: dt.timedelta


def _employee_by_tag(session: Session, company_id: int, tag: str) -> Employee | None:
    return session.scalar(
        select(Employee)
        .where(Employee.company_id == company_id, Employee.rfid_tag == tag, Employee.is_enabled.is_(True))
        .order_by(Employee.id)
        .limit(1)
    )


_INTERVALS = LiveAttendanceInterval.__table__
# An employee's intervals still running at or after an instant: all a batch starting then can meet.
_INTERVALS_SINCE = PreparedQuery(
    lambda dialect: select(
        wire_text(_INTERVALS.c.check_in_at, dialect), wire_text(_INTERVALS.c.check_out_at, dialect)
    ).where(
        _INTERVALS.c.company_id == bindparam("company_id"),
        _INTERVALS.c.employee_id == bindparam("employee_id"),
        or_(_INTERVALS.c.check_out_at.is_(None), _INTERVALS.c.check_out_at >= bindparam("since")),
    )
)

Interval = tuple[dt.datetime, dt.datetime | None]


def _intervals_since(session: Session, company_id: int, employee_id: int, since: dt.datetime) -> list[Interval]:
    params = {"company_id": company_id, "employee_id": employee_id, "since": timestamp_param(since)}
    _, rows = _INTERVALS_SINCE.execute(session, params)
    return [
        (read_instant(check_in), None if check_out is None else read_instant(check_out)) for check_in, check_out in rows
    ]


def _badge(dialect: str, *, lock: bool) -> ScalarSelect[Any]:
    """The id of the employee of the device's company (correlated) with the scanned tag, if enabled."""
    devices, tagged = RfidDevice.__table__, Employee.__table__.alias("tagged")
    badge = (
        select(tagged.c.id)
        .where(
            tagged.c.company_id == devices.c.company_id,
            tagged.c.rfid_tag == bindparam("rfid_tag"),
            tagged.c.is_enabled.is_(True),
        )
        .order_by(tagged.c.id)
        .limit(1)
        .correlate(devices)
    )
    if lock and dialect != "sqlite":
        badge = badge.with_for_update()
    return badge.scalar_subquery()


def _device_where() -> ColumnElement[bool]:
    devices = RfidDevice.__table__
    return and_(devices.c.serial_hash == bindparam("serial_hash"), devices.c.revoked_at.is_(None))


def _scanner_query(dialect: str) -> Select[Any]:
    """The device whose serial hashes to `serial_hash`, its company's zone and reset limit, and the badge's
    employee: a badge scan's credential check and its rules' data.

    No row: no active device has the serial. A row without an employee: no enabled employee of the
    device's company has the tag (the employee is looked up in that company only). The settings row is
    joined, not optional: registering a device (keys.add_device) makes it.

    On PostgreSQL it locks the employee's row, so concurrent scans of one badge queue; SQLite's write
    transaction already holds the only write lock.
    """
    devices, employees, companies = RfidDevice.__table__, Employee.__table__, Company.__table__
    settings = IFlowSettings.__table__
    return (
        select(
            devices.c.id.label("device_id"),
            devices.c.company_id,
            companies.c.timezone,
            settings.c.checkin_reset_limit_hours,
            employees.c.id.label("employee_id"),
            employees.c.full_name,
        )
        .select_from(
            devices.join(companies, companies.c.id == devices.c.company_id)
            .join(settings, settings.c.company_id == devices.c.company_id)
            .outerjoin(employees, employees.c.id == _badge(dialect, lock=True))
        )
        .where(_device_where())
    )


def _badge_interval_query(dialect: str) -> Select[Any]:
    """The same badge's employee (unlocked) and their open interval, if any; no row without an employee."""
    devices, employees, intervals = RfidDevice.__table__, Employee.__table__, LiveAttendanceInterval.__table__
    return (
        select(
            employees.c.id.label("employee_id"),
            intervals.c.id.label("interval_id"),
            wire_text(intervals.c.check_in_at, dialect).label("check_in_at"),
        )
        .select_from(
            devices.join(employees, employees.c.id == _badge(dialect, lock=False)).outerjoin(
                intervals, and_(intervals.c.employee_id == employees.c.id, intervals.c.check_out_at.is_(None))
            )
        )
        .where(_device_where())
    )


_SCANNER = PreparedWrite(_scanner_query)
_BADGE_INTERVAL = PreparedQuery(_badge_interval_query)


@dataclass(frozen=True, slots=True)
class _Badge:
    """What a scan's reads found besides the device: the company's rules, the employee, the open interval."""

    timezone: str
    limit: dt.timedelta
    employee_id: int | None
    full_name: str | None
    interval: OpenInterval | None


def authenticate_scan(session: Session, secret: ServerSecret, serial: str, form: Form) -> IFlowContext | None:
    """The scanning device's context, or None for no active device; carries the badge's read for the scan.

    A badge scan is the terminals' hot path: resolving the device in the same round trip as the badge
    saves one per scan (bench/README.md). Tenant scoping holds: the employee is looked up in the
    device's company only.

    The open interval is read by a statement of its own, sent right after the one that locks the
    employee and read with it (one round trip in the pipeline, core.wiretext.execute_in_turn). Under
    PostgreSQL's READ COMMITTED a statement sees the rows committed when it began: joined into the
    locking statement, the interval was the one from before a concurrent scan of the same badge
    committed, and a scan that had waited for that scan's lock checked out again over its check-out.
    The second statement begins once the lock is granted, so it sees what the other scan committed.
    (Closing the interval only if it is still open, and deciding again otherwise, would need the
    UPDATE's row count before the COMMIT that the pipeline sends with it: a round trip more.)
    """
    params = {"serial_hash": secret.hash_token(serial), "rfid_tag": form.get("rfid_tag", "").strip()}
    (_, rows), (_, interval_rows) = execute_in_turn(session, [(_SCANNER, params), (_BADGE_INTERVAL, params)])
    if not rows:
        return None
    device_id, company_id, timezone, hours, employee_id, full_name = rows[0]
    interval = None
    if employee_id is not None:
        if interval_rows and interval_rows[0][0] == employee_id:
            _, interval_id, check_in_at = interval_rows[0]
            interval = None if interval_id is None else OpenInterval(interval_id, read_instant(check_in_at))
        else:
            # The tag moved to another employee between the two statements: read the locked one's.
            interval = open_interval(session, company_id, employee_id)
    badge = _Badge(timezone, dt.timedelta(hours=hours), employee_id, full_name, interval)
    return IFlowContext(company_id, None, "device", device_id, badge)


def auto_attendance(session: Session, ctx: IFlowContext, form: Form) -> Reply:
    """One badge scan now: checks the employee in, or out of their open interval, with the read that
    authenticated the device (authenticate_scan) and one write."""
    checks = Checks()
    tag = fields.text(form, "rfid_tag", checks, required=True, max_length=64)
    checks.raise_if_any()
    assert tag is not None and isinstance(ctx.read_along, _Badge)
    badge = ctx.read_along
    if badge.employee_id is None:
        checks.fail("rfid_tag", "rfid_unknown")
        checks.raise_if_any()
    assert badge.employee_id is not None
    instant = utc_now().replace(microsecond=0)
    action = decided_action(badge.interval, instant, badge.limit)
    if refused_scan(badge.interval, action, instant, badge.limit) is not None:
        checks.fail("rfid_tag", "duplicate_scan")
        checks.raise_if_any()
    scan = Scan(ctx.company_id, badge.employee_id, action, instant, "rfid", ctx.device_id)
    check_in, check_out = record_scan(session, badge.interval, scan, badge.limit)
    tz = zone(badge.timezone)
    body: dict[str, object] = {
        "user_id": str(badge.employee_id),
        "full_name": badge.full_name,
        "rfid_tag": tag,
        "action": action,
        "check_in": local_time(check_in, tz),
        "check_out": local_time(check_out, tz),
    }
    return Reply(body)


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


def _row_instant(row: Mapping[str, object], tz: zoneinfo.ZoneInfo) -> tuple[dt.datetime | None, FieldError | None]:
    """The row's local date and time as a naive UTC instant, or the first check it fails."""
    day = fields.parse_date(_row_text(row, "date"))
    if day is None:
        return None, FieldError("date", "valid_date")
    clock = _row_text(row, "time")
    if not _SCAN_TIME.fullmatch(clock):
        return None, FieldError("time", "valid_scan_time")
    local = dt.datetime.combine(day, dt.time.fromisoformat(clock), tzinfo=tz)
    return local.astimezone(dt.UTC).replace(tzinfo=None), None


def _is_boundary(intervals: list[Interval], instant: dt.datetime) -> bool:
    return any(instant in (check_in, check_out) for check_in, check_out in intervals)


def _is_inside(intervals: list[Interval], instant: dt.datetime) -> bool:
    return any(check_out is not None and check_in < instant < check_out for check_in, check_out in intervals)


def _next_check_in(intervals: list[Interval], instant: dt.datetime) -> dt.datetime | None:
    """The first recorded check-in after `instant`, if any."""
    return min((check_in for check_in, _ in intervals if check_in > instant), default=None)


@dataclass(slots=True)
class _Waiting:
    """A check-in before a recorded interval, not stored until it has a check-out before `before`."""

    result: dict[str, object]
    scan: Scan
    before: dt.datetime


@dataclass(slots=True)
class _Person:
    """An employee met in the batch: their intervals that the batch can meet, and a waiting check-in."""

    id: int
    intervals: list[Interval]
    waiting: _Waiting | None = None


class _Batch:
    """Applies one terminal's rows in order, remembering employees already found, locked and loaded."""

    def __init__(self, session: Session, ctx: IFlowContext, language: str, rules: _Rules, since: dt.datetime | None):
        self.session = session
        self.ctx = ctx
        self.language = language
        self.rules = rules
        # The batch's earliest scan: no interval that ended before it matters to any row.
        self.since = since
        self.people: dict[str, _Person | None] = {}

    def message(self, error: FieldError) -> str:
        return check_message(self.language, error.check_name, error.field_name, error.values)

    def person(self, tag: str) -> _Person | None:
        if tag not in self.people:
            employee = _employee_by_tag(self.session, self.ctx.company_id, tag)
            person = None
            if employee is not None:
                # Locked before its intervals are read, so a concurrent scan of the same person waits.
                lock_employee(self.session, employee.id)
                assert self.since is not None  # a row with an employee has an instant
                person = _Person(
                    employee.id, _intervals_since(self.session, self.ctx.company_id, employee.id, self.since)
                )
            self.people[tag] = person
        return self.people[tag]

    def apply(self, row: object) -> dict[str, object]:
        """The row's result; a row passing every check is recorded, any other writes nothing."""
        mapping: Mapping[str, object] = row if isinstance(row, dict) else {}
        result: dict[str, object] = {
            "date": _row_text(mapping, "date"),
            "time": _row_text(mapping, "time"),
            "rfidTag": _row_text(mapping, "rfidTag"),
            "error_authenticate": "",
            "error_check_in_out": "",
            "error_csv": "",
        }
        tag = _row_text(mapping, "rfidTag")
        instant, malformed = _row_instant(mapping, self.rules.tz)
        if not tag:
            malformed = FieldError("rfidTag", "required")
        if malformed is not None or instant is None:
            result["error_csv"] = self.message(malformed or FieldError("csv_data", "valid_scan_list"))
            return result
        person = self.person(tag)
        if person is None:
            result["error_authenticate"] = self.message(FieldError("rfidTag", "rfid_unknown"))
            return result
        refusal = self.place(person, instant, result)
        if refusal is not None:
            result["error_check_in_out"] = self.message(refusal)
        return result

    def scan(self, person: _Person, action: str, instant: dt.datetime) -> Scan:
        return Scan(self.ctx.company_id, person.id, action, instant, "rfid", self.ctx.device_id)

    def place(self, person: _Person, instant: dt.datetime, result: dict[str, object]) -> FieldError | None:
        """Records the scan where it falls among the person's intervals (module docstring), or says why not."""
        waiting = person.waiting
        if _is_boundary(person.intervals, instant) or (waiting is not None and waiting.scan.instant == instant):
            return FieldError("rfidTag", "duplicate_scan")
        if _is_inside(person.intervals, instant):
            return FieldError("time", "inside_interval")
        if waiting is not None:
            if instant < waiting.scan.instant:
                return FieldError("time", "after_check_in")
            if instant < waiting.before and instant - waiting.scan.instant < self.rules.limit:
                self.store_pair(person, waiting.scan, instant)
                return None
            self.settle(person)
        before = _next_check_in(person.intervals, instant)
        if before is not None:
            person.waiting = _Waiting(result, self.scan(person, "check_in", instant), before)
            return None
        return self.clock(person, instant)

    def settle(self, person: _Person) -> None:
        """Ends a waiting check-in that got no check-out in time: closed at the reset limit, or refused."""
        waiting = person.waiting
        assert waiting is not None
        closing = waiting.scan.instant + self.rules.limit
        if closing <= waiting.before:
            self.store_pair(person, waiting.scan, closing)
        else:
            person.waiting = None
            waiting.result["error_check_in_out"] = self.message(FieldError("time", "overlaps_interval"))

    def store_pair(self, person: _Person, check_in: Scan, check_out: dt.datetime) -> None:
        record_pair(self.session, check_in, check_out)
        person.intervals.append((check_in.instant, check_out))
        person.waiting = None

    def clock(self, person: _Person, instant: dt.datetime) -> FieldError | None:
        """A scan after every recorded check-in: the live rules, on the open interval."""
        interval = open_interval(self.session, self.ctx.company_id, person.id)
        action = decided_action(interval, instant, self.rules.limit)
        refused = refused_scan(interval, action, instant, self.rules.limit)
        if refused is not None:
            return FieldError("time", refused[1])
        check_in, check_out = record_scan(self.session, interval, self.scan(person, action, instant), self.rules.limit)
        if interval is not None:  # now closed: by this check-out, or (expired) at its limit before this check-in
            closed_at = check_out or interval.check_in_at + self.rules.limit
            person.intervals = [i for i in person.intervals if i != (interval.check_in_at, None)]
            person.intervals.append((interval.check_in_at, closed_at))
        if check_out is None:
            person.intervals.append((check_in, None))
        return None

    def finish(self) -> None:
        """Settles the check-ins still waiting when the rows run out."""
        for person in self.people.values():
            if person is not None and person.waiting is not None:
                self.settle(person)


def _earliest(rows: list[object], tz: zoneinfo.ZoneInfo) -> dt.datetime | None:
    instants = [_row_instant(row, tz)[0] for row in rows if isinstance(row, dict)]
    return min((instant for instant in instants if instant is not None), default=None)


def store_attendances(session: Session, ctx: IFlowContext, form: Form) -> Reply:
    """A terminal's buffered scans, each accepted or refused on its own (see the module's docstring)."""
    checks = Checks()
    rows = _rows(form, checks)
    checks.raise_if_any()
    language = form.get("api_language", "").strip() or DEFAULT_LANGUAGE
    rules = _Rules(company_zone(session, ctx), reset_limit(session, ctx.company_id))
    batch = _Batch(session, ctx, language, rules, _earliest(rows, rules.tz))
    results = [batch.apply(row) for row in rows]
    batch.finish()
    refused = sum(1 for r in results if r["error_authenticate"] or r["error_check_in_out"] or r["error_csv"])
    body: dict[str, object] = {"stored": len(results) - refused, "refused": refused, "attendances": results}
    return Reply(body)
