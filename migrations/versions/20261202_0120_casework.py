"""Fieldwork casework (issue 14): interviews and their interviewers, other methods' records,
problem clues and their sources, findings and their evidence, fix-while-inspecting proposals and
the mid-term report.

Revision ID: 20261202_0120
Revises: 20261202_0180
Create Date: 2026-12-02

New, empty tables and their indexes: nothing existing is locked or rewritten.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261202_0120"
down_revision = "20261202_0180"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=80), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("material", sa.String(length=20000), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_activities_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_activities_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_activities_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    op.create_index(
        op.f("ix_activities_inspection_id_held_on_id"),
        "activities",
        ["inspection_id", "held_on", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_activities_inspection_id_id"), "activities", ["inspection_id", "id"], unique=False
    )

    op.create_table(
        "clues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("person_name", sa.String(length=100), nullable=False),
        sa.Column("person_post", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=False),
        sa.Column("summary", sa.String(length=4000), nullable=False),
        sa.Column("assessment", sa.String(length=4000), nullable=True),
        sa.Column(
            "state",
            sa.Enum("open", "closed", "merged", name="cluestate", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("merged_by", sa.Integer(), nullable=True),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_clues_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["clues.id"],
            name=op.f("fk_clues_merged_into_id_clues"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_clues_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_clues_person_id_persons"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_clues_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clues")),
    )
    op.create_index(
        op.f("ix_clues_inspection_id_id"), "clues", ["inspection_id", "id"], unique=False
    )
    op.create_index(
        op.f("ix_clues_merged_into_id_id"), "clues", ["merged_into_id", "id"], unique=False
    )
    op.create_index(
        op.f("ix_clues_office_id_state_id"), "clues", ["office_id", "state", "id"], unique=False
    )
    op.create_index(op.f("ix_clues_person_id"), "clues", ["person_id"], unique=False)

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("facts", sa.String(length=20000), nullable=True),
        sa.Column("basis", sa.String(length=4000), nullable=True),
        sa.Column("ready_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ready_by", sa.Integer(), nullable=True),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_findings_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_findings_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_findings_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    op.create_index(
        op.f("ix_findings_inspection_id_id"), "findings", ["inspection_id", "id"], unique=False
    )

    op.create_table(
        "interviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("interviewee_name", sa.String(length=100), nullable=False),
        sa.Column("interviewee_post", sa.String(length=200), nullable=False),
        sa.Column("interviewee_unit", sa.String(length=200), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "scheduled",
                "recorded",
                "signed",
                name="interviewstate",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("record", sa.String(length=20000), nullable=True),
        sa.Column("interviewee_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_interviews_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_interviews_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_interviews_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
    )
    op.create_index(
        op.f("ix_interviews_inspection_id_id"), "interviews", ["inspection_id", "id"], unique=False
    )
    op.create_index(
        op.f("ix_interviews_inspection_id_scheduled_at_id"),
        "interviews",
        ["inspection_id", "scheduled_at", "id"],
        unique=False,
    )

    op.create_table(
        "mid_term_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("progress", sa.String(length=8000), nullable=False),
        sa.Column("plan", sa.String(length=8000), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_mid_term_reports_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_mid_term_reports_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_mid_term_reports_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mid_term_reports")),
        sa.UniqueConstraint("inspection_id", name=op.f("uq_mid_term_reports_inspection_id")),
    )
    op.create_table(
        "clue_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clue_id"],
            ["clues.id"],
            name=op.f("fk_clue_sources_clue_id_clues"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_clue_sources_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_clue_sources_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_clue_sources_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clue_sources")),
        sa.UniqueConstraint(
            "clue_id", "kind", "ref_id", name=op.f("uq_clue_sources_clue_id_kind_ref_id")
        ),
    )
    op.create_index(
        op.f("ix_clue_sources_clue_id_id"), "clue_sources", ["clue_id", "id"], unique=False
    )

    op.create_table(
        "finding_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["findings.id"],
            name=op.f("fk_finding_evidence_finding_id_findings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_finding_evidence_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_finding_evidence_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_finding_evidence_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_evidence")),
        sa.UniqueConstraint(
            "finding_id", "kind", "ref_id", name=op.f("uq_finding_evidence_finding_id_kind_ref_id")
        ),
    )
    op.create_index(
        op.f("ix_finding_evidence_finding_id_id"),
        "finding_evidence",
        ["finding_id", "id"],
        unique=False,
    )

    op.create_table(
        "fix_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("problem", sa.String(length=4000), nullable=False),
        sa.Column("proposal", sa.String(length=4000), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "sent", "answered", "closed", name="proposalstate", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("answer", sa.String(length=4000), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["findings.id"],
            name=op.f("fk_fix_proposals_finding_id_findings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_fix_proposals_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_fix_proposals_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_fix_proposals_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fix_proposals")),
    )
    op.create_index(
        op.f("ix_fix_proposals_inspection_id_id"),
        "fix_proposals",
        ["inspection_id", "id"],
        unique=False,
    )

    op.create_table(
        "interviewers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_interviewers_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_interviewers_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_interviewers_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_interviewers_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_accounts.id"],
            name=op.f("fk_interviewers_user_id_user_accounts"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviewers")),
        sa.UniqueConstraint(
            "interview_id", "user_id", name=op.f("uq_interviewers_interview_id_user_id")
        ),
    )
    op.create_index(
        op.f("ix_interviewers_interview_id_id"),
        "interviewers",
        ["interview_id", "id"],
        unique=False,
    )
    op.create_index(op.f("ix_interviewers_user_id"), "interviewers", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_interviewers_user_id"), table_name="interviewers")
    op.drop_index(op.f("ix_interviewers_interview_id_id"), table_name="interviewers")

    op.drop_table("interviewers")
    op.drop_index(op.f("ix_fix_proposals_inspection_id_id"), table_name="fix_proposals")

    op.drop_table("fix_proposals")
    op.drop_index(op.f("ix_finding_evidence_finding_id_id"), table_name="finding_evidence")

    op.drop_table("finding_evidence")
    op.drop_index(op.f("ix_clue_sources_clue_id_id"), table_name="clue_sources")

    op.drop_table("clue_sources")
    op.drop_table("mid_term_reports")
    op.drop_index(op.f("ix_interviews_inspection_id_scheduled_at_id"), table_name="interviews")
    op.drop_index(op.f("ix_interviews_inspection_id_id"), table_name="interviews")

    op.drop_table("interviews")
    op.drop_index(op.f("ix_findings_inspection_id_id"), table_name="findings")

    op.drop_table("findings")
    op.drop_index(op.f("ix_clues_person_id"), table_name="clues")
    op.drop_index(op.f("ix_clues_office_id_state_id"), table_name="clues")
    op.drop_index(op.f("ix_clues_merged_into_id_id"), table_name="clues")
    op.drop_index(op.f("ix_clues_inspection_id_id"), table_name="clues")

    op.drop_table("clues")
    op.drop_index(op.f("ix_activities_inspection_id_id"), table_name="activities")
    op.drop_index(op.f("ix_activities_inspection_id_held_on_id"), table_name="activities")

    op.drop_table("activities")
