"""Inspections workflow (issue 13): recusal cases (nmg-2016 §12, qh-zrzyt §27), the written
notice and announcement (qh-zrzyt §13, nmg-2016 §25), methods used on site (nmg-2016 §20,
qh-zrzyt §14) and requests for instruction (nmg-2016 §22, qh-zrzyt §26).

Revision ID: 20261202_0130
Revises: 20261202_0120
Create Date: 2026-12-02

New, empty tables and their indexes, and an index on inspections (plan_id, id) for a plan's
inspections, built concurrently on PostgreSQL: nothing existing is locked or rewritten.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261202_0130"
down_revision = "20261202_0120"
branch_labels = None
depends_on = None


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_table(
        "inspection_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("notice_on", sa.Date(), nullable=False),
        sa.Column("scope", sa.String(length=1000), nullable=False),
        sa.Column("method", sa.String(length=500), nullable=False),
        sa.Column("site_from", sa.Date(), nullable=False),
        sa.Column("site_until", sa.Date(), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("mailbox", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("online_address", sa.String(length=300), nullable=True),
        sa.Column("briefed_on", sa.Date(), nullable=True),
        sa.Column("briefed_person", sa.String(length=100), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_inspection_notices_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_inspection_notices_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_inspection_notices_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_notices")),
        sa.UniqueConstraint("inspection_id", name=op.f("uq_inspection_notices_inspection_id")),
    )
    op.create_table(
        "instruction_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("direct", sa.Boolean(), nullable=False),
        sa.Column(
            "addressee",
            sa.Enum(
                "leading_group",
                "five_person_group",
                "party_group",
                name="decisionbody",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("article", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("content", sa.String(length=4000), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("answer", sa.String(length=4000), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by"],
            ["user_accounts.id"],
            name=op.f("fk_instruction_requests_answered_by_user_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_instruction_requests_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_instruction_requests_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_instruction_requests_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instruction_requests")),
    )
    # A new, empty table: the index costs nothing to build.
    op.create_index(
        "ix_instruction_requests_inspection_id_id",
        "instruction_requests",
        ["inspection_id", "id"],
        unique=False,
    )

    op.create_table(
        "site_method_uses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "hearing_reports",
                "individual_talks",
                "letters_calls_visits",
                "personal_matters_check",
                "inquiry",
                "documents",
                "forum",
                "attend_meetings",
                "evaluation_survey",
                "subordinate_visits",
                "special_check",
                "assistance",
                "other",
                name="sitemethod",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("used_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column(
            "approval",
            sa.Enum(
                "not_needed",
                "pending",
                "approved",
                "refused",
                name="approvalstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "decided_by",
            sa.Enum(
                "leading_group",
                "five_person_group",
                "party_group",
                name="decisionbody",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("rule_id", sa.String(length=80), nullable=True),
        sa.Column("article", sa.String(length=40), nullable=True),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by"],
            ["user_accounts.id"],
            name=op.f("fk_site_method_uses_approved_by_user_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_site_method_uses_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_site_method_uses_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_site_method_uses_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_method_uses")),
    )
    # A new, empty table: the index costs nothing to build.
    op.create_index(
        "ix_site_method_uses_inspection_id_id",
        "site_method_uses",
        ["inspection_id", "id"],
        unique=False,
    )

    op.create_table(
        "recusal_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "declaration", "challenge", name="recusalcasekind", native_enum=False, length=40
            ),
            nullable=False,
        ),
        sa.Column(
            "ground",
            sa.Enum(
                "post",
                "region",
                "official",
                "general",
                name="recusalground",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("article", sa.String(length=40), nullable=False),
        sa.Column("statement", sa.String(length=1000), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "upheld",
                "dismissed",
                "ended",
                name="recusalcasestatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("decision", sa.String(length=1000), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recusal_id", sa.Integer(), nullable=True),
        sa.Column(
            "vacated_role",
            sa.Enum(
                "leader",
                "deputy",
                "commissioner",
                "liaison",
                "member",
                "intake_handler",
                name="teamrole",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("replacement_id", sa.Integer(), nullable=True),
        sa.Column("end_decision", sa.String(length=1000), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["user_accounts.id"],
            name=op.f("fk_recusal_cases_decided_by_user_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f("fk_recusal_cases_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_recusal_cases_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_recusal_cases_person_id_persons"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recusal_id"],
            ["recusals.id"],
            name=op.f("fk_recusal_cases_recusal_id_recusals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["replacement_id"],
            ["team_assignments.id"],
            name=op.f("fk_recusal_cases_replacement_id_team_assignments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_recusal_cases_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recusal_cases")),
    )
    # A new, empty table: the index costs nothing to build.
    op.create_index(
        "ix_recusal_cases_inspection_id_id", "recusal_cases", ["inspection_id", "id"], unique=False
    )

    # An existing table: built without blocking writes on PostgreSQL.
    if _postgresql():
        with op.get_context().autocommit_block():
            op.create_index(
                "ix_inspections_plan_id_id",
                "inspections",
                ["plan_id", "id"],
                postgresql_concurrently=True,
                if_not_exists=True,
            )
    else:
        op.create_index("ix_inspections_plan_id_id", "inspections", ["plan_id", "id"])


def downgrade() -> None:
    if _postgresql():
        with op.get_context().autocommit_block():
            op.drop_index(
                "ix_inspections_plan_id_id",
                table_name="inspections",
                postgresql_concurrently=True,
                if_exists=True,
            )
    else:
        op.drop_index("ix_inspections_plan_id_id", table_name="inspections")

    op.drop_index("ix_recusal_cases_inspection_id_id", table_name="recusal_cases")

    op.drop_table("recusal_cases")
    op.drop_index("ix_site_method_uses_inspection_id_id", table_name="site_method_uses")

    op.drop_table("site_method_uses")
    op.drop_index("ix_instruction_requests_inspection_id_id", table_name="instruction_requests")

    op.drop_table("instruction_requests")
    op.drop_table("inspection_notices")
