"""Platform grants: roles held over the whole platform (平台运维), not in an office.

Revision ID: 20261201_0005
Revises: 20261201_0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0005"
down_revision = "20261201_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "platform_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_accounts.id"],
            name=op.f("fk_platform_grants_user_id_user_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_grants")),
        sa.UniqueConstraint("user_id", "role", name=op.f("uq_platform_grants_user_id_role")),
    )


def downgrade() -> None:
    op.drop_table("platform_grants")
