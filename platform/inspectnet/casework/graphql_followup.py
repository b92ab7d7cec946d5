"""GraphQL of fix-while-inspecting proposals 边巡边改 and the mid-term report 中期汇报."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.authz.scopes import readable
from inspectnet.casework import proposals
from inspectnet.casework.graphql_findings import FindingType
from inspectnet.casework.models import FixProposal, MidTermReport, ProposalState
from inspectnet.graphql.can import UPDATE, Ability, viewer_can_field
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
from inspectnet.validation import described

labelled_enum(
    ProposalState,
    {
        ProposalState.SENT: "已提出",
        ProposalState.ANSWERED: "被巡察单位已答复",
        ProposalState.CLOSED: "已办结",
    },
    name="FixProposalState",
    description="Where a fix-while-inspecting proposal stands (边巡边改状态)",
)
PROPOSAL_CAN = (
    Ability("update", "May close it (可办结)", "update"),
    Ability("answer", "May record the target's answer (可答复)", "answer"),
)
REPORT_CAN = (UPDATE,)


@strawberry.input(description="Which proposals to list (边巡边改筛选)")
class FixProposalFilter:
    state: ProposalState | None = strawberry.field(default=None, description="State (状态)")
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Sent within (提出时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.state is not None:
            found.append(FixProposal.state == self.state)
        return each(found, created_in(self.created_at, FixProposal.created_at))


FixProposalOrder = order_input("FixProposal")


@strawberry.type(
    name="FixProposal",
    description="A proposal to the target to fix a problem now, with its answer (边巡边改)",
)
class FixProposalType(Node, Stamped):
    problem: str = strawberry.field(description="The problem (问题)")
    proposal: str = strawberry.field(description="What the team proposes (处置意见)")
    state: ProposalState = strawberry.field(description="State (状态)")
    answer: str | None = strawberry.field(description="The target's answer (整改答复)")
    answered_at: datetime | None = strawberry.field(description="When answered (答复时间)")
    version: int = strawberry.field(description="Version, for optimistic locking (版本)")
    pk: strawberry.Private[int]
    finding_pk: strawberry.Private[int | None]
    viewer_can = viewer_can_field("FixProposal", PROPOSAL_CAN)

    @classmethod
    def from_row(cls, row: FixProposal) -> FixProposalType:
        return cls(
            id=strawberry.ID(global_id("FixProposal", row.id)),
            pk=row.id,
            finding_pk=row.finding_id,
            problem=row.problem,
            proposal=row.proposal,
            state=row.state,
            answer=row.answer,
            answered_at=row.answered_at,
            version=row.version,
            **stamps(row),
        )

    @strawberry.field(description="The finding it arises from; null if none or hidden (问题)")
    async def finding(self, info: Info) -> FindingType | None:
        return await linked(info, "Finding", self.finding_pk)


register_node("FixProposal", FixProposal, FixProposalType.from_row)


@strawberry.type(
    name="MidTermReport",
    description="The mid-term report to the leading group, qh-zrzyt §15 (巡察中期汇报)",
)
class MidTermReportType(Node, Stamped):
    progress: str = strawberry.field(description="The work so far (前期巡察工作情况)")
    plan: str = strawberry.field(description="The plan for the rest (后期巡察开展计划)")
    reported_on: date | None = strawberry.field(description="Day reported (汇报日期)")
    version: int = strawberry.field(description="Version, for optimistic locking (版本)")
    pk: strawberry.Private[int]
    viewer_can = viewer_can_field("MidTermReport", REPORT_CAN)

    @classmethod
    def from_row(cls, row: MidTermReport) -> MidTermReportType:
        return cls(
            id=strawberry.ID(global_id("MidTermReport", row.id)),
            pk=row.id,
            progress=row.progress,
            plan=row.plan,
            reported_on=row.reported_on,
            version=row.version,
            **stamps(row),
        )


register_node("MidTermReport", MidTermReport, MidTermReportType.from_row)


async def mid_term_report_of(
    root: strawberry.Parent[object], info: Info
) -> MidTermReportType | None:
    """The inspection's mid-term report, if made and readable."""
    ctx = info.context
    row = await ctx.session.scalar(
        readable(ctx.actor, MidTermReport).where(
            MidTermReport.inspection_id == root.pk  # type: ignore[attr-defined]
        )
    )
    return None if row is None else MidTermReportType.from_row(row)


@strawberry.input(description="Propose a fix to the target now (提出边巡边改意见)")
class ProposeFixInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    problem: str = strawberry.field(
        description=described("The problem (问题)", FixProposal.problem)
    )
    proposal: str = strawberry.field(
        description=described("What is proposed (处置意见)", FixProposal.proposal)
    )
    finding_id: strawberry.ID | None = strawberry.field(
        default=None, description="The finding it arises from (问题)"
    )


