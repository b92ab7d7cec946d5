"""A step of an inspection may carry the office's recorded decision (qh-zrzyt §11).

Revision ID: 20261201_0083
Revises: 20261201_0082
Create Date: 2026-12-01

One nullable column without a default: PostgreSQL adds it without rewriting the table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0083"
down_revision = "20261201_0082"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inspection_transitions") as batch:
        batch.add_column(sa.Column("decision", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inspection_transitions") as batch:
        batch.drop_column("decision")
