"""GraphQL inputs, payloads and thin resolvers after the site, and the domain's schema part."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import strawberry

from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.parts import SchemaPart, TypeField
from inspectnet.ids import expect_global_id
from inspectnet.rectification import feedback as feedbacks
from inspectnet.rectification import repository, service
from inspectnet.rectification.graphql_mutations import RectificationMutation
from inspectnet.rectification.graphql_rectification import RectificationPlanType
from inspectnet.rectification.graphql_types import (
    FeedbackType,
    HearingType,
    PostSiteDecisionFilter,
    PostSiteDecisionOrder,
    PostSiteDecisionType,
)
from inspectnet.rectification.models import (
    Feedback,
    FeedbackParty,
    Hearing,
    PartyRole,
    PostSiteDecision,
    RectificationPlan,
)
from inspectnet.rules.format import DecisionMatter
from inspectnet.validation import described


def _one(model: type[Any], to_type: Callable[[Any], Any]) -> Callable[..., Awaitable[Any]]:
    """A field on Inspection showing its one hearing, feedback or plan, batched per request."""

    async def resolve(root: Any, info: Info) -> Any:
        ctx = info.context

        async def batch(ids: list[int]) -> list[Any]:
            found = await repository.of_inspections(ctx.session, ctx.actor, model, ids)
            return [to_type(found[i]) if i in found else None for i in ids]

        return await ctx.loader(("rectification.one", model), batch).load(root.pk)

    return resolve


@strawberry.input(description="Record the hearing (登记听取巡视巡察情况汇报)")
class RecordHearingInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    held_on: date = strawberry.field(description="Held on (听取汇报日期)")
    proposals: str = strawberry.field(
        description=described("Proposed handling (处理意见)", Hearing.proposals)
    )


@strawberry.type(description="Result of recordHearing (听取汇报结果)")
class HearingPayload:
    hearing: HearingType | None = strawberry.field(description="The hearing (听取汇报)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A body's decision after the hearing (巡后决策)")
class DecideAfterHearingInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    matter: DecisionMatter = strawberry.field(
        description="Use of results, consent to feed back or circulation (事项)"
    )
    decided_on: date = strawberry.field(description="Decided on (决定日期)")
    text: str = strawberry.field(
        description=described("The decision (决定内容)", PostSiteDecision.text)
    )


@strawberry.type(description="Result of decideAfterHearing (巡后决策结果)")
class PostSiteDecisionPayload:
    decision: PostSiteDecisionType | None = strawberry.field(description="The decision (决定)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Someone who attended the feedback (反馈参加人员)")
class FeedbackAttendeeInput:
    role: PartyRole = strawberry.field(description="Role (身份)")
    name: str = strawberry.field(description=described("Name (姓名)", FeedbackParty.name))


@strawberry.input(description="Feed back to the target (反馈)")
class DeliverFeedbackInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    to_leadership_on: date = strawberry.field(description="Fed back to the team (向领导班子反馈)")
    to_principal_on: date = strawberry.field(
        description="Fed back to the principal (向主要负责人反馈)"
    )
    signed_on: date = strawberry.field(description="Signed for: the clock starts (签收日期)")
    principal_name: str = strawberry.field(
        description=described("The principal (主要负责人)", Feedback.principal_name)
    )
    principal_user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The principal's target-side account, warned (主要负责人账号)"
    )
    problems: list[str] = strawberry.field(description="The problems fed back (反馈问题)")
    attendees: list[FeedbackAttendeeInput] = strawberry.field(
        default_factory=list, description="Who attended besides the team (参加人员)"
    )
    circulated_to: list[str] = strawberry.field(
        default_factory=list, description="Leaders and departments told (通报对象)"
    )


@strawberry.type(description="Result of deliverFeedback (反馈结果)")
class FeedbackPayload:
    feedback: FeedbackType | None = strawberry.field(description="The feedback (反馈)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _inspection(value: strawberry.ID) -> int:
    return expect_global_id(value, "Inspection", field="inspectionId")


@strawberry.type
class AfterSiteMutation(RectificationMutation):
    @strawberry.mutation(description="Record the hearing; the inspection is heard (听取汇报)")
    async def record_hearing(self, info: Info, input: RecordHearingInput) -> HearingPayload:
        ctx = info.context

        async def call() -> Hearing:
            return await service.record_hearing(
                ctx.session,
                ctx.actor,
                inspection_id=_inspection(input.inspection_id),
                held_on=input.held_on,
                proposals=input.proposals,
            )

        found, errors = await run_mutation(info, "rectification.hearing", call)
        return HearingPayload(hearing=found and HearingType.from_row(found), user_errors=errors)

    @strawberry.mutation(
        description="Decide after the hearing, as the body the ruleset names (巡后决策)"
    )
    async def decide_after_hearing(
        self, info: Info, input: DecideAfterHearingInput
    ) -> PostSiteDecisionPayload:
        ctx = info.context

        async def call() -> PostSiteDecision:
            return await service.decide(
                ctx.session,
                ctx.actor,
                inspection_id=_inspection(input.inspection_id),
                matter=input.matter,
                decided_on=input.decided_on,
                text=input.text,
            )

        found, errors = await run_mutation(info, "rectification.decide", call)
        return PostSiteDecisionPayload(
            decision=found and PostSiteDecisionType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(
        description="Feed back to the target once consented; the rectification clock starts (反馈)"
    )
    async def deliver_feedback(self, info: Info, input: DeliverFeedbackInput) -> FeedbackPayload:
        ctx = info.context
        parties = [feedbacks.Party(a.role, a.name) for a in input.attendees] + [
            feedbacks.Party(PartyRole.CIRCULATED, name) for name in input.circulated_to
        ]

        async def call() -> Feedback:
            return await feedbacks.deliver_feedback(
                ctx.session,
                ctx.actor,
                inspection_id=_inspection(input.inspection_id),
                to_leadership_on=input.to_leadership_on,
                to_principal_on=input.to_principal_on,
                signed_on=input.signed_on,
                principal_name=input.principal_name,
                principal_user_id=input.principal_user_id
                and expect_global_id(
                    input.principal_user_id, "UserAccount", field="principalUserId"
                ),
                problems=input.problems,
                parties=parties,
            )

        found, errors = await run_mutation(info, "rectification.feedback", call)
        return FeedbackPayload(feedback=found and FeedbackType.from_row(found), user_errors=errors)


SCHEMA = SchemaPart(
    mutation=AfterSiteMutation,
    types=(HearingType, PostSiteDecisionType, FeedbackType, RectificationPlanType),
    fields=(
        TypeField(
            "Inspection",
            "hearing",
            strawberry.field(
                resolver=_one(Hearing, HearingType.from_row),
                graphql_type=HearingType | None,
                description="The hearing, once held (听取汇报)",
            ),
        ),
        TypeField(
            "Inspection",
            "feedback",
            strawberry.field(
                resolver=_one(Feedback, FeedbackType.from_row),
                graphql_type=FeedbackType | None,
                description="The feedback, once given (反馈)",
            ),
        ),
        TypeField(
            "Inspection",
            "rectificationPlan",
            strawberry.field(
                resolver=_one(RectificationPlan, RectificationPlanType.from_row),
                graphql_type=RectificationPlanType | None,
                description="The target's rectification plan, once fed back (整改方案)",
            ),
        ),
        TypeField(
            "Inspection",
            "postSiteDecisions",
            connection_field(
                repository.decisions_of,
                PostSiteDecisionType,
                description="The bodies' decisions after the hearing (巡后决策)",
                filter=PostSiteDecisionFilter,
                order=PostSiteDecisionOrder,
            ),
        ),
    ),
)
