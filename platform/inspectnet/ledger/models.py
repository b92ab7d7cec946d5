"""The results ledger 台账 (nmg-2016 §33 "建立巡视成果运用台账管理制度", qh-zrzyt §35) and the
organisation department's opinion requests about cadres of inspected units (nmg-2016 §33).

A ledger entry is the register's line for one record of a source (a finding, a clue, a
transfer, rectification item; sources.py): its kind, the
record's id, the office, inspection (round) and target, and what the register shows of it. It
shows no clue's person or content: those stay with the team (casework), the register counts
and tracks them. Entries are compiled from the records (service.compile_ledger), so a list of
the register pages over one table, by its own keyset, whatever the number of sources.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.concurrency import Versioned
from inspectnet.db import Base, Created, OfficeScoped, Timestamped, UTCDateTime
from inspectnet.validation import CODE, FREE_TEXT, NAME, text_kind


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])


class LedgerEntry(Base, OfficeScoped, Timestamped):
    """One line of an office's results ledger, compiled from a source record."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id"),
        Index("ix_ledger_entries_office_id_id", "office_id", "id"),
        Index("ix_ledger_entries_inspection_id_id", "inspection_id", "id"),
        Index("ix_ledger_entries_office_id_recorded_at_id", "office_id", "recorded_at", "id"),
    )
    __office_index__ = False
    __authz_type__ = "ledger_entry"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), info=text_kind(CODE))
    ref_id: Mapped[int] = mapped_column(Integer)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    # The round (轮次) the inspection belongs to: its plan, when it was planned in one.
    plan_id: Mapped[int | None] = mapped_column(Integer, default=None)
    title: Mapped[str] = mapped_column(String(500), info=text_kind(FREE_TEXT))
    category: Mapped[str | None] = mapped_column(String(80), default=None, info=text_kind(CODE))
    state: Mapped[str] = mapped_column(String(40), info=text_kind(CODE))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OpinionState(enum.StrEnum):
    REQUESTED = "requested"  # 已征求
    ANSWERED = "answered"  # 已回复


class OpinionRequest(Base, OfficeScoped, Timestamped, Created, Versioned):
    """The organisation department asks the inspection body's opinion of a cadre of a unit
    recently inspected or under inspection (nmg-2016 §33 "应当听取巡视机构的意见")."""

    __tablename__ = "opinion_requests"
    __table_args__ = (Index("ix_opinion_requests_office_id_id", "office_id", "id"),)
    __office_index__ = False
    __authz_type__ = "opinion_request"
    __authz_target_column__ = "target_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    requested_by: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    cadre_name: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))
    cadre_post: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    purpose: Mapped[str] = mapped_column(String(1000), info=text_kind(FREE_TEXT))
    state: Mapped[OpinionState] = mapped_column(_enum(OpinionState), default=OpinionState.REQUESTED)
    answer: Mapped[str | None] = mapped_column(
        String(4000), default=None, info=text_kind(FREE_TEXT)
    )
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    answered_by: Mapped[int | None] = mapped_column(Integer, default=None)
