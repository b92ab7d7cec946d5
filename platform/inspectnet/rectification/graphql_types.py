"""GraphQL types after the site (read side): the hearing, the bodies' decisions, the feedback,
its problems and attendees; the rectification's types are in graphql_rectification."""

from __future__ import annotations

from datetime import date

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.lists import order_input
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import global_id
from inspectnet.rectification import repository
from inspectnet.rectification.graphql_rectification import (
    RectificationCheckType,
    RectificationDutyFilter,
    RectificationDutyOrder,
    RectificationDutyType,
    RectificationItemType,
    RectificationPlanType,
    RectificationReportType,
)
from inspectnet.rectification.models import (
    FedBackProblem,
    Feedback,
    FeedbackParty,
    Hearing,
    PartyRole,
    PostSiteDecision,
    RectificationCheck,
    RectificationDuty,
    RectificationItem,
    RectificationPlan,
    RectificationReport,
)
from inspectnet.rules import graphql_params as _rule_enums  # noqa: F401  (declares the enums)
from inspectnet.rules.format import (
    DecisionBody,
    DecisionMatter,
)

labelled_enum(
    PartyRole,
    {
        PartyRole.LEADING_GROUP_MEMBER: "领导小组成员",
        PartyRole.DISCIPLINE_HEAD: "纪检监察机关（机构）负责同志",
        PartyRole.PERSONNEL_HEAD: "人事部门负责同志",
        PartyRole.OTHER: "其他参加人员",
        PartyRole.CIRCULATED: "通报对象",
    },
    name="FeedbackPartyRole",
    description="Who took part in the feedback or was told of it (反馈参加人员、通报对象)",
)


@strawberry.type(name="Hearing", description="The leading group heard the team (听取汇报)")
class HearingType(Node, Stamped):
    held_on: date = strawberry.field(description="Held on (听取汇报日期)")
    heard_by: DecisionBody = strawberry.field(description="The body that heard it (听取机构)")
    proposals: str = strawberry.field(description="Proposed handling (处理意见)")
    rule_id: str = strawberry.field(description="The rule it was held under (依据规则)")
    article: str = strawberry.field(description="The article (条款)")

    @classmethod
    def from_row(cls, row: Hearing) -> HearingType:
        return cls(
            id=strawberry.ID(global_id("Hearing", row.id)),
            held_on=row.held_on,
            heard_by=DecisionBody(row.heard_by),
            proposals=row.proposals,
            rule_id=row.rule_id,
            article=row.article,
            **stamps(row),
        )


@strawberry.input(description="Which decisions to list (巡后决策筛选)")
class PostSiteDecisionFilter:
    matter: DecisionMatter | None = strawberry.field(default=None, description="Matter (事项)")

    def conditions(self) -> list[ColumnElement[bool]]:
        return [] if self.matter is None else [PostSiteDecision.matter == self.matter]


PostSiteDecisionOrder = order_input("PostSiteDecision")


@strawberry.type(
    name="PostSiteDecision",
    description="A body's decision after the hearing: use of results, consent, circulation "
    "(成果运用、同意反馈、通报)",
)
class PostSiteDecisionType(Node, Stamped):
    matter: DecisionMatter = strawberry.field(description="What was decided (事项)")
    decided_by: DecisionBody = strawberry.field(description="The body that decided (决定机构)")
    decided_on: date = strawberry.field(description="Decided on (决定日期)")
    text: str = strawberry.field(description="The decision (决定内容)")
    rule_id: str = strawberry.field(description="The rule naming the body (依据规则)")
    article: str = strawberry.field(description="The article (条款)")

    @classmethod
    def from_row(cls, row: PostSiteDecision) -> PostSiteDecisionType:
        return cls(
            id=strawberry.ID(global_id("PostSiteDecision", row.id)),
            matter=row.matter,
            decided_by=DecisionBody(row.decided_by),
            decided_on=row.decided_on,
            text=row.text,
            rule_id=row.rule_id,
            article=row.article,
            **stamps(row),
        )


@strawberry.input(description="Which fed-back problems to list (反馈问题筛选)")
class FedBackProblemFilter:
    position: int | None = strawberry.field(default=None, description="Number (序号)")

    def conditions(self) -> list[ColumnElement[bool]]:
        return [] if self.position is None else [FedBackProblem.position == self.position]


