"""A kin or interest tie may name the person it is to (official recusal, nmg-2016 §12).

Revision ID: 20261201_0081
Revises: 20261201_0080
Create Date: 2026-12-01

One nullable column without a default (PostgreSQL adds it without rewriting the table); its
foreign key is added NOT VALID and validated in a separate statement on PostgreSQL, so no lock
is held while the (all-null) column is checked. SQLite rebuilds the table in a batch.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0081"
down_revision = "20261201_0080"
branch_labels = None
depends_on = None

FK = "fk_interest_ties_related_person_id_persons"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("interest_ties", sa.Column("related_person_id", sa.Integer(), nullable=True))
        op.execute(
            f"ALTER TABLE interest_ties ADD CONSTRAINT {FK} FOREIGN KEY (related_person_id) "
            "REFERENCES persons (id) ON DELETE SET NULL NOT VALID"
        )
        op.execute(f"ALTER TABLE interest_ties VALIDATE CONSTRAINT {FK}")
    else:
        with op.batch_alter_table("interest_ties") as batch:
            batch.add_column(sa.Column("related_person_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(
                FK, "persons", ["related_person_id"], ["id"], ondelete="SET NULL"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE interest_ties DROP CONSTRAINT {FK}")
        op.drop_column("interest_ties", "related_person_id")
    else:
        with op.batch_alter_table("interest_ties") as batch:
            batch.drop_constraint(FK, type_="foreignkey")
            batch.drop_column("related_person_id")
