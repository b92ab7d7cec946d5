"""``created_by`` on the rows of the nodes whose creator is known (issue 20: ``createdBy``).

A nullable integer with no default and no foreign key: PostgreSQL adds it without rewriting
or scanning the table, and SQLite adds it in place. Rows already there stay null: the audit
log names each creator, but only by the object's global ID, a keyed permutation of the
primary key that this migration cannot reverse without the deployment's keyring (and a
migration must not need secrets); a null ``createdBy`` reads as "not recorded".

Revision ID: 20261201_0100
Revises: 20261201_0061
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0100"
down_revision = "20261201_0061"
branch_labels = None
depends_on = None

TABLES = (
    "plans",
    "plan_items",
    "targets",
    "leadership_posts",
    "offices",
    "office_link_proposals",
    "filings",
    "filing_decisions",
    "filing_warning_settings",
    "user_accounts",
    "role_grants",
    "target_bindings",
    "break_glass_grants",
    "decision_bodies",
    "body_members",
    "persons",
    "employment_records",
    "interest_ties",
    "pool_memberships",
    "notifications",
)


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("created_by", sa.Integer(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("created_by")
