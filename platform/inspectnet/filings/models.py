"""Filings (one row a version) and the decisions on them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.concurrency import Versioned
from inspectnet.db import Base, Created, OfficeScoped, Timestamped, UTCDateTime
from inspectnet.validation import CODE, FREE_TEXT, NAME, text_kind


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class FilingState(enum.StrEnum):
    DUE = "due"  # 待报送: a duty fell due, nothing filed yet (inspectnet duties sweep)
    SUBMITTED = "submitted"  # 已报送，待处理
    APPROVED = "approved"  # 已批准 (报批)
    RETURNED = "returned"  # 已退回，附理由 (报批)
    ACKNOWLEDGED = "acknowledged"  # 已备案 (报备)
    SUPERSEDED = "superseded"  # 被新版本取代（未处理即重报）


class Decision(enum.StrEnum):
    APPROVE = "approve"  # 批准
    RETURN = "return"  # 退回
    ACKNOWLEDGE = "acknowledge"  # 备案


class Filing(Base, OfficeScoped, Timestamped, Versioned, Created):
    """One version of a filing: ``office_id`` is the filer, ``to_office_id`` its superior."""

    __tablename__ = "filings"
    __table_args__ = (
        UniqueConstraint("series_key", "number"),
        # The superior's inbox: its filings by state, paged by id.
        Index("ix_filings_inbox", "to_office_id", "state", "id"),
    )
    __authz_type__ = "filing"
    # The superior reads what was filed to it, never what its subordinates received in turn.
    __authz_recipient_column__ = "to_office_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_office_id: Mapped[int] = mapped_column(
        ForeignKey("offices.id", ondelete="RESTRICT"), index=True
    )
    rule_id: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))  # a filing.* rule
    ruleset_id: Mapped[str] = mapped_column(String(40), info=text_kind(CODE))  # the filer's
    mode: Mapped[str] = mapped_column(String(20), info=text_kind(CODE))  # record | approval
    recipient: Mapped[str] = mapped_column(String(40), info=text_kind(CODE))
    subject_type: Mapped[str] = mapped_column(String(40), info=text_kind(CODE))  # e.g. plan
    subject_id: Mapped[int] = mapped_column(Integer, index=True)
    subject_version: Mapped[int] = mapped_column(Integer)  # the working copy's version filed
    # Every version of one subject under one rule shares a series key: "<type>:<id>:<rule>".
    series_key: Mapped[str] = mapped_column(String(140), index=True, info=text_kind(CODE))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … within the series
    title: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    # None while only due (nothing filed yet)
    snapshot: Mapped[dict | None] = mapped_column(JSON)  # type: ignore[type-arg]
    state: Mapped[FilingState] = mapped_column(_enum(FilingState), index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_on: Mapped[date | None] = mapped_column(Date)  # Beijing date of submitted_at
    # The deadline, if a duty sets one, and the day the yellow warning starts (三色预警).
    due_on: Mapped[date | None] = mapped_column(Date)
    warn_on: Mapped[date | None] = mapped_column(Date)
    submitted_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="SET NULL")
    )
    # The last warning the duties sweep raised for this due item (due_soon, then overdue):
    # moved by one conditional UPDATE, so each warning is notified once whatever runs at once.
    warned: Mapped[str | None] = mapped_column(String(20), info=text_kind(CODE))
    # An override of the computed deadline by the filing office (where the seeds set none, or
    # say 一般 / 原则上): the computed date and the reason stay beside it, for the superior.
    computed_due_on: Mapped[date | None] = mapped_column(Date)
    override_reason: Mapped[str | None] = mapped_column(String(500), info=text_kind(FREE_TEXT))


class FilingDecision(Base, OfficeScoped, Timestamped, Created):
    """A superior's decision on one version; ``office_id`` is the deciding office."""

    __tablename__ = "filing_decisions"
    __authz_type__ = "filing_decision"
    # Readable only with the filing: the superior relation alone would show a county the
    # region's decisions on its sibling's filings.
    __authz_parent__ = ("filing_id", Filing)

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(
        ForeignKey("filings.id", ondelete="RESTRICT"), index=True
    )
    decision: Mapped[Decision] = mapped_column(_enum(Decision))
    reason: Mapped[str | None] = mapped_column(String(2000), info=text_kind(FREE_TEXT))
    decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FilingWarningSetting(Base, OfficeScoped, Timestamped, Created):
    """An office's yellow threshold (三色预警) for one duty filed to it; absent: the default.

    The seeds set no thresholds, so they are settings, not rules: the office filed to decides
    how many days before a deadline its inbox turns an item yellow (filings/warnings.py).
    """

    __tablename__ = "filing_warning_settings"
    __table_args__ = (UniqueConstraint("office_id", "rule_id"),)
    __authz_type__ = "filing_warning_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))  # a filing.* rule
    yellow_days: Mapped[int] = mapped_column(Integer)


class InboxStatus(enum.StrEnum):
    """Where an item of the inbox stands against its deadline (三色预警)."""

    OVERDUE = "overdue"  # red: due and past its deadline
    DUE_SOON = "due_soon"  # yellow: due, inside the warning threshold
    OPEN = "open"  # green: due, time left
    MET_ON_TIME = "met_on_time"  # filed by the deadline (or with none)
    MET_LATE = "met_late"  # filed after the deadline: kept distinct from on time


class LinkState(enum.StrEnum):
    ISSUED = "issued"
    USED = "used"


class DownloadLink(Base, OfficeScoped, Timestamped):
    """A single-use, account-bound link to an export of an office's inbox (下载链接)."""

    __tablename__ = "download_links"
    __authz_type__ = "download_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[LinkState] = mapped_column(_enum(LinkState))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
