"""Usernames unique per office, not platform-wide: signing in names the office.

Revision ID: 20261201_0003
Revises: 20261201_0001
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "20261201_0003"
down_revision = "20261201_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_accounts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_user_accounts_username"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_user_accounts_office_id_username"), ["office_id", "username"]
        )


def downgrade() -> None:
    # Fails if two offices have since given out the same username: that must be resolved first.
    with op.batch_alter_table("user_accounts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_user_accounts_office_id_username"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_user_accounts_username"), ["username"])
