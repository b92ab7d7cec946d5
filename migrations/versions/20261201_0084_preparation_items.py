"""Preparation before entry (nmg-2016 §24): requests to the bodies, with due dates and answers.

Revision ID: 20261201_0084
Revises: 20261201_0083
Create Date: 2026-12-01

A new, empty table and its index: nothing existing is locked or rewritten.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0084"
down_revision = "20261201_0083"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "preparation_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column(
            "body",
            sa.Enum(
                "discipline",
                "political_legal",
                "organisation",
                "audit",
                "petition",
                name="preparationbody",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("question", sa.String(length=1000), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("answer", sa.String(length=4000), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_preparation_items_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_preparation_items_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_preparation_items_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preparation_items")),
    )
    # A new, empty table: the index costs nothing to build.
    op.create_index(
        op.f("ix_preparation_items_inspection_id_id"),
        "preparation_items",
        ["inspection_id", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_preparation_items_inspection_id_id"), table_name="preparation_items")
    op.drop_table("preparation_items")
