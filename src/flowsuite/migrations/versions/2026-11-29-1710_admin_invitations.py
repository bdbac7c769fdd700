"""admin invitations: one-time links to join a company's console

Revision ID: 5b7c1e9f0a24
Revises: 8d2e4b6a1c37
Create Date: 2026-11-29 17:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b7c1e9f0a24"
down_revision: str | None = "8d2e4b6a1c37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "admin_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_admin_invitations_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"], ["admin_users.id"], name=op.f("fk_admin_invitations_invited_by_admin_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_admin_invitations_token_hash")),
    )
    op.create_index(op.f("ix_admin_invitations_company_id"), "admin_invitations", ["company_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_admin_invitations_company_id"), table_name="admin_invitations")
    op.drop_table("admin_invitations")
