"""RFID terminals: one live badge scan, and a terminal's buffered offline scans.

The terminal authenticates with its serial (resolved to the company and device by the face, or for a live
scan by the scan's own read: authenticate_scan); it never says check-in or check-out: the server decides
from the employee's open interval and the company's check-in reset limit, with the same rules as
`user/clock` (services.attendance). The wire (requests and replies) is wire/rfid.py's.

- A live scan (BadgeScan: the tag) checks the badge's employee in or out now (BadgeScanned). An unknown or
  disabled tag is refused (`rfid_tag` / `rfid_unknown`), as is a second scan within the same second as the
  check-in (`rfid_tag` / `duplicate_scan`).
- A terminal's buffered scans (StoreScans: each a tag and a company wall-clock time, or the check a
  malformed row failed) are applied in the order sent, each accepted or refused on its own (ScanOutcome:
  malformed, an unknown badge, or a scan that does not fit the employee's recorded intervals, below). A
  refused scan writes nothing; the accepted ones are committed together, in the request's one transaction.

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
import enum
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from flowsuite.core.db import utc_now
from flowsuite.core.secrets import ServerSecret
from flowsuite.core.wiretext import PreparedQuery, PreparedWrite, execute_in_turn, timestamp_param, wire_text
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import FieldError, ValidationFailed
from flowsuite.iflow.models import Employee, IFlowSettings, LiveAttendanceInterval, RfidDevice
from flowsuite.iflow.services.attendance import (
    ClockAction,
    OpenInterval,
    Scan,
    decided_action,
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


def authenticate_scan(session: Session, secret: ServerSecret, serial: str, tag: str) -> IFlowContext | None:
    """The context of the device with `serial`, or None for no active device; carries the read of the badge
    `tag` for the scan.

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
    params = {"serial_hash": secret.hash_token(serial), "rfid_tag": tag}
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


@dataclass(frozen=True, slots=True)
class BadgeScan:
    """A badge scanned now, at the device that authenticated (whose read of the badge the context carries)."""

    tag: str


@dataclass(frozen=True, slots=True)
class BadgeScanned:
    """The interval a scan opened or closed (naive UTC instants), whose it is, and the company's zone."""

    employee_id: int
    full_name: str
    tag: str
    action: ClockAction
    check_in: dt.datetime
    check_out: dt.datetime | None
    zone: zoneinfo.ZoneInfo


_ACTIONS = {action.value: action for action in ClockAction}


def auto_attendance(session: Session, ctx: IFlowContext, scan: BadgeScan) -> BadgeScanned:
    """One badge scan now: checks the employee in, or out of their open interval, with the read that
    authenticated the device (authenticate_scan) and one write. ValidationFailed for an unknown or disabled
    tag (`rfid_tag` / `rfid_unknown`) or a scan in the same second as the check-in (`duplicate_scan`)."""
    assert isinstance(ctx.read_along, _Badge)
    badge = ctx.read_along
    if badge.employee_id is None:
        raise ValidationFailed([FieldError("rfid_tag", "rfid_unknown")])
    assert badge.full_name is not None  # read with the employee
    instant = utc_now().replace(microsecond=0)
    action = decided_action(badge.interval, instant, badge.limit)
    if refused_scan(badge.interval, action, instant, badge.limit) is not None:
        raise ValidationFailed([FieldError("rfid_tag", "duplicate_scan")])
    recorded = Scan(ctx.company_id, badge.employee_id, action, instant, "rfid", ctx.device_id)
    check_in, check_out = record_scan(session, badge.interval, recorded, badge.limit)
    return BadgeScanned(
        badge.employee_id, badge.full_name, scan.tag, _ACTIONS[action], check_in, check_out, zone(badge.timezone)
    )


# ---- a terminal's buffered scans ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OfflineScan:
    """A buffered badge scan: the tag, and the company wall-clock date and time it was made at (naive)."""

    tag: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class StoreScans:
    """A terminal's buffered scans in the order sent; a row the terminal sent malformed, as the check it failed."""

    scans: list[OfflineScan | FieldError]


class Refusal(enum.Enum):
    """Why a buffered scan was not stored."""

    MALFORMED = "malformed"
    UNKNOWN_BADGE = "unknown_badge"
    # It does not fit the employee's recorded intervals (the module's docstring).
    MISPLACED = "misplaced"


@dataclass(slots=True)
class ScanOutcome:
    """One scan's outcome: stored (no refusal), or refused and the check it failed. A check-in waiting for
    its check-out (the module's docstring) may be refused after later scans are applied."""

    refusal: Refusal | None = None
    reason: FieldError | None = None

    def refuse(self, refusal: Refusal, reason: FieldError) -> None:
        self.refusal, self.reason = refusal, reason


@dataclass(frozen=True, slots=True)
class ScansStored:
    """Each scan's outcome, in the order sent."""

    outcomes: list[ScanOutcome] = field(default_factory=list)

    @property
    def refused(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.refusal is not None)

    @property
    def stored(self) -> int:
        return len(self.outcomes) - self.refused


def _instant(at: dt.datetime, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """A company wall-clock time as a naive UTC instant."""
    return at.replace(tzinfo=tz).astimezone(dt.UTC).replace(tzinfo=None)


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

    outcome: ScanOutcome
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

    def __init__(self, session: Session, ctx: IFlowContext, rules: _Rules, since: dt.datetime | None):
        self.session = session
        self.ctx = ctx
        self.rules = rules
        # The batch's earliest scan: no interval that ended before it matters to any row.
        self.since = since
        self.people: dict[str, _Person | None] = {}

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

    def apply(self, scan: OfflineScan | FieldError) -> ScanOutcome:
        """The scan's outcome; a scan passing every check is recorded, any other writes nothing."""
        outcome = ScanOutcome()
        if isinstance(scan, FieldError):
            outcome.refuse(Refusal.MALFORMED, scan)
            return outcome
        person = self.person(scan.tag)
        if person is None:
            outcome.refuse(Refusal.UNKNOWN_BADGE, FieldError("rfidTag", "rfid_unknown"))
            return outcome
        refusal = self.place(person, _instant(scan.at, self.rules.tz), outcome)
        if refusal is not None:
            outcome.refuse(Refusal.MISPLACED, refusal)
        return outcome

    def scan(self, person: _Person, action: str, instant: dt.datetime) -> Scan:
        return Scan(self.ctx.company_id, person.id, action, instant, "rfid", self.ctx.device_id)

    def place(self, person: _Person, instant: dt.datetime, outcome: ScanOutcome) -> FieldError | None:
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
            person.waiting = _Waiting(outcome, self.scan(person, "check_in", instant), before)
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
            waiting.outcome.refuse(Refusal.MISPLACED, FieldError("time", "overlaps_interval"))

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


def store_attendances(session: Session, ctx: IFlowContext, command: StoreScans) -> ScansStored:
    """A terminal's buffered scans, each accepted or refused on its own (see the module's docstring)."""
    rules = _Rules(company_zone(session, ctx), reset_limit(session, ctx.company_id))
    instants = [_instant(scan.at, rules.tz) for scan in command.scans if isinstance(scan, OfflineScan)]
    batch = _Batch(session, ctx, rules, min(instants, default=None))
    stored = ScansStored([batch.apply(scan) for scan in command.scans])
    batch.finish()
    return stored
