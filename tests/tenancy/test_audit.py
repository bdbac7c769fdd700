"""The audit log, the throttled audit of failed authentications, and a credential's last use.

These open transactions of their own on the Database (as the pipeline calls them), so they run on committed
data; each test's rows carry an address or a company of its own. Time is the test's: `clock` stands in for
the `time` module tenancy.service reads its monotonic clock from.

Depends on: tenancy.service (record_audit, TenancyLedger.record, FailedAuthLog.record, LastUseTracker.note),
core.audit (Caller, Actor, AuditEntry).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from flowsuite.core.audit import Actor, AuditEntry, Caller
from flowsuite.settings import Settings
from flowsuite.tenancy import service as tenancy_service
from flowsuite.tenancy.models import ApiCredential, AuditEvent
from flowsuite.tenancy.service import FailedAuthLog, LastUseTracker, TenancyLedger, issue_credential, record_audit
from tests.services import MigratedDatabase, new_company


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(tenancy_service, "time", clock)
    return clock


def an_address() -> str:
    return f"test-{uuid.uuid4().hex[:16]}"


def events(migrated: MigratedDatabase, **where: Any) -> list[AuditEvent]:
    with migrated.db.transaction() as session:
        conditions = [getattr(AuditEvent, column) == value for column, value in where.items()]
        return list(session.scalars(select(AuditEvent).where(*conditions).order_by(AuditEvent.id)))


def test_record_audit_writes_one_event_in_the_sessions_transaction(session: Session) -> None:
    company_id = new_company(session).id
    caller = Caller("192.0.2.7", "x" * 300)

    record_audit(
        session,
        face="itflow",
        action="create",
        caller=caller,
        company_id=company_id,
        entity_type="client",
        entity_id=12,
        description="d" * 1500,
    )

    [event] = session.scalars(select(AuditEvent).where(AuditEvent.company_id == company_id)).all()
    assert (event.face, event.action, event.entity_type, event.entity_id) == ("itflow", "create", "client", 12)
    assert (event.ip, event.credential_id, event.created_at is not None) == ("192.0.2.7", None, True)
    assert (event.description, event.user_agent) == ("d" * 1000, "x" * 255)


def test_an_empty_user_agent_is_stored_as_none(session: Session) -> None:
    company_id = new_company(session).id

    record_audit(session, face="cflow", action="update", caller=Caller("192.0.2.8", ""), company_id=company_id)

    assert session.scalar(select(AuditEvent.user_agent).where(AuditEvent.company_id == company_id)) is None


def test_an_audit_event_lands_only_if_its_transaction_does(migrated: MigratedDatabase) -> None:
    address = an_address()

    with pytest.raises(RuntimeError), migrated.db.writing() as connection:
        record_audit(connection, face="cflow", action="submit", caller=Caller(address))
        raise RuntimeError("the change failed")
    assert events(migrated, ip=address) == []

    with migrated.db.writing() as connection:
        record_audit(connection, face="cflow", action="submit", caller=Caller(address))
    assert [event.action for event in events(migrated, ip=address)] == ["submit"]


def test_the_ledger_records_who_acted_and_what_changed(session: Session, migrated: MigratedDatabase) -> None:
    company_id = new_company(session).id
    credential, _ = issue_credential(
        session, migrated.secret, company_id=company_id, face="iflow", name="payroll", expires_on=None
    )
    ledger = TenancyLedger(Settings(secret_key="s" * 40))

    ledger.record(
        session,
        face="iflow",
        caller=Caller("192.0.2.9", "curl/8"),
        actor=Actor(company_id, credential.id),
        entry=AuditEntry("user_sync", "Ion Pop", "employee", 7),
    )

    [event] = session.scalars(select(AuditEvent).where(AuditEvent.company_id == company_id)).all()
    assert (event.credential_id, event.action, event.description) == (credential.id, "user_sync", "Ion Pop")
    assert (event.entity_type, event.entity_id, event.ip, event.user_agent) == ("employee", 7, "192.0.2.9", "curl/8")


def _fail(log: FailedAuthLog, migrated: MigratedDatabase, address: str, face: str = "itflow") -> None:
    log.record(migrated.db, face=face, caller=Caller(address, "probe"), description="Invalid API key.")


def test_failed_authentications_are_audited_once_per_window_and_the_next_entry_counts_the_rest(
    migrated: MigratedDatabase, clock: Clock
) -> None:
    log, address = FailedAuthLog(window=60), an_address()

    _fail(log, migrated, address)
    for _ in range(3):
        clock.now += 10
        _fail(log, migrated, address)
    assert [e.description for e in events(migrated, ip=address)] == ["Invalid API key."]

    clock.now += 30.5  # 60.5 s after the written entry
    _fail(log, migrated, address)
    clock.now += 61
    _fail(log, migrated, address)

    written = events(migrated, ip=address)
    assert [e.description for e in written] == [
        "Invalid API key.",
        "Invalid API key. (and 3 more from this address since the previous entry)",
        "Invalid API key.",
    ]
    assert {(e.action, e.face, e.company_id) for e in written} == {("auth_failed", "itflow", None)}


def test_the_window_is_per_face_and_per_address(migrated: MigratedDatabase, clock: Clock) -> None:
    log, address, other_address = FailedAuthLog(window=60), an_address(), an_address()

    _fail(log, migrated, address)
    _fail(log, migrated, address, face="cflow")
    _fail(log, migrated, other_address)

    assert [e.face for e in events(migrated, ip=address)] == ["itflow", "cflow"]
    assert len(events(migrated, ip=other_address)) == 1


def test_a_window_of_zero_audits_every_attempt(migrated: MigratedDatabase, clock: Clock) -> None:
    log, address = FailedAuthLog(window=0), an_address()

    for _ in range(3):
        _fail(log, migrated, address)

    assert [e.description for e in events(migrated, ip=address)] == ["Invalid API key."] * 3


def test_past_its_limit_the_log_forgets_the_quietest_addresses_first(migrated: MigratedDatabase, clock: Clock) -> None:
    log = FailedAuthLog(window=60, max_addresses=2)
    quiet, busy, newcomer = an_address(), an_address(), an_address()
    _fail(log, migrated, quiet)
    _fail(log, migrated, busy)
    _fail(log, migrated, busy)  # throttled, and now the most recently active

    _fail(log, migrated, newcomer)  # the log is full: the older half (the quiet address) is forgotten
    _fail(log, migrated, busy)  # still remembered: throttled
    _fail(log, migrated, quiet)  # forgotten: written again

    assert len(events(migrated, ip=quiet)) == 2
    assert len(events(migrated, ip=busy)) == 1


def _last_used(migrated: MigratedDatabase, credential_id: int) -> Any:
    with migrated.db.transaction() as session:
        return session.scalar(select(ApiCredential.last_used_at).where(ApiCredential.id == credential_id))


def _clear_last_used(migrated: MigratedDatabase, credential_id: int) -> None:
    with migrated.db.transaction(write=True) as session:
        session.get_one(ApiCredential, credential_id).last_used_at = None


def test_last_use_is_written_at_most_once_per_resolution(migrated: MigratedDatabase, clock: Clock) -> None:
    with migrated.db.transaction(write=True) as session:
        company_id = new_company(session).id
        credential, _ = issue_credential(
            session, migrated.secret, company_id=company_id, face="cflow", name="key", expires_on=None
        )
    tracker = LastUseTracker(resolution=60)

    tracker.note(migrated.db, credential.id)
    assert _last_used(migrated, credential.id) is not None

    _clear_last_used(migrated, credential.id)
    clock.now += 59
    tracker.note(migrated.db, credential.id)
    assert _last_used(migrated, credential.id) is None

    clock.now += 1
    tracker.note(migrated.db, credential.id)
    assert _last_used(migrated, credential.id) is not None

    tracker.note(migrated.db, None)  # a person in the console: nothing to write, nothing raised
