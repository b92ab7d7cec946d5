"""Audit chains: per-office chains numbered by seq, keyed by the audit HMAC key (key version per row).

The existing rows formed one unkeyed SHA-256 chain. The upgrade checks that chain first and
refuses to go on if it is broken (re-sealing a tampered log under the key would launder it);
then it re-seals every row into its office's chain under the keyring's current audit key.

Revision ID: 20261201_0002
Revises: 20261201_0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from inspectnet.db import UTCDateTime

revision = "20261201_0002"
down_revision = "20261201_0005"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
_CONTENT = (
    "at",
    "actor_user_id",
    "actor_name",
    "office_id",
    "action",
    "object_id",
    "request_id",
    "outcome",
    "detail",
)

_SQLITE_TRIGGERS = [
    """CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
       BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END""",
    """CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
       BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END""",
]
_PG_TRIGGER_NAMES = ("audit_entries_no_change", "audit_entries_no_truncate")


def _entries(*, keyed: bool = True) -> sa.TableClause:
    columns = [
        sa.column("id", sa.Integer()),
        sa.column("at", UTCDateTime()),
        sa.column("actor_user_id", sa.Integer()),
        sa.column("actor_name", sa.String()),
        sa.column("office_id", sa.Integer()),
        sa.column("action", sa.String()),
        sa.column("object_id", sa.String()),
        sa.column("request_id", sa.String()),
        sa.column("outcome", sa.String()),
        sa.column("detail", sa.JSON()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    ]
    if keyed:
        columns += [
            sa.column("chain", sa.Integer()),
            sa.column("seq", sa.Integer()),
            sa.column("key_version", sa.Integer()),
        ]
    return sa.table("audit_entries", *columns)


def _content(row: Any) -> dict[str, Any]:
    fields = {name: getattr(row, name) for name in _CONTENT}
    at: datetime = fields["at"]
    fields["at"] = at.astimezone(UTC).isoformat()
    return fields


# Frozen copies of the two hash forms as they are on this date (the code may change later).
def _legacy_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def _keyed_hash(secret: bytes, prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(
        fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hmac.new(secret, f"{prev_hash}|{payload}".encode(), hashlib.sha256).hexdigest()


def _unprotect(dialect: str) -> None:
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_delete")
    else:
        for name in _PG_TRIGGER_NAMES:
            op.execute(f"ALTER TABLE audit_entries DISABLE TRIGGER {name}")


def _protect(dialect: str) -> None:
    if dialect == "sqlite":
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)
    else:
        for name in _PG_TRIGGER_NAMES:
            op.execute(f"ALTER TABLE audit_entries ENABLE TRIGGER {name}")


def _reseal(bind: sa.Connection) -> None:
    table, legacy = _entries(), _entries(keyed=False)
    rows = bind.execute(sa.select(legacy).order_by(legacy.c.id)).all()
    if not rows:
        return
    prev = GENESIS
    for row in rows:
        fields = _content(row)
        if row.prev_hash != prev or row.hash != _legacy_hash(prev, fields):
            raise RuntimeError(
                f"audit_entries: the unkeyed chain is broken at id {row.id}; "
                "refusing to re-seal a log that was altered"
            )
        prev = row.hash
    from inspectnet import keyring

    key = keyring.active().current(keyring.Purpose.AUDIT)
    heads: dict[int, tuple[int, str]] = {}
    for row in rows:
        chain = row.office_id or 0
        seq, prev = heads.get(chain, (0, GENESIS))
        seq += 1
        fields = _content(row) | {"chain": chain, "seq": seq, "key_version": key.version}
        digest = _keyed_hash(key.secret, prev, fields)
        bind.execute(
            table.update()
            .where(table.c.id == row.id)
            .values(chain=chain, seq=seq, key_version=key.version, prev_hash=prev, hash=digest)
        )
        heads[chain] = (seq, digest)


def _rechain_legacy(bind: sa.Connection) -> None:
    table = _entries(keyed=False)
    prev = GENESIS
    for row in bind.execute(sa.select(table).order_by(table.c.id)).all():
        digest = _legacy_hash(prev, _content(row))
        bind.execute(table.update().where(table.c.id == row.id).values(prev_hash=prev, hash=digest))
        prev = digest


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    _unprotect(dialect)
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("key_version", sa.Integer(), nullable=True))
    _reseal(bind)
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.alter_column("chain", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("key_version", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f("uq_audit_entries_chain_seq"), ["chain", "seq"]
        )
    # SQLite's batch mode rebuilt the table, and its triggers went with the old one.
    _protect(dialect)


def downgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    _unprotect(dialect)
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_entries_chain_seq"), type_="unique")
        batch_op.drop_column("key_version")
        batch_op.drop_column("seq")
        batch_op.drop_column("chain")
    _rechain_legacy(bind)
    _protect(dialect)
