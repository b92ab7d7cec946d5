"""``archived_at`` on offices (issue 20 item 6, the undo of createOffice): an office created by
mistake, or one whose work has ended, is retired, never deleted; every row it owns stays
evidence and the office stays readable for history.

A nullable column without default: PostgreSQL adds it without rewriting or scanning the table
and SQLite adds it in place. No office is retired yet, so nothing is backfilled.

Revision ID: 20261202_0196
Revises: 20261202_0170
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from inspectnet.db import UTCDateTime

revision = "20261202_0196"
down_revision = "20261202_0170"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("offices", sa.Column("archived_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("offices") as batch:
        batch.drop_column("archived_at")
