"""An inspection of one target by one office, and its team's mission grants."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspectnet.concurrency import Versioned
from inspectnet.db import Archivable, Base, Created, OfficeScoped, Timestamped, UTCDateTime
from inspectnet.rules.format import DecisionBody, InspectionStage, RecusalGround
from inspectnet.validation import CODE, FREE_TEXT, NAME, text_kind

# The stages are named by the rulesets' ``stage.*`` rules (rules/vocabulary.py): one enum.
Stage = InspectionStage
STAGES = tuple(Stage)


class TeamRole(enum.StrEnum):
    """Roles held in one inspection only (一次一授权, nmg-2016 §9, §14; qh-zrzyt §9)."""

    LEADER = "leader"  # 组长
    DEPUTY = "deputy"  # 副组长
    COMMISSIONER = "commissioner"  # 巡视专员
    LIAISON = "liaison"  # 联络员
    MEMBER = "member"  # 组员
    INTAKE_HANDLER = "intake_handler"  # 信访受理人员 (sees petitioners, DOMAIN.md Confidentiality)


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e])


class Inspection(Base, OfficeScoped, Timestamped, Versioned, Created):
    """One inspection of a target by the office that covers it; its stage drives team grants."""

    __tablename__ = "inspections"
    # A round plan lists its inspections page by page (Plan.inspections, the planner's view).
    __table_args__ = (Index("ix_inspections_plan_id_id", "plan_id", "id"),)
    __authz_type__ = "inspection"
    __authz_target_column__ = "target_id"
    # The inspection is its own scope: a team role in ``inspection:N`` reaches it.
    __authz_inspection_column__ = "id"
    # The target is notified of its inspection (nmg-2016 §25, qh-zrzyt §13): target-side.
    __authz_target_side__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(
        ForeignKey("targets.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    stage: Mapped[Stage] = mapped_column(_enum(Stage), default=Stage.PLANNED)
    # The round plan it carries out: entry waits for that plan's approval (qh-zrzyt §3).
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("plans.id", ondelete="RESTRICT"), default=None
    )
    # A follow-up 回头看 (qh-zrzyt §13) is a new inspection of the same target naming the first.
    follows_id: Mapped[int | None] = mapped_column(
        ForeignKey("inspections.id", ondelete="RESTRICT"), default=None
    )


class InspectionTransition(Base, OfficeScoped, Timestamped, Created):
    """One step of an inspection's life: who moved it, when (``created_at``), under which rule."""

    __tablename__ = "inspection_transitions"
    __office_index__ = False
    __table_args__ = (Index("ix_inspection_transitions_inspection_id_id", "inspection_id", "id"),)
    __authz_type__ = "inspection_transition"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"
    __authz_parent__ = ("inspection_id", Inspection)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    from_stage: Mapped[Stage] = mapped_column(_enum(Stage))
    to_stage: Mapped[Stage] = mapped_column(_enum(Stage))
    # Who: the account (none for the system) and the name it acted under, kept if it goes.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="SET NULL"), default=None
    )
    actor_name: Mapped[str] = mapped_column(String(100), info=text_kind(NAME))
    rule_id: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    article: Mapped[str] = mapped_column(String(40), info=text_kind(NAME))
    # The office's recorded decision when the step needs one (a stay outside qh-zrzyt §11's
    # 20–40 working days: "视具体情况由巡察办决定").
    decision: Mapped[str | None] = mapped_column(
        String(500), default=None, info=text_kind(FREE_TEXT)
    )


