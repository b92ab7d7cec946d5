"""The network's closure table (filled from the existing links) and link proposals.

Revision ID: 20261201_0001
Revises: 20261201_0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections import defaultdict, deque

import sqlalchemy as sa
from alembic import op

revision = "20261201_0001"
down_revision = "20261201_0002"
branch_labels = None
depends_on = None

_KIND = sa.Enum("LEADERSHIP", "GUIDANCE", name="linkkind", native_enum=False, length=20)


def upgrade() -> None:
    reach = op.create_table(
        "office_reach",
        sa.Column("kind", _KIND, nullable=False),
        sa.Column("ancestor_id", sa.Integer(), nullable=False),
        sa.Column("descendant_id", sa.Integer(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ancestor_id"],
            ["offices.id"],
            name=op.f("fk_office_reach_ancestor_id_offices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["descendant_id"],
            ["offices.id"],
            name=op.f("fk_office_reach_descendant_id_offices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "kind", "ancestor_id", "descendant_id", name=op.f("pk_office_reach")
        ),
    )
    with op.batch_alter_table("office_reach", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_office_reach_descendant_id"), ["descendant_id"], unique=False
        )
    op.create_table(
        "office_link_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _KIND, nullable=False),
        sa.Column("superior_id", sa.Integer(), nullable=False),
        sa.Column("subordinate_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("proposer_office_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "PROPOSED",
                "ACCEPTED",
                "REFUSED",
                "WITHDRAWN",
                name="proposalstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "office_id <> proposer_office_id", name=op.f("ck_office_link_proposals_two_ends")
        ),
        sa.CheckConstraint(
            "superior_id <> subordinate_id", name=op.f("ck_office_link_proposals_not_self")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_office_link_proposals_office_id_offices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposer_office_id"],
            ["offices.id"],
            name=op.f("fk_office_link_proposals_proposer_office_id_offices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subordinate_id"],
            ["offices.id"],
            name=op.f("fk_office_link_proposals_subordinate_id_offices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["superior_id"],
            ["offices.id"],
            name=op.f("fk_office_link_proposals_superior_id_offices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_link_proposals")),
    )
    with op.batch_alter_table("office_link_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_office_link_proposals_office_id"), ["office_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_office_link_proposals_proposer_office_id"),
            ["proposer_office_id"],
            unique=False,
        )
    _fill_closure(reach)


def _fill_closure(reach: sa.Table) -> None:
    """Every reachable pair of the existing links, with its shortest depth (breadth first).

    Written out here rather than imported, so the revision stays what it was when the
    application's code moves on.
    """
    links = op.get_bind().execute(
        sa.text("SELECT kind, superior_id, subordinate_id FROM office_links")
    )
    children: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for kind, superior, subordinate in links:
        children[kind][superior].append(subordinate)
    rows = []
    for kind, below in children.items():
        for root in list(below):
            seen = {root: 0}
            queue = deque([root])
            while queue:
                node = queue.popleft()
                for child in below.get(node, ()):
                    if child == root:
                        # A loop left by the race this revision closes: links are permissions,
                        # so which one goes is the operators' decision, not a migration's.
                        raise RuntimeError(
                            f"office_links has a loop on the {kind} line through office {root}: "
                            "remove one of its links, then upgrade again"
                        )
                    if child not in seen:
                        seen[child] = seen[node] + 1
                        queue.append(child)
            rows.extend(
                {"kind": kind, "ancestor_id": root, "descendant_id": o, "depth": d}
                for o, d in seen.items()
                if o != root
            )
    if rows:
        op.bulk_insert(reach, rows)


def downgrade() -> None:
    with op.batch_alter_table("office_link_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_office_link_proposals_proposer_office_id"))
        batch_op.drop_index(batch_op.f("ix_office_link_proposals_office_id"))
    op.drop_table("office_link_proposals")
    with op.batch_alter_table("office_reach", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_office_reach_descendant_id"))
    op.drop_table("office_reach")
