"""GraphQL of the opinion on a transfer's answer and its decision (qh-zrzyt §22): submitted by
巡察办, decided by the body the ruleset names (厅党组)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.mutations import run_mutation
from inspectnet.ids import expect_global_id
from inspectnet.transfers import opinions
from inspectnet.transfers.models import OpinionKind, Transfer
from inspectnet.validation import described

if TYPE_CHECKING:
    from inspectnet.transfers.graphql import TransferType

labelled_enum(
    OpinionKind,
    {OpinionKind.HANDLING: "处理意见", OpinionKind.ACCOUNTABILITY: "问责意见"},
    name="TransferOpinionKind",
    description="What is proposed on a transfer's answer (处理意见或者问责意见)",
)


@strawberry.type(
    description="The opinion on a transfer's answer and its decision (处理意见及决定, qh-zrzyt §22)"
)
class TransferOpinion:
    kind: OpinionKind = strawberry.field(description="Handling or accountability (意见类别)")
    text: str = strawberry.field(description="The opinion (处理意见或者问责意见)")
    submitted_at: datetime = strawberry.field(description="When submitted (提出时间)")
    rule_id: str = strawberry.field(description="The rule naming who decides (依据规则)")
    article: str = strawberry.field(description="Its article (依据条款)")
    decision: str | None = strawberry.field(description="The decision, null until made (决定)")
    decided_as: str | None = strawberry.field(description="The body that decided (决定机构)")
    decided_at: datetime | None = strawberry.field(description="When decided (决定时间)")

    @classmethod
    def from_row(cls, row: Transfer) -> TransferOpinion | None:
        if row.opinion_at is None or row.opinion_kind is None:
            return None
        return cls(
            kind=row.opinion_kind,
            text=row.opinion or "",
            submitted_at=row.opinion_at,
            rule_id=row.opinion_rule or "",
            article=row.opinion_article or "",
            decision=row.opinion_decision,
            decided_as=row.opinion_decided_as,
            decided_at=row.opinion_decided_at,
        )


@strawberry.input(description="巡察办's opinion on a transfer's answer (提出处理意见或者问责意见)")
class SubmitTransferOpinionInput:
    transfer_id: strawberry.ID = strawberry.field(description="The transfer (移交)")
    kind: OpinionKind = strawberry.field(description="Handling or accountability (意见类别)")
    opinion: str = strawberry.field(description=described("The opinion (意见)", Transfer.opinion))
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.input(description="The named body's decision on the opinion (讨论决定)")
class DecideTransferOpinionInput:
    transfer_id: strawberry.ID = strawberry.field(description="The transfer (移交)")
    decision: str = strawberry.field(
        description=described("The decision (决定)", Transfer.opinion_decision)
    )
    version: int | None = strawberry.field(
        default=None, description="The version last read; CONFLICT if it moved since (版本)"
    )


@strawberry.type(description="Result of an opinion step on a transfer (处理意见结果)")
class TransferOpinionPayload:
    transfer: Annotated[TransferType, strawberry.lazy("inspectnet.transfers.graphql")] | None = (
        strawberry.field(description="The transfer, unless refused (移交)")
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


def _payload(found: Transfer | None, errors: list[UserError]) -> TransferOpinionPayload:
    from inspectnet.transfers.graphql import TransferType  # the type imports this module

    return TransferOpinionPayload(
        transfer=found and TransferType.from_row(found), user_errors=errors
    )


def _transfer(value: strawberry.ID) -> int:
    return expect_global_id(value, "Transfer", field="transferId")


@strawberry.type
class TransferOpinionMutation:
    @strawberry.mutation(
        description="巡察办 proposes handling or accountability on the answer, for the body the "
        "ruleset names to decide (提出处理意见或者问责意见, qh-zrzyt §22)"
    )
    async def submit_transfer_opinion(
        self, info: Info, input: SubmitTransferOpinionInput
    ) -> TransferOpinionPayload:
        ctx = info.context

        async def call() -> Transfer:
            return await opinions.submit_opinion(
                ctx.session,
                ctx.actor,
                transfer_id=_transfer(input.transfer_id),
                kind=input.kind,
                opinion=input.opinion,
                version=input.version,
            )

        return _payload(*await run_mutation(info, "transfer.opinion.submit", call))

    @strawberry.mutation(
        description="The body the ruleset names decides on the opinion (厅党组讨论决定, "
        "qh-zrzyt §22)"
    )
    async def decide_transfer_opinion(
        self, info: Info, input: DecideTransferOpinionInput
    ) -> TransferOpinionPayload:
        ctx = info.context

        async def call() -> Transfer:
            return await opinions.decide_opinion(
                ctx.session,
                ctx.actor,
                transfer_id=_transfer(input.transfer_id),
                decision=input.decision,
                version=input.version,
            )

        return _payload(*await run_mutation(info, "transfer.opinion.decide", call))
