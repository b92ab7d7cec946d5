"""Search keys on offices, targets and persons: the name, its pinyin and initials, indexed.

The column is added nullable (no rewrite, no lock beyond the catalogue update), filled in
batches of ``BATCH`` rows by primary-key range, each batch its own UPDATE per row of the batch
(the key is computed in Python with pypinyin, as the application computes it on write), and
indexed ``CONCURRENTLY`` on PostgreSQL.

Revision ID: 20261201_0041
Revises: 20261201_0040
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from inspectnet.search import KEY_LENGTH, search_key_of

revision = "20261201_0041"
down_revision = "20261201_0040"
branch_labels = None
depends_on = None

TABLES = ("offices", "targets", "persons")
BATCH = 1000


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _backfill(table: str) -> None:
    bind = op.get_bind()
    rows = sa.table(table, sa.column("id", sa.Integer), sa.column("name", sa.String))
    keyed = sa.table(table, sa.column("id", sa.Integer), sa.column("search_key", sa.String))
    last = 0
    while True:
        batch = bind.execute(
            sa.select(rows.c.id, rows.c.name)
            .where(rows.c.id > last)
            .order_by(rows.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        bind.execute(
            sa.update(keyed)
            .where(keyed.c.id == sa.bindparam("pk"))
            .values(search_key=sa.bindparam("key")),
            [{"pk": pk, "key": search_key_of(name)} for pk, name in batch],
        )
        last = batch[-1][0]


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("search_key", sa.String(KEY_LENGTH), nullable=True))
    for table in TABLES:
        _backfill(table)
    if _postgresql():
        with op.get_context().autocommit_block():
            for table in TABLES:
                op.create_index(
                    f"ix_{table}_search_key",
                    table,
                    ["search_key"],
                    postgresql_concurrently=True,
                    if_not_exists=True,
                )
        return
    for table in TABLES:
        op.create_index(f"ix_{table}_search_key", table, ["search_key"])


def downgrade() -> None:
    if _postgresql():
        with op.get_context().autocommit_block():
            for table in TABLES:
                op.drop_index(
                    f"ix_{table}_search_key",
                    table_name=table,
                    postgresql_concurrently=True,
                    if_exists=True,
                )
    else:
        for table in TABLES:
            op.drop_index(f"ix_{table}_search_key", table_name=table)
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("search_key")
