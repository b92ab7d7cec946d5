"""Second-factor requirements become differences from a default: a row says whether holders of
a role in an office must use a second factor (``required``), where the office's setting differs
from the documented default (intake handlers and leading-group members,
``accounts.requirements.DEFAULT_ROLES``). Rows written before meant "required".

Revision ID: 20261201_0050
Revises: 20261201_0019
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0050"
down_revision = "20261201_0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A constant server default: PostgreSQL adds it without rewriting the table.
    with op.batch_alter_table("second_factor_requirements") as batch:
        batch.add_column(
            sa.Column("required", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    # Rows are kept. A lifted default (required false) exists only for a default role, which no
    # office role grant of the older code can hold, so the row is inert there; upgraded again
    # it reads "required": a round trip errs on the safe side.
    with op.batch_alter_table("second_factor_requirements") as batch:
        batch.drop_column("required")
