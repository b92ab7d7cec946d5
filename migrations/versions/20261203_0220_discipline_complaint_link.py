"""A discipline record cites the complaint about an inspector it upholds (nmg-2016 §41,
qh-zrzyt §33): ``discipline_records.complaint_id``, a nullable foreign key to
``inspector_complaints`` with a unique index (a complaint is upheld by one record at most).

The column is nullable without a default: existing records were observed, not upheld
complaints, and stay null. SQLite rebuilds the small table in a batch to add the foreign key.

Revision ID: 20261203_0220
Revises: 20261202_0170
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261203_0220"
down_revision = "20261202_0170"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("discipline_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("complaint_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_discipline_records_complaint_id_inspector_complaints",
            "inspector_complaints",
            ["complaint_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_index("ix_discipline_records_complaint_id", ["complaint_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("discipline_records", schema=None) as batch_op:
        batch_op.drop_index("ix_discipline_records_complaint_id")
        batch_op.drop_constraint(
            "fk_discipline_records_complaint_id_inspector_complaints", type_="foreignkey"
        )
        batch_op.drop_column("complaint_id")
