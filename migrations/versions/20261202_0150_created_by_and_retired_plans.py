"""``created_by`` on an inspection's node rows: the inspection, its steps, its team and its
preparation items (issue 20: ``createdBy`` on every node); ``archived_at`` on plans (a plan is
retired, never deleted: what was filed of it stays evidence).

As 20261201_0100: a nullable integer with no default and no foreign key, which PostgreSQL
adds without rewriting or scanning the table and SQLite adds in place. Rows already there stay
null ("not recorded"); that revision says why they are not backfilled from the audit log.
``plans.archived_at`` is likewise a nullable column without default: no plan is retired yet.

Revision ID: 20261202_0150
Revises: 20261202_0140
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from inspectnet.db import UTCDateTime

revision = "20261202_0150"
down_revision = "20261202_0140"
branch_labels = None
depends_on = None

TABLES = ("inspections", "inspection_transitions", "team_assignments", "preparation_items")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("created_by", sa.Integer(), nullable=True))
    op.add_column("plans", sa.Column("archived_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("archived_at")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("created_by")
