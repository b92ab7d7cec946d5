"""GraphQL mutations of rectification: the plan and its items, closure, duties and reports,
and the office's warning thresholds."""

from __future__ import annotations

from datetime import date

import strawberry

from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.mutations import run_mutation
from inspectnet.ids import expect_global_id
from inspectnet.rectification import closure, plans, warnings
from inspectnet.rectification.graphql_rectification import (
    RectificationDutyType,
    RectificationItemType,
    RectificationPlanType,
    RectificationReportType,
)
from inspectnet.rectification.graphql_removal import RectificationRemovalMutation
from inspectnet.rectification.models import (
    CheckBasis,
    RectificationCheck,
    RectificationDuty,
    RectificationItem,
    RectificationPlan,
    RectificationReport,
    RectificationSetting,
)
from inspectnet.rules.format import RectificationReportKind, ReportRecipient
from inspectnet.validation import described


def _plan(value: strawberry.ID) -> int:
    return expect_global_id(value, "RectificationPlan", field="planId")


def _item(value: strawberry.ID) -> int:
    return expect_global_id(value, "RectificationItem", field="itemId")


def _duty(value: strawberry.ID) -> int:
    return expect_global_id(value, "RectificationDuty", field="dutyId")


def _account(value: strawberry.ID | None, field: str) -> int | None:
    return None if value is None else expect_global_id(value, "UserAccount", field=field)


@strawberry.input(description="A line of the plan (整改事项：问题、措施、责任人)")
class AddRectificationItemInput:
    plan_id: strawberry.ID = strawberry.field(description="The plan (整改方案)")
    problem_id: strawberry.ID = strawberry.field(description="The fed-back problem (反馈问题)")
    measure: str = strawberry.field(
        description=described("The measure (整改措施)", RectificationItem.measure)
    )
    owner_name: str = strawberry.field(
        description=described("Who carries it out (责任人)", RectificationItem.owner_name)
    )
    owner_user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The owner's account, warned (责任人账号)"
    )
    supervisor_name: str = strawberry.field(
        description=described("Supervising leader (督办领导)", RectificationItem.supervisor_name)
    )
    supervisor_user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The supervising leader's account, warned (督办领导账号)"
    )
    due_on: date = strawberry.field(description="Due by (整改时限)")


@strawberry.input(description="Submit or approve a plan (报审、审定整改方案)")
class RectificationPlanInput:
    plan_id: strawberry.ID = strawberry.field(description="The plan (整改方案)")
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.type(description="Result of a change to a plan (整改方案结果)")
class RectificationPlanPayload:
    plan: RectificationPlanType | None = strawberry.field(description="The plan (整改方案)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Report an item done, with its evidence (报整改完成)")
class CompleteRectificationItemInput:
    item_id: strawberry.ID = strawberry.field(description="The item (整改事项)")
    evidence: str = strawberry.field(
        description=described("The evidence (佐证材料)", RectificationItem.evidence)
    )


@strawberry.input(description="Close an item against its evidence (对账销号)")
class CloseRectificationItemInput:
    item_id: strawberry.ID = strawberry.field(description="The item (整改事项)")
    note: str = strawberry.field(
        description=described("The office's note (核查意见)", RectificationCheck.note)
    )


@strawberry.input(description="Reopen an item after a check (重新整改)")
class ReopenRectificationItemInput:
    item_id: strawberry.ID = strawberry.field(description="The item (整改事项)")
    basis: CheckBasis = strawberry.field(description="Special check or follow-up (依据)")
    note: str = strawberry.field(
        description=described("What was found (检查发现)", RectificationCheck.note)
    )


@strawberry.type(description="Result of a change to an item (整改事项结果)")
class RectificationItemPayload:
    item: RectificationItemType | None = strawberry.field(description="The item (整改事项)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Record the special meetings (登记专题会议和专题民主生活会)")
class RecordRectificationMeetingInput:
    duty_id: strawberry.ID = strawberry.field(description="The meeting duty (整改期限)")
    held_on: date = strawberry.field(description="Held on (召开日期)")


