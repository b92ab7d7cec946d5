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
    DECISION = "decision"
    ATTENDANCE = "attendance"
    RECTIFICATION_REPORT = "rectification_report"
    DISCIPLINE_OFFENCE = "discipline_offence"
    WORK_METHOD = "work_method"
    APPROVAL = "approval"
    HANDLING_OUTCOME = "handling_outcome"
    EXPERTISE = "expertise"


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
    RuleKind.DECISION: "decision.",
    RuleKind.ATTENDANCE: "attendance.",
    RuleKind.RECTIFICATION_REPORT: "rectification.",
    RuleKind.DISCIPLINE_OFFENCE: "discipline.",
    RuleKind.WORK_METHOD: "method.",
    RuleKind.APPROVAL: "approval.",
    RuleKind.HANDLING_OUTCOME: "handling.",
    RuleKind.EXPERTISE: "expertise.",
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
    PARTY_COMMITTEE = (
        "party_committee"  # 自治区党委, whose consent precedes feedback (nmg-2016 §29)
    )


class DecisionMatter(StrEnum):
    """What a body decides or does after the site (nmg-2016 §27–29, qh-zrzyt §17–18, §22)."""

    HEARING = "hearing"  # 听取巡视（巡察）情况汇报
    RESULTS = "results"  # 巡视（巡察）成果运用 / 处理意见
    FEEDBACK_CONSENT = "feedback_consent"  # 同意反馈
    CIRCULATION = "circulation"  # 通报有关领导和部门
    # 巡察办根据（移交问题线索办理情况的）反馈情况提出处理意见或者问责意见，报厅党组讨论决定
    # (qh-zrzyt §22): decided on one transfer's answer, not on the inspection.
    TRANSFER_ANSWER = "transfer_answer"
    # 指导进一步修改巡察报告并报厅党组 (qh-zrzyt §17): the party group receives the report as
    # revised after the hearing, a new version of it.
    REVISED_REPORT = "revised_report"
    # 领导小组可以直接听取被巡视党组织有关整改情况的汇报 (nmg-2016 §34 ¶2), once rectification runs.
    RECTIFICATION_HEARING = "rectification_hearing"


class Attendee(StrEnum):
    """Who attends the feedback (反馈) besides the team."""

    LEADING_GROUP_MEMBER = "leading_group_member"  # 领导小组成员
    DISCIPLINE_HEAD = "discipline_head"  # 纪检监察机关（机构）负责同志
    PERSONNEL_HEAD = "personnel_head"  # 人事部门负责同志
    OTHER = "other"  # 其他参加人员


class RectificationReportKind(StrEnum):
    """The reports a target files after feedback (nmg-2016 §30, qh-zrzyt §19)."""

    RECTIFICATION = "rectification"  # 整改情况报告 / 落实整改情况报告
    PRINCIPAL = "principal"  # 主要负责人组织落实情况报告 (nmg-2016 §30)
    PARTY_ORGANISATION = "party_organisation"  # 党组织落实情况报告 (qh-zrzyt §19)


class ReportRecipient(StrEnum):
    """Who receives a rectification report."""

    INSPECTING_OFFICE = "inspecting_office"  # 巡视办 / 巡察办: the office that inspected
    DISCIPLINE_BODY = "discipline_body"  # 纪检监察机关（机构）
    PERSONNEL_DEPARTMENT = "personnel_department"  # 人事部门


class MethodRecord(StrEnum):
    """Where the team records its work by one method (巡视工作方式): its own record type."""

    ACTIVITY = "activity"  # 工作记录 (casework.Activity)
    INTERVIEW = "interview"  # 个别谈话记录 (casework.Interview)
    PETITION = "petition"  # 来信来电来访 (intake)


class ApprovalMatter(StrEnum):
    """A matter of an inspection's team that a named body approves before it happens."""

    TEAM_COMPOSITION = "team_composition"  # 审定巡察组组成人员 (and every change to it)
    TEAM_LEADER = "team_leader"  # 确定（并授权）组长 (一次一授权)
    OTHER_SITE_METHOD = "other_site_method"  # 批准的其他方式
    INSTRUCTION_REQUEST = "instruction_request"  # 请示报告的对象
    DIRECT_REPORT = "direct_report"  # 特殊情况下直接报告的对象
    REPORT = "report"  # 巡视巡察报告报送审定 (nmg-2016 §27, qh-zrzyt §17)


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


class OffenderParty(StrEnum):
    """Who breaches the inspection's discipline (纪律与责任, nmg-2016 §36–38, qh-zrzyt §28–32)."""

    STAFF = "staff"  # 巡视（巡察）工作人员
    INSPECTED_ORGANISATION = "inspected_organisation"  # 被巡视（巡察）党组织及其工作人员
    COOPERATING_BODY = "cooperating_body"  # 纪检监察、审计、政法、组织、信访等有关单位


class Conduct(StrEnum):
    """The conduct an article names as a breach; each ``discipline.*`` rule names one."""

    MISSED_PROBLEM = "missed_problem"  # 应当发现的重要问题没有发现
    FALSE_REPORT = "false_report"  # 不如实报告巡视情况
    LEAK_SECRETS = "leak_secrets"  # 泄露巡视工作秘密 / 保密纪律
    EXCEEDED_AUTHORITY = "exceeded_authority"  # 超越权限
    PRIVATE_GAIN = "private_gain"  # 利用巡视工作便利谋取私利
    ACCEPTED_HOSPITALITY = "accepted_hospitality"  # 接受宴请和礼品
    STAFF_OTHER = "staff_other"  # 违反巡视工作纪律其他行为
    CONCEALMENT = "concealment"  # 隐瞒不报或者提供虚假情况
    REFUSING_DOCUMENTS = "refusing_documents"  # 拒绝提供文件材料
    INTERFERENCE = "interference"  # 干扰、阻挠巡视工作，诬告、陷害他人
    REFUSING_RECTIFICATION = "refusing_rectification"  # 拒不纠正或者不按照要求整改
    RETALIATION = "retaliation"  # 打击、报复、陷害反映问题的干部群众
    OFFERED_HOSPITALITY = "offered_hospitality"  # 向巡察人员请客、送礼
    OBSTRUCTION_OTHER = "obstruction_other"  # 以其他方式干扰巡视工作
    MISINFORMING = "misinforming"  # 不如实向巡视组介绍情况
    REFUSING_ASSISTANCE = "refusing_assistance"  # 应当协助而不予协助
    TRANSFER_NOT_HANDLED = "transfer_not_handled"  # 移交的问题和线索不受理或者办理不及时
    NONCOOPERATION_OTHER = "noncooperation_other"  # 其他不支持配合巡视工作
