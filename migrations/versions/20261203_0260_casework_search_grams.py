"""The bigram index of an inspection's casework text for the team's search (issue 14 item 10):
``casework_search_grams``, filled from the petitions, interviews, clues and findings there are.

Revision ID: 20261203_0260
Revises: 20261203_0210
Create Date: 2026-12-03

A new table and its index: nothing existing is locked or rewritten. The backfill reads the
searched tables in primary-key batches (no lock beyond a plain read) and writes only the new
table; archived records (merged clues, withdrawn findings) get no grams, as in
``inspectnet.grams``, whose ``bigrams`` this copies so the revision keeps its meaning.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261203_0260"
down_revision = "20261203_0210"
branch_labels = None
depends_on = None

TABLE = "casework_search_grams"
BATCH = 500
# table, kind (its authz type), searched columns, archivable
SOURCES = (
    (
        "interviews",
        "interview",
        ("interviewee_name", "interviewee_post", "interviewee_unit", "record"),
        True,
    ),
    ("clues", "clue", ("person_name", "person_post", "summary", "assessment"), True),
    ("findings", "finding", ("title", "facts", "basis"), True),
    ("petitions", "petition", ("summary",), False),
)


def _bigrams(text: str) -> set[str]:
    folded = text.casefold()
    return {folded[i : i + 2] for i in range(len(folded) - 1)}


def _backfill() -> None:
    connection = op.get_bind()
    grams = sa.table(
        TABLE,
        sa.column("inspection_id"),
        sa.column("gram"),
        sa.column("kind"),
        sa.column("record_id"),
        sa.column("office_id"),
    )
    for table, kind, columns, archivable in SOURCES:
        listed = ", ".join(("id", "inspection_id", "office_id", *columns))
        live = " AND archived_at IS NULL" if archivable else ""
        after = 0
        while True:
            rows = connection.execute(
                sa.text(
                    f"SELECT {listed} FROM {table} WHERE id > :after{live} ORDER BY id LIMIT :n"
                ),
                {"after": after, "n": BATCH},
            ).all()
            if not rows:
                break
            values = []
            for row in rows:
                found: set[str] = set()
                for text in row[3:]:
                    found |= _bigrams(text or "")
                values.extend(
                    {
                        "inspection_id": row.inspection_id,
                        "gram": gram,
                        "kind": kind,
                        "record_id": row.id,
                        "office_id": row.office_id,
                    }
                    for gram in sorted(found)
                )
            if values:
                op.bulk_insert(grams, values)
            after = rows[-1].id


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("gram", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f(f"fk_{TABLE}_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f(f"fk_{TABLE}_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "inspection_id", "gram", "kind", "record_id", name=op.f(f"pk_{TABLE}")
        ),
    )
    op.create_index(op.f("ix_casework_search_grams_kind_record_id"), TABLE, ["kind", "record_id"])
    _backfill()


def downgrade() -> None:
    op.drop_index(op.f("ix_casework_search_grams_kind_record_id"), table_name=TABLE)
    op.drop_table(TABLE)