@strawberry.type(description="Result of recordRectificationMeeting (登记会议结果)")
class RectificationDutyPayload:
    duty: RectificationDutyType | None = strawberry.field(description="The duty (整改期限)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="File one report to one recipient (报送整改报告)")
class FileRectificationReportInput:
    duty_id: strawberry.ID = strawberry.field(description="The report duty (整改期限)")
    kind: RectificationReportKind = strawberry.field(description="The report (报告)")
    recipient: ReportRecipient = strawberry.field(description="Its recipient (报送对象)")
    body: str = strawberry.field(
        description=described("The report (报告内容)", RectificationReport.body)
    )


@strawberry.type(description="Result of fileRectificationReport (报送整改报告结果)")
class RectificationReportPayload:
    report: RectificationReportType | None = strawberry.field(description="The report (整改报告)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="An office's rectification warning thresholds (整改预警阈值)")
class SetRectificationThresholdsInput:
    office_id: strawberry.ID = strawberry.field(description="The inspecting office (巡视巡察机构)")
    yellow_days: int = strawberry.field(description="Yellow at most this many days left (黄色)")
    principal_after_days: int = strawberry.field(
        description="Overdue days before the principal is told (报主要负责人)"
    )
    office_after_days: int = strawberry.field(
        description="Overdue days before the office is told (报巡视巡察机构)"
    )


@strawberry.type(description="An office's rectification warning thresholds (整改预警阈值)")
class RectificationThresholds:
    yellow_days: int = strawberry.field(description="Yellow at most this many days left (黄色)")
    principal_after_days: int = strawberry.field(
        description="Overdue days before the principal is told (报主要负责人)"
    )
    office_after_days: int = strawberry.field(
        description="Overdue days before the office is told (报巡视巡察机构)"
    )


@strawberry.type(description="Result of setRectificationThresholds (整改预警阈值结果)")
class RectificationThresholdsPayload:
    thresholds: RectificationThresholds | None = strawberry.field(
        description="The thresholds now in force (预警阈值)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _plan_payload(
    found: RectificationPlan | None, errors: list[UserError]
) -> RectificationPlanPayload:
    return RectificationPlanPayload(
        plan=found and RectificationPlanType.from_row(found), user_errors=errors
    )


def _item_payload(
    found: RectificationItem | None, errors: list[UserError]
) -> RectificationItemPayload:
    return RectificationItemPayload(
        item=found and RectificationItemType.from_row(found), user_errors=errors
    )


@strawberry.type
class RectificationMutation(RectificationRemovalMutation):
    @strawberry.mutation(description="Add a line to a draft plan (新增整改事项)")
    async def add_rectification_item(
        self, info: Info, input: AddRectificationItemInput
    ) -> RectificationItemPayload:
        ctx = info.context

        async def call() -> RectificationItem:
            return await plans.add_item(
                ctx.session,
                ctx.actor,
                plan_id=_plan(input.plan_id),
                problem_id=expect_global_id(input.problem_id, "FedBackProblem", field="problemId"),
                measure=input.measure,
                owner_name=input.owner_name,
                owner_user_id=_account(input.owner_user_id, "ownerUserId"),
                supervisor_name=input.supervisor_name,
                supervisor_user_id=_account(input.supervisor_user_id, "supervisorUserId"),
                due_on=input.due_on,
            )

        return _item_payload(*await run_mutation(info, "rectification.item.add", call))

    @strawberry.mutation(description="Submit the plan with its three lists (报审整改方案)")
    async def submit_rectification_plan(
        self, info: Info, input: RectificationPlanInput
    ) -> RectificationPlanPayload:
        ctx = info.context

        async def call() -> RectificationPlan:
            return await plans.submit_plan(
                ctx.session, ctx.actor, plan_id=_plan(input.plan_id), version=input.version
            )

        return _plan_payload(*await run_mutation(info, "rectification.plan.submit", call))

    @strawberry.mutation(description="The team approves the plan (巡察组审定整改方案)")
    async def approve_rectification_plan(
        self, info: Info, input: RectificationPlanInput
    ) -> RectificationPlanPayload:
        ctx = info.context

        async def call() -> RectificationPlan:
            return await plans.approve_plan(ctx.session, ctx.actor, plan_id=_plan(input.plan_id))

        return _plan_payload(*await run_mutation(info, "rectification.plan.approve", call))

    @strawberry.mutation(description="Report an item done with its evidence (报整改完成)")
    async def complete_rectification_item(
        self, info: Info, input: CompleteRectificationItemInput
    ) -> RectificationItemPayload:
        ctx = info.context

        async def call() -> RectificationItem:
            return await plans.complete_item(
                ctx.session, ctx.actor, item_id=_item(input.item_id), evidence=input.evidence
            )

        return _item_payload(*await run_mutation(info, "rectification.item.done", call))

    @strawberry.mutation(description="Close an item against its evidence (对账销号)")
    async def close_rectification_item(
        self, info: Info, input: CloseRectificationItemInput
    ) -> RectificationItemPayload:
        ctx = info.context

        async def call() -> RectificationItem:
            return await closure.close_item(
                ctx.session, ctx.actor, item_id=_item(input.item_id), note=input.note
            )

        return _item_payload(*await run_mutation(info, "rectification.item.close", call))

    @strawberry.mutation(description="Reopen an item a check found not rectified (重新整改)")
    async def reopen_rectification_item(
        self, info: Info, input: ReopenRectificationItemInput
    ) -> RectificationItemPayload:
        ctx = info.context

        async def call() -> RectificationItem:
            return await closure.reopen_item(
                ctx.session,
                ctx.actor,
                item_id=_item(input.item_id),
                basis=input.basis,
                note=input.note,
            )

        return _item_payload(*await run_mutation(info, "rectification.item.reopen", call))

    @strawberry.mutation(description="Record the special meetings (登记专题会议)")
    async def record_rectification_meeting(
        self, info: Info, input: RecordRectificationMeetingInput
    ) -> RectificationDutyPayload:
        ctx = info.context

        async def call() -> RectificationDuty:
            return await plans.record_meeting(
                ctx.session, ctx.actor, duty_id=_duty(input.duty_id), held_on=input.held_on
            )

        found, errors = await run_mutation(info, "rectification.meeting", call)
        return RectificationDutyPayload(
            duty=found and RectificationDutyType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(description="File one report to one recipient (报送整改报告)")
    async def file_rectification_report(
        self, info: Info, input: FileRectificationReportInput
    ) -> RectificationReportPayload:
        ctx = info.context

        async def call() -> RectificationReport:
            return await plans.file_report(
                ctx.session,
                ctx.actor,
                duty_id=_duty(input.duty_id),
                kind=input.kind,
                recipient=input.recipient,
                body=input.body,
            )

        found, errors = await run_mutation(info, "rectification.report", call)
        return RectificationReportPayload(
            report=found and RectificationReportType.from_row(found), user_errors=errors
        )

    @strawberry.mutation(description="Set the office's warning thresholds (设置整改预警阈值)")
    async def set_rectification_thresholds(
        self, info: Info, input: SetRectificationThresholdsInput
    ) -> RectificationThresholdsPayload:
        ctx = info.context

        async def call() -> RectificationSetting:
            return await warnings.set_thresholds(
                ctx.session,
                ctx.actor,
                office_id=expect_global_id(input.office_id, "Office", field="officeId"),
                yellow_days=input.yellow_days,
                principal_after_days=input.principal_after_days,
                office_after_days=input.office_after_days,
            )

        found, errors = await run_mutation(info, "rectification.thresholds", call)
        thresholds = found and RectificationThresholds(
            yellow_days=found.yellow_days,
            principal_after_days=found.principal_after_days,
            office_after_days=found.office_after_days,
        )
        return RectificationThresholdsPayload(thresholds=thresholds, user_errors=errors)
