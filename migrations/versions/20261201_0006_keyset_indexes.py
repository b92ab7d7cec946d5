"""Composite (parent, id) indexes, so a keyset page reads its rows in key order and stops.

A page is ``WHERE parent = p AND id > cursor ORDER BY id LIMIT n + 1``: with these indexes the
database reads ``n + 1`` index entries whatever the parent holds, and sorts nothing. Each
replaces the index on the parent column alone, which it serves as well: left in place, that one
lets PostgreSQL's planner fetch a parent's rows and sort them for every page.

Revision ID: 20261201_0006
Revises: 20261201_0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "20261201_0006"
down_revision = "20261201_0007"
branch_labels = None
depends_on = None

# (table, parent column): every relation listed by inspectnet.paging.
PAGED = (
    ("persons", "office_id"),
    ("employment_records", "person_id"),
    ("interest_ties", "person_id"),
    ("pool_memberships", "person_id"),
    ("targets", "office_id"),
    ("leadership_posts", "target_id"),
    ("role_grants", "office_id"),
    ("audit_entries", "office_id"),
)


# Tables listed only under a parent other than their office: an index on office_id alone serves
# no list of theirs, and SQLite without statistics took it for the readable scope's
# ``office_id IN (…)`` instead of (parent, id), reading the whole office for every page.
UNLISTED_BY_OFFICE = ("employment_records", "interest_ties", "leadership_posts")


def upgrade() -> None:
    for table, parent in PAGED:
        op.create_index(f"ix_{table}_{parent}_id", table, [parent, "id"])
        op.drop_index(f"ix_{table}_{parent}", table_name=table)
    for table in UNLISTED_BY_OFFICE:
        op.drop_index(f"ix_{table}_office_id", table_name=table)


def downgrade() -> None:
    for table in reversed(UNLISTED_BY_OFFICE):
        op.create_index(f"ix_{table}_office_id", table, ["office_id"])
    for table, parent in reversed(PAGED):
        op.create_index(f"ix_{table}_{parent}", table, [parent])
        op.drop_index(f"ix_{table}_{parent}_id", table_name=table)
