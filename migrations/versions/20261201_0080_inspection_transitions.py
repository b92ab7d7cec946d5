"""The inspection's life as a state machine: its transitions, its round plan, its follow-up link.

Revision ID: 20261201_0080
Revises: 20261201_0061
Create Date: 2026-12-01

A new table, and two nullable columns without defaults on inspections (PostgreSQL adds them
without rewriting the table). Their foreign keys are added NOT VALID and validated in a separate
statement on PostgreSQL, so no lock is held while the (all-null) column is checked; SQLite
rebuilds the small table in a batch.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0080"
down_revision = "20261201_0090"
branch_labels = None
depends_on = None

STAGES = (
    "planned",
    "team_formed",
    "notified",
    "on_site",
    "left_site",
    "reported",
    "heard",
    "fed_back",
    "archived",
)
FOREIGN_KEYS = (
    ("fk_inspections_plan_id_plans", "plan_id", "plans"),
    ("fk_inspections_follows_id_inspections", "follows_id", "inspections"),
)


def _stage(name: str) -> sa.Column[str]:
    return sa.Column(
        name,
        sa.Enum(*STAGES, name="inspectionstage", native_enum=False, length=40),
        nullable=False,
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("inspections", sa.Column("plan_id", sa.Integer(), nullable=True))
        op.add_column("inspections", sa.Column("follows_id", sa.Integer(), nullable=True))
        for name, column, table in FOREIGN_KEYS:
            op.execute(
                f"ALTER TABLE inspections ADD CONSTRAINT {name} FOREIGN KEY ({column}) "
                f"REFERENCES {table} (id) ON DELETE RESTRICT NOT VALID"
            )
            op.execute(f"ALTER TABLE inspections VALIDATE CONSTRAINT {name}")
    else:
        with op.batch_alter_table("inspections") as batch:
            batch.add_column(sa.Column("plan_id", sa.Integer(), nullable=True))
            batch.add_column(sa.Column("follows_id", sa.Integer(), nullable=True))
            for name, column, table in FOREIGN_KEYS:
                batch.create_foreign_key(name, table, [column], ["id"], ondelete="RESTRICT")

    op.create_table(
        "inspection_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        _stage("from_stage"),
        _stage("to_stage"),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("article", sa.String(length=40), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_transitions_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_inspection_transitions_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_inspection_transitions_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_accounts.id"],
            name=op.f("fk_inspection_transitions_user_id_user_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_transitions")),
    )
    # A new, empty table: the index costs nothing to build.
    op.create_index(
        op.f("ix_inspection_transitions_inspection_id_id"),
        "inspection_transitions",
        ["inspection_id", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_inspection_transitions_inspection_id_id"), table_name="inspection_transitions"
    )
    op.drop_table("inspection_transitions")
    if op.get_bind().dialect.name == "postgresql":
        for name, _column, _table in FOREIGN_KEYS:
            op.execute(f"ALTER TABLE inspections DROP CONSTRAINT {name}")
        op.drop_column("inspections", "follows_id")
        op.drop_column("inspections", "plan_id")
    else:
        with op.batch_alter_table("inspections") as batch:
            for name, _column, _table in FOREIGN_KEYS:
                batch.drop_constraint(name, type_="foreignkey")
            batch.drop_column("follows_id")
            batch.drop_column("plan_id")
