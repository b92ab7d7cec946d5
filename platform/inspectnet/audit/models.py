"""Audit entries, in per-office chains keyed by HMAC so that a removed or altered row shows."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet import clock
from inspectnet.db import Base, UTCDateTime

PLATFORM_CHAIN = 0  # entries concerning no office (office_id NULL) chain here


class Outcome(enum.StrEnum):
    SUCCESS = "SUCCESS"
    DENIED = "DENIED"
    FAILED = "FAILED"


class AuditEntry(Base):
    """One thing that happened; rows are only ever inserted (triggers refuse the rest).

    Each office has its own chain (``chain`` is the office id, 0 the platform's), numbered by
    ``seq`` from 1 without gaps; ``hash`` is the HMAC, under audit key ``key_version``, of the
    previous entry's hash and this entry's content, chain and position.
    """

    __tablename__ = "audit_entries"
    # Keyset pages of a parent's rows read this index in key order (inspectnet.paging); it
    # serves lookups by the parent too, so the parent column has no index of its own.
    __table_args__ = (
        UniqueConstraint("chain", "seq"),
        # An office's log is paged by keyset on (office, id) (inspectnet.paging).
        Index("ix_audit_entries_office_id_id", "office_id", "id"),
    )
    __authz_type__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(64))
    # No foreign key: the log must outlive what it describes.
    office_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(80))
    object_id: Mapped[str | None] = mapped_column(String(120))
    request_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[Outcome] = mapped_column(Enum(Outcome, native_enum=False, length=12))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    chain: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    key_version: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


__all__ = ["PLATFORM_CHAIN", "AuditEntry", "Outcome"]
