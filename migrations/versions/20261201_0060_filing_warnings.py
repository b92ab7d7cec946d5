"""The last warning a due filing raised (临期 / 逾期), so the duties sweep notifies once.

Revision ID: 20261201_0060
Revises: 20261201_0051
Create Date: 2026-12-01

A nullable column without a default: PostgreSQL adds it without rewriting the table; items
already due hold "not warned yet" and the next sweep warns them once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0060"
down_revision = "20261201_0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("filings") as batch:
        batch.add_column(sa.Column("warned", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("filings") as batch:
        batch.drop_column("warned")
