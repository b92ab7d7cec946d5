"""GraphQL of the team's meetings (组务会, nmg-2016 §10): recorded by the leader, listed on the
inspection for the team alone."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.links import linked
from inspectnet.graphql.lists import DateTimeRange, created_in, each, order_input
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.inspections import meetings
from inspectnet.inspections.models import TeamMeeting
from inspectnet.validation import described

if TYPE_CHECKING:
    from inspectnet.accounts.graphql import UserAccountType

ACCOUNT = strawberry.lazy("inspectnet.accounts.graphql")


@strawberry.input(description="Which team meetings to list (组务会筛选)")
class TeamMeetingFilter:
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Recorded within (登记时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        return each([], created_in(self.created_at, TeamMeeting.created_at))


TeamMeetingOrder = order_input("TeamMeeting")


@strawberry.type(
    name="TeamMeeting",
    description="A meeting of the team and what it decided (组务会, nmg-2016 §10)",
)
class TeamMeetingType(Node, Stamped):
    held_on: date = strawberry.field(description="Held on (会议日期)")
    decisions: str = strawberry.field(description="What it decided (研究决定事项)")
    attendee_count: int = strawberry.field(description="How many of the team attended (参会人数)")
    pk: strawberry.Private[int]
    attendee_pks: strawberry.Private[list[int]]

    @strawberry.field(
        description="Who of the team attended; a hidden account is left out (参会人员)"
    )
    async def attendees(self, info: Info) -> list[Annotated[UserAccountType, ACCOUNT]]:
        found = [await linked(info, "UserAccount", pk) for pk in self.attendee_pks]
        return [account for account in found if account is not None]

    @classmethod
    def from_row(cls, row: TeamMeeting) -> TeamMeetingType:
        return cls(
            id=strawberry.ID(global_id("TeamMeeting", row.id)),
            pk=row.id,
            held_on=row.held_on,
            decisions=row.decisions,
            attendee_count=len(row.attendees),
            attendee_pks=list(row.attendees),
            **stamps(row),
        )


register_node("TeamMeeting", TeamMeeting, TeamMeetingType.from_row)


@strawberry.input(description="Record a meeting of the team (登记组务会)")
class RecordTeamMeetingInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    held_on: date = strawberry.field(description="Held on (会议日期)")
    attendee_ids: list[strawberry.ID] = strawberry.field(
        description="Accounts of the team who attended (参会人员)"
    )
    decisions: str = strawberry.field(
        description=described("What it decided (研究决定事项)", TeamMeeting.decisions)
    )


@strawberry.type(description="Result of recordTeamMeeting (登记组务会结果)")
class RecordTeamMeetingPayload:
    meeting: TeamMeetingType | None = strawberry.field(
        description="The meeting, unless refused (组务会)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type
class MeetingMutation:
    @strawberry.mutation(description="The leader records a meeting of the team (登记组务会)")
    async def record_team_meeting(
        self, info: Info, input: RecordTeamMeetingInput
    ) -> RecordTeamMeetingPayload:
        ctx = info.context

        async def call() -> TeamMeeting:
            return await meetings.record_meeting(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                held_on=input.held_on,
                attendee_ids=[
                    expect_global_id(a, "UserAccount", field="attendeeIds")
                    for a in input.attendee_ids
                ],
                decisions=input.decisions,
            )

        found, errors = await run_mutation(info, "inspection.team.meeting", call)
        return RecordTeamMeetingPayload(
            meeting=found and TeamMeetingType.from_row(found), user_errors=errors
        )