class TeamAssignment(Base, OfficeScoped, Timestamped, Created):
    """A role held by an account in one inspection, for a period (a mission grant)."""

    __tablename__ = "team_assignments"
    __office_index__ = False
    __table_args__ = (Index("ix_team_assignments_inspection_id_id", "inspection_id", "id"),)
    __authz_type__ = "team_assignment"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"
    __authz_parent__ = ("inspection_id", Inspection)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    # The inspection's target, kept on the row so a recusal's deny reaches it by its own column.
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[TeamRole] = mapped_column(_enum(TeamRole))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class TeamContact(Base, OfficeScoped, Timestamped):
    """A team member's contact phone: a need-to-know field in its own table and type, read
    through ``readable`` like any row, so a reader without ``team_contact`` gets null."""

    __tablename__ = "team_contacts"
    __office_index__ = False
    __authz_type__ = "team_contact"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"
    __authz_parent__ = ("assignment_id", TeamAssignment)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("team_assignments.id", ondelete="CASCADE"), unique=True
    )
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    phone: Mapped[str] = mapped_column(String(32), info=text_kind(NAME))


class RecusalSetting(Base, OfficeScoped, Timestamped):
    """An office's look-back for post recusal: how many years after leaving a post at a target
    a person is still recused from it. The seeds name no number: the office sets it, and
    without a row ``recusal.DEFAULT_LOOK_BACK_YEARS`` applies."""

    __tablename__ = "recusal_settings"
    __office_index__ = False
    __table_args__ = (UniqueConstraint("office_id"),)
    __authz_type__ = "recusal_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    look_back_years: Mapped[int] = mapped_column(Integer)


class PreparationBody(enum.StrEnum):
    """The bodies asked about the target's leadership before entry (nmg-2016 §24)."""

    DISCIPLINE = "discipline"  # 纪检监察机关
    POLITICAL_LEGAL = "political_legal"  # 政法机关
    ORGANISATION = "organisation"  # 组织部门
    AUDIT = "audit"  # 审计部门
    PETITION = "petition"  # 信访部门


class PreparationItem(Base, OfficeScoped, Timestamped, Archivable, Created):
    """One request for information before entry, with its due date and answer (nmg-2016 §24)."""

    __tablename__ = "preparation_items"
    __office_index__ = False
    __table_args__ = (Index("ix_preparation_items_inspection_id_id", "inspection_id", "id"),)
    __authz_type__ = "preparation_item"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"
    __authz_parent__ = ("inspection_id", Inspection)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    body: Mapped[PreparationBody] = mapped_column(_enum(PreparationBody))
    question: Mapped[str] = mapped_column(String(1000), info=text_kind(FREE_TEXT))
    due_on: Mapped[date] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(
        String(4000), default=None, info=text_kind(FREE_TEXT)
    )
    answered_on: Mapped[date | None] = mapped_column(Date, default=None)


class RecusalCaseKind(enum.StrEnum):
    """How a recusal is raised (回避, nmg-2016 §12, qh-zrzyt §27)."""

    DECLARATION = "declaration"  # 本人申请回避: a team member or candidate declares
    CHALLENGE = "challenge"  # 提出回避: anyone with standing, the inspected organisation included


class RecusalCaseStatus(enum.StrEnum):
    PENDING = "pending"  # 待审核
    UPHELD = "upheld"  # 决定回避: the door's deny is recorded
    DISMISSED = "dismissed"  # 决定不予回避, with reasons
    ENDED = "ended"  # 回避经决定终止


class RecusalCase(Base, OfficeScoped, Timestamped, Created, Versioned):
    """A declaration of, or challenge to, one person's standing on one inspection's team, the
    office's verification and decision, and the replacement the named body approves."""

    __tablename__ = "recusal_cases"
    __office_index__ = False
    __table_args__ = (Index("ix_recusal_cases_inspection_id_id", "inspection_id", "id"),)
    __authz_type__ = "recusal_case"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"
    # The inspected organisation may challenge a team member (policy: create only).
    __authz_target_side__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="RESTRICT"))
    kind: Mapped[RecusalCaseKind] = mapped_column(_enum(RecusalCaseKind))
    ground: Mapped[RecusalGround] = mapped_column(_enum(RecusalGround))
    rule_id: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    article: Mapped[str] = mapped_column(String(40), info=text_kind(NAME))
    statement: Mapped[str] = mapped_column(String(1000), info=text_kind(FREE_TEXT))
    status: Mapped[RecusalCaseStatus] = mapped_column(
        _enum(RecusalCaseStatus), default=RecusalCaseStatus.PENDING
    )
    decision: Mapped[str | None] = mapped_column(
        String(1000), default=None, info=text_kind(FREE_TEXT)
    )
    decided_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="SET NULL"), default=None
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    recusal_id: Mapped[int | None] = mapped_column(
        ForeignKey("recusals.id", ondelete="SET NULL"), default=None
    )
    # The role the person held on the team when the recusal was upheld: the place to fill.
    vacated_role: Mapped[TeamRole | None] = mapped_column(_enum(TeamRole), default=None)
    replacement_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_assignments.id", ondelete="SET NULL"), default=None
    )
    end_decision: Mapped[str | None] = mapped_column(
        String(1000), default=None, info=text_kind(FREE_TEXT)
    )


