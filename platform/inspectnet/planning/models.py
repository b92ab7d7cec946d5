"""Plans and their items (target, mode, responsible leader); the working copy filings freeze."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.concurrency import Versioned
from inspectnet.db import Archivable, Base, Created, OfficeScoped, Timestamped, UTCDateTime
from inspectnet.validation import CODE, NAME, text_kind


class PlanKind(enum.StrEnum):
    """nmg-2016 §6(3), qh-zrzyt §6(2), §8(2)."""

    TERM = "term"  # 巡视/巡察工作规划 (the term of office)
    ANNUAL = "annual"  # 年度计划
    ROUND = "round"  # 阶段任务安排 (one round)


class Plan(Base, OfficeScoped, Timestamped, Versioned, Archivable, Created):
    """An office's plan for a period; edited as a working copy, frozen only when filed; retired
    (archived), never deleted, since what was filed of it is evidence."""

    __tablename__ = "plans"
    __authz_type__ = "plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PlanKind] = mapped_column(
        Enum(PlanKind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    title: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # A round's annual plan, an annual plan's term plan.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="RESTRICT"), index=True
    )
    # The working copy's version the body its ruleset names approved (plan_approval rule): any
    # later edit moves ``version``, so the approval stands only while the two are equal.
    approved_version: Mapped[int | None] = mapped_column(Integer, default=None)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    approved_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="SET NULL"), default=None
    )

    @property
    def is_approved(self) -> bool:
        return self.approved_version is not None and self.approved_version == self.version


class PlanItem(Base, OfficeScoped, Timestamped, Created):
    """One target in a plan: how it is inspected (mode rule) and the leader responsible."""

    __tablename__ = "plan_items"
    __table_args__ = (UniqueConstraint("plan_id", "target_id"),)
    __authz_type__ = "plan_item"
    __authz_parent__ = ("plan_id", Plan)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(
        ForeignKey("targets.id", ondelete="RESTRICT"), index=True
    )
    mode: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))  # a mode.* rule id
    leader: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))  # 责任领导
