"""The closed vocabularies of the ruleset files: rule kinds and their id prefixes, the events a
service records, and the enums a rule's parameters choose from (each with the Chinese term).

Events are closed because a service has to record each one; a region whose measures need a new
event needs that service too.
"""

from __future__ import annotations

import re
from enum import StrEnum

RULESET_ID_PATTERN = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"
RULE_ID_PATTERN = r"^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$"
# "qh-zrzyt §19" or "qh-zrzyt §8(6)": article and optional item, ASCII parentheses.
ARTICLE_PATTERN = re.compile(
    r"^(?P<ruleset>[a-z][a-z0-9-]*) §(?P<article>[1-9]\d*)(?:\((?P<item>[1-9]\d*)\))?$"
)


class RuleKind(StrEnum):
    """What a rule is about; each kind has its own parameters and id prefix."""

    DEADLINE = "deadline"
    PROBLEM_CATEGORY = "problem_category"
    INSPECTION_MODE = "inspection_mode"
    REPORT_KIND = "report_kind"
    TEAM_ROLE = "team_role"
    TEAM_SIZE = "team_size"
    FILING_DUTY = "filing_duty"
    TRANSFER_ROUTE = "transfer_route"
    RECUSAL_GROUND = "recusal_ground"
    DISCLOSURE_POINT = "disclosure_point"
    PLAN_APPROVAL = "plan_approval"
    STAGE = "stage"
    WORK_METHOD = "work_method"
    HANDLING_OUTCOME = "handling_outcome"


ID_PREFIX: dict[RuleKind, str] = {
    RuleKind.DEADLINE: "deadline.",
    RuleKind.PROBLEM_CATEGORY: "category.",
    RuleKind.INSPECTION_MODE: "mode.",
    RuleKind.REPORT_KIND: "report.",
    RuleKind.TEAM_ROLE: "role.",
    RuleKind.TEAM_SIZE: "team.",
    RuleKind.FILING_DUTY: "filing.",
    RuleKind.TRANSFER_ROUTE: "transfer.",
    RuleKind.RECUSAL_GROUND: "recusal.",
    RuleKind.DISCLOSURE_POINT: "disclosure.",
    RuleKind.PLAN_APPROVAL: "plan.",
    RuleKind.STAGE: "stage.",
    RuleKind.WORK_METHOD: "method.",
    RuleKind.HANDLING_OUTCOME: "handling.",
}


class Event(StrEnum):
    """Events that start or end a deadline; the services that record them use these names."""

    ROUND_STARTED = "round_started"  # 巡视/巡察轮次开始
    SITE_ENTERED = "site_entered"  # 进驻
    SITE_LEFT = "site_left"  # 现场巡视/巡察结束
    HEARING_HELD = "hearing_held"  # 领导小组听取汇报
    FEEDBACK_DELIVERED = "feedback_delivered"  # 反馈意见送达（签收）
    SPECIAL_MEETING_HELD = "special_meeting_held"  # 专题会议、专题民主生活会召开
    RECTIFICATION_PLAN_SUBMITTED = "rectification_plan_submitted"  # 整改方案报审定
    RECTIFICATION_REPORT_FILED = "rectification_report_filed"  # 整改情况报告报送
    TRANSFER_SIGNED = "transfer_signed"  # 移交的问题线索签收（收到）
    TRANSFER_HANDLING_REPORTED = "transfer_handling_reported"  # 办理情况反馈


class FilingMode(StrEnum):
    """报备 (for record: acknowledged) or 报批 (for approval: approved or returned)."""

    RECORD = "record"
    APPROVAL = "approval"


class FilingSubject(StrEnum):
    """What a filing freezes (the filings domain snapshots one of these)."""

    TERM_PLAN = "term_plan"  # 巡视/巡察工作规划
    ANNUAL_PLAN = "annual_plan"  # 年度计划
    ROUND_PLAN = "round_plan"  # 阶段任务安排 / 巡察工作方案


class Recipient(StrEnum):
    """Who receives a filing, relative to the filing office."""

    SUPERIOR_OFFICE = "superior_office"  # 上级巡视工作领导小组办公室
    SUPERIOR_LEADING_GROUP = "superior_leading_group"  # 上级巡视工作领导小组
    CENTRAL_LEADING_GROUP = "central_leading_group"  # 中央巡视工作领导小组 (outside the network)


class Receiver(StrEnum):
    """Bodies that receive transferred problems and clues (移交)."""

    DISCIPLINE_BODY = "discipline_body"  # 纪律检查机关 / 纪检监察机关（机构）
    ORGANISATION_DEPARTMENT = "organisation_department"  # 组织部门 / 人事部门
    POLITICAL_LEGAL_BODY = "political_legal_body"  # 政法机关
    OTHER_UNIT = "other_unit"  # 相关单位 / 其他相关部门


class DecisionBody(StrEnum):
    """Who decides a matter before it happens."""

    LEADING_GROUP = "leading_group"  # 巡视/巡察工作领导小组
    FIVE_PERSON_GROUP = "five_person_group"  # 党委“五人小组”会议
    PARTY_GROUP = "party_group"  # 厅党组, with its secretary as first responsible (qh-zrzyt §3)


class MethodRecord(StrEnum):
    """Where the team records its work by one method (巡视工作方式): its own record type."""

    ACTIVITY = "activity"  # 工作记录 (casework.Activity)
    INTERVIEW = "interview"  # 个别谈话记录 (casework.Interview)
    PETITION = "petition"  # 来信来电来访 (intake)


class PoolKind(StrEnum):
    """The pools team members are drawn from: the one pool enum (people's memberships use it too)."""

    LEADER = "LEADER"  # 组长库 (nmg-2016 §9)
    TALENT = "TALENT"  # 人才库 (nmg-2016 §13, qh-zrzyt §9)


class InspectionStage(StrEnum):
    """The life of one inspection (DOMAIN.md): each stage after the first is entered under a
    ``stage.*`` rule of the office's ruleset, which the transition records."""

    PLANNED = "planned"  # 已计划
    TEAM_FORMED = "team_formed"  # 已组建巡视组
    NOTIFIED = "notified"  # 已通知
    ON_SITE = "on_site"  # 进驻
    LEFT_SITE = "left_site"  # 撤离
    REPORTED = "reported"  # 已报告
    HEARD = "heard"  # 已听取汇报
    FED_BACK = "fed_back"  # 已反馈
    ARCHIVED = "archived"  # 已归档


STAGE_ZH: dict[InspectionStage, str] = {
    InspectionStage.PLANNED: "已计划",
    InspectionStage.TEAM_FORMED: "已组建巡视组",
    InspectionStage.NOTIFIED: "已通知",
    InspectionStage.ON_SITE: "进驻中",
    InspectionStage.LEFT_SITE: "已撤离",
    InspectionStage.REPORTED: "已报告",
    InspectionStage.HEARD: "已听取汇报",
    InspectionStage.FED_BACK: "已反馈",
    InspectionStage.ARCHIVED: "已归档",
}


class RecusalGround(StrEnum):
    """Grounds of recusal (回避)."""

    POST = "post"  # 任职回避
    REGION = "region"  # 地域回避
    OFFICIAL = "official"  # 公务回避
    GENERAL = "general"  # 回避制度 without enumerated grounds: decided case by case


class DisclosureStage(StrEnum):
    """Stages of an inspection whose facts are disclosed (公开)."""

    ENTRY = "entry"  # 进驻 / 巡察公告
    FEEDBACK = "feedback"  # 反馈
    RECTIFICATION = "rectification"  # 整改
