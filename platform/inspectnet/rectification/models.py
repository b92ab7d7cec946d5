"""After the site: the hearing, the bodies' decisions, the feedback and the rectification.

Hearing and feedback records live here with the rectification rather than in a package of
their own: they are the first steps of one chain (heard → consented → fed back → rectified),
the feedback's problems are what every rectification item names, and one migration, one policy
file and one set of factories keep that chain in one place.

Rectification has its own life: nothing here reads the inspection's stage after the feedback,
so archiving the inspection (the team's grants end) freezes none of it (nmg-2016 §30,
qh-zrzyt §19).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.concurrency import Versioned
from inspectnet.db import Base, Created, OfficeScoped, Timestamped, UTCDateTime
from inspectnet.rules.vocabulary import (
    Attendee,
    DecisionMatter,
    RectificationReportKind,
    ReportRecipient,
)
from inspectnet.validation import CODE, FREE_TEXT, NAME, text_kind


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])


class _OfInspection(OfficeScoped, Timestamped):
    """A row of one inspection's record: the door weighs it by office, inspection and target.

    Items, duties and reports name no parent: each is changed on its own (the target works an
    item, the office closes it) without a right to change the plan or feedback around it.
    """

    __office_index__ = False
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"


class Hearing(Base, _OfInspection, Created):
    """The leading group hears the team (听取汇报, nmg-2016 §27, qh-zrzyt §17)."""

    __tablename__ = "hearings"
    __authz_type__ = "hearing"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), unique=True
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    held_on: Mapped[date] = mapped_column(Date)
    heard_by: Mapped[str] = mapped_column(String(40), info=text_kind(CODE))  # the rule's body
    rule_id: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    article: Mapped[str] = mapped_column(String(40), info=text_kind(NAME))
    # 提出处理意见 (nmg-2016 §27, qh-zrzyt §17)
    proposals: Mapped[str] = mapped_column(String(4000), info=text_kind(FREE_TEXT))


class PostSiteDecision(Base, _OfInspection, Created):
    """A body's decision after the hearing: the use of results, the consent to feed back, the
    circulation; taken by the body the ruleset's ``decision.*`` rule names (require_body)."""

    __tablename__ = "post_site_decisions"
    __table_args__ = (
        UniqueConstraint("inspection_id", "matter"),
        Index("ix_post_site_decisions_inspection_id_id", "inspection_id", "id"),
    )
    __authz_type__ = "post_site_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    matter: Mapped[DecisionMatter] = mapped_column(_enum(DecisionMatter))
    decided_by: Mapped[str] = mapped_column(String(40), info=text_kind(CODE))
    decided_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(String(4000), info=text_kind(FREE_TEXT))
    rule_id: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    article: Mapped[str] = mapped_column(String(40), info=text_kind(NAME))


class Feedback(Base, _OfInspection, Created):
    """The feedback to the target, separately to its leadership team and to its principal
    (分别反馈, nmg-2016 §29, qh-zrzyt §18); the day the target signs for it starts the clock."""

    __tablename__ = "feedbacks"
    __authz_type__ = "feedback"
    # The target reads what it was told (被巡视党组织).
    __authz_target_side__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), unique=True
    )
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    to_leadership_on: Mapped[date] = mapped_column(Date)  # 向领导班子反馈
    to_principal_on: Mapped[date] = mapped_column(Date)  # 向主要负责人反馈
    signed_on: Mapped[date] = mapped_column(Date)  # 签收: starts every rectification deadline
    # The principal, first responsible for rectification (nmg-2016 §30, qh-zrzyt §19), and the
    # target-side account warnings escalate to, when bound.
    principal_name: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))
    principal_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="SET NULL"), default=None
    )
    rule_id: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    article: Mapped[str] = mapped_column(String(40), info=text_kind(NAME))


