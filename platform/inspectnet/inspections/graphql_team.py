"""GraphQL of the recusal engine and the team draw: conflicts with their ground and evidence,
the draw from the pools, forming the team in one go, confirming a recusal, the look-back."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.links import linked
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.inspections import confirmation, draw, recusal
from inspectnet.inspections.conflicts import RecusalConflict
from inspectnet.inspections.graphql_types import InspectionType
from inspectnet.inspections.models import (
    Inspection,
    RecusalSetting,
    TeamConfirmation,
    TeamRole,
)
from inspectnet.people.expertise import expertise_rules
from inspectnet.rules.format import ApprovalMatter, DecisionBody, PoolKind, RecusalGround
from inspectnet.rules.graphql import RuleType, rule_type

if TYPE_CHECKING:
    from inspectnet.people.graphql import PersonType

PERSON = strawberry.lazy("inspectnet.people.graphql")


@strawberry.type(
    name="RecusalConflict", description="A reason a person must not work on a target (回避情形)"
)
class RecusalConflictOut:
    ground: RecusalGround = strawberry.field(description="Ground of recusal (回避情形)")
    rule_id: str = strawberry.field(description="The ruleset's rule (规则)")
    article: str = strawberry.field(description="The rule's article (条款)")
    evidence: str = strawberry.field(description="What the record says (依据事实)")
    reason: str = strawberry.field(description="Ground, article and evidence in one line (理由)")

    @classmethod
    def of(cls, found: RecusalConflict) -> RecusalConflictOut:
        return cls(
            ground=found.ground,
            rule_id=found.rule_id,
            article=found.article,
            evidence=found.evidence,
            reason=found.reason,
        )


@strawberry.type(description="A person a draw puts on the team (抽选人员)")
class DrawnCandidate:
    role: TeamRole = strawberry.field(description="Role proposed (拟任职务)")
    pool: PoolKind = strawberry.field(description="The pool drawn from (人员库)")
    expertise: list[str] = strawberry.field(
        description="Fields of expertise the draw counted: expertise.* rule ids (专业领域)"
    )
    expertise_rules: list[RuleType] = strawberry.field(
        description="Those fields as the ruleset names and cites them (专业领域及条款依据)"
    )
    has_account: bool = strawberry.field(description="Whether they can hold a role now (有账号)")
    person_pk: strawberry.Private[int]

    @strawberry.field(description="The person, null if hidden (干部)")
    async def person(self, info: Info) -> Annotated[PersonType, PERSON] | None:
        return await linked(info, "Person", self.person_pk)


@strawberry.type(description="A pooled person a draw leaves out, and why (回避排除人员)")
class ExcludedCandidate:
    name: str = strawberry.field(description="Name (姓名)")
    conflicts: list[RecusalConflictOut] = strawberry.field(description="Why (回避情形)")
    reasons: list[str] = strawberry.field(
        description="Every reason stated, a recorded recusal first (排除理由)"
    )
    person_pk: strawberry.Private[int]

    @strawberry.field(description="The person, null if hidden (干部)")
    async def person(self, info: Info) -> Annotated[PersonType, PERSON] | None:
        return await linked(info, "Person", self.person_pk)


@strawberry.type(description="A place the ruleset names that the draw left empty (未补职位)")
class UnfilledPosition:
    role: TeamRole = strawberry.field(description="The place (职务)")
    rule_id: str = strawberry.field(description="The rule naming it (规则)")
    article: str = strawberry.field(description="The rule's article (条款)")
    reason: str = strawberry.field(description="Why no one was drawn (理由)")


@strawberry.type(description="One draw of a team from the office's pools (抽选巡视组)")
class TeamDraw:
    size: int = strawberry.field(description="Places asked for (人数)")
    members: list[DrawnCandidate] = strawberry.field(description="Drawn, leader first (抽选人员)")
    excluded: list[ExcludedCandidate] = strawberry.field(description="Left out (回避排除)")
    shortfall: int = strawberry.field(description="Places no eligible person was left for (缺额)")
    size_article: str | None = strawberry.field(description="The size rule's article (条款)")
    unfilled: list[UnfilledPosition] = strawberry.field(
        description="Places named by the ruleset left empty, with why (未补职位)"
    )

    @classmethod
    def of(cls, found: draw.TeamDraw) -> TeamDraw:
        return cls(
            size=found.size,
            members=[
                DrawnCandidate(
                    role=m.role,
                    pool=m.pool,
                    expertise=list(m.expertise),
                    expertise_rules=[
                        rule_type(r) for r in expertise_rules(found.ruleset_id, m.expertise)
                    ],
                    has_account=m.user_id is not None,
                    person_pk=m.person_id,
                )
                for m in found.members
            ],
            excluded=[
                ExcludedCandidate(
                    name=e.name,
                    conflicts=[RecusalConflictOut.of(c) for c in e.conflicts],
                    reasons=list(e.reasons),
                    person_pk=e.person_id,
                )
                for e in found.excluded
            ],
            shortfall=found.shortfall,
            size_article=found.rule.article if found.rule else None,
            unfilled=[
                UnfilledPosition(role=u.role, rule_id=u.rule_id, article=u.article, reason=u.reason)
                for u in found.unfilled
            ],
        )


@strawberry.input(description="Draw a team for an inspection (抽选巡视组)")
class DrawTeamInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    size: int = strawberry.field(description="Team size, within the ruleset's bounds (人数)")


@strawberry.type(description="Result of drawTeam (抽选巡视组结果)")
class DrawTeamPayload:
    draw: TeamDraw | None = strawberry.field(description="The draw, unless refused (抽选结果)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="One member of a team being formed (巡视组成员)")
class TeamMemberInput:
    user_id: strawberry.ID = strawberry.field(description="The account (用户账号)")
    role: TeamRole = strawberry.field(description="Role in the team (巡视组职务)")


@strawberry.input(description="Form a planned inspection's team in one go (组建巡视组)")
class FormTeamInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    members: list[TeamMemberInput] = strawberry.field(description="The whole team (巡视组成员)")


@strawberry.type(description="Result of formTeam (组建巡视组结果)")
class FormTeamPayload:
    inspection: InspectionType | None = strawberry.field(
        description="The inspection, team formed, unless refused (巡视巡察)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Confirm a person's recusal from an inspection's target (确认回避)")
class ConfirmRecusalInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    person_id: strawberry.ID = strawberry.field(description="The person (干部)")


@strawberry.type(description="Result of confirmRecusal (确认回避结果)")
class ConfirmRecusalPayload:
    conflicts: list[RecusalConflictOut] = strawberry.field(
        description="The conflicts the recusal rests on (回避情形)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Set the look-back of post recusal (设置任职回避追溯年限)")
class SetRecusalLookBackInput:
    office_id: strawberry.ID = strawberry.field(description="The office (机构)")
    years: int = strawberry.field(description="Years after leaving a post (追溯年限)")


@strawberry.type(description="Result of setRecusalLookBack (设置任职回避追溯年限结果)")
class SetRecusalLookBackPayload:
    years: int | None = strawberry.field(description="The look-back now in force (追溯年限)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A body confirms the proposed team or its leader (审定/授权)")
class ConfirmTeamInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    matter: ApprovalMatter = strawberry.field(
        description="TEAM_COMPOSITION (审定组成人员) or TEAM_LEADER (确定并授权组长)"
    )
    decided_on: date = strawberry.field(description="Date of the decision (决定日期)")


@strawberry.type(
    name="TeamConfirmation",
    description="A body's confirmation of a team or authorisation of its leader (审定巡视巡察组)",
)
class TeamConfirmationType(Node, Stamped):
    matter: ApprovalMatter = strawberry.field(description="What was confirmed (审批事项)")
    decided_by: DecisionBody = strawberry.field(description="The body (决定机构)")
    rule_id: str = strawberry.field(description="The rule (规则)")
    article: str = strawberry.field(description="The rule's article (条款)")
    decided_on: date = strawberry.field(description="Date of the decision (决定日期)")
    team_size: int = strawberry.field(description="Members confirmed (确认人数)")
    pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: TeamConfirmation) -> TeamConfirmationType:
        return cls(
            id=strawberry.ID(global_id("TeamConfirmation", row.id)),
            pk=row.id,
            matter=ApprovalMatter(row.matter),
            decided_by=DecisionBody(row.decided_by),
            rule_id=row.rule_id,
            article=row.article,
            decided_on=row.decided_on,
            team_size=len(row.roster),
            **stamps(row),
        )


register_node("TeamConfirmation", TeamConfirmation, TeamConfirmationType.from_row)


@strawberry.type(description="Result of confirmTeam (审定巡视巡察组结果)")
class ConfirmTeamPayload:
    confirmation: TeamConfirmationType | None = strawberry.field(
        description="The confirmation, unless refused (审定结果)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _inspection(value: strawberry.ID) -> int:
    return expect_global_id(value, "Inspection", field="inspectionId")


@strawberry.type
class TeamMutation:
    @strawberry.mutation(description="Draw a team from the pools, leaving out the recused (抽选)")
    async def draw_team(self, info: Info, input: DrawTeamInput) -> DrawTeamPayload:
        ctx = info.context

        async def call() -> draw.TeamDraw:
            return await draw.draw_team(
                ctx.session,
                ctx.actor,
                inspection_id=_inspection(input.inspection_id),
                size=input.size,
            )

        found, errors = await run_mutation(info, "inspection.team.draw", call)
        return DrawTeamPayload(draw=found and TeamDraw.of(found), user_errors=errors)

    @strawberry.mutation(
        description="The named body confirms the proposed team or authorises its leader (审定)"
    )
    async def confirm_team(self, info: Info, input: ConfirmTeamInput) -> ConfirmTeamPayload:
        ctx = info.context

        async def call() -> TeamConfirmation:
            return await confirmation.confirm_team(
                ctx.session,
                ctx.actor,
                inspection_id=_inspection(input.inspection_id),
                matter=input.matter,
                decided_on=input.decided_on,
            )

        found, errors = await run_mutation(info, "inspection.team.confirm", call)
        return ConfirmTeamPayload(
            confirmation=found and TeamConfirmationType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(
        description="巡察办 proposes a planned inspection's whole team (提出组成人员)"
    )
    async def form_team(self, info: Info, input: FormTeamInput) -> FormTeamPayload:
        ctx = info.context

        async def call() -> Inspection:
            members = [
                (expect_global_id(m.user_id, "UserAccount", field="members"), m.role)
                for m in input.members
            ]
            return await draw.form_team(
                ctx.session,
                ctx.actor,
                inspection_id=_inspection(input.inspection_id),
                members=members,
            )

        found, errors = await run_mutation(info, "inspection.team.form", call)
        return FormTeamPayload(
            inspection=found and InspectionType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(description="Confirm a recusal the engine found (确认回避)")
    async def confirm_recusal(
        self, info: Info, input: ConfirmRecusalInput
    ) -> ConfirmRecusalPayload:
        ctx = info.context
        inspection_id = _inspection(input.inspection_id)
        person_id = expect_global_id(input.person_id, "Person", field="personId")

        async def call() -> list[RecusalConflict]:
            found = await recusal.conflicts_of_person(
                ctx.session, ctx.actor, inspection_id=inspection_id, person_id=person_id
            )
            await recusal.confirm_recusal(
                ctx.session, ctx.actor, inspection_id=inspection_id, person_id=person_id
            )
            return found

        found, errors = await run_mutation(info, "recusal.confirm", call)
        return ConfirmRecusalPayload(
            conflicts=[RecusalConflictOut.of(c) for c in found or []],
            user_errors=errors,
        )

    @strawberry.mutation(description="Set the look-back of post recusal (设置任职回避追溯年限)")
    async def set_recusal_look_back(
        self, info: Info, input: SetRecusalLookBackInput
    ) -> SetRecusalLookBackPayload:
        ctx = info.context

        async def call() -> RecusalSetting:
            return await recusal.set_look_back(
                ctx.session,
                ctx.actor,
                office_id=expect_global_id(input.office_id, "Office", field="officeId"),
                years=input.years,
            )

        found, errors = await run_mutation(info, "recusal.look_back", call)
        return SetRecusalLookBackPayload(years=found and found.look_back_years, user_errors=errors)
