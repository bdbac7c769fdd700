"""The service tier's fixtures: a migrated database per backend and a rolled-back session per test."""

from tests.services import migrated, session

__all__ = ["migrated", "session"]
