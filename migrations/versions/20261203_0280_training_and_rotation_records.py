"""Training records (培训记录: 对巡察组成人员进行政治理论和业务培训, qh-zrzyt §8(3); nmg-2016 §6(7))
and rotation history (轮岗交流, nmg-2016 §12) of the persons in the pools (issue 13 item 3).

Revision ID: 20261203_0280
Revises: 20261203_0270
Create Date: 2026-12-03

New, empty tables and their indexes: nothing existing is locked or rewritten.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261203_0280"
down_revision = "20261203_0270"
branch_labels = None
depends_on = None


def _part_of_person(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f(f"fk_{table}_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f(f"fk_{table}_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "training_records",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("course", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        *_part_of_person("training_records"),
    )
    with op.batch_alter_table("training_records", schema=None) as batch_op:
        batch_op.create_index("ix_training_records_person_id_id", ["person_id", "id"], unique=False)
        batch_op.create_index(
            "ix_training_records_person_id_held_on_id",
            ["person_id", "held_on", "id"],
            unique=False,
        )
    op.create_table(
        "rotation_records",
        sa.Column("from_post", sa.String(length=100), nullable=False),
        sa.Column("to_post", sa.String(length=100), nullable=False),
        sa.Column("rotated_on", sa.Date(), nullable=False),
        *_part_of_person("rotation_records"),
    )
    with op.batch_alter_table("rotation_records", schema=None) as batch_op:
        batch_op.create_index("ix_rotation_records_person_id_id", ["person_id", "id"], unique=False)
        batch_op.create_index(
            "ix_rotation_records_person_id_rotated_on_id",
            ["person_id", "rotated_on", "id"],
            unique=False,
        )


def downgrade() -> None:
    for table, dated in (("rotation_records", "rotated_on"), ("training_records", "held_on")):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_person_id_{dated}_id")
            batch_op.drop_index(f"ix_{table}_person_id_id")
        op.drop_table(table)
