"""Yellow thresholds per duty as office settings, and deadline overrides with their reason.

Revision ID: 20261201_0061
Revises: 20261201_0060
Create Date: 2026-12-01

A new table, and two nullable columns without defaults on filings: PostgreSQL adds them without
rewriting the table; filings already stored hold "not overridden".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261201_0061"
down_revision = "20261201_0060"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "filing_warning_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=80), nullable=False),
        sa.Column("yellow_days", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_filing_warning_settings_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filing_warning_settings")),
        sa.UniqueConstraint(
            "office_id", "rule_id", name=op.f("uq_filing_warning_settings_office_id_rule_id")
        ),
    )
    # A new, empty table: the index costs nothing to build.
    op.create_index(
        op.f("ix_filing_warning_settings_office_id"),
        "filing_warning_settings",
        ["office_id"],
        unique=False,
    )
    with op.batch_alter_table("filings") as batch:
        batch.add_column(sa.Column("computed_due_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("override_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("filings") as batch:
        batch.drop_column("override_reason")
        batch.drop_column("computed_due_on")
    op.drop_index(
        op.f("ix_filing_warning_settings_office_id"), table_name="filing_warning_settings"
    )
    op.drop_table("filing_warning_settings")
