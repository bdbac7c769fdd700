"""Alembic, driven from code: `flowsuite db upgrade` and the tests use these."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "flowsuite:migrations")
    config.set_main_option(
        "file_template",
        "%%(year)d-%%(month).2d-%%(day).2d-%%(hour).2d%%(minute).2d_%%(slug)s",
    )
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Brings the database's schema to `revision` (the latest by default)."""
    command.upgrade(alembic_config(database_url), revision)


def new_revision(database_url: str, message: str) -> None:
    """Writes a migration for the difference between the models and the database."""
    command.revision(alembic_config(database_url), message=message, autogenerate=True)


def schema_problem(connection: Connection, database_url: str) -> str | None:
    """What keeps the database's schema from being this flowsuite's, as a sentence for the operator; None if
    it is at the latest migration."""
    current = set(MigrationContext.configure(connection).get_current_heads())
    scripts = ScriptDirectory.from_config(alembic_config(database_url))
    if current == set(scripts.get_heads()):
        return None
    if not current:
        return "has no flowsuite tables yet: run `flowsuite db upgrade`"
    known = {script.revision for script in scripts.walk_revisions()}
    if not current <= known:
        return "was migrated by a newer flowsuite: run that version, or upgrade this one"
    return "has pending migrations: run `flowsuite db upgrade`"
