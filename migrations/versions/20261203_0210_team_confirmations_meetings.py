"""The team confirmed by the named bodies (审定巡察组组成人员、确定并授权组长, qh-zrzyt §6(3), §9;
nmg-2016 §9) and the team's meetings (组务会, nmg-2016 §10) (issue 13 item 3).

Revision ID: 20261203_0210
Revises: 20261203_0240
Create Date: 2026-12-03

New, empty tables and their indexes: nothing existing is locked or rewritten.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261203_0210"
down_revision = "20261203_0240"
branch_labels = None
depends_on = None


def _scoped(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f(f"fk_{table}_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f(f"fk_{table}_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f(f"fk_{table}_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "team_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("matter", sa.String(length=40), nullable=False),
        sa.Column("decided_by", sa.String(length=40), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("article", sa.String(length=40), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("roster", sa.JSON(), nullable=False),
        *_scoped("team_confirmations"),
    )
    with op.batch_alter_table("team_confirmations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_team_confirmations_inspection_id_id", ["inspection_id", "id"], unique=False
        )
    op.create_table(
        "team_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("decisions", sa.String(length=4000), nullable=False),
        *_scoped("team_meetings"),
    )
    with op.batch_alter_table("team_meetings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_team_meetings_inspection_id_id", ["inspection_id", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("team_meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_team_meetings_inspection_id_id")
    op.drop_table("team_meetings")
    with op.batch_alter_table("team_confirmations", schema=None) as batch_op:
        batch_op.drop_index("ix_team_confirmations_inspection_id_id")
    op.drop_table("team_confirmations")
