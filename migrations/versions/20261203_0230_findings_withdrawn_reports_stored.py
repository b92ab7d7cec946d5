"""A finding withdrawn (撤销) keeps why and by whom; a report version's DOCX is kept in the
evidence store; a report's approval (审定) is recorded on it (issue 14).

``findings.withdrawn_reason`` and ``findings.withdrawn_by``: nullable without default, which
PostgreSQL adds without rewriting or scanning the table and SQLite adds in place. A finding
already withdrawn before this revision keeps a null reason ("not recorded").

``report_versions.storage_key``: the key of the version's DOCX in the evidence store
(inspectnet/evidence.py), added the same way; ``report_versions.content`` becomes nullable
(PostgreSQL drops NOT NULL without a scan; SQLite rebuilds the table, one row per draft). A
version drafted before this revision keeps its bytes in the row and is served from there; no
bytes are moved on upgrade.

``reports.approver``, ``approved_version``, ``approved_at``, ``approved_by``: nullable without
default, added in place as above. A report drafted before this revision has no approver
recorded; its approval asks the body its office's ruleset names then.

Downgrade brings each stored version's bytes back into its row (batches of 100 by id, read from
the evidence store the settings name; a file missing from the store stops the downgrade rather
than lose a report), then drops the key and makes ``content`` NOT NULL again. That last step
scans report_versions on PostgreSQL; downgrade only, one row per report draft (hundreds per
office, not a large table), so no maintenance window is asked for.

Revision ID: 20261203_0230
Revises: 20261203_0220
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from inspectnet.db import UTCDateTime

revision = "20261203_0230"
down_revision = "20261203_0220"
branch_labels = None
depends_on = None

BATCH = 100


def upgrade() -> None:
    op.add_column("findings", sa.Column("withdrawn_reason", sa.String(length=2000), nullable=True))
    op.add_column("findings", sa.Column("withdrawn_by", sa.Integer(), nullable=True))
    op.add_column("report_versions", sa.Column("storage_key", sa.String(length=64), nullable=True))
    with op.batch_alter_table("report_versions") as batch:
        batch.alter_column("content", existing_type=sa.LargeBinary(), nullable=True)
    op.add_column("reports", sa.Column("approver", sa.String(length=40), nullable=True))
    op.add_column("reports", sa.Column("approved_version", sa.Integer(), nullable=True))
    op.add_column("reports", sa.Column("approved_at", UTCDateTime(), nullable=True))
    op.add_column("reports", sa.Column("approved_by", sa.Integer(), nullable=True))


def _bring_back_stored_versions() -> None:
    from inspectnet import evidence

    bind = op.get_bind()
    versions = sa.table(
        "report_versions",
        sa.column("id", sa.Integer()),
        sa.column("content", sa.LargeBinary()),
        sa.column("storage_key", sa.String()),
        sa.column("sha256", sa.String()),
    )
    store = evidence.active().store
    last = 0
    while True:
        rows = bind.execute(
            sa.select(versions.c.id, versions.c.storage_key, versions.c.sha256)
            .where(versions.c.content.is_(None), versions.c.id > last)
            .order_by(versions.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for pk, key, sha256 in rows:
            if key is None:
                raise RuntimeError(f"report_versions {pk} has neither content nor a stored file")
            bind.execute(
                versions.update().where(versions.c.id == pk).values(content=store.get(key, sha256))
            )
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        for column in ("approved_by", "approved_at", "approved_version", "approver"):
            batch.drop_column(column)
    _bring_back_stored_versions()
    with op.batch_alter_table("report_versions") as batch:
        batch.drop_column("storage_key")
        batch.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("withdrawn_by")
        batch.drop_column("withdrawn_reason")