FedBackProblemOrder = order_input("FedBackProblem")


@strawberry.type(name="FedBackProblem", description="A problem the target was told of (反馈问题)")
class FedBackProblemType(Node, Stamped):
    position: int = strawberry.field(description="Number (序号)")
    summary: str = strawberry.field(description="The problem (问题)")

    @classmethod
    def from_row(cls, row: FedBackProblem) -> FedBackProblemType:
        return cls(
            id=strawberry.ID(global_id("FedBackProblem", row.id)),
            position=row.position,
            summary=row.summary,
            **stamps(row),
        )


@strawberry.input(description="Which attendees or recipients to list (反馈参加人员筛选)")
class FeedbackPartyFilter:
    role: PartyRole | None = strawberry.field(default=None, description="Role (身份)")

    def conditions(self) -> list[ColumnElement[bool]]:
        return [] if self.role is None else [FeedbackParty.role == self.role]


FeedbackPartyOrder = order_input("FeedbackParty")


@strawberry.type(
    name="FeedbackParty",
    description="An attendee of the feedback or a recipient of its "
    "circulation (反馈参加人员、通报对象)",
)
class FeedbackPartyType(Node, Stamped):
    role: PartyRole = strawberry.field(description="Role (身份)")
    name: str = strawberry.field(description="Name (姓名或单位)")

    @classmethod
    def from_row(cls, row: FeedbackParty) -> FeedbackPartyType:
        return cls(
            id=strawberry.ID(global_id("FeedbackParty", row.id)),
            role=row.role,
            name=row.name,
            **stamps(row),
        )


@strawberry.type(
    name="Feedback",
    description="The feedback to the target's leadership team and principal (反馈)",
)
class FeedbackType(Node, Stamped):
    to_leadership_on: date = strawberry.field(description="Fed back to the team (向领导班子反馈)")
    to_principal_on: date = strawberry.field(
        description="Fed back to the principal (向主要负责人反馈)"
    )
    signed_on: date = strawberry.field(description="Signed for: the clock starts (签收日期)")
    principal_name: str = strawberry.field(
        description="The principal, first responsible (第一责任人)"
    )
    rule_id: str = strawberry.field(description="The consent rule (依据规则)")
    article: str = strawberry.field(description="The article (条款)")
    pk: strawberry.Private[int]
    problems = connection_field(
        repository.problems_of,
        FedBackProblemType,
        description="The problems fed back (反馈问题)",
        filter=FedBackProblemFilter,
        order=FedBackProblemOrder,
    )
    parties = connection_field(
        repository.parties_of,
        FeedbackPartyType,
        description="Attendees and circulation recipients (反馈参加人员、通报对象)",
        filter=FeedbackPartyFilter,
        order=FeedbackPartyOrder,
    )
    duties = connection_field(
        repository.duties_of,
        RectificationDutyType,
        description="The target's duties the feedback started (整改期限)",
        filter=RectificationDutyFilter,
        order=RectificationDutyOrder,
    )

    @classmethod
    def from_row(cls, row: Feedback) -> FeedbackType:
        return cls(
            id=strawberry.ID(global_id("Feedback", row.id)),
            pk=row.id,
            to_leadership_on=row.to_leadership_on,
            to_principal_on=row.to_principal_on,
            signed_on=row.signed_on,
            principal_name=row.principal_name,
            rule_id=row.rule_id,
            article=row.article,
            **stamps(row),
        )


for _name, _model, _type in (
    ("Hearing", Hearing, HearingType),
    ("PostSiteDecision", PostSiteDecision, PostSiteDecisionType),
    ("Feedback", Feedback, FeedbackType),
    ("FeedbackParty", FeedbackParty, FeedbackPartyType),
    ("FedBackProblem", FedBackProblem, FedBackProblemType),
    ("RectificationPlan", RectificationPlan, RectificationPlanType),
    ("RectificationItem", RectificationItem, RectificationItemType),
    ("RectificationCheck", RectificationCheck, RectificationCheckType),
    ("RectificationDuty", RectificationDuty, RectificationDutyType),
    ("RectificationReport", RectificationReport, RectificationReportType),
):
    register_node(_name, _model, _type.from_row)
