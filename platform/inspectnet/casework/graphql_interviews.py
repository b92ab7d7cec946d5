"""GraphQL of interviews 个别谈话 and the records of the other working methods."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.audit.reads import confidential_read
from inspectnet.casework import repository
from inspectnet.casework.models import Activity, Interview, Interviewer, InterviewState
from inspectnet.graphql.can import UPDATE, Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.links import linked
from inspectnet.graphql.lists import (
    ARCHIVED_DESCRIPTION,
    DateRange,
    DateTimeRange,
    Sort,
    archived,
    created_in,
    each,
    order_input,
)
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import global_id
from inspectnet.validation import described

if TYPE_CHECKING:
    from inspectnet.accounts.graphql import UserAccountType

labelled_enum(
    InterviewState,
    {
        InterviewState.SCHEDULED: "已安排",
        InterviewState.RECORDED: "已记录",
        InterviewState.SIGNED: "已签字确认",
    },
    name="InterviewState",
    description="Where an interview stands (谈话状态)",
)
# Signing is a change of the interview (update); whose signature it may be, the service says.
INTERVIEW_CAN = (UPDATE, Ability("sign", "May record a signature on it (可签字)", "update"))
ACTIVITY_CAN = (UPDATE,)


@strawberry.input(description="Which interviewers to list (谈话人筛选)")
class InterviewerFilter:
    signed: bool | None = strawberry.field(default=None, description="Signed or not (已签字)")

    def conditions(self) -> list[ColumnElement[bool]]:
        if self.signed is None:
            return []
        signed = Interviewer.signed_at
        return [signed.is_not(None) if self.signed else signed.is_(None)]


InterviewerOrder = order_input("Interviewer")


@strawberry.type(name="Interviewer", description="A team member conducting an interview (谈话人)")
class InterviewerType:
    signed_at: datetime | None = strawberry.field(description="When they signed (签字时间)")
    user_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Interviewer) -> InterviewerType:
        return cls(signed_at=row.signed_at, user_pk=row.user_id)

    @strawberry.field(description="The account, null if hidden (用户账号)")
    async def user(
        self, info: Info
    ) -> Annotated[UserAccountType, strawberry.lazy("inspectnet.accounts.graphql")] | None:
        return await linked(info, "UserAccount", self.user_pk)


@strawberry.input(description="Which interviews to list (个别谈话筛选)")
class InterviewFilter:
    state: InterviewState | None = strawberry.field(default=None, description="State (状态)")
    scheduled_at: DateTimeRange | None = strawberry.field(
        default=None, description="Scheduled within (谈话时间)"
    )
    archived: bool | None = strawberry.field(default=False, description=ARCHIVED_DESCRIPTION)
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Recorded within (登记时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.state is not None:
            found.append(Interview.state == self.state)
        if self.scheduled_at is not None:
            found.extend(self.scheduled_at.on(Interview.scheduled_at, "scheduledAt"))
        return each(
            found,
            archived(self.archived, Interview.archived_at),
            created_in(self.created_at, Interview.created_at),
        )


InterviewOrder = order_input("Interview", Sort("SCHEDULED_AT", "谈话时间", ("scheduled_at",)))


@strawberry.type(name="Interview", description="An individual interview and its record (个别谈话)")
class InterviewType(Node, Stamped):
    scheduled_at: datetime = strawberry.field(description="When (谈话时间)")
    interviewee_name: str = strawberry.field(description="Interviewee (谈话对象)")
    interviewee_post: str = strawberry.field(description="Interviewee's post (职务)")
    interviewee_unit: str = strawberry.field(description="Interviewee's unit (单位)")
    state: InterviewState = strawberry.field(description="State (状态)")
    interviewee_signed_at: datetime | None = strawberry.field(
        description="When the interviewee signed the record (谈话对象签字时间)"
    )
    version: int = strawberry.field(description="Version, for optimistic locking (版本)")
    pk: strawberry.Private[int]
    office_pk: strawberry.Private[int]
    text: strawberry.Private[str | None]
    viewer_can = viewer_can_field("Interview", INTERVIEW_CAN)

    @classmethod
    def from_row(cls, row: Interview) -> InterviewType:
        return cls(
            id=strawberry.ID(global_id("Interview", row.id)),
            pk=row.id,
            office_pk=row.office_id,
            text=row.record,
            scheduled_at=row.scheduled_at,
            interviewee_name=row.interviewee_name,
            interviewee_post=row.interviewee_post,
            interviewee_unit=row.interviewee_unit,
            state=row.state,
            interviewee_signed_at=row.interviewee_signed_at,
            version=row.version,
            **stamps(row),
        )

    @strawberry.field(description="The record; each read is audited (谈话记录)")
    def record(self, info: Info) -> str | None:
        ctx = info.context
        confidential_read(ctx.session, ctx.actor, Interview, self.pk, self.office_pk)
        return self.text

    interviewers = connection_field(
        repository.interviewers_of,
        InterviewerType,
        description="Who conducts it, and their signatures (谈话人)",
        filter=InterviewerFilter,
        order=InterviewerOrder,
    )


register_node("Interview", Interview, InterviewType.from_row)


@strawberry.input(description="Which records of other methods to list (工作记录筛选)")
class ActivityFilter:
    method: str | None = strawberry.field(default=None, description="Method rule (工作方式)")
    held_on: DateRange | None = strawberry.field(default=None, description="Held within (日期)")
    archived: bool | None = strawberry.field(default=False, description=ARCHIVED_DESCRIPTION)
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Recorded within (登记时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.method is not None:
            found.append(Activity.method == self.method)
        if self.held_on is not None:
            found.extend(self.held_on.on(Activity.held_on, "heldOn"))
        return each(
            found,
            archived(self.archived, Activity.archived_at),
            created_in(self.created_at, Activity.created_at),
        )


ActivityOrder = order_input("Activity", Sort("HELD_ON", "日期", ("held_on",)))


@strawberry.type(
    name="Activity",
    description="The record of another working method, e.g. a forum or a requisition (工作记录)",
)
class ActivityType(Node, Stamped):
    method: str = strawberry.field(description="Method rule of the ruleset (工作方式)")
    held_on: date = strawberry.field(description="When (日期)")
    subject: str = strawberry.field(description="Subject (事由)")
    material: str = strawberry.field(description="Material kept (材料)")
    version: int = strawberry.field(description="Version, for optimistic locking (版本)")
    pk: strawberry.Private[int]
    viewer_can = viewer_can_field("Activity", ACTIVITY_CAN)

    @classmethod
    def from_row(cls, row: Activity) -> ActivityType:
        return cls(
            id=strawberry.ID(global_id("Activity", row.id)),
            pk=row.id,
            method=row.method,
            held_on=row.held_on,
            subject=row.subject,
            material=row.material,
            version=row.version,
            **stamps(row),
        )


register_node("Activity", Activity, ActivityType.from_row)


@strawberry.input(description="Schedule an interview (安排个别谈话)")
class ScheduleInterviewInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    scheduled_at: datetime = strawberry.field(description="When (谈话时间)")
    interviewee_name: str = strawberry.field(
        description=described("Interviewee (谈话对象)", Interview.interviewee_name)
    )
    interviewee_post: str = strawberry.field(
        description=described("Interviewee's post (职务)", Interview.interviewee_post)
    )
    interviewee_unit: str = strawberry.field(
        description=described("Interviewee's unit (单位)", Interview.interviewee_unit)
    )
    interviewer_ids: list[strawberry.ID] = strawberry.field(
        description="Team members conducting it (谈话人)"
    )


@strawberry.input(description="Write an interview's record (填写谈话记录)")
class RecordInterviewInput:
    interview_id: strawberry.ID = strawberry.field(description="The interview (个别谈话)")
    record: str = strawberry.field(description=described("The record (谈话记录)", Interview.record))
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.input(description="Record a signature on an interview's record (谈话记录签字)")
class SignInterviewInput:
    interview_id: strawberry.ID = strawberry.field(description="The interview (个别谈话)")
    interviewee: bool = strawberry.field(
        description="The interviewee's signature (true) or the signing interviewer's own "
        "(false) (谈话对象签字)"
    )


@strawberry.type(description="Result of a change to an interview (个别谈话结果)")
class InterviewPayload:
    interview: InterviewType | None = strawberry.field(
        description="The interview, unless refused (个别谈话)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")
