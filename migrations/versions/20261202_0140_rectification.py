"""After the site: hearings, the bodies' decisions, feedback, and rectification (issue 15).

Revision ID: 20261202_0140
Revises: 20261202_0110
Create Date: 2026-12-02

New, empty tables and their indexes only: nothing existing is locked or rewritten, so the
indexes are built in the same transaction (an empty table costs nothing to index).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261202_0140"
down_revision = "20261202_0110"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rectification_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("yellow_days", sa.Integer(), nullable=False),
        sa.Column("principal_after_days", sa.Integer(), nullable=False),
        sa.Column("office_after_days", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_rectification_settings_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_settings")),
        sa.UniqueConstraint("office_id", name=op.f("uq_rectification_settings_office_id")),
    )
    op.create_table(
        "feedbacks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("to_leadership_on", sa.Date(), nullable=False),
        sa.Column("to_principal_on", sa.Date(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("principal_name", sa.String(length=100), nullable=False),
        sa.Column("principal_user_id", sa.Integer(), nullable=True),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("article", sa.String(length=40), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_feedbacks_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_feedbacks_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["principal_user_id"],
            ["user_accounts.id"],
            name=op.f("fk_feedbacks_principal_user_id_user_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_feedbacks_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedbacks")),
        sa.UniqueConstraint("inspection_id", name=op.f("uq_feedbacks_inspection_id")),
    )
    op.create_table(
        "hearings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("heard_by", sa.String(length=40), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("article", sa.String(length=40), nullable=False),
        sa.Column("proposals", sa.String(length=4000), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_hearings_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_hearings_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_hearings_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearings")),
        sa.UniqueConstraint("inspection_id", name=op.f("uq_hearings_inspection_id")),
    )
    op.create_table(
        "post_site_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column(
            "matter",
            sa.Enum(
                "hearing",
                "results",
                "feedback_consent",
                "circulation",
                name="decisionmatter",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("decided_by", sa.String(length=40), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("text", sa.String(length=4000), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("article", sa.String(length=40), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_post_site_decisions_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_post_site_decisions_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_post_site_decisions_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_site_decisions")),
        sa.UniqueConstraint(
            "inspection_id", "matter", name=op.f("uq_post_site_decisions_inspection_id_matter")
        ),
    )
    op.create_index(
        "ix_post_site_decisions_inspection_id_id",
        "post_site_decisions",
        ["inspection_id", "id"],
        unique=False,
    )

    op.create_table(
        "fed_back_problems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("summary", sa.String(length=2000), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedbacks.id"],
            name=op.f("fk_fed_back_problems_feedback_id_feedbacks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_fed_back_problems_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_fed_back_problems_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_fed_back_problems_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fed_back_problems")),
    )
    op.create_index(
        "ix_fed_back_problems_feedback_id_id",
        "fed_back_problems",
        ["feedback_id", "id"],
        unique=False,
    )

    op.create_table(
        "feedback_parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "leading_group_member",
                "discipline_head",
                "personnel_head",
                "other",
                "circulated",
                name="partyrole",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedbacks.id"],
            name=op.f("fk_feedback_parties_feedback_id_feedbacks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_feedback_parties_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_feedback_parties_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_feedback_parties_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_parties")),
    )
    op.create_index(
        "ix_feedback_parties_feedback_id_id",
        "feedback_parties",
        ["feedback_id", "id"],
        unique=False,
    )

    op.create_table(
        "rectification_duties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("article", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=True),
        sa.Column("escalated", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedbacks.id"],
            name=op.f("fk_rectification_duties_feedback_id_feedbacks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_rectification_duties_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_rectification_duties_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_rectification_duties_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_duties")),
        sa.UniqueConstraint(
            "inspection_id", "rule_id", name=op.f("uq_rectification_duties_inspection_id_rule_id")
        ),
    )
    op.create_index(
        "ix_rectification_duties_feedback_id_due_on_id",
        "rectification_duties",
        ["feedback_id", "due_on", "id"],
        unique=False,
    )
    op.create_index(
        "ix_rectification_duties_feedback_id_id",
        "rectification_duties",
        ["feedback_id", "id"],
        unique=False,
    )

    op.create_table(
        "rectification_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft", "submitted", "approved", name="planstate", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by"],
            ["user_accounts.id"],
            name=op.f("fk_rectification_plans_approved_by_user_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedbacks.id"],
            name=op.f("fk_rectification_plans_feedback_id_feedbacks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_rectification_plans_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_rectification_plans_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_rectification_plans_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_plans")),
        sa.UniqueConstraint("inspection_id", name=op.f("uq_rectification_plans_inspection_id")),
    )
    op.create_table(
        "rectification_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=2000), nullable=False),
        sa.Column("owner_name", sa.String(length=100), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("supervisor_name", sa.String(length=100), nullable=False),
        sa.Column("supervisor_user_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("evidence", sa.String(length=4000), nullable=True),
        sa.Column(
            "state",
            sa.Enum("open", "done", "closed", name="itemstate", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_rectification_items_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_rectification_items_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"],
            ["user_accounts.id"],
            name=op.f("fk_rectification_items_owner_user_id_user_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["rectification_plans.id"],
            name=op.f("fk_rectification_items_plan_id_rectification_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["fed_back_problems.id"],
            name=op.f("fk_rectification_items_problem_id_fed_back_problems"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_user_id"],
            ["user_accounts.id"],
            name=op.f("fk_rectification_items_supervisor_user_id_user_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_rectification_items_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_items")),
    )
    op.create_index(
        "ix_rectification_items_plan_id_due_on_id",
        "rectification_items",
        ["plan_id", "due_on", "id"],
        unique=False,
    )
    op.create_index(
        "ix_rectification_items_plan_id_id", "rectification_items", ["plan_id", "id"], unique=False
    )
    op.create_index(
        op.f("ix_rectification_items_problem_id"),
        "rectification_items",
        ["problem_id"],
        unique=False,
    )

    op.create_table(
        "rectification_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("duty_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "rectification",
                "principal",
                "party_organisation",
                name="rectificationreportkind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "recipient",
            sa.Enum(
                "inspecting_office",
                "discipline_body",
                "personnel_department",
                name="reportrecipient",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("body", sa.String(length=20000), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["duty_id"],
            ["rectification_duties.id"],
            name=op.f("fk_rectification_reports_duty_id_rectification_duties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_rectification_reports_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_rectification_reports_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_rectification_reports_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_reports")),
        sa.UniqueConstraint(
            "inspection_id",
            "kind",
            "recipient",
            name=op.f("uq_rectification_reports_inspection_id_kind_recipient"),
        ),
    )
    op.create_index(
        "ix_rectification_reports_duty_id_id",
        "rectification_reports",
        ["duty_id", "id"],
        unique=False,
    )

    op.create_table(
        "rectification_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column(
            "basis",
            sa.Enum(
                "evidence",
                "special_check",
                "follow_up",
                name="checkbasis",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=2000), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_rectification_checks_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["rectification_items.id"],
            name=op.f("fk_rectification_checks_item_id_rectification_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_rectification_checks_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_rectification_checks_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_checks")),
    )
    op.create_index(
        "ix_rectification_checks_item_id_id",
        "rectification_checks",
        ["item_id", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_rectification_checks_item_id_id", table_name="rectification_checks")

    op.drop_table("rectification_checks")
    op.drop_index("ix_rectification_reports_duty_id_id", table_name="rectification_reports")

    op.drop_table("rectification_reports")
    op.drop_index(op.f("ix_rectification_items_problem_id"), table_name="rectification_items")
    op.drop_index("ix_rectification_items_plan_id_id", table_name="rectification_items")
    op.drop_index("ix_rectification_items_plan_id_due_on_id", table_name="rectification_items")

    op.drop_table("rectification_items")
    op.drop_table("rectification_plans")
    op.drop_index("ix_rectification_duties_feedback_id_id", table_name="rectification_duties")
    op.drop_index(
        "ix_rectification_duties_feedback_id_due_on_id", table_name="rectification_duties"
    )

    op.drop_table("rectification_duties")
    op.drop_index("ix_feedback_parties_feedback_id_id", table_name="feedback_parties")

    op.drop_table("feedback_parties")
    op.drop_index("ix_fed_back_problems_feedback_id_id", table_name="fed_back_problems")

    op.drop_table("fed_back_problems")
    op.drop_index("ix_post_site_decisions_inspection_id_id", table_name="post_site_decisions")

    op.drop_table("post_site_decisions")
    op.drop_table("hearings")
    op.drop_table("feedbacks")
    op.drop_table("rectification_settings")
