"""Database.transaction: a pipelined transaction commits like any other and fails like any other."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from flowsuite.core.db import utc_now
from flowsuite.core.wiretext import PreparedQuery, insert_statement, timestamp_param
from flowsuite.tenancy.models import Company
from tests.conftest import LiveServer

# Written on the driver cursor and reading nothing back: what a pipelined transaction is for.
_NEW_COMPANY = PreparedQuery(
    lambda _dialect: insert_statement(Company.__table__, ("name", "timezone", "created_at"))  # type: ignore[arg-type]
)


def add_company(session: Session, name: str) -> None:
    params = {"name": name, "timezone": "Europe/Bucharest", "created_at": timestamp_param(utc_now())}
    _NEW_COMPANY.execute(session, params)


def company_names(server: LiveServer, *names: str) -> list[str]:
    with server.db.transaction() as session:
        return list(session.scalars(select(Company.name).where(Company.name.in_(names)).order_by(Company.name)))


def test_a_pipelined_transaction_commits_its_queued_writes(server: LiveServer) -> None:
    first, second = f"Pipelined {uuid.uuid4().hex}", f"Pipelined {uuid.uuid4().hex}"
    with server.db.transaction(write=True, pipelined=True) as session:
        add_company(session, first)
        add_company(session, second)
    assert company_names(server, first, second) == sorted([first, second])


def test_a_refused_queued_write_raises_integrity_error_and_writes_nothing(server: LiveServer) -> None:
    taken, fresh = f"Taken {uuid.uuid4().hex}", f"Fresh {uuid.uuid4().hex}"
    with server.db.transaction(write=True) as session:
        add_company(session, taken)
    # On PostgreSQL the unique index's refusal arrives only at the final sync, after COMMIT was queued.
    with pytest.raises(IntegrityError), server.db.transaction(write=True, pipelined=True) as session:
        add_company(session, fresh)
        add_company(session, taken)
    assert company_names(server, taken, fresh) == [taken]
    # The connection went back to the pool in a usable state.
    with server.db.transaction(write=True, pipelined=True) as session:
        add_company(session, fresh)
    assert company_names(server, taken, fresh) == sorted([taken, fresh])