@strawberry.input(description="Record the target's answer to a proposal (答复边巡边改意见)")
class AnswerFixProposalInput:
    proposal_id: strawberry.ID = strawberry.field(description="The proposal (边巡边改)")
    answer: str = strawberry.field(
        description=described("The answer (整改答复)", FixProposal.answer)
    )


@strawberry.input(description="Close an answered proposal (办结边巡边改)")
class CloseFixProposalInput:
    proposal_id: strawberry.ID = strawberry.field(description="The proposal (边巡边改)")


@strawberry.type(description="Result of a change to a proposal (边巡边改结果)")
class FixProposalPayload:
    proposal: FixProposalType | None = strawberry.field(
        description="The proposal, unless refused (边巡边改)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Write the mid-term report (填写巡察中期汇报)")
class SaveMidTermReportInput:
    inspection_id: strawberry.ID = strawberry.field(description="The inspection (巡视巡察)")
    progress: str = strawberry.field(
        description=described("The work so far (前期巡察工作情况)", MidTermReport.progress)
    )
    plan: str = strawberry.field(
        description=described("The plan for the rest (后期巡察开展计划)", MidTermReport.plan)
    )
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.input(description="Record the day of the mid-term report (登记中期汇报日期)")
class MarkMidTermReportedInput:
    report_id: strawberry.ID = strawberry.field(description="The report (中期汇报)")
    reported_on: date = strawberry.field(description="Day reported (汇报日期)")


@strawberry.type(description="Result of a change to the mid-term report (中期汇报结果)")
class MidTermReportPayload:
    report: MidTermReportType | None = strawberry.field(
        description="The report, unless refused (中期汇报)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _proposal(value: strawberry.ID) -> int:
    return expect_global_id(value, "FixProposal", field="proposalId")


def _p(found: FixProposal | None, errors: list[UserError]) -> FixProposalPayload:
    return FixProposalPayload(
        proposal=found and FixProposalType.from_row(found), user_errors=errors
    )


def _r(found: MidTermReport | None, errors: list[UserError]) -> MidTermReportPayload:
    return MidTermReportPayload(
        report=found and MidTermReportType.from_row(found), user_errors=errors
    )


@strawberry.type
class FollowUpMutation:
    @strawberry.mutation(description="Propose a fix to the target now (提出边巡边改意见)")
    async def propose_fix(self, info: Info, input: ProposeFixInput) -> FixProposalPayload:
        ctx = info.context

        async def call() -> FixProposal:
            return await proposals.propose_fix(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                problem=input.problem,
                proposal=input.proposal,
                finding_id=input.finding_id
                and expect_global_id(input.finding_id, "Finding", field="findingId"),
            )

        return _p(*await run_mutation(info, "fix_proposal.create", call))

    @strawberry.mutation(description="Record the target's answer to a proposal (答复)")
    async def answer_fix_proposal(
        self, info: Info, input: AnswerFixProposalInput
    ) -> FixProposalPayload:
        ctx = info.context

        async def call() -> FixProposal:
            return await proposals.answer_fix(
                ctx.session,
                ctx.actor,
                proposal_id=_proposal(input.proposal_id),
                answer=input.answer,
            )

        return _p(*await run_mutation(info, "fix_proposal.answer", call))

    @strawberry.mutation(description="Close an answered proposal (办结边巡边改)")
    async def close_fix_proposal(
        self, info: Info, input: CloseFixProposalInput
    ) -> FixProposalPayload:
        ctx = info.context

        async def call() -> FixProposal:
            return await proposals.close_fix(
                ctx.session, ctx.actor, proposal_id=_proposal(input.proposal_id)
            )

        return _p(*await run_mutation(info, "fix_proposal.close", call))

    @strawberry.mutation(description="Write the mid-term report (填写巡察中期汇报)")
    async def save_mid_term_report(
        self, info: Info, input: SaveMidTermReportInput
    ) -> MidTermReportPayload:
        ctx = info.context

        async def call() -> MidTermReport:
            return await proposals.save_mid_term_report(
                ctx.session,
                ctx.actor,
                inspection_id=expect_global_id(
                    input.inspection_id, "Inspection", field="inspectionId"
                ),
                progress=input.progress,
                plan=input.plan,
                version=input.version,
            )

        return _r(*await run_mutation(info, "mid_term_report.save", call))

    @strawberry.mutation(description="Record the day of the mid-term report (登记汇报日期)")
    async def mark_mid_term_reported(
        self, info: Info, input: MarkMidTermReportedInput
    ) -> MidTermReportPayload:
        ctx = info.context

        async def call() -> MidTermReport:
            return await proposals.mark_mid_term_reported(
                ctx.session,
                ctx.actor,
                report_id=expect_global_id(input.report_id, "MidTermReport", field="reportId"),
                reported_on=input.reported_on,
            )

        return _r(*await run_mutation(info, "mid_term_report.reported", call))
