"""GraphQL inputs, payloads and thin resolvers for inspections and their teams."""

from __future__ import annotations

from datetime import datetime

import strawberry

from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.parts import DownloadRoute, SchemaPart, TypeField
from inspectnet.ids import expect_global_id
from inspectnet.inspections import repository, service, stages
from inspectnet.inspections.graphql_meetings import (
    MeetingMutation,
    TeamMeetingFilter,
    TeamMeetingOrder,
    TeamMeetingType,
)
from inspectnet.inspections.graphql_notice import (
    ANNOUNCEMENTS,
    InspectionNoticeType,
    NoticeMutation,
    inspection_notice,
    serve_announcement,
)
from inspectnet.inspections.graphql_prep import PreparationItemType, PreparationMutation
from inspectnet.inspections.graphql_recusal import (
    RecusalCaseFilter,
    RecusalCaseOrder,
    RecusalCaseType,
    RecusalMutation,
)
from inspectnet.inspections.graphql_round import inspection_next_deadline
from inspectnet.inspections.graphql_site_work import (
    InstructionRequestFilter,
    InstructionRequestOrder,
    InstructionRequestType,
    SiteMethodUseFilter,
    SiteMethodUseOrder,
    SiteMethodUseType,
    SiteWorkMutation,
)
from inspectnet.inspections.graphql_team import TeamMutation
from inspectnet.inspections.graphql_types import (
    InspectionFilter,
    InspectionOrder,
    InspectionTransitionType,
    InspectionType,
    TeamAssignmentType,
)
from inspectnet.inspections.models import (
    Inspection,
    InspectionTransition,
    Stage,
    TeamAssignment,
    TeamContact,
    TeamRole,
)
from inspectnet.validation import described


@strawberry.input(description="A new inspection of a target (新建巡视巡察)")
class CreateInspectionInput:
    target_id: strawberry.ID = strawberry.field(description="The target (巡视巡察对象)")
    name: str = strawberry.field(description=described("Name (名称)", Inspection.name))
    plan_id: strawberry.ID | None = strawberry.field(
        default=None, description="The round plan it carries out (巡察计划)"
    )
    follows_id: strawberry.ID | None = strawberry.field(
        default=None, description="For a follow-up, the inspection it re-inspects (回头看)"
    )


@strawberry.input(description="Move an inspection to its next stage (推进巡视巡察阶段)")
class AdvanceInspectionInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    stage: Stage = strawberry.field(description="The stage to enter (进入阶段)")
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )
    decision: str | None = strawberry.field(
        default=None,
        description=described(
            "The office's recorded decision, needed to leave the site after a stay outside "
            "the ruleset's working days (巡察办决定)",
            InspectionTransition.decision,
        ),
    )