class PartyRole(enum.StrEnum):
    """Who took part in the feedback, or was told of it."""

    LEADING_GROUP_MEMBER = Attendee.LEADING_GROUP_MEMBER.value  # 领导小组成员
    DISCIPLINE_HEAD = Attendee.DISCIPLINE_HEAD.value  # 纪检监察机关（机构）负责同志
    PERSONNEL_HEAD = Attendee.PERSONNEL_HEAD.value  # 人事部门负责同志
    OTHER = Attendee.OTHER.value  # 其他参加人员
    CIRCULATED = "circulated"  # 通报对象: a leader or department told (nmg-2016 §29)


class FeedbackParty(Base, _OfInspection):
    """An attendee of the feedback (qh-zrzyt §18) or a recipient of its circulation
    (nmg-2016 §29): the office's record, not the target's."""

    __tablename__ = "feedback_parties"
    __table_args__ = (Index("ix_feedback_parties_feedback_id_id", "feedback_id", "id"),)
    __authz_type__ = "feedback_party"
    __authz_parent__ = ("feedback_id", Feedback)

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedbacks.id", ondelete="CASCADE"))
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    role: Mapped[PartyRole] = mapped_column(_enum(PartyRole))
    name: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))


class FedBackProblem(Base, _OfInspection):
    """One problem the target was told of (指出问题): what a rectification item names.

    The finding it came from (fieldwork, ``inspectnet.casework``) is linked here, by one
    optional column ``finding_id``, when that domain is merged; nothing else depends on it.
    """

    __tablename__ = "fed_back_problems"
    __table_args__ = (Index("ix_fed_back_problems_feedback_id_id", "feedback_id", "id"),)
    __authz_type__ = "fed_back_problem"
    __authz_target_side__ = True
    __authz_parent__ = ("feedback_id", Feedback)

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedbacks.id", ondelete="CASCADE"))
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(2000), info=text_kind(FREE_TEXT))


class PlanState(enum.StrEnum):
    DRAFT = "draft"  # 制定中
    SUBMITTED = "submitted"  # 已报巡察组审定
    APPROVED = "approved"  # 已审定 (or in force where the ruleset names no approval)


class RectificationPlan(Base, _OfInspection, Versioned, Created):
    """The target's rectification plan (整改方案) with its problem, task and responsibility
    lists, which its items make up (qh-zrzyt §19); the team approves it after feedback."""

    __tablename__ = "rectification_plans"
    __authz_type__ = "rectification_plan"
    __authz_target_side__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), unique=True
    )
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedbacks.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    state: Mapped[PlanState] = mapped_column(_enum(PlanState), default=PlanState.DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    approved_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="SET NULL"), default=None
    )


class ItemState(enum.StrEnum):
    OPEN = "open"  # 整改中
    DONE = "done"  # 已完成，待对账销号
    CLOSED = "closed"  # 已销号


class RectificationItem(Base, _OfInspection, Versioned, Created):
    """One line of the plan: the problem (问题清单), the measure (任务清单), who answers for it
    (责任清单), its due date, the evidence and its state."""

    __tablename__ = "rectification_items"
    __table_args__ = (
        Index("ix_rectification_items_plan_id_id", "plan_id", "id"),
        Index("ix_rectification_items_plan_id_due_on_id", "plan_id", "due_on", "id"),
    )
    __authz_type__ = "rectification_item"
    __authz_target_side__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("rectification_plans.id", ondelete="CASCADE"))
    problem_id: Mapped[int] = mapped_column(
        ForeignKey("fed_back_problems.id", ondelete="RESTRICT"), index=True
    )
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    measure: Mapped[str] = mapped_column(String(2000), info=text_kind(FREE_TEXT))
    owner_name: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="SET NULL"), default=None
    )
    supervisor_name: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))
    supervisor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="SET NULL"), default=None
    )
    due_on: Mapped[date] = mapped_column(Date)
    evidence: Mapped[str | None] = mapped_column(
        String(4000), default=None, info=text_kind(FREE_TEXT)
    )
    state: Mapped[ItemState] = mapped_column(_enum(ItemState), default=ItemState.OPEN)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # How far up the chain the sweep's warning has gone (warnings.Level), moved by one
    # conditional UPDATE so each step is notified once.
    escalated: Mapped[int] = mapped_column(Integer, default=0)


