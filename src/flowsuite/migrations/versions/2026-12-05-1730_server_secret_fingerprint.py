"""server secret fingerprint: the database recognises the secret it was first used with

Revision ID: a61cdad47d3a
Revises: 5b7c1e9f0a24
Create Date: 2026-12-05 17:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a61cdad47d3a"
down_revision: str | None = "5b7c1e9f0a24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The row itself is written by the first server or command that starts with a secret: a migration does
    # not know the secret.
    op.create_table(
        "server_secret",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_secret")),
    )


def downgrade() -> None:
    op.drop_table("server_secret")
