"""Audit entries, chained by hash so that a removed or altered row shows."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet import clock
from inspectnet.db import Base, UTCDateTime


class Outcome(enum.StrEnum):
    SUCCESS = "SUCCESS"
    DENIED = "DENIED"
    FAILED = "FAILED"


class AuditEntry(Base):
    """One thing that happened; rows are only ever inserted (triggers refuse the rest)."""

    __tablename__ = "audit_entries"
    # Keyset pages of a parent's rows read this index in key order (inspectnet.paging); it
    # serves lookups by the parent too, so the parent column has no index of its own.
    __table_args__ = (Index("ix_audit_entries_office_id_id", "office_id", "id"),)
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
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


__all__ = ["AuditEntry", "Outcome"]
