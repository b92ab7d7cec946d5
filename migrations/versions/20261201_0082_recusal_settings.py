"""An office's look-back for post recusal (an office setting: the seeds give no number).

Revision ID: 20261201_0082
Revises: 20261201_0081
Create Date: 2026-12-01

A new, empty table and its unique constraint: nothing existing is locked or rewritten.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0082"
down_revision = "20261201_0081"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recusal_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("look_back_years", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_recusal_settings_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recusal_settings")),
        sa.UniqueConstraint("office_id", name=op.f("uq_recusal_settings_office_id")),
    )


def downgrade() -> None:
    op.drop_table("recusal_settings")
