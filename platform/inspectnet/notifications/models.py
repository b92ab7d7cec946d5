"""Notification rows: one per recipient, ids and a short title only."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet import clock
from inspectnet.db import Base, Created, OfficeScoped, UTCDateTime


class NotificationKind(enum.StrEnum):
    """What a notification is about; each domain that raises notifications adds its kinds here."""

    NOTICE = "notice"  # an office admin's notice to accounts of its office (机构通知)
    BREAK_GLASS = "break_glass"  # someone took an emergency grant in the office (紧急授权)
    SHARE_RECEIVED = "share_received"  # an object was transferred to the office (收到移交)
    SHARE_ENDED = "share_ended"  # a transfer to the office was ended (移交已终止)
    # filings (报备 / 报批): to the deciders, then back to the filer
    FILING_SUBMITTED = "filing_submitted"  # a filing reached the office (收到报送)
    FILING_DECIDED = "filing_decided"  # approved or acknowledged (已批准、已备案)
    FILING_RETURNED = "filing_returned"  # returned with a reason (已退回)
    FILING_DUE_SOON = "filing_due_soon"  # a duty entered its yellow warning (临期)
    FILING_OVERDUE = "filing_overdue"  # a duty passed its deadline unfiled (逾期)
    # rectification (整改): the sweep's warnings, escalating up the chain (rectification/warnings)
    RECTIFICATION_DUE_SOON = "rectification_due_soon"  # an item or duty turned yellow (临期)
    RECTIFICATION_OVERDUE = "rectification_overdue"  # an item or duty turned red (逾期)
    # transfers (移交): the handling report, on both sides
    TRANSFER_REPORTED = "transfer_reported"  # the receiver answered (移交办理情况已反馈)
    TRANSFER_OVERDUE = "transfer_overdue"  # the handling report is overdue (移交办理逾期)


class Notification(Base, OfficeScoped, Created):
    """Something that happened for one account (通知), about an object of ``office_id``.

    The row holds no content of the object, only its global ID and a short title, so a
    notification never shows more than its recipient may read of the object itself. The door
    shows it to its recipient only (``__authz_owner_column__``).
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_recipient_user_id_id", "recipient_user_id", "id"),)
    __authz_type__ = "notification"
    __authz_owner_column__ = "recipient_user_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_user_id: Mapped[int] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="CASCADE")
    )
    kind: Mapped[NotificationKind] = mapped_column(
        Enum(
            NotificationKind,
            native_enum=False,
            length=64,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    subject_id: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
