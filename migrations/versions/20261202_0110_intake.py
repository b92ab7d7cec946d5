"""Intake (来信来电来访, nmg-2016 §20(3), qh-zrzyt §14(3)): petitions, sealed petitioner
identities, the team's replies and the petitioner's added material.

Revision ID: 20261202_0110
Revises: 20261201_0084
Create Date: 2026-12-02

New, empty tables and their indexes: nothing existing is locked or rewritten.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261202_0110"
down_revision = "20261201_0084"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "petitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "letter", "call", "visit", "online", name="channel", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column(
            "subject",
            sa.Enum(
                "target_leadership",
                "subordinate_principal",
                name="subject",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("summary", sa.String(length=4000), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "received",
                "in_hand",
                "answered",
                "closed",
                name="petitionstate",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("receipt_lookup", sa.String(length=16), nullable=True),
        sa.Column("receipt_digest", sa.String(length=64), nullable=True),
        sa.Column("receipt_key_version", sa.Integer(), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_petitions_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_petitions_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_petitions_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petitions")),
    )
    with op.batch_alter_table("petitions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_petitions_inspection_id_id", ["inspection_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_petitions_inspection_id_received_on_id",
            ["inspection_id", "received_on", "id"],
            unique=False,
        )
        batch_op.create_index("ix_petitions_receipt_lookup", ["receipt_lookup"], unique=True)

    op.create_table(
        "petition_materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=4000), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_petition_materials_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_petition_materials_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_petition_materials_petition_id_petitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_petition_materials_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_materials")),
    )
    with op.batch_alter_table("petition_materials", schema=None) as batch_op:
        batch_op.create_index(
            "ix_petition_materials_petition_id_id", ["petition_id", "id"], unique=False
        )

    op.create_table(
        "petition_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=4000), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_petition_replies_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_petition_replies_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_petition_replies_petition_id_petitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_petition_replies_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_replies")),
    )
    with op.batch_alter_table("petition_replies", schema=None) as batch_op:
        batch_op.create_index(
            "ix_petition_replies_petition_id_id", ["petition_id", "id"], unique=False
        )

    op.create_table(
        "petitioner_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("wrapped_key", sa.String(length=120), nullable=False),
        sa.Column("sealed", sa.String(length=2000), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_petitioner_identities_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_petitioner_identities_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_petitioner_identities_petition_id_petitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_petitioner_identities_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petitioner_identities")),
        sa.UniqueConstraint("petition_id", name=op.f("uq_petitioner_identities_petition_id")),
    )

    op.create_table(
        "inspector_complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("about_user_id", sa.Integer(), nullable=True),
        sa.Column(
            "channel",
            sa.Enum("signed_in", "public", name="complaintchannel", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.String(length=4000), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["about_user_id"],
            ["user_accounts.id"],
            name=op.f("fk_inspector_complaints_about_user_id_user_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspector_complaints_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_inspector_complaints_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_inspector_complaints_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspector_complaints")),
    )
    op.create_index(
        op.f("ix_inspector_complaints_inspection_id"), "inspector_complaints", ["inspection_id"]
    )
    op.create_index(
        "ix_inspector_complaints_office_id_id", "inspector_complaints", ["office_id", "id"]
    )
    op.create_table(
        "gift_refusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("offered_by", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("refused_on", sa.Date(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["team_assignments.id"],
            name=op.f("fk_gift_refusals_assignment_id_team_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_gift_refusals_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_gift_refusals_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_gift_refusals_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gift_refusals")),
    )
    op.create_index(op.f("ix_gift_refusals_assignment_id"), "gift_refusals", ["assignment_id"])
    op.create_index("ix_gift_refusals_inspection_id_id", "gift_refusals", ["inspection_id", "id"])

    op.create_table(
        "petition_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=True),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_petition_attachments_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["material_id"],
            ["petition_materials.id"],
            name=op.f("fk_petition_attachments_material_id_petition_materials"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_petition_attachments_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_petition_attachments_petition_id_petitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_petition_attachments_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_attachments")),
    )
    op.create_index(
        "ix_petition_attachments_petition_id_id", "petition_attachments", ["petition_id", "id"]
    )


def downgrade() -> None:
    op.drop_table("petition_attachments")
    op.drop_table("gift_refusals")
    op.drop_table("inspector_complaints")
    op.drop_table("petitioner_identities")
    with op.batch_alter_table("petition_replies", schema=None) as batch_op:
        batch_op.drop_index("ix_petition_replies_petition_id_id")

    op.drop_table("petition_replies")
    with op.batch_alter_table("petition_materials", schema=None) as batch_op:
        batch_op.drop_index("ix_petition_materials_petition_id_id")

    op.drop_table("petition_materials")
    with op.batch_alter_table("petitions", schema=None) as batch_op:
        batch_op.drop_index("ix_petitions_receipt_lookup")
        batch_op.drop_index("ix_petitions_inspection_id_received_on_id")
        batch_op.drop_index("ix_petitions_inspection_id_id")

    op.drop_table("petitions")
