"""A plan's approval by the body its ruleset names: the version approved, when and by whom.

Revision ID: 20261201_0090
Revises: 20261201_0061
Create Date: 2026-12-01

Three nullable columns without defaults on plans: PostgreSQL adds them without rewriting the
table; plans already stored hold "not approved".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0090"
down_revision = "20261201_0100"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("approved_version", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("approved_by", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_plans_approved_by_user_accounts"),
            "user_accounts",
            ["approved_by"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.drop_constraint(op.f("fk_plans_approved_by_user_accounts"), type_="foreignkey")
        batch.drop_column("approved_by")
        batch.drop_column("approved_at")
        batch.drop_column("approved_version")
