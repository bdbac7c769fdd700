"""The service tier of the tests: rules run in-process against a real database, without HTTP.

One database per backend and run, migrated with Alembic (`migrated`); per test an ORM session whose work is
rolled back at the end (`session`: the test's transaction is the connection's, and the session only ever
opens SAVEPOINTs inside it, so a service's flushes and prepared statements are all undone). Services that
take a bare `ReadConnection` / `WriteConnection` are tested through `migrated.db.reading()` / `writing()`
on a company of their own instead: those commit, and tenancy keeps tests apart.

The factories build data with the services, in whatever session or transaction they are given.

Folders that use these fixtures import them in their conftest.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from flowsuite.core.db import Database
from flowsuite.core.migrate import upgrade
from flowsuite.core.secrets import ServerSecret
from flowsuite.iflow.context import IFlowContext
from flowsuite.iflow.errors import ValidationFailed
from flowsuite.iflow.services.sync import sync_user
from flowsuite.iflow.wire.sync import read_sync, user_object
from flowsuite.itflow import keys as itflow_keys
from flowsuite.itflow import models as itflow_models
from flowsuite.itflow.services.tickets import STATUS_NEW, next_ticket_number
from flowsuite.tenancy.models import Company
from flowsuite.tenancy.service import create_company
from tests.conftest import BACKENDS, SECRET, fresh_database


@dataclass
class MigratedDatabase:
    """A database at Alembic's head, for one backend, for the whole run."""

    backend: str
    url: str
    db: Database
    secret: ServerSecret


@pytest.fixture(scope="session", params=BACKENDS)
def migrated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MigratedDatabase]:
    backend: str = request.param
    workdir: Path = tmp_path_factory.mktemp(f"services-{backend}")
    urls = fresh_database(backend, workdir)
    url = next(urls)
    try:
        upgrade(url)
        db = Database(url)
        try:
            yield MigratedDatabase(backend, url, db, ServerSecret(SECRET.encode()))
        finally:
            db.dispose()
    finally:
        for _ in urls:  # runs the PostgreSQL generator's clean-up
            pass


@contextmanager
def rolled_back_session(db: Database) -> Iterator[Session]:
    """A session inside a transaction that is rolled back when the block ends (warehouse's pattern).

    The session joins the connection's transaction with a SAVEPOINT of its own, so even a service or a
    test that commits or rolls back the session leaves the outer transaction, and its rollback, in place.
    """
    connection = db.engine.connect()
    outer = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False, autoflush=False
    )
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def session(migrated: MigratedDatabase) -> Iterator[Session]:
    """A session whose work, committed or not, is rolled back after the test."""
    with rolled_back_session(migrated.db) as test_session:
        yield test_session


# ---- factories ------------------------------------------------------------------------------------------


def new_company(session: Session, timezone: str = "Europe/Bucharest") -> Company:
    """A company of its own (a fresh name), through tenancy's service."""
    return create_company(session, f"Company {uuid.uuid4().hex[:12]}", timezone)


def itflow_company(session: Session, secret: ServerSecret, timezone: str = "Europe/Bucharest") -> int:
    """A company with ITFlow set up (ticket statuses, numbering, data key); returns its id."""
    company = new_company(session, timezone)
    itflow_keys.ensure_company_setup(session, secret, company.id)
    return company.id


def itflow_client(session: Session, company_id: int, name: str = "Acme Corp") -> itflow_models.Client:
    client = itflow_models.Client(company_id=company_id, client_name=name)
    session.add(client)
    session.flush()
    return client


def itflow_ticket(
    session: Session, company_id: int, client_id: int = 0, subject: str = "Printer on fire"
) -> itflow_models.Ticket:
    """An open (New) ticket numbered as tickets/create numbers it."""
    prefix, number = next_ticket_number(session, company_id)
    ticket = itflow_models.Ticket(
        company_id=company_id,
        ticket_client_id=client_id,
        ticket_prefix=prefix,
        ticket_number=number,
        ticket_subject=subject,
        ticket_status=STATUS_NEW,
    )
    session.add(ticket)
    session.flush()
    return ticket


def iflow_context(company_id: int) -> IFlowContext:
    """Who acts in an iFlow service call made by a test: the company, as the CSV import acts."""
    return IFlowContext(company_id, None, "import")


@dataclass(frozen=True)
class Synced:
    """What user/sync did, in terms that do not depend on the service's reply shape."""

    created: bool
    employee_id: int
    # The employee's fields as the service reports them (text, or None).
    values: dict[str, object]
    warnings: list[tuple[str, str]]


def sync(session: Session, company_id: int, find_by: str, value: str, **changes: str) -> Synced:
    """user/sync's service: find the company's employee whose `find_by` ("cnp" or "id_card") is `value` and apply
    `changes` (text fields, `full_name`, `team_name`), or create them. The one place the tests call it, so a
    change of its signature (a typed command) is made here; raises its ValidationFailed."""
    # The command as the adapter reads it from these fields (a lenient company: the service checks the CNP).
    command = read_sync({"update_by": find_by, "update_by_value": value, **changes}, strict_cnp=False)
    synced = sync_user(session, iflow_context(company_id), command)
    values = {name: text for name, text in user_object(synced.employee).items() if name != "user_id"}
    warnings = [(warning.field_name, warning.check_name) for warning in synced.warnings]
    return Synced(synced.created, synced.employee["id"], values, warnings)


def sync_refusal(session: Session, company_id: int, find_by: str, value: str, **changes: str) -> list[tuple[str, str]]:
    """The (field, check) pairs user/sync refuses these changes with; fails the test if it accepts them."""
    with pytest.raises(ValidationFailed) as refused:
        sync(session, company_id, find_by, value, **changes)
    return [(error.field_name, error.check_name) for error in refused.value.errors]


def iflow_employee(session: Session, company_id: int, full_name: str = "Ion Popescu", **changes: str) -> int:
    """A new employee made by user/sync, by a fresh id card unless `changes` names one; returns its id."""
    id_card = changes.pop("id_card", f"RX{uuid.uuid4().hex[:8]}")
    synced = sync(session, company_id, "id_card", id_card, full_name=full_name, **changes)
    assert synced.created
    return synced.employee_id