class InspectionNotice(Base, OfficeScoped, Timestamped, Created, Versioned):
    """The written notice to the target and the public announcement (qh-zrzyt §13), and the
    briefing of its principal on entry (nmg-2016 §25): the target's to read."""

    __tablename__ = "inspection_notices"
    __office_index__ = False
    __table_args__ = (UniqueConstraint("inspection_id"),)
    __authz_type__ = "inspection_notice"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"
    __authz_parent__ = ("inspection_id", Inspection)
    __authz_target_side__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    notice_on: Mapped[date] = mapped_column(Date)  # 书面通知日期
    scope: Mapped[str] = mapped_column(String(1000), info=text_kind(FREE_TEXT))  # 对象和内容
    method: Mapped[str] = mapped_column(String(500), info=text_kind(FREE_TEXT))  # 工作方式
    site_from: Mapped[date] = mapped_column(Date)  # 时间安排
    site_until: Mapped[date] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(200), info=text_kind(FREE_TEXT))  # 工作地址
    mailbox: Mapped[str] = mapped_column(String(200), info=text_kind(FREE_TEXT))  # 举报信箱
    phone: Mapped[str] = mapped_column(String(32), info=text_kind(NAME))  # 办公电话
    online_address: Mapped[str | None] = mapped_column(  # 网上举报（受理）地址
        String(300), default=None, info=text_kind(FREE_TEXT)
    )
    briefed_on: Mapped[date | None] = mapped_column(Date, default=None)  # 通报日期
    briefed_person: Mapped[str | None] = mapped_column(
        String(100), default=None, info=text_kind(NAME)
    )


class SiteMethod(enum.StrEnum):
    """The ways a team learns about the target on site (nmg-2016 §20, qh-zrzyt §14)."""

    HEARING_REPORTS = "hearing_reports"  # 听取工作汇报和专题汇报
    INDIVIDUAL_TALKS = "individual_talks"  # 个别谈话
    LETTERS_CALLS_VISITS = "letters_calls_visits"  # 受理来信来电来访
    PERSONAL_MATTERS_CHECK = "personal_matters_check"  # 抽查核实个人有关事项报告
    INQUIRY = "inquiry"  # 向有关知情人询问情况
    DOCUMENTS = "documents"  # 调阅、复制文件、档案、会议记录等资料
    FORUM = "forum"  # 召开座谈会
    ATTEND_MEETINGS = "attend_meetings"  # 列席有关会议
    EVALUATION_SURVEY = "evaluation_survey"  # 民主测评、问卷调查
    SUBORDINATE_VISITS = "subordinate_visits"  # 到下属地方、单位或者部门了解情况 (nmg §20(10))
    SPECIAL_CHECK = "special_check"  # 开展专项检查
    ASSISTANCE = "assistance"  # 提请有关单位协助
    OTHER = "other"  # 批准的其他方式: needs the approval the ruleset names


class ApprovalStatus(enum.StrEnum):
    NOT_NEEDED = "not_needed"
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


