"""A transfer 移交 of one clue or finding along a route of the office's ruleset (nmg-2016 §31,
§23; qh-zrzyt §20), its receipt (签收) and the receiver's handling report (nmg-2016 §32,
qh-zrzyt §21).

The sending office owns the row (``office_id``) and its inspection's team reads it through the
inspection's phase; a receiver on the platform reads it as the office it is addressed to
(``recipient``) and reads the clue or finding itself only through the door's share. An outside
receiver (a body not on the platform) is recorded by name; the sending office records its
receipt and answer for it.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Enum, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.concurrency import Versioned
from inspectnet.db import Base, Created, OfficeScoped, Timestamped, UTCDateTime
from inspectnet.validation import CODE, FREE_TEXT, NAME, text_kind

REPORT_LENGTH = 4000


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])


class TransferState(enum.StrEnum):
    SENT = "sent"  # 已移交，待签收
    SIGNED = "signed"  # 已签收，办理中
    REPORTED = "reported"  # 已反馈办理情况
    REFUSED = "refused"  # 不受理


class TransferFailure(enum.StrEnum):
    """The failure nmg-2016 §38(3) names: "对巡视移交的问题和线索不受理或者研究办理不及时的"."""

    NOT_ACCEPTED = "not_accepted"  # 不受理
    LATE = "late"  # 研究办理不及时


class OpinionKind(enum.StrEnum):
    """What 巡察办 proposes on a transfer's answer (qh-zrzyt §22)."""

    HANDLING = "handling"  # 处理意见
    ACCOUNTABILITY = "accountability"  # 问责意见


class Transfer(Base, OfficeScoped, Timestamped, Created, Versioned):
    """One clue or finding transferred to a receiver: who decided, who signed, what was done."""

    __tablename__ = "transfers"
    __table_args__ = (
        CheckConstraint("(clue_id IS NULL) <> (finding_id IS NULL)", name="transfer_one_subject"),
        Index("ix_transfers_inspection_id_id", "inspection_id", "id"),
        Index("ix_transfers_office_id_id", "office_id", "id"),
        Index("ix_transfers_receiver_office_id_id", "receiver_office_id", "id"),
        Index("ix_transfers_office_id_due_on_id", "office_id", "due_on", "id"),
    )
    __office_index__ = False
    __authz_type__ = "transfer"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"
    __authz_recipient_column__ = "receiver_office_id"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="RESTRICT"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    clue_id: Mapped[int | None] = mapped_column(
        ForeignKey("clues.id", ondelete="RESTRICT"), default=None, index=True
    )
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("findings.id", ondelete="RESTRICT"), default=None, index=True
    )
    # A ``transfer.*`` rule of the sending office's ruleset, and the kind of receiver it names.
    route: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    receiver_kind: Mapped[str] = mapped_column(String(40), info=text_kind(CODE))
    receiver_office_id: Mapped[int | None] = mapped_column(
        ForeignKey("offices.id", ondelete="RESTRICT"), default=None
    )
    receiver_name: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    reason: Mapped[str] = mapped_column(String(500), info=text_kind(FREE_TEXT))
    # The body that decided it, as the route names it (five_person_group, leading_group).
    decided_by: Mapped[str] = mapped_column(String(40), info=text_kind(CODE))
    # The body member who recorded the decision; null when the system made it (a demo, a test).
    decided_by_user: Mapped[int | None] = mapped_column(Integer, default=None)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    share_id: Mapped[int | None] = mapped_column(Integer, default=None)
    state: Mapped[TransferState] = mapped_column(_enum(TransferState), default=TransferState.SENT)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    signed_by: Mapped[int | None] = mapped_column(Integer, default=None)
    # Handling report due (nmg-2016 §32, qh-zrzyt §21), fixed when signed.
    due_on: Mapped[date | None] = mapped_column(Date, default=None)
    outcome: Mapped[str | None] = mapped_column(String(80), default=None, info=text_kind(CODE))
    report: Mapped[str | None] = mapped_column(
        String(REPORT_LENGTH), default=None, info=text_kind(FREE_TEXT)
    )
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    reported_by: Mapped[int | None] = mapped_column(Integer, default=None)
    failure: Mapped[TransferFailure | None] = mapped_column(_enum(TransferFailure), default=None)
    # On the answer (qh-zrzyt §22): the sending office's proposal (处理意见或者问责意见) and the
    # decision of the body the ruleset's decision.transfer_answer rule names (厅党组).
    opinion_kind: Mapped[OpinionKind | None] = mapped_column(_enum(OpinionKind), default=None)
    opinion: Mapped[str | None] = mapped_column(
        String(REPORT_LENGTH), default=None, info=text_kind(FREE_TEXT)
    )
    opinion_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    opinion_by: Mapped[int | None] = mapped_column(Integer, default=None)
    opinion_decision: Mapped[str | None] = mapped_column(
        String(REPORT_LENGTH), default=None, info=text_kind(FREE_TEXT)
    )
    opinion_decided_as: Mapped[str | None] = mapped_column(
        String(40), default=None, info=text_kind(CODE)
    )
    opinion_decided_by: Mapped[int | None] = mapped_column(Integer, default=None)
    opinion_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    opinion_rule: Mapped[str | None] = mapped_column(String(80), default=None, info=text_kind(CODE))
    opinion_article: Mapped[str | None] = mapped_column(
        String(40), default=None, info=text_kind(NAME)
    )
