"""GraphQL of the results ledger 台账: its entries on the office (filter, order, keyset pages),
its compilation and XLSX export, and the organisation department's opinion requests."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.graphql.can import Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.links import linked
from inspectnet.graphql.lists import DateTimeRange, Sort, created_in, each, order_input
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import DownloadRoute, SchemaPart, Served, TypeField
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.ledger import export, performance, repository, service
from inspectnet.ledger.models import LedgerEntry, OpinionRequest, OpinionState
from inspectnet.ledger.sources import SOURCE_OF
from inspectnet.validation import described

if TYPE_CHECKING:
    from inspectnet.accounts.graphql import UserAccountType
    from inspectnet.network.graphql import OfficeType

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOAD_PATH = "/ledger/"

labelled_enum(
    OpinionState,
    {OpinionState.REQUESTED: "已征求", OpinionState.ANSWERED: "已回复"},
    name="OpinionState",
    description="Where an opinion request stands (征求意见状态)",
)


@strawberry.input(description="Which ledger entries to list (台账筛选)")
class LedgerEntryFilter:
    kind: str | None = strawberry.field(
        default=None, description="finding, clue, transfer … (类别)"
    )
    state: str | None = strawberry.field(default=None, description="State (状态)")
    inspection_id: strawberry.ID | None = strawberry.field(
        default=None, description="One inspection (巡视巡察)"
    )
    target_id: strawberry.ID | None = strawberry.field(
        default=None, description="One target organisation (巡视巡察对象)"
    )
    plan_id: strawberry.ID | None = strawberry.field(
        default=None, description="One round, by its plan (轮次)"
    )
    recorded_at: DateTimeRange | None = strawberry.field(
        default=None, description="Recorded within (登记时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.kind is not None:
            found.append(LedgerEntry.kind == self.kind)
        if self.state is not None:
            found.append(LedgerEntry.state == self.state)
        if self.inspection_id is not None:
            pk = expect_global_id(self.inspection_id, "Inspection", field="inspectionId")
            found.append(LedgerEntry.inspection_id == pk)
        if self.target_id is not None:
            pk = expect_global_id(self.target_id, "Target", field="targetId")
            found.append(LedgerEntry.target_id == pk)
        if self.plan_id is not None:
            pk = expect_global_id(self.plan_id, "Plan", field="planId")
            found.append(LedgerEntry.plan_id == pk)
        return each(found, created_in(self.recorded_at, LedgerEntry.recorded_at))


LedgerOrder = order_input("LedgerEntry", Sort("RECORDED_AT", "登记时间", ("recorded_at",)))


@strawberry.type(name="LedgerEntry", description="One line of the results ledger (台账条目)")
class LedgerEntryType(Node, Stamped):
    kind: str = strawberry.field(description="finding, clue, transfer … (类别)")
    kind_label: str = strawberry.field(description="Its Chinese name (类别名称)")
    record_id: strawberry.ID = strawberry.field(
        description="The record it registers; readable only where the door allows (记录)"
    )
    title: str = strawberry.field(description="What it is (事项)")
    category: str | None = strawberry.field(description="Category or route rule (类别规则)")
    state: str = strawberry.field(description="State of the record (状态)")
    recorded_at: datetime = strawberry.field(description="When recorded (登记时间)")

    @classmethod
    def from_row(cls, row: LedgerEntry) -> LedgerEntryType:
        source = SOURCE_OF.get(row.kind)
        return cls(
            id=strawberry.ID(global_id("LedgerEntry", row.id)),
            kind=row.kind,
            kind_label=source.label if source else row.kind,
            record_id=strawberry.ID(
                global_id(source.model.__name__ if source else row.kind, row.ref_id)
            ),
            title=row.title,
            category=row.category,
            state=row.state,
            recorded_at=row.recorded_at,
            **stamps(row),
        )


register_node("LedgerEntry", LedgerEntry, LedgerEntryType.from_row)

OPINION_CAN = (Ability("answer", "May answer it (可回复)", "answer"),)


@strawberry.type(
    name="OpinionRequest",
    description="The organisation department's request for an opinion of a cadre (征求意见)",
)
class OpinionRequestType(Node, Stamped):
    requested_by: str = strawberry.field(description="Who asks (征求单位)")
    cadre_name: str = strawberry.field(description="The cadre (干部姓名)")
    cadre_post: str = strawberry.field(description="The cadre's post (职务)")
    purpose: str = strawberry.field(description="Why (事由)")
    state: OpinionState = strawberry.field(description="State (状态)")
    answer: str | None = strawberry.field(description="The office's opinion (意见)")
    answered_at: datetime | None = strawberry.field(description="When answered (回复时间)")
    version: int = strawberry.field(description="Version, for optimistic locking (版本)")
    viewer_can = viewer_can_field("OpinionRequest", OPINION_CAN)

    @classmethod
    def from_row(cls, row: OpinionRequest) -> OpinionRequestType:
        return cls(
            id=strawberry.ID(global_id("OpinionRequest", row.id)),
            requested_by=row.requested_by,
            cadre_name=row.cadre_name,
            cadre_post=row.cadre_post,
            purpose=row.purpose,
            state=row.state,
            answer=row.answer,
            answered_at=row.answered_at,
            version=row.version,
            **stamps(row),
        )


register_node("OpinionRequest", OpinionRequest, OpinionRequestType.from_row)


@strawberry.input(description="Which opinion requests to list (征求意见筛选)")
class OpinionRequestFilter:
    state: OpinionState | None = strawberry.field(default=None, description="State (状态)")
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Recorded within (登记时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.state is not None:
            found.append(OpinionRequest.state == self.state)
        return each(found, created_in(self.created_at, OpinionRequest.created_at))


OpinionRequestOrder = order_input("OpinionRequest")


@strawberry.input(description="Bring an office's ledger up to date (更新台账)")
class CompileLedgerInput:
    office_id: strawberry.ID = strawberry.field(description="The office (机构)")


@strawberry.type(description="Result of compileLedger (更新台账结果)")
class CompileLedgerPayload:
    written: int | None = strawberry.field(description="Entries added or changed (更新条目数)")
    office_pk: strawberry.Private[int | None]
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")

    @strawberry.field(description="The office, unless refused (机构)")
    async def office(
        self, info: Info
    ) -> Annotated[OfficeType, strawberry.lazy("inspectnet.network.graphql")] | None:
        return await linked(info, "Office", self.office_pk)


@strawberry.input(description="Record an opinion request about a cadre (登记征求意见)")
class RequestOpinionInput:
    target_id: strawberry.ID = strawberry.field(description="The inspected unit (巡视巡察对象)")
    requested_by: str = strawberry.field(
        description=described("Who asks (征求单位)", OpinionRequest.requested_by)
    )
    cadre_name: str = strawberry.field(
        description=described("The cadre (干部姓名)", OpinionRequest.cadre_name)
    )
    cadre_post: str = strawberry.field(
        description=described("The cadre's post (职务)", OpinionRequest.cadre_post)
    )
    purpose: str = strawberry.field(description=described("Why (事由)", OpinionRequest.purpose))


@strawberry.input(description="Answer an opinion request (回复征求意见)")
class AnswerOpinionInput:
    request_id: strawberry.ID = strawberry.field(description="The request (征求意见)")
    answer: str = strawberry.field(
        description=described("The opinion (意见)", OpinionRequest.answer)
    )
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.type(description="Result of a change to an opinion request (征求意见结果)")
class OpinionRequestPayload:
    request: OpinionRequestType | None = strawberry.field(description="The request (征求意见)")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _opinion(found: OpinionRequest | None, errors: list[UserError]) -> OpinionRequestPayload:
    return OpinionRequestPayload(
        request=found and OpinionRequestType.from_row(found), user_errors=errors
    )


@strawberry.type
class LedgerMutation:
    @strawberry.mutation(description="Bring an office's ledger up to date (更新台账)")
    async def compile_ledger(self, info: Info, input: CompileLedgerInput) -> CompileLedgerPayload:
        ctx = info.context
        office_id = expect_global_id(input.office_id, "Office", field="officeId")

        async def call() -> int:
            return await service.compile_ledger(ctx.session, ctx.actor, office_id=office_id)

        written, errors = await run_mutation(info, "ledger.compile", call)
        return CompileLedgerPayload(
            written=written,
            office_pk=None if errors else office_id,
            user_errors=errors,
        )

    @strawberry.mutation(description="Record an opinion request about a cadre (登记征求意见)")
    async def request_opinion(
        self, info: Info, input: RequestOpinionInput
    ) -> OpinionRequestPayload:
        ctx = info.context

        async def call() -> OpinionRequest:
            return await service.request_opinion(
                ctx.session,
                ctx.actor,
                target_id=expect_global_id(input.target_id, "Target", field="targetId"),
                requested_by=input.requested_by,
                cadre_name=input.cadre_name,
                cadre_post=input.cadre_post,
                purpose=input.purpose,
            )

        return _opinion(*await run_mutation(info, "opinion.create", call))

    @strawberry.mutation(description="Answer an opinion request (回复征求意见)")
    async def answer_opinion(self, info: Info, input: AnswerOpinionInput) -> OpinionRequestPayload:
        ctx = info.context

        async def call() -> OpinionRequest:
            return await service.answer_opinion(
                ctx.session,
                ctx.actor,
                request_id=expect_global_id(input.request_id, "OpinionRequest", field="requestId"),
                answer=input.answer,
                version=input.version,
            )

        return _opinion(*await run_mutation(info, "opinion.answer", call))


@strawberry.type(
    description="A team member's figures drawn from the ledger (巡视干部绩效, nmg-2016 §15)"
)
class StaffPerformanceType:
    user_pk: strawberry.Private[int]
    inspections: int = strawberry.field(description="Inspections served on (参加巡视巡察次数)")
    findings: int = strawberry.field(description="Problems found (发现问题数)")
    clues: int = strawberry.field(description="Clues recorded (问题线索数)")
    transfers: int = strawberry.field(description="Transfers made (移交数)")
    score: int = strawberry.field(
        description="Weighted on problems found; weights in docs/ledger.md (绩效分)"
    )

    @strawberry.field(description="The team member, null if hidden (巡视干部)")
    async def user(
        self, info: Info
    ) -> Annotated[UserAccountType, strawberry.lazy("inspectnet.accounts.graphql")] | None:
        return await linked(info, "UserAccount", self.user_pk)


async def office_staff_performance(
    root: strawberry.Parent[Any], info: Info
) -> list[StaffPerformanceType]:
    ctx = info.context
    found = await performance.staff_performance(ctx.session, ctx.actor, office_id=root.pk)
    return [
        StaffPerformanceType(
            user_pk=p.user_id,
            inspections=p.inspections,
            findings=p.counts.get("finding", 0),
            clues=p.counts.get("clue", 0),
            transfers=p.counts.get("transfer", 0),
            score=p.score,
        )
        for p in found
    ]


async def serve_ledger(session: AsyncSession, actor: Actor, token: str) -> Served:
    """``GET /ledger/<office id>``: the office's ledger as XLSX, for a reader the door allows."""
    office_id = expect_global_id(token, "Office", field="officeId")
    return Served(
        await export.export_ledger(session, actor, office_id=office_id), XLSX, "ledger.xlsx"
    )


SCHEMA = SchemaPart(
    downloads=(DownloadRoute(DOWNLOAD_PATH, "ledger.download", serve_ledger, 404),),
    mutation=LedgerMutation,
    types=(LedgerEntryType, OpinionRequestType, StaffPerformanceType),
    fields=(
        TypeField(
            "Office",
            "staffPerformance",
            strawberry.field(
                resolver=office_staff_performance,
                description="Team members' figures weighted on problems found, from the ledger "
                "(巡视干部绩效, nmg-2016 §15)",
            ),
        ),
        TypeField(
            "Office",
            "ledger",
            connection_field(
                repository.ledger_of,
                LedgerEntryType,
                description="The results ledger: findings, clues, transfers (成果台账)",
                filter=LedgerEntryFilter,
                order=LedgerOrder,
            ),
        ),
        TypeField(
            "Office",
            "opinionRequests",
            connection_field(
                repository.opinion_requests_of,
                OpinionRequestType,
                description="Opinion requests about cadres (干部考察征求意见)",
                filter=OpinionRequestFilter,
                order=OpinionRequestOrder,
            ),
        ),
    ),
)
