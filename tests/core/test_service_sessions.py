"""The service tier's isolation (tests/services.py): whatever a test's session writes, even committed, is undone.

Depends on: tests.services.rolled_back_session and tenancy.service.create_company.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from flowsuite.tenancy.models import Company
from flowsuite.tenancy.service import create_company
from tests.services import MigratedDatabase, rolled_back_session


def company_ids(migrated: MigratedDatabase, name: str) -> list[int]:
    with migrated.db.read_session() as read_session:
        return list(read_session.scalars(select(Company.id).where(Company.name == name)))


def test_a_test_sessions_writes_are_rolled_back_even_when_committed(migrated: MigratedDatabase) -> None:
    flushed, committed = f"Flushed {uuid.uuid4().hex}", f"Committed {uuid.uuid4().hex}"

    with rolled_back_session(migrated.db) as session:
        create_company(session, committed)
        session.commit()
        create_company(session, flushed)
        # Inside, the session sees its own work, committed or only flushed.
        assert session.scalar(select(Company.id).where(Company.name == committed)) is not None
        assert session.scalar(select(Company.id).where(Company.name == flushed)) is not None

    assert company_ids(migrated, committed) == []
    assert company_ids(migrated, flushed) == []


def test_a_session_rolled_back_inside_the_test_keeps_working(migrated: MigratedDatabase) -> None:
    kept = f"Kept {uuid.uuid4().hex}"

    with rolled_back_session(migrated.db) as session:
        create_company(session, f"Undone {uuid.uuid4().hex}")
        session.rollback()
        create_company(session, kept)
        assert session.scalar(select(Company.id).where(Company.name == kept)) is not None

    assert company_ids(migrated, kept) == []