@strawberry.type(description="Result of advanceInspection (推进巡视巡察阶段结果)")
class AdvanceInspectionPayload:
    inspection: InspectionType | None = strawberry.field(
        description="The inspection in its new stage, unless refused (巡视巡察)"
    )
    allowed_next: list[Stage] = strawberry.field(
        description="When refused as out of order, the stages it may enter (允许的下一阶段)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type(description="Result of createInspection (新建巡视巡察结果)")
class CreateInspectionPayload:
    inspection: InspectionType | None = strawberry.field(
        description="The new inspection, unless refused (巡视巡察)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A role for an account in one inspection (巡视组授权)")
class AssignTeamRoleInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    user_id: strawberry.ID = strawberry.field(description="The account (用户账号)")
    role: TeamRole = strawberry.field(description="Role in the team (巡视组职务)")
    valid_from: datetime | None = strawberry.field(
        default=None, description="Grant starts, now if omitted (授权开始)"
    )
    valid_until: datetime | None = strawberry.field(
        default=None, description="Grant ends, none until archived (授权结束)"
    )
    contact_phone: str | None = strawberry.field(
        default=None,
        description=described("Contact phone, need to know (联系电话)", TeamContact.phone),
    )


@strawberry.input(description="End a role held in an inspection (结束巡视组授权)")
class EndTeamRoleInput:
    assignment_id: strawberry.ID = strawberry.field(description="The assignment (巡视组授权)")


@strawberry.type(description="Result of assignTeamRole or endTeamRole (巡视组授权结果)")
class TeamAssignmentPayload:
    assignment: TeamAssignmentType | None = strawberry.field(
        description="The assignment, unless refused (巡视组授权)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type
class InspectionsMutation(
    TeamMutation,
    PreparationMutation,
    RecusalMutation,
    NoticeMutation,
    SiteWorkMutation,
    MeetingMutation,
):
    @strawberry.mutation(description="Plan an inspection of a target (新建巡视巡察)")
    async def create_inspection(
        self, info: Info, input: CreateInspectionInput
    ) -> CreateInspectionPayload:
        ctx = info.context

        async def call() -> Inspection:
            return await service.create_inspection(
                ctx.session,
                ctx.actor,
                target_id=expect_global_id(input.target_id, "Target", field="targetId"),
                name=input.name,
                plan_id=input.plan_id and expect_global_id(input.plan_id, "Plan", field="planId"),
                follows_id=input.follows_id
                and expect_global_id(input.follows_id, "Inspection", field="followsId"),
            )

        found, errors = await run_mutation(info, "inspection.create", call)
        return CreateInspectionPayload(
            inspection=found and InspectionType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(
        description="Move an inspection to its next stage, under its ruleset's rule (推进阶段)"
    )
    async def advance_inspection(
        self, info: Info, input: AdvanceInspectionInput
    ) -> AdvanceInspectionPayload:
        ctx = info.context
        refused: list[Stage] = []

        async def call() -> Inspection:
            try:
                return await stages.advance_inspection(
                    ctx.session,
                    ctx.actor,
                    inspection_id=expect_global_id(
                        input.inspection_id, "Inspection", field="inspectionId"
                    ),
                    stage=input.stage,
                    version=input.version,
                    decision=input.decision,
                )
            except stages.StageOutOfOrder as error:
                refused.extend(error.allowed)
                raise

        found, errors = await run_mutation(info, "inspection.stage", call)
        return AdvanceInspectionPayload(
            inspection=found and InspectionType.from_row(found),
            allowed_next=refused,
            user_errors=errors,
        )

    @strawberry.mutation(description="Grant a role in one inspection (巡视组授权)")
    async def assign_team_role(
        self, info: Info, input: AssignTeamRoleInput
    ) -> TeamAssignmentPayload:
        ctx = info.context

        async def call() -> TeamAssignment:
            return await service.assign_team_role(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                user_id=expect_global_id(input.user_id, "UserAccount", field="userId"),
                role=input.role,
                valid_from=input.valid_from,
                valid_until=input.valid_until,
                contact_phone=input.contact_phone,
            )

        found, errors = await run_mutation(info, "inspection.team.assign", call)
        return TeamAssignmentPayload(
            assignment=found and TeamAssignmentType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(description="End a role held in an inspection (结束巡视组授权)")
    async def end_team_role(self, info: Info, input: EndTeamRoleInput) -> TeamAssignmentPayload:
        ctx = info.context

        async def call() -> TeamAssignment:
            return await service.end_team_role(
                ctx.session,
                ctx.actor,
                assignment_id=expect_global_id(
                    input.assignment_id, "TeamAssignment", field="assignmentId"
                ),
            )

        found, errors = await run_mutation(info, "inspection.team.end", call)
        return TeamAssignmentPayload(
            assignment=found and TeamAssignmentType.from_row(found), user_errors=errors
        )


SCHEMA = SchemaPart(
    mutation=InspectionsMutation,
    types=(
        InspectionType,
        TeamAssignmentType,
        InspectionTransitionType,
        PreparationItemType,
        RecusalCaseType,
        InspectionNoticeType,
        SiteMethodUseType,
        InstructionRequestType,
        TeamMeetingType,
    ),
    # The announcement as DOCX, for whoever reads the notice (the target's side included).
    downloads=(
        DownloadRoute(ANNOUNCEMENTS, "inspection.announcement.download", serve_announcement),
    ),
    fields=(
        TypeField(
            "Inspection",
            "notice",
            strawberry.field(
                resolver=inspection_notice,
                description="The written notice and announcement, null before they are "
                "recorded or when hidden (书面通知和巡察公告)",
            ),
        ),
        TypeField(
            "Inspection",
            "recusalCases",
            connection_field(
                repository.recusal_cases_of,
                RecusalCaseType,
                description="Declarations and challenges of recusal, and their decisions (回避申请)",
                filter=RecusalCaseFilter,
                order=RecusalCaseOrder,
            ),
        ),
        TypeField(
            "Inspection",
            "nextDeadline",
            strawberry.field(
                resolver=inspection_next_deadline,
                description="The earliest deadline running in its stage, with its three-colour "
                "warning; null when none runs or the viewer reads no step (下一期限)",
            ),
        ),
        TypeField(
            "Plan",
            "inspections",
            connection_field(
                repository.inspections_of_plans,
                InspectionType,
                description="The round's inspections, the planner's view: stage, team, recusal "
                "cases and next deadline of each (本轮巡视巡察)",
                filter=InspectionFilter,
                order=InspectionOrder,
            ),
        ),
        TypeField(
            "Inspection",
            "siteMethods",
            connection_field(
                repository.methods_of,
                SiteMethodUseType,
                description="Methods the team used on site (巡视巡察工作方式)",
                filter=SiteMethodUseFilter,
                order=SiteMethodUseOrder,
            ),
        ),
        TypeField(
            "Inspection",
            "instructionRequests",
            connection_field(
                repository.requests_of,
                InstructionRequestType,
                description="Requests for instruction up the line, with due dates (请示报告)",
                filter=InstructionRequestFilter,
                order=InstructionRequestOrder,
            ),
        ),
        TypeField(
            "Inspection",
            "teamMeetings",
            connection_field(
                repository.meetings_of,
                TeamMeetingType,
                description="Meetings of the team and their decisions, for the team only "
                "(组务会, nmg-2016 §10)",
                filter=TeamMeetingFilter,
                order=TeamMeetingOrder,
            ),
        ),
        TypeField(
            "Office",
            "inspections",
            connection_field(
                repository.inspections_of_offices,
                InspectionType,
                description="Inspections the office runs (巡视巡察)",
                filter=InspectionFilter,
                order=InspectionOrder,
            ),
        ),
    ),
)
