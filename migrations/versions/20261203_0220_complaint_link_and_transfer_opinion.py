"""A discipline record cites the complaint about an inspector it upholds (nmg-2016 §41,
qh-zrzyt §33): ``discipline_records.complaint_id``, a nullable foreign key to
``inspector_complaints`` with a unique index (a complaint is upheld by one record at most).
A transfer carries the opinion on its answer and the decision on it (qh-zrzyt §22):
``transfers.opinion_*``.

Every column is nullable without a default: existing records were observed, not upheld
complaints, and existing transfers have no opinion yet; PostgreSQL adds them without rewriting
the tables. SQLite rebuilds the small discipline table in a batch to add the foreign key.

Revision ID: 20261203_0220
Revises: 20261202_0196
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from inspectnet.db import UTCDateTime

revision = "20261203_0220"
down_revision: str | None = "20261202_0196"
branch_labels = None
depends_on = None


OPINION_COLUMNS = (
    (
        "opinion_kind",
        sa.Enum("handling", "accountability", name="opinionkind", native_enum=False, length=40),
    ),
    ("opinion", sa.String(length=4000)),
    ("opinion_at", UTCDateTime()),
    ("opinion_by", sa.Integer()),
    ("opinion_decision", sa.String(length=4000)),
    ("opinion_decided_as", sa.String(length=40)),
    ("opinion_decided_by", sa.Integer()),
    ("opinion_decided_at", UTCDateTime()),
    ("opinion_rule", sa.String(length=80)),
    ("opinion_article", sa.String(length=40)),
)


def upgrade() -> None:
    for name, type_ in OPINION_COLUMNS:
        op.add_column("transfers", sa.Column(name, type_, nullable=True))
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
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        for name, _type in reversed(OPINION_COLUMNS):
            batch_op.drop_column(name)
