"""The gateway's own tables: the first answer to each idempotency key, and rate buckets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet import clock
from inspectnet.db import Base, UTCDateTime


class IdempotencyRecord(Base):
    """A mutation request made with an ``Idempotency-Key``, and the answer it got."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_accounts.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    # data and errors as first answered; the cost extension is the retry's own.
    response: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)


class RateBucket(Base):
    """A token bucket shared by every worker and replica (``http.ratelimit.DatabaseBudgets``):
    ``level`` tokens at ``at`` (seconds since the epoch); it refills as time passes."""

    __tablename__ = "rate_buckets"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    level: Mapped[float] = mapped_column(Float)
    at: Mapped[float] = mapped_column(Float, index=True)
