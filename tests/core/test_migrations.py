"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import warnings
from pathlib import Path

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import flowsuite.models  # noqa: F401
from flowsuite.core.db import Base
from flowsuite.core.migrate import upgrade
from tests.conftest import BACKENDS, POSTGRES_ADMIN_URL, fresh_database


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_from_empty_has_no_drift(backend: str, tmp_path: Path) -> None:
    urls = fresh_database(backend, tmp_path)
    url = next(urls)
    try:
        upgrade(url)
        engine = create_engine(url)
        with engine.connect() as connection, warnings.catch_warnings():
            # Expression indexes (lower(email)) cannot be reflected for comparison; they are
            # created by the migration and checked by the duplicate-email tests instead.
            warnings.filterwarnings("ignore", message=".*expression-based index.*")
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        engine.dispose()
        assert differences == []
    finally:
        for _ in urls:
            pass


def test_postgres_url_is_reachable_in_ci() -> None:
    if "postgresql" not in BACKENDS:
        pytest.skip("PostgreSQL not among the test backends")
    with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=5) as connection:
        assert connection.execute("SELECT 1").fetchone() == (1,)