class SiteMethodUse(Base, OfficeScoped, Timestamped, Created, Versioned):
    """A method the team used on site, on a day; another method waits for its approval."""

    __tablename__ = "site_method_uses"
    __office_index__ = False
    __table_args__ = (Index("ix_site_method_uses_inspection_id_id", "inspection_id", "id"),)
    __authz_type__ = "site_method_use"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"
    __authz_parent__ = ("inspection_id", Inspection)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    method: Mapped[SiteMethod] = mapped_column(_enum(SiteMethod))
    used_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(1000), info=text_kind(FREE_TEXT))
    approval: Mapped[ApprovalStatus] = mapped_column(_enum(ApprovalStatus))
    # For another method: the body the ruleset names to approve it, and that rule.
    decided_by: Mapped[DecisionBody | None] = mapped_column(_enum(DecisionBody), default=None)
    rule_id: Mapped[str | None] = mapped_column(String(80), default=None, info=text_kind(CODE))
    article: Mapped[str | None] = mapped_column(String(40), default=None, info=text_kind(NAME))
    approved_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="SET NULL"), default=None
    )
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class InstructionRequest(Base, OfficeScoped, Timestamped, Created, Versioned):
    """A request for instruction 请示报告 from the team up the line (nmg-2016 §22, qh-zrzyt
    §26): to the body the ruleset names, or in special cases directly where it allows."""

    __tablename__ = "instruction_requests"
    __office_index__ = False
    __table_args__ = (Index("ix_instruction_requests_inspection_id_id", "inspection_id", "id"),)
    __authz_type__ = "instruction_request"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"
    __authz_parent__ = ("inspection_id", Inspection)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    direct: Mapped[bool] = mapped_column(default=False)  # 特殊情况下直接报告
    addressee: Mapped[DecisionBody] = mapped_column(_enum(DecisionBody))
    rule_id: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    article: Mapped[str] = mapped_column(String(40), info=text_kind(NAME))
    subject: Mapped[str] = mapped_column(String(200), info=text_kind(NAME))
    content: Mapped[str] = mapped_column(String(4000), info=text_kind(FREE_TEXT))
    due_on: Mapped[date] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(
        String(4000), default=None, info=text_kind(FREE_TEXT)
    )
    answered_on: Mapped[date | None] = mapped_column(Date, default=None)
    answered_by: Mapped[int | None] = mapped_column(
        ForeignKey("user_accounts.id", ondelete="SET NULL"), default=None
    )


class TeamConfirmation(Base, OfficeScoped, Timestamped, Created):
    """A body's confirmation of the proposed team or authorisation of its leader (qh-zrzyt §6(3),
    §9; nmg-2016 §9), with the roster confirmed as (user, role)."""

    __tablename__ = "team_confirmations"
    __office_index__ = False
    __table_args__ = (Index("ix_team_confirmations_inspection_id_id", "inspection_id", "id"),)
    __authz_type__ = "team_confirmation"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"
    __authz_parent__ = ("inspection_id", Inspection)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    matter: Mapped[str] = mapped_column(String(40), info=text_kind(CODE))  # ApprovalMatter
    decided_by: Mapped[str] = mapped_column(String(40), info=text_kind(CODE))  # DecisionBody
    rule_id: Mapped[str] = mapped_column(String(80), info=text_kind(CODE))
    article: Mapped[str] = mapped_column(String(40), info=text_kind(NAME))
    decided_on: Mapped[date] = mapped_column(Date)
    roster: Mapped[list[list[object]]] = mapped_column(JSON, default=list)


class TeamMeeting(Base, OfficeScoped, Timestamped, Created):
    """A meeting of the team (组务会, nmg-2016 §10): its date, who attended, what it decided."""

    __tablename__ = "team_meetings"
    __office_index__ = False
    __table_args__ = (Index("ix_team_meetings_inspection_id_id", "inspection_id", "id"),)
    __authz_type__ = "team_meeting"
    __authz_target_column__ = "target_id"
    __authz_inspection_column__ = "inspection_id"
    __authz_parent__ = ("inspection_id", Inspection)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="RESTRICT"))
    held_on: Mapped[date] = mapped_column(Date)
    attendees: Mapped[list[int]] = mapped_column(JSON, default=list)  # accounts on the team
    decisions: Mapped[str] = mapped_column(String(4000), info=text_kind(FREE_TEXT))
