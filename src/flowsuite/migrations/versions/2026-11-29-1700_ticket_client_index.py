"""tickets by client: an index for a client's tickets

Revision ID: 8d2e4b6a1c37
Revises: 3f1c9a7d2b10
Create Date: 2026-11-29 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "8d2e4b6a1c37"
down_revision: str | None = "3f1c9a7d2b10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_itflow_tickets_client", "itflow_tickets", ["company_id", "ticket_client_id", "ticket_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_itflow_tickets_client", table_name="itflow_tickets")
