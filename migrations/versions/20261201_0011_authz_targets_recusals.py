"""The door learns targets: a target column on policy rows, identities, recusals (回避).

Revision ID: 20261201_0011
Revises: 20261201_0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0011"
down_revision = "20261201_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows stored before the target column keep their meaning: a p row's values shift so that
    # the target (v5) is * and the action and effect move to v6 and v7.
    with op.batch_alter_table("policy_rules") as batch:
        batch.add_column(sa.Column("v7", sa.String(length=120), nullable=False, server_default=""))
    op.execute("UPDATE policy_rules SET v7 = v6, v6 = v5, v5 = '*' WHERE ptype = 'p' AND v6 <> ''")
    op.create_table(
        "person_identities",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("identity_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_person_identities_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_identities")),
    )
    op.create_index(op.f("ix_person_identities_identity_id"), "person_identities", ["identity_id"])
    op.create_table(
        "recusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("identity_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_recusals_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_recusals_target_id_targets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recusals")),
    )
    op.create_index(op.f("ix_recusals_identity_id"), "recusals", ["identity_id"])
    op.create_index(op.f("ix_recusals_office_id"), "recusals", ["office_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_recusals_office_id"), table_name="recusals")
    op.drop_index(op.f("ix_recusals_identity_id"), table_name="recusals")
    op.drop_table("recusals")
    op.drop_index(op.f("ix_person_identities_identity_id"), table_name="person_identities")
    op.drop_table("person_identities")
    op.execute("UPDATE policy_rules SET v5 = v6, v6 = v7 WHERE ptype = 'p' AND v7 <> ''")
    with op.batch_alter_table("policy_rules") as batch:
        batch.drop_column("v7")
