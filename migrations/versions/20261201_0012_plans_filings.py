"""Decision bodies and their members, plans and their items, filings and their decisions.

Revision ID: 20261201_0012
Revises: 20261201_0019
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0012"
down_revision = "20261201_0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decision_bodies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "leading_group",
                "leading_group_office",
                "five_person_group",
                "party_group",
                name="bodykind",
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
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_decision_bodies_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_bodies")),
        sa.UniqueConstraint("office_id", "kind", name=op.f("uq_decision_bodies_office_id_kind")),
    )
    with op.batch_alter_table("decision_bodies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decision_bodies_office_id"), ["office_id"], unique=False
        )

    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("term", "annual", "round", name="plankind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_plans_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["plans.id"], name=op.f("fk_plans_parent_id_plans"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plans_office_id"), ["office_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plans_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "plan_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=80), nullable=False),
        sa.Column("leader", sa.String(length=100), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_plan_items_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_items_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_plan_items_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_items")),
        sa.UniqueConstraint("plan_id", "target_id", name=op.f("uq_plan_items_plan_id_target_id")),
    )
    with op.batch_alter_table("plan_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_items_office_id"), ["office_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_items_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_items_target_id"), ["target_id"], unique=False)

    op.create_table(
        "body_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "position",
            sa.Enum(
                "head",
                "deputy",
                "secretary",
                "member",
                name="position",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("role", sa.String(length=60), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["decision_bodies.id"],
            name=op.f("fk_body_members_body_id_decision_bodies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_body_members_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_accounts.id"],
            name=op.f("fk_body_members_user_id_user_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_body_members")),
        sa.UniqueConstraint("body_id", "user_id", name=op.f("uq_body_members_body_id_user_id")),
    )
    with op.batch_alter_table("body_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_body_members_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_body_members_office_id"), ["office_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_body_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "filings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_office_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("ruleset_id", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=40), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("subject_version", sa.Integer(), nullable=False),
        sa.Column("series_key", sa.String(length=140), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "due",
                "submitted",
                "approved",
                "returned",
                "acknowledged",
                "superseded",
                name="filingstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("warn_on", sa.Date(), nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_filings_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"],
            ["user_accounts.id"],
            name=op.f("fk_filings_submitted_by_user_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_office_id"],
            ["offices.id"],
            name=op.f("fk_filings_to_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filings")),
        sa.UniqueConstraint("series_key", "number", name=op.f("uq_filings_series_key_number")),
    )
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.create_index("ix_filings_inbox", ["to_office_id", "state", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_filings_office_id"), ["office_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_filings_series_key"), ["series_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_filings_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_filings_subject_id"), ["subject_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_filings_to_office_id"), ["to_office_id"], unique=False)

    op.create_table(
        "filing_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filing_id", sa.Integer(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "approve", "return", "acknowledge", name="decision", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=2000), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["user_accounts.id"],
            name=op.f("fk_filing_decisions_decided_by_user_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["filing_id"],
            ["filings.id"],
            name=op.f("fk_filing_decisions_filing_id_filings"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_filing_decisions_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filing_decisions")),
    )
    with op.batch_alter_table("filing_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_filing_decisions_filing_id"), ["filing_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_filing_decisions_office_id"), ["office_id"], unique=False
        )

    op.create_table(
        "download_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("issued", "used", name="linkstate", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_download_links_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_accounts.id"],
            name=op.f("fk_download_links_user_id_user_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_download_links")),
    )
    with op.batch_alter_table("download_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_download_links_office_id"), ["office_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_download_links_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("download_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_download_links_user_id"))
        batch_op.drop_index(batch_op.f("ix_download_links_office_id"))

    op.drop_table("download_links")
    with op.batch_alter_table("filing_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_filing_decisions_office_id"))
        batch_op.drop_index(batch_op.f("ix_filing_decisions_filing_id"))

    op.drop_table("filing_decisions")
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_filings_to_office_id"))
        batch_op.drop_index(batch_op.f("ix_filings_subject_id"))
        batch_op.drop_index(batch_op.f("ix_filings_state"))
        batch_op.drop_index(batch_op.f("ix_filings_series_key"))
        batch_op.drop_index(batch_op.f("ix_filings_office_id"))
        batch_op.drop_index("ix_filings_inbox")

    op.drop_table("filings")
    with op.batch_alter_table("body_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_body_members_user_id"))
        batch_op.drop_index(batch_op.f("ix_body_members_office_id"))
        batch_op.drop_index(batch_op.f("ix_body_members_body_id"))

    op.drop_table("body_members")
    with op.batch_alter_table("plan_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_items_target_id"))
        batch_op.drop_index(batch_op.f("ix_plan_items_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_items_office_id"))

    op.drop_table("plan_items")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plans_parent_id"))
        batch_op.drop_index(batch_op.f("ix_plans_office_id"))

    op.drop_table("plans")
    with op.batch_alter_table("decision_bodies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decision_bodies_office_id"))

    op.drop_table("decision_bodies")
