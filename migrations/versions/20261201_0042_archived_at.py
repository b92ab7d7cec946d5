"""Archiving instead of deleting evidence: ``archived_at`` on persons and targets.

A nullable column with no default: PostgreSQL adds it without rewriting the table.

Revision ID: 20261201_0042
Revises: 20261201_0041
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from inspectnet.db import UTCDateTime

revision = "20261201_0042"
down_revision = "20261201_0041"
branch_labels = None
depends_on = None

TABLES = ("persons", "targets")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("archived_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("archived_at")
