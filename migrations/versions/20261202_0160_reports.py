"""Reports of an inspection (issue 14 item 7): reports, their generated DOCX versions, and the
findings and clues placed in them.

Revision ID: 20261202_0160
Revises: 20261202_0130
Create Date: 2026-12-02

New, empty tables and their indexes: nothing existing is locked or rewritten. The DOCX bytes
stay in ``report_versions.content`` until the shared attachment store (issue 14 item 8) is merged.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261202_0160"
down_revision = "20261202_0130"
branch_labels = None
depends_on = None


def _scope(table: str) -> list[sa.SchemaItem]:
    """The office, inspection and target columns every row here carries, with their keys."""
    return [
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["inspection_id"],
            ["inspections.id"],
            name=op.f(f"fk_{table}_inspection_id_inspections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f(f"fk_{table}_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f(f"fk_{table}_target_id_targets"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _report_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["report_id"],
        ["reports.id"],
        name=op.f(f"fk_{table}_report_id_reports"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("suggestions", sa.String(length=8000), nullable=True),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        *_scope("reports"),
    )
    op.create_index(
        op.f("ix_reports_inspection_id_id"), "reports", ["inspection_id", "id"], unique=False
    )
    op.create_table(
        "report_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("after_hearing", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=2000), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        *_scope("report_versions"),
        _report_fk("report_versions"),
        sa.UniqueConstraint(
            "report_id", "number", name=op.f("uq_report_versions_report_id_number")
        ),
    )
    op.create_index(
        op.f("ix_report_versions_report_id_id"),
        "report_versions",
        ["report_id", "id"],
        unique=False,
    )
    op.create_table(
        "report_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        *_scope("report_items"),
        _report_fk("report_items"),
        sa.UniqueConstraint(
            "report_id", "kind", "ref_id", name=op.f("uq_report_items_report_id_kind_ref_id")
        ),
    )
    op.create_index(
        op.f("ix_report_items_report_id_id"), "report_items", ["report_id", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_report_items_report_id_id"), table_name="report_items")
    op.drop_table("report_items")
    op.drop_index(op.f("ix_report_versions_report_id_id"), table_name="report_versions")
    op.drop_table("report_versions")
    op.drop_index(op.f("ix_reports_inspection_id_id"), table_name="reports")
    op.drop_table("reports")
