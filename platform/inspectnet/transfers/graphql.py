"""GraphQL of transfers 移交: the transfer, its lists on the inspection and on the sending and
receiving offices, and the mutations that make, sign, answer or decline one."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.graphql.can import Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.links import linked
from inspectnet.graphql.lists import DateTimeRange, created_in, each, order_input
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.parts import SchemaPart, TypeField
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id, parse_global_id
from inspectnet.rules.format import Receiver
from inspectnet.transfers import repository, service
from inspectnet.transfers.graphql_opinions import TransferOpinion, TransferOpinionMutation
from inspectnet.transfers.models import Transfer, TransferFailure, TransferState
from inspectnet.validation import described

if TYPE_CHECKING:
    from inspectnet.casework.graphql_clues import ClueType
    from inspectnet.casework.graphql_findings import FindingType
    from inspectnet.network.graphql import OfficeType

labelled_enum(
    TransferState,
    {
        TransferState.SENT: "已移交待签收",
        TransferState.SIGNED: "已签收办理中",
        TransferState.REPORTED: "已反馈办理情况",
        TransferState.REFUSED: "不受理",
    },
    name="TransferState",
    description="Where a transfer stands (移交状态)",
)
labelled_enum(
    TransferFailure,
    {TransferFailure.NOT_ACCEPTED: "不受理", TransferFailure.LATE: "研究办理不及时"},
    name="TransferFailure",
    description="The failure nmg-2016 §38(3) names (不受理或者研究办理不及时)",
)
TRANSFER_CAN = (
    Ability(
        "sign", "May sign for it or decline it (可签收)", lambda r: service.acts_for(r, "sign")
    ),
    Ability(
        "report", "May report how it was handled (可反馈)", lambda r: service.acts_for(r, "report")
    ),
)


@strawberry.input(description="Which transfers to list (移交筛选)")
class TransferFilter:
    state: TransferState | None = strawberry.field(default=None, description="State (状态)")
    route: str | None = strawberry.field(default=None, description="Route rule (移交渠道)")
    failed: bool | None = strawberry.field(
        default=None, description="Only those with (or without) a §38(3) failure (办理失职)"
    )
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Transferred within (移交时间)"
    )

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.state is not None:
            found.append(Transfer.state == self.state)
        if self.route is not None:
            found.append(Transfer.route == self.route)
        if self.failed is not None:
            found.append(
                Transfer.failure.is_not(None) if self.failed else Transfer.failure.is_(None)
            )
        return each(found, created_in(self.created_at, Transfer.created_at))


TransferOrder = order_input("Transfer")


@strawberry.type(name="Transfer", description="A clue or problem transferred (问题线索移交)")
class TransferType(Node, Stamped):
    route: str = strawberry.field(description="Route rule of the ruleset (移交渠道)")
    receiver_kind: Receiver = strawberry.field(description="Kind of receiver (接收单位类别)")
    receiver_name: str = strawberry.field(description="Receiver (接收单位)")
    reason: str = strawberry.field(description="Why (移交理由)")
    decided_by: str = strawberry.field(description="The body that decided it (决定机构)")
    decided_at: datetime = strawberry.field(description="When decided (决定时间)")
    state: TransferState = strawberry.field(description="State (状态)")
    signed_at: datetime | None = strawberry.field(description="When signed for (签收时间)")
    due_on: date | None = strawberry.field(description="Handling report due (办理情况反馈期限)")
    outcome: str | None = strawberry.field(description="Handling outcome rule (办理方式)")
    report: str | None = strawberry.field(description="Handling report (办理情况)")
    reported_at: datetime | None = strawberry.field(description="When answered (反馈时间)")
    failure: TransferFailure | None = strawberry.field(
        description="Not accepted or handled late, nmg-2016 §38(3) (办理失职)"
    )
    opinion: TransferOpinion | None = strawberry.field(
        description="The opinion on the answer and its decision, qh-zrzyt §22 (处理意见及决定)"
    )
    version: int = strawberry.field(description="Version, for optimistic locking (版本)")
    clue_pk: strawberry.Private[int | None]
    finding_pk: strawberry.Private[int | None]
    receiver_office_pk: strawberry.Private[int | None]
    viewer_can = viewer_can_field("Transfer", TRANSFER_CAN)

    @classmethod
    def from_row(cls, row: Transfer) -> TransferType:
        return cls(
            id=strawberry.ID(global_id("Transfer", row.id)),
            clue_pk=row.clue_id,
            finding_pk=row.finding_id,
            receiver_office_pk=row.receiver_office_id,
            route=row.route,
            receiver_kind=Receiver(row.receiver_kind),
            receiver_name=row.receiver_name,
            reason=row.reason,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            state=row.state,
            signed_at=row.signed_at,
            due_on=row.due_on,
            outcome=row.outcome,
            report=row.report,
            reported_at=row.reported_at,
            failure=row.failure,
            opinion=TransferOpinion.from_row(row),
            version=row.version,
            **stamps(row),
        )

    @strawberry.field(description="The clue transferred, null if none or hidden (问题线索)")
    async def clue(
        self, info: Info
    ) -> Annotated[ClueType, strawberry.lazy("inspectnet.casework.graphql_clues")] | None:
        return await linked(info, "Clue", self.clue_pk)

    @strawberry.field(description="The problem transferred, null if none or hidden (问题)")
    async def finding(
        self, info: Info
    ) -> Annotated[FindingType, strawberry.lazy("inspectnet.casework.graphql_findings")] | None:
        return await linked(info, "Finding", self.finding_pk)

    @strawberry.field(
        description="The receiving office on the platform, null if outside (接收机构)"
    )
    async def receiver_office(
        self, info: Info
    ) -> Annotated[OfficeType, strawberry.lazy("inspectnet.network.graphql")] | None:
        return await linked(info, "Office", self.receiver_office_pk)


register_node("Transfer", Transfer, TransferType.from_row)


@strawberry.input(description="Transfer a clue or problem (移交问题线索)")
class TransferInput:
    subject_id: strawberry.ID = strawberry.field(description="The clue or finding (线索或问题)")
    route: str = strawberry.field(description="A transfer rule, e.g. transfer.discipline (渠道)")
    receiver: Receiver = strawberry.field(description="Kind of receiver on the route (接收类别)")
    reason: str = strawberry.field(description=described("Why (移交理由)", Transfer.reason))
    receiver_office_id: strawberry.ID | None = strawberry.field(
        default=None, description="The receiving office on the platform (平台上的接收机构)"
    )
    receiver_name: str | None = strawberry.field(
        default=None,
        description=described(
            "An outside receiver's name (平台外接收单位)", Transfer.receiver_name
        ),
    )


@strawberry.input(description="Sign for a transfer (签收)")
class SignTransferInput:
    transfer_id: strawberry.ID = strawberry.field(description="The transfer (移交)")
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.input(description="Report how a transfer was handled (反馈办理情况)")
class ReportTransferInput:
    transfer_id: strawberry.ID = strawberry.field(description="The transfer (移交)")
    outcome: str = strawberry.field(
        description="A handling rule, e.g. handling.case_filed (办理方式)"
    )
    report: str = strawberry.field(
        description=described("What was done (办理情况)", Transfer.report)
    )
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.input(description="Decline a transfer (不受理)")
class RefuseTransferInput:
    transfer_id: strawberry.ID = strawberry.field(description="The transfer (移交)")
    reason: str = strawberry.field(description=described("Why (理由)", Transfer.report))


@strawberry.type(description="Result of a change to a transfer (移交结果)")
class TransferPayload:
    transfer: TransferType | None = strawberry.field(description="The transfer, unless refused")
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _payload(found: Transfer | None, errors: list[UserError]) -> TransferPayload:
    return TransferPayload(transfer=found and TransferType.from_row(found), user_errors=errors)


def _transfer(value: strawberry.ID) -> int:
    return expect_global_id(value, "Transfer", field="transferId")


def _subject(value: strawberry.ID) -> dict[str, Any]:
    kind, _ = parse_global_id(str(value))
    if kind == "Finding":
        return {"finding_id": expect_global_id(value, "Finding", field="subjectId")}
    return {"clue_id": expect_global_id(value, "Clue", field="subjectId")}


@strawberry.type
class TransferMutation(TransferOpinionMutation):
    @strawberry.mutation(description="Transfer a clue or problem along a route (移交问题线索)")
    async def transfer(self, info: Info, input: TransferInput) -> TransferPayload:
        ctx = info.context

        async def call() -> Transfer:
            return await service.transfer(
                ctx.session,
                ctx.actor,
                route=input.route,
                receiver=input.receiver.value,
                reason=input.reason,
                receiver_office_id=input.receiver_office_id
                and expect_global_id(input.receiver_office_id, "Office", field="receiverOfficeId"),
                receiver_name=input.receiver_name,
                **_subject(input.subject_id),
            )

        return _payload(*await run_mutation(info, "transfer.create", call))

    @strawberry.mutation(description="Sign for a transfer (签收移交)")
    async def sign_transfer(self, info: Info, input: SignTransferInput) -> TransferPayload:
        ctx = info.context

        async def call() -> Transfer:
            return await service.sign_transfer(
                ctx.session,
                ctx.actor,
                transfer_id=_transfer(input.transfer_id),
                version=input.version,
            )

        return _payload(*await run_mutation(info, "transfer.sign", call))

    @strawberry.mutation(description="Report how a transfer was handled (反馈办理情况)")
    async def report_transfer(self, info: Info, input: ReportTransferInput) -> TransferPayload:
        ctx = info.context

        async def call() -> Transfer:
            return await service.report_handling(
                ctx.session,
                ctx.actor,
                transfer_id=_transfer(input.transfer_id),
                outcome=input.outcome,
                report=input.report,
                version=input.version,
            )

        return _payload(*await run_mutation(info, "transfer.report", call))

    @strawberry.mutation(description="Decline a transfer, recorded as §38(3) (不受理移交)")
    async def refuse_transfer(self, info: Info, input: RefuseTransferInput) -> TransferPayload:
        ctx = info.context

        async def call() -> Transfer:
            return await service.refuse_transfer(
                ctx.session,
                ctx.actor,
                transfer_id=_transfer(input.transfer_id),
                reason=input.reason,
            )

        return _payload(*await run_mutation(info, "transfer.refuse", call))


def _list(fetch: Any, description: str) -> Any:
    return connection_field(
        fetch, TransferType, description=description, filter=TransferFilter, order=TransferOrder
    )


SCHEMA = SchemaPart(
    mutation=TransferMutation,
    types=(TransferType,),
    fields=(
        TypeField("Inspection", "transfers", _list(repository.transfers_of, "Transfers (移交)")),
        TypeField(
            "Office", "transfersSent", _list(repository.transfers_sent, "Transfers made (已移交)")
        ),
        TypeField(
            "Office",
            "transfersReceived",
            _list(repository.transfers_received, "Transfers received (收到的移交)"),
        ),
    ),
)
