"""GraphQL of the recusal workflow (回避, nmg-2016 §12, qh-zrzyt §27): a case raised by
declaration or challenge, the office's decision, the replacement the named body approves and
the decision that ends the recusal."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.graphql.can import Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.links import linked
from inspectnet.graphql.lists import DateTimeRange, created_in, each, order_input
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.inspections import recusal_cases
from inspectnet.inspections.graphql_types import TeamAssignmentType
from inspectnet.inspections.models import (
    RecusalCase,
    RecusalCaseKind,
    RecusalCaseStatus,
    TeamRole,
)
from inspectnet.rules.format import RecusalGround
from inspectnet.validation import described

if TYPE_CHECKING:
    from inspectnet.people.graphql import PersonType

labelled_enum(
    RecusalCaseKind,
    {RecusalCaseKind.DECLARATION: "本人申请回避", RecusalCaseKind.CHALLENGE: "提出回避申请"},
    name="RecusalCaseKind",
    description="How a recusal is raised (回避申请方式)",
)
labelled_enum(
    RecusalCaseStatus,
    {
        RecusalCaseStatus.PENDING: "待审核",
        RecusalCaseStatus.UPHELD: "决定回避",
        RecusalCaseStatus.DISMISSED: "不予回避",
        RecusalCaseStatus.ENDED: "回避经决定终止",
    },
    name="RecusalCaseStatus",
    description="Where a recusal case stands (回避审核状态)",
)

# The office decides a case and ends an upheld recusal by a decision (both ``decide``).
RECUSAL_CASE_CAN = (
    Ability("decide", "May decide it (可审核)", "decide"),
    Ability("end", "May end the recusal by a decision (可决定终止回避)", "decide"),
)


@strawberry.input(description="Which recusal cases to list (回避申请筛选)")
class RecusalCaseFilter:
    status: RecusalCaseStatus | None = strawberry.field(default=None, description="Status (状态)")
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Raised within (提出时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.status is not None:
            found.append(RecusalCase.status == self.status)
        return each(found, created_in(self.created_at, RecusalCase.created_at))


RecusalCaseOrder = order_input("RecusalCase")


@strawberry.type(
    name="RecusalCase",
    description="A declaration of or challenge to one person's place on a team (回避申请)",
)
class RecusalCaseType(Node, Stamped):
    kind: RecusalCaseKind = strawberry.field(description="Declared or challenged (申请方式)")
    ground: RecusalGround = strawberry.field(description="The ground claimed (回避情形)")
    rule_id: str = strawberry.field(description="The ruleset's rule for the ground (规则)")
    article: str = strawberry.field(description="Its article (条款)")
    statement: str = strawberry.field(description="The facts stated (申请理由)")
    status: RecusalCaseStatus = strawberry.field(description="Where it stands (状态)")
    decision: str | None = strawberry.field(description="The office's decision (审核决定)")
    decided_at: datetime | None = strawberry.field(description="Decided at (决定时间)")
    vacated_role: TeamRole | None = strawberry.field(
        description="The place on the team an upheld recusal left (空出职务)"
    )
    end_decision: str | None = strawberry.field(
        description="The decision that ended the recusal (终止回避决定)"
    )
    version: int = strawberry.field(description="Version, for optimistic locking (版本)")
    pk: strawberry.Private[int]
    person_pk: strawberry.Private[int]
    replacement_pk: strawberry.Private[int | None]
    viewer_can: Any = viewer_can_field("RecusalCase", RECUSAL_CASE_CAN)

    @classmethod
    def from_row(cls, row: RecusalCase) -> RecusalCaseType:
        return cls(
            id=strawberry.ID(global_id("RecusalCase", row.id)),
            pk=row.id,
            person_pk=row.person_id,
            replacement_pk=row.replacement_id,
            kind=row.kind,
            ground=row.ground,
            rule_id=row.rule_id,
            article=row.article,
            statement=row.statement,
            status=row.status,
            decision=row.decision,
            decided_at=row.decided_at,
            vacated_role=row.vacated_role,
            end_decision=row.end_decision,
            version=row.version,
            **stamps(row),
        )

    @strawberry.field(description="The person the case is about, null if hidden (干部)")
    async def person(
        self, info: Info
    ) -> Annotated[PersonType, strawberry.lazy("inspectnet.people.graphql")] | None:
        return await linked(info, "Person", self.person_pk)

    @strawberry.field(description="The approved replacement, null if none or hidden (替补人选)")
    async def replacement(self, info: Info) -> TeamAssignmentType | None:
        if self.replacement_pk is None:
            return None
        return await linked(info, "TeamAssignment", self.replacement_pk)


register_node("RecusalCase", RecusalCase, RecusalCaseType.from_row)


@strawberry.input(description="Raise a recusal: declare one's own or challenge (提出回避)")
class RaiseRecusalCaseInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    person_id: strawberry.ID = strawberry.field(
        description="The team member or candidate; one's own for a declaration (干部)"
    )
    kind: RecusalCaseKind = strawberry.field(description="Declared or challenged (申请方式)")
    ground: RecusalGround = strawberry.field(description="The ground claimed (回避情形)")
    statement: str = strawberry.field(
        description=described("The facts stated (申请理由)", RecusalCase.statement)
    )


@strawberry.input(description="The office's decision on a recusal case (回避审核决定)")
class DecideRecusalCaseInput:
    case_id: strawberry.ID = strawberry.field(description="The case (回避申请)")
    upheld: bool = strawberry.field(description="Recused (true) or not (false) (是否回避)")
    decision: str = strawberry.field(
        description=described("The decision and its reasons (决定及理由)", RecusalCase.decision)
    )
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.input(description="Approve who fills the place a recusal left (审定替补人选)")
class ApproveRecusalReplacementInput:
    case_id: strawberry.ID = strawberry.field(description="The case (回避申请)")
    user_id: strawberry.ID = strawberry.field(description="The replacement's account (用户账号)")
    role: TeamRole | None = strawberry.field(
        default=None, description="The role, the vacated one if omitted (职务)"
    )


@strawberry.input(description="End an upheld recusal by a recorded decision (决定终止回避)")
class EndRecusalCaseInput:
    case_id: strawberry.ID = strawberry.field(description="The case (回避申请)")
    decision: str = strawberry.field(
        description=described("The decision and its reasons (决定及理由)", RecusalCase.end_decision)
    )


@strawberry.type(description="Result of a change to a recusal case (回避申请结果)")
class RecusalCasePayload:
    case: RecusalCaseType | None = strawberry.field(
        description="The case, unless refused (回避申请)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _case(value: strawberry.ID) -> int:
    return expect_global_id(value, "RecusalCase", field="caseId")


def _payload(found: RecusalCase | None, errors: list[UserError]) -> RecusalCasePayload:
    return RecusalCasePayload(case=found and RecusalCaseType.from_row(found), user_errors=errors)


@strawberry.type
class RecusalMutation:
    @strawberry.mutation(description="Declare one's own recusal or challenge a member (提出回避)")
    async def raise_recusal_case(
        self, info: Info, input: RaiseRecusalCaseInput
    ) -> RecusalCasePayload:
        ctx = info.context

        async def call() -> RecusalCase:
            return await recusal_cases.raise_case(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                person_id=expect_global_id(input.person_id, "Person", field="personId"),
                kind=input.kind,
                ground=input.ground,
                statement=input.statement,
            )

        return _payload(*await run_mutation(info, "recusal_case.raise", call))

    @strawberry.mutation(description="Decide a recusal case (回避审核决定)")
    async def decide_recusal_case(
        self, info: Info, input: DecideRecusalCaseInput
    ) -> RecusalCasePayload:
        ctx = info.context

        async def call() -> RecusalCase:
            return await recusal_cases.decide_case(
                ctx.session,
                ctx.actor,
                case_id=_case(input.case_id),
                upheld=input.upheld,
                decision=input.decision,
                version=input.version,
            )

        return _payload(*await run_mutation(info, "recusal_case.decide", call))

    @strawberry.mutation(description="Approve who fills a recused member's place (审定替补人选)")
    async def approve_recusal_replacement(
        self, info: Info, input: ApproveRecusalReplacementInput
    ) -> RecusalCasePayload:
        ctx = info.context

        async def call() -> RecusalCase:
            return await recusal_cases.approve_replacement(
                ctx.session,
                ctx.actor,
                case_id=_case(input.case_id),
                user_id=expect_global_id(input.user_id, "UserAccount", field="userId"),
                role=input.role,
            )

        return _payload(*await run_mutation(info, "recusal_case.replace", call))

    @strawberry.mutation(description="End an upheld recusal by a decision (决定终止回避)")
    async def end_recusal_case(self, info: Info, input: EndRecusalCaseInput) -> RecusalCasePayload:
        ctx = info.context

        async def call() -> RecusalCase:
            return await recusal_cases.end_case(
                ctx.session, ctx.actor, case_id=_case(input.case_id), decision=input.decision
            )

        return _payload(*await run_mutation(info, "recusal_case.end", call))
