"""The second wall (issue 17 item 7): row-level security on the confidential tables of
intake, casework, reports, disclosure, discipline, archive and the ledger, keyed on the actor's envelope set per transaction
(``inspectnet.authz.wall``).

Revision ID: 20261203_0240
Revises: 20261203_0230
Create Date: 2026-12-03

On PostgreSQL only (SQLite has no row-level security, and nothing changes there). The table
list and each table's columns are frozen here as they are today; the expression is built by
``wall.expression``, which the wall's check (tests/rls/test_coverage.py) also compares the
database with, so a model whose columns change without a migration re-creating its policy is
caught. ENABLE, not FORCE: the owner (migrations, the command line, the sweeps) is not subject
to the policies; the application's role is. Adding a policy takes a brief lock per table and
rewrites nothing.
"""

from __future__ import annotations

from alembic import op

from inspectnet.authz.wall import (
    DROP_FUNCTIONS,
    FUNCTIONS,
    Columns,
    create_statements,
    drop_statements,
)

revision = "20261203_0240"
down_revision = "20261203_0230"
branch_labels = None
depends_on = None


def _inspection_row(typ: str, *, target_side: bool = False) -> Columns:
    return Columns(
        type=typ,
        office="office_id",
        inspection="inspection_id",
        target_side="target_id" if target_side else None,
        target="target_id",
    )


TABLES: dict[str, Columns] = {
    "activities": _inspection_row("activity"),
    "archive_items": Columns(type="archive_item", office="office_id", target="target_id"),
    "clue_sources": _inspection_row("clue_source"),
    "clues": _inspection_row("clue"),
    "discipline_records": Columns(type="discipline_record", office="office_id", target="target_id"),
    "disclosure_approvals": Columns(
        type="disclosure_approval", office="office_id", target="target_id"
    ),
    "disclosures": Columns(type="disclosure", office="office_id", target="target_id"),
    "finding_evidence": _inspection_row("finding_evidence"),
    "findings": _inspection_row("finding"),
    "fix_proposals": _inspection_row("fix_proposal", target_side=True),
    "gift_refusals": _inspection_row("gift_refusal"),
    "inspection_archives": Columns(
        type="inspection_archive", office="office_id", target="target_id"
    ),
    "interviewers": _inspection_row("interviewer"),
    "interviews": _inspection_row("interview"),
    "ledger_entries": _inspection_row("ledger_entry"),
    "material_handovers": _inspection_row("material_handover"),
    "mid_term_reports": _inspection_row("mid_term_report"),
    "petition_attachments": _inspection_row("petition_attachment"),
    "petition_materials": _inspection_row("petition_material"),
    "petition_replies": _inspection_row("petition_reply"),
    "petitioner_identities": _inspection_row("petitioner_identity"),
    "petitions": _inspection_row("petition"),
    "report_items": _inspection_row("report_item"),
    "report_versions": _inspection_row("report_version"),
    "reports": _inspection_row("report"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in FUNCTIONS:
        op.execute(statement)
    for table, columns in TABLES.items():
        for statement in create_statements(table, columns):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        for statement in drop_statements(table):
            op.execute(statement)
    for statement in DROP_FUNCTIONS:
        op.execute(statement)
