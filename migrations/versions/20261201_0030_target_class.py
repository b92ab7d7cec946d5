"""A target's class of organisation (nmg-2016 §17: the four classes inspected).

Revision ID: 20261201_0030
Revises: 20261201_0019
Create Date: 2026-12-01

A nullable column without a default: PostgreSQL adds it without rewriting the table, and the
rows already stored keep "not stated" until an office sets it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0030"
down_revision = "20261201_0012"
branch_labels = None
depends_on = None

CLASSES = ("LOCAL_LEADERSHIP", "REGIONAL_DEPARTMENT", "ENTERPRISE_OR_INSTITUTION", "OTHER")


def upgrade() -> None:
    with op.batch_alter_table("targets") as batch:
        batch.add_column(
            sa.Column(
                "target_class",
                sa.Enum(*CLASSES, native_enum=False, length=32, name="targetclass"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("targets") as batch:
        batch.drop_column("target_class")
