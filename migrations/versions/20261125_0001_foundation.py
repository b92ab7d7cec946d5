"""Foundation: offices and links, people, targets, accounts and grants, policy rows, audit log.

Revision ID: 20261125_0001
Revises:
Create Date: 2026-11-25 01:53:31.457500
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261125_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=64), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("object_id", sa.String(length=120), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum("SUCCESS", "DENIED", "FAILED", name="outcome", native_enum=False, length=12),
            nullable=False,
        ),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_entries_hash")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entries_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entries_office_id"), ["office_id"], unique=False)

    op.create_table(
        "offices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "REGIONAL_OFFICE",
                "LIAISON_BODY",
                "PATROL_OFFICE",
                "DEPARTMENTAL_PATROL_OFFICE",
                name="officekind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("ruleset_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offices")),
        sa.UniqueConstraint("code", name=op.f("uq_offices_code")),
    )
    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offices_region_code"), ["region_code"], unique=False)

    op.create_table(
        "policy_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ptype", sa.String(length=2), nullable=False),
        sa.Column("v0", sa.String(length=120), nullable=False),
        sa.Column("v1", sa.String(length=120), nullable=False),
        sa.Column("v2", sa.String(length=120), nullable=False),
        sa.Column("v3", sa.String(length=120), nullable=False),
        sa.Column("v4", sa.String(length=120), nullable=False),
        sa.Column("v5", sa.String(length=120), nullable=False),
        sa.Column("v6", sa.String(length=120), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_rules")),
    )
    op.create_table(
        "office_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("LEADERSHIP", "GUIDANCE", name="linkkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("superior_id", sa.Integer(), nullable=False),
        sa.Column("subordinate_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("superior_id <> subordinate_id", name=op.f("ck_office_links_not_self")),
        sa.ForeignKeyConstraint(
            ["subordinate_id"],
            ["offices.id"],
            name=op.f("fk_office_links_subordinate_id_offices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["superior_id"],
            ["offices.id"],
            name=op.f("fk_office_links_superior_id_offices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_links")),
        sa.UniqueConstraint(
            "kind",
            "superior_id",
            "subordinate_id",
            name=op.f("uq_office_links_kind_superior_id_subordinate_id"),
        ),
    )
    with op.batch_alter_table("office_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_office_links_subordinate_id"), ["subordinate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_office_links_superior_id"), ["superior_id"], unique=False
        )

    op.create_table(
        "persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("rank", sa.String(length=40), nullable=False),
        sa.Column("home_region_code", sa.String(length=12), nullable=False),
        sa.Column("expertise", sa.JSON(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_persons_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
    )
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_persons_office_id"), ["office_id"], unique=False)

    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_targets_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targets")),
    )
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_targets_office_id"), ["office_id"], unique=False)

    op.create_table(
        "employment_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("post", sa.String(length=100), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_employment_records_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_employment_records_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_employment_records_target_id_targets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employment_records")),
    )
    with op.batch_alter_table("employment_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_employment_records_office_id"), ["office_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_employment_records_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "interest_ties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("KIN", "INTEREST", name="tiekind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("relation", sa.String(length=100), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_interest_ties_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_interest_ties_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_interest_ties_target_id_targets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interest_ties")),
    )
    with op.batch_alter_table("interest_ties", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interest_ties_office_id"), ["office_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_interest_ties_person_id"), ["person_id"], unique=False)

    op.create_table(
        "leadership_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("post", sa.String(length=100), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_leadership_posts_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_leadership_posts_person_id_persons"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["targets.id"],
            name=op.f("fk_leadership_posts_target_id_targets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leadership_posts")),
    )
    with op.batch_alter_table("leadership_posts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_leadership_posts_office_id"), ["office_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_leadership_posts_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_leadership_posts_target_id"), ["target_id"], unique=False
        )

    op.create_table(
        "pool_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "pool",
            sa.Enum("LEADER", "TALENT", name="poolkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_pool_memberships_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_pool_memberships_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_memberships")),
        sa.UniqueConstraint(
            "office_id",
            "person_id",
            "pool",
            name=op.f("uq_pool_memberships_office_id_person_id_pool"),
        ),
    )
    with op.batch_alter_table("pool_memberships", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pool_memberships_office_id"), ["office_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pool_memberships_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "user_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_user_accounts_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_user_accounts_person_id_persons"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_accounts")),
        sa.UniqueConstraint("person_id", name=op.f("uq_user_accounts_person_id")),
        sa.UniqueConstraint("username", name=op.f("uq_user_accounts_username")),
    )
    with op.batch_alter_table("user_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_accounts_office_id"), ["office_id"], unique=False)

    op.create_table(
        "role_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_role_grants_office_id_offices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_accounts.id"],
            name=op.f("fk_role_grants_user_id_user_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_grants")),
        sa.UniqueConstraint(
            "user_id", "office_id", "role", name=op.f("uq_role_grants_user_id_office_id_role")
        ),
    )
    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_role_grants_office_id"), ["office_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_role_grants_user_id"), ["user_id"], unique=False)

    _protect_audit_log()


# The audit log is append-only: the database itself refuses UPDATE and DELETE on it.
_SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
       BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END""",
    """CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
       BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END""",
]
_PG_TRIGGERS = [
    """CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit_entries is append-only'; END $$""",
    """CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
       FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()""",
    """CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
       FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()""",
]


def _protect_audit_log() -> None:
    statements = _SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else _PG_TRIGGERS
    for statement in statements:
        op.execute(statement)


def _unprotect_audit_log() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_change ON audit_entries")
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries")
        op.execute("DROP FUNCTION IF EXISTS audit_entries_append_only()")


def downgrade() -> None:
    _unprotect_audit_log()

    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_grants_user_id"))
        batch_op.drop_index(batch_op.f("ix_role_grants_office_id"))

    op.drop_table("role_grants")
    with op.batch_alter_table("user_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_accounts_office_id"))

    op.drop_table("user_accounts")
    with op.batch_alter_table("pool_memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pool_memberships_person_id"))
        batch_op.drop_index(batch_op.f("ix_pool_memberships_office_id"))

    op.drop_table("pool_memberships")
    with op.batch_alter_table("leadership_posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leadership_posts_target_id"))
        batch_op.drop_index(batch_op.f("ix_leadership_posts_person_id"))
        batch_op.drop_index(batch_op.f("ix_leadership_posts_office_id"))

    op.drop_table("leadership_posts")
    with op.batch_alter_table("interest_ties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interest_ties_person_id"))
        batch_op.drop_index(batch_op.f("ix_interest_ties_office_id"))

    op.drop_table("interest_ties")
    with op.batch_alter_table("employment_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employment_records_person_id"))
        batch_op.drop_index(batch_op.f("ix_employment_records_office_id"))

    op.drop_table("employment_records")
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_targets_office_id"))

    op.drop_table("targets")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_persons_office_id"))

    op.drop_table("persons")
    with op.batch_alter_table("office_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_office_links_superior_id"))
        batch_op.drop_index(batch_op.f("ix_office_links_subordinate_id"))

    op.drop_table("office_links")
    op.drop_table("policy_rules")
    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offices_region_code"))

    op.drop_table("offices")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_office_id"))
        batch_op.drop_index(batch_op.f("ix_audit_entries_at"))

    op.drop_table("audit_entries")
