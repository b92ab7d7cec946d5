"""A finding withdrawn (撤销) keeps why and by whom (issue 14): ``findings.withdrawn_reason``
and ``findings.withdrawn_by``, both nullable without default, which PostgreSQL adds without
rewriting or scanning the table and SQLite adds in place. A finding already withdrawn before
this revision keeps a null reason ("not recorded").

Revision ID: 20261203_0230
Revises: 20261202_0170
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261203_0230"
down_revision = "20261202_0170"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("findings", sa.Column("withdrawn_reason", sa.String(length=2000), nullable=True))
    op.add_column("findings", sa.Column("withdrawn_by", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("withdrawn_by")
        batch.drop_column("withdrawn_reason")
