"""Mutations of fieldwork records: interviews (schedule, record, sign) and other methods'."""

from __future__ import annotations

from datetime import date

import strawberry

from inspectnet.casework import interviews
from inspectnet.casework.graphql_interviews import (
    ActivityType,
    InterviewPayload,
    InterviewType,
    RecordInterviewInput,
    ScheduleInterviewInput,
    SignInterviewInput,
)
from inspectnet.casework.models import Activity, Interview
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.mutations import run_mutation
from inspectnet.ids import expect_global_id
from inspectnet.validation import described


@strawberry.input(description="Record work by another method (登记工作记录)")
class RecordActivityInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    method: str = strawberry.field(
        description="A method rule of the office's ruleset, e.g. method.forum (工作方式)"
    )
    held_on: date = strawberry.field(description="When (日期)")
    subject: str = strawberry.field(description=described("Subject (事由)", Activity.subject))
    material: str = strawberry.field(description=described("Material (材料)", Activity.material))


@strawberry.input(description="Correct a record of another method (修改工作记录)")
class UpdateActivityInput:
    activity_id: strawberry.ID = strawberry.field(description="The record (工作记录)")
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )
    held_on: date | None = strawberry.field(default=None, description="When (日期)")
    subject: str | None = strawberry.field(
        default=None, description=described("Subject (事由)", Activity.subject)
    )
    material: str | None = strawberry.field(
        default=None, description=described("Material (材料)", Activity.material)
    )


@strawberry.type(description="Result of a change to a record of another method (工作记录结果)")
class ActivityPayload:
    activity: ActivityType | None = strawberry.field(
        description="The record, unless refused (工作记录)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _interview(value: strawberry.ID) -> int:
    return expect_global_id(value, "Interview", field="interviewId")


def _interview_payload(found: Interview | None, errors: list[UserError]) -> InterviewPayload:
    return InterviewPayload(interview=found and InterviewType.from_row(found), user_errors=errors)


def _activity_payload(found: Activity | None, errors: list[UserError]) -> ActivityPayload:
    return ActivityPayload(activity=found and ActivityType.from_row(found), user_errors=errors)


@strawberry.type
class FieldworkMutation:
    @strawberry.mutation(description="Schedule an interview (安排个别谈话)")
    async def schedule_interview(
        self, info: Info, input: ScheduleInterviewInput
    ) -> InterviewPayload:
        ctx = info.context

        async def call() -> Interview:
            return await interviews.schedule_interview(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                scheduled_at=input.scheduled_at,
                interviewee_name=input.interviewee_name,
                interviewee_post=input.interviewee_post,
                interviewee_unit=input.interviewee_unit,
                interviewer_ids=[
                    expect_global_id(v, "UserAccount", field="interviewerIds")
                    for v in input.interviewer_ids
                ],
            )

        return _interview_payload(*await run_mutation(info, "interview.schedule", call))

    @strawberry.mutation(description="Write an interview's record (填写谈话记录)")
    async def record_interview(self, info: Info, input: RecordInterviewInput) -> InterviewPayload:
        ctx = info.context

        async def call() -> Interview:
            return await interviews.record_interview(
                ctx.session,
                ctx.actor,
                interview_id=_interview(input.interview_id),
                text=input.record,
                version=input.version,
            )

        return _interview_payload(*await run_mutation(info, "interview.record", call))

    @strawberry.mutation(description="Record a signature on an interview's record (签字)")
    async def sign_interview(self, info: Info, input: SignInterviewInput) -> InterviewPayload:
        ctx = info.context

        async def call() -> Interview:
            return await interviews.sign_interview(
                ctx.session,
                ctx.actor,
                interview_id=_interview(input.interview_id),
                interviewee=input.interviewee,
            )

        return _interview_payload(*await run_mutation(info, "interview.sign", call))

    @strawberry.mutation(description="Record work by another method (登记工作记录)")
    async def record_activity(self, info: Info, input: RecordActivityInput) -> ActivityPayload:
        ctx = info.context

        async def call() -> Activity:
            return await interviews.record_activity(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                method=input.method,
                held_on=input.held_on,
                subject=input.subject,
                material=input.material,
            )

        return _activity_payload(*await run_mutation(info, "activity.record", call))

    @strawberry.mutation(description="Correct a record of another method (修改工作记录)")
    async def update_activity(self, info: Info, input: UpdateActivityInput) -> ActivityPayload:
        ctx = info.context

        async def call() -> Activity:
            return await interviews.update_activity(
                ctx.session,
                ctx.actor,
                activity_id=expect_global_id(input.activity_id, "Activity", field="activityId"),
                version=input.version,
                held_on=input.held_on,
                subject=input.subject,
                material=input.material,
            )

        return _activity_payload(*await run_mutation(info, "activity.update", call))
