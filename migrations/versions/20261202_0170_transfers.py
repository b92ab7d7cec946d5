"""Transfers 移交 and the results ledger 台账 (issue 16 items 1–2): a clue or finding
transferred along a route of the ruleset, its receipt and the receiver's handling report; the
ledger's entries; the organisation department's opinion requests about cadres.

Revision ID: 20261202_0170
Revises: 20261202_0160
Create Date: 2026-12-02

New, empty tables and their indexes: nothing existing is locked or rewritten.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261202_0170"
down_revision = "20261202_0160"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=True),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("route", sa.String(length=80), nullable=False),
        sa.Column("receiver_kind", sa.String(length=40), nullable=False),
        sa.Column("receiver_office_id", sa.Integer(), nullable=True),
        sa.Column("receiver_name", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("decided_by", sa.String(length=40), nullable=False),
        sa.Column("decided_by_user", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("share_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "sent",
                "signed",
                "reported",
                "refused",
                name="transferstate",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_by", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=80), nullable=True),
        sa.Column("report", sa.String(length=4000), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_by", sa.Integer(), nullable=True),
        sa.Column(
            "failure",
            sa.Enum("not_accepted", "late", name="transferfailure", native_enum=False, length=40),
            nullable=True,
        ),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "(clue_id IS NULL) <> (finding_id IS NULL)",
            name=op.f("ck_transfers_transfer_one_subject"),
        ),
        sa.ForeignKeyConstraint(
            ["clue_id"], ["clues.id"], name=op.f("fk_transfers_clue_id_clues"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["findings.id"],
            name=op.f("fk_transfers_finding_id_findings"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_transfers_inspection_id_inspections"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_transfers_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["receiver_office_id"],
            ["offices.id"],
            name=op.f("fk_transfers_receiver_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_transfers_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
    )
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transfers_clue_id"), ["clue_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_transfers_finding_id"), ["finding_id"], unique=False)
        batch_op.create_index(
            "ix_transfers_inspection_id_id", ["inspection_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_transfers_office_id_due_on_id", ["office_id", "due_on", "id"], unique=False
        )
        batch_op.create_index("ix_transfers_office_id_id", ["office_id", "id"], unique=False)
        batch_op.create_index(
            "ix_transfers_receiver_office_id_id", ["receiver_office_id", "id"], unique=False
        )
    op.create_table(
        "opinion_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("cadre_name", sa.String(length=100), nullable=False),
        sa.Column("cadre_post", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=1000), nullable=False),
        sa.Column(
            "state",
            sa.Enum("requested", "answered", name="opinionstate", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("answer", sa.String(length=4000), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_opinion_requests_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_opinion_requests_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opinion_requests")),
    )
    with op.batch_alter_table("opinion_requests", schema=None) as batch_op:
        batch_op.create_index("ix_opinion_requests_office_id_id", ["office_id", "id"], unique=False)

    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=True),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_ledger_entries_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_ledger_entries_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_ledger_entries_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("kind", "ref_id", name=op.f("uq_ledger_entries_kind_ref_id")),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_entries_inspection_id_id", ["inspection_id", "id"], unique=False
        )
        batch_op.create_index("ix_ledger_entries_office_id_id", ["office_id", "id"], unique=False)
        batch_op.create_index(
            "ix_ledger_entries_office_id_recorded_at_id",
            ["office_id", "recorded_at", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entries_office_id_recorded_at_id")
        batch_op.drop_index("ix_ledger_entries_office_id_id")
        batch_op.drop_index("ix_ledger_entries_inspection_id_id")

    op.drop_table("ledger_entries")
    with op.batch_alter_table("opinion_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_opinion_requests_office_id_id")

    op.drop_table("opinion_requests")
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_index("ix_transfers_receiver_office_id_id")
        batch_op.drop_index("ix_transfers_office_id_id")
        batch_op.drop_index("ix_transfers_office_id_due_on_id")
        batch_op.drop_index("ix_transfers_inspection_id_id")
        batch_op.drop_index(batch_op.f("ix_transfers_finding_id"))
        batch_op.drop_index(batch_op.f("ix_transfers_clue_id"))

    op.drop_table("transfers")
