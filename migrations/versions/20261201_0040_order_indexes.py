"""Indexes for the offered orders of connections: ``(parent, column, id)`` per order.

A page under an order is ``WHERE parent = p AND (column, id) > cursor ORDER BY column, id
LIMIT n + 1`` (``inspectnet.paging``): read off these indexes it stops after ``n + 1`` entries,
however many rows the parent holds. On PostgreSQL each is built ``CONCURRENTLY`` outside the
migration's transaction, so writes to the table go on while it builds.

Revision ID: 20261201_0040
Revises: 20261201_0019
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "20261201_0040"
down_revision = "20261201_0051"
branch_labels = None
depends_on = None

# (index, table, columns): one per offered order (see each type's order_input(...)).
ORDER_INDEXES = (
    ("ix_offices_name_id", "offices", ["name", "id"]),
    ("ix_persons_office_id_name_id", "persons", ["office_id", "name", "id"]),
    ("ix_targets_office_id_name_id", "targets", ["office_id", "name", "id"]),
    (
        "ix_leadership_posts_target_id_started_on_id",
        "leadership_posts",
        ["target_id", "started_on", "id"],
    ),
    (
        "ix_employment_records_person_id_started_on_id",
        "employment_records",
        ["person_id", "started_on", "id"],
    ),
    ("ix_pool_memberships_person_id_since_id", "pool_memberships", ["person_id", "since", "id"]),
)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _postgresql():
        with op.get_context().autocommit_block():
            for name, table, columns in ORDER_INDEXES:
                op.create_index(
                    name, table, columns, postgresql_concurrently=True, if_not_exists=True
                )
        return
    for name, table, columns in ORDER_INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    if _postgresql():
        with op.get_context().autocommit_block():
            for name, table, _columns in reversed(ORDER_INDEXES):
                op.drop_index(name, table_name=table, postgresql_concurrently=True, if_exists=True)
        return
    for name, table, _columns in reversed(ORDER_INDEXES):
        op.drop_index(name, table_name=table)
