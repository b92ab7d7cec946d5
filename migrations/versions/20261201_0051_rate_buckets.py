"""Rate buckets in the database, so sign-in limits hold across workers and replicas.

Revision ID: 20261201_0051
Revises: 20261201_0050
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0051"
down_revision = "20261201_0050"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_buckets",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("level", sa.Float(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_buckets")),
    )
    op.create_index(op.f("ix_rate_buckets_at"), "rate_buckets", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_rate_buckets_at"), table_name="rate_buckets")
    op.drop_table("rate_buckets")