class CheckBasis(enum.StrEnum):
    """Why the inspecting office closed or reopened an item."""

    EVIDENCE = "evidence"  # 对账销号
    SPECIAL_CHECK = "special_check"  # 整改专项检查 (nmg-2016 §34)
    FOLLOW_UP = "follow_up"  # 回头看 (nmg-2016 §19, qh-zrzyt §13)


class RectificationCheck(Base, _OfInspection, Created):
    """The inspecting office's check of one item: closed against its evidence, or reopened."""

    __tablename__ = "rectification_checks"
    __table_args__ = (Index("ix_rectification_checks_item_id_id", "item_id", "id"),)
    __authz_type__ = "rectification_check"
    __authz_parent__ = ("item_id", RectificationItem)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("rectification_items.id", ondelete="CASCADE"))
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    closed: Mapped[bool] = mapped_column(default=False)  # closed (销号) or reopened
    basis: Mapped[CheckBasis] = mapped_column(_enum(CheckBasis))
    note: Mapped[str] = mapped_column(String(2000), info=text_kind(FREE_TEXT))


class RectificationDuty(Base, _OfInspection):
    """A duty of the target with its date from a deadline rule the feedback starts (the special
    meetings, the plan, the reports: qh-zrzyt §19; the reports: nmg-2016 §30)."""

    __tablename__ = "rectification_duties"
    __table_args__ = (
        UniqueConstraint("inspection_id", "rule_id"),
        Index("ix_rectification_duties_feedback_id_id", "feedback_id", "id"),
        Index("ix_rectification_duties_feedback_id_due_on_id", "feedback_id", "due_on", "id"),
    )
    __authz_type__ = "rectification_duty"
    __authz_target_side__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedbacks.id", ondelete="CASCADE"))
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    rule_id: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    article: Mapped[str] = mapped_column(String(40), info=text_kind(NAME))
    name: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    due_on: Mapped[date] = mapped_column(Date)
    met_on: Mapped[date | None] = mapped_column(Date, default=None)
    escalated: Mapped[int] = mapped_column(Integer, default=0)  # as on RectificationItem


class RectificationReport(Base, _OfInspection):
    """One report to one recipient (two reports to three recipients, qh-zrzyt §19): made due
    at the feedback, filed by the target."""

    __tablename__ = "rectification_reports"
    __table_args__ = (
        UniqueConstraint("inspection_id", "kind", "recipient"),
        Index("ix_rectification_reports_duty_id_id", "duty_id", "id"),
    )
    __authz_type__ = "rectification_report"
    __authz_target_side__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("rectification_duties.id", ondelete="CASCADE"))
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    kind: Mapped[RectificationReportKind] = mapped_column(_enum(RectificationReportKind))
    recipient: Mapped[ReportRecipient] = mapped_column(_enum(ReportRecipient))
    filed_on: Mapped[date | None] = mapped_column(Date, default=None)
    body: Mapped[str | None] = mapped_column(String(20000), default=None, info=text_kind(FREE_TEXT))


class RectificationSetting(Base, OfficeScoped, Timestamped):
    """An office's warning thresholds for rectification (三色预警). The seeds set none: without
    a row the defaults of ``warnings`` apply (docs/rectification.md)."""

    __tablename__ = "rectification_settings"
    __office_index__ = False
    __table_args__ = (UniqueConstraint("office_id"),)
    __authz_type__ = "rectification_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    yellow_days: Mapped[int] = mapped_column(Integer)  # yellow at most this many days left
    principal_after_days: Mapped[int] = mapped_column(Integer)  # overdue days → the principal
    office_after_days: Mapped[int] = mapped_column(Integer)  # overdue days → the office
