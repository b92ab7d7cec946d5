"""GraphQL for the network's links: direct links, unlinks and proposals (联系申请) with their answers.

``graphql.py`` mounts ``LinkQuery`` and ``LinkMutation`` on the network's query and mutation types.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import ColumnElement

from inspectnet.graphql.can import viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.labels import labelled_enum
from inspectnet.graphql.lists import CreatedFilter, DateTimeRange, list_args, order_input
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Connection, Node, connection
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import expect_global_id, global_id
from inspectnet.network import repository, service
from inspectnet.network.graphql_can import PROPOSAL_CAN
from inspectnet.network.loaders import office_by_id
from inspectnet.network.models import LinkKind, OfficeLink, OfficeLinkProposal, ProposalState
from inspectnet.paging import top_level

if TYPE_CHECKING:
    from inspectnet.network.graphql import OfficeType

OFFICE = strawberry.lazy("inspectnet.network.graphql")

PROPOSAL_STATE_LABELS = {
    ProposalState.PROPOSED: "待答复",
    ProposalState.ACCEPTED: "已同意",
    ProposalState.REFUSED: "不同意",
    ProposalState.WITHDRAWN: "已撤回",
}
ProposalStateEnum = labelled_enum(
    ProposalState,
    PROPOSAL_STATE_LABELS,
    name="LinkProposalState",
    description="Where a link proposal stands (申请状态)",
)
LINK_KIND_LABELS = {LinkKind.LEADERSHIP: "领导（报备报批）关系", LinkKind.GUIDANCE: "业务指导关系"}
LinkKindEnum = labelled_enum(
    LinkKind,
    LINK_KIND_LABELS,
    name="LinkKind",
    description="Line of the network: leadership/filing (报备报批) or guidance (业务指导)",
)


@strawberry.type(
    name="OfficeLink", description="A superior → subordinate link on one line (上下级联系)"
)
class OfficeLinkType:
    kind: LinkKind = strawberry.field(description="Line of the link (领导或业务指导关系)")
    superior_pk: strawberry.Private[int]
    subordinate_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: OfficeLink) -> OfficeLinkType:
        return cls(kind=row.kind, superior_pk=row.superior_id, subordinate_pk=row.subordinate_id)

    @strawberry.field(description="The superior office, null if hidden (上级)")
    async def superior(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return await office_by_id(info, self.superior_pk)

    @strawberry.field(description="The subordinate office, null if hidden (下级)")
    async def subordinate(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return await office_by_id(info, self.subordinate_pk)


@strawberry.type(
    name="OfficeLinkProposal",
    description="One end's proposal of a link, answered by the other end (联系申请)",
)
class OfficeLinkProposalType(Node, Stamped):
    viewer_can: Any = viewer_can_field(
        "OfficeLinkProposal", PROPOSAL_CAN, rows=repository.proposals
    )
    kind: LinkKind = strawberry.field(description="Line of the link (领导或业务指导关系)")
    state: ProposalState = strawberry.field(description="Where it stands (申请状态)")
    proposed_by: str = strawberry.field(description="Who proposed it (申请人)")
    decided_by: str | None = strawberry.field(description="Who answered or withdrew it (处理人)")
    decided_at: datetime | None = strawberry.field(description="When it was decided (处理时间)")
    reason: str | None = strawberry.field(description="Why it was refused (不同意理由)")
    superior_pk: strawberry.Private[int]
    subordinate_pk: strawberry.Private[int]
    proposer_pk: strawberry.Private[int]
    addressee_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: OfficeLinkProposal) -> OfficeLinkProposalType:
        return cls(
            id=strawberry.ID(global_id("OfficeLinkProposal", row.id)),
            kind=row.kind,
            state=row.state,
            proposed_by=row.proposed_by,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            reason=row.reason,
            superior_pk=row.superior_id,
            subordinate_pk=row.subordinate_id,
            proposer_pk=row.proposer_office_id,
            addressee_pk=row.office_id,
            **stamps(row),
        )

    @strawberry.field(description="The superior office, null if hidden (上级)")
    async def superior(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return await office_by_id(info, self.superior_pk)

    @strawberry.field(description="The subordinate office, null if hidden (下级)")
    async def subordinate(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return await office_by_id(info, self.subordinate_pk)

    @strawberry.field(description="The end that proposed it, null if hidden (申请方)")
    async def proposer(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return await office_by_id(info, self.proposer_pk)

    @strawberry.field(description="The end that answers it, null if hidden (答复方)")
    async def addressee(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return await office_by_id(info, self.addressee_pk)


# node(id) reads through the addressee's scope; the proposing side lists its own proposals
# with linkProposals(side: OUTGOING).
register_node("OfficeLinkProposal", OfficeLinkProposal, OfficeLinkProposalType.from_row)


class ProposalSide(enum.Enum):
    INCOMING = "INCOMING"  # addressed to the viewer's offices (待我方答复)
    OUTGOING = "OUTGOING"  # made by the viewer's offices (我方提出)
    BOTH = "BOTH"


labelled_enum(
    ProposalSide,
    {
        ProposalSide.INCOMING: "待我方答复",
        ProposalSide.OUTGOING: "我方提出",
        ProposalSide.BOTH: "全部",
    },
    name="LinkProposalSide",
    description="Which proposals to list (申请方向)",
)


@strawberry.input(description="A new link between two offices on one line (建立上下级联系)")
class LinkOfficesInput:
    kind: LinkKind = strawberry.field(description="Line of the link (领导或业务指导关系)")
    superior_id: strawberry.ID = strawberry.field(description="The superior office (上级)")
    subordinate_id: strawberry.ID = strawberry.field(description="The subordinate office (下级)")


@strawberry.type(description="Result of linkOffices (建立上下级联系结果)")
class LinkOfficesPayload:
    link: OfficeLinkType | None = strawberry.field(
        description="The new link, unless refused (上下级联系)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A link proposed by one of its ends (提出联系申请)")
class ProposeOfficeLinkInput:
    kind: LinkKind = strawberry.field(description="Line of the link (领导或业务指导关系)")
    superior_id: strawberry.ID = strawberry.field(description="The superior office (上级)")
    subordinate_id: strawberry.ID = strawberry.field(description="The subordinate office (下级)")
    proposer_id: strawberry.ID = strawberry.field(
        description="The end proposing it, one the viewer administers (申请方)"
    )


@strawberry.input(description="A link proposal to answer or withdraw (联系申请)")
class OfficeLinkProposalInput:
    proposal_id: strawberry.ID = strawberry.field(description="The proposal (联系申请)")


@strawberry.input(description="A refusal of a link proposal, with its reason (不同意联系申请)")
class RefuseOfficeLinkInput:
    proposal_id: strawberry.ID = strawberry.field(description="The proposal (联系申请)")
    reason: str = strawberry.field(description="Why it is refused (不同意理由)")


@strawberry.type(description="Result of a change to a link proposal (联系申请处理结果)")
class OfficeLinkProposalPayload:
    proposal: OfficeLinkProposalType | None = strawberry.field(
        description="The proposal as it now stands, unless refused (联系申请)"
    )
    link: OfficeLinkType | None = strawberry.field(
        description="The link made by an acceptance (上下级联系)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="A link to remove (解除上下级联系)")
class UnlinkOfficesInput:
    kind: LinkKind = strawberry.field(description="Line of the link (领导或业务指导关系)")
    superior_id: strawberry.ID = strawberry.field(description="The superior office (上级)")
    subordinate_id: strawberry.ID = strawberry.field(description="The subordinate office (下级)")


@strawberry.type(description="Result of unlinkOffices (解除上下级联系结果)")
class UnlinkOfficesPayload:
    link: OfficeLinkType | None = strawberry.field(
        description="The removed link, unless refused (上下级联系)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


OfficeLinkProposalOrder = order_input("OfficeLinkProposal")


@strawberry.input(description="Which link proposals to list (联系申请筛选)")
class OfficeLinkProposalFilter(CreatedFilter):
    created_model = OfficeLinkProposal
    state: ProposalState | None = strawberry.field(default=None, description="State (状态)")
    kind: LinkKind | None = strawberry.field(default=None, description="Line (联系类型)")
    created_at: DateTimeRange | None = strawberry.field(
        default=None, description="Proposed within (申请时间)"
    )

    def own(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.state is not None:
            found.append(OfficeLinkProposal.state == self.state)
        if self.kind is not None:
            found.append(OfficeLinkProposal.kind == self.kind)
        return found


@strawberry.type
class LinkQuery:
    @strawberry.field(
        description="Link proposals addressed to or made by the viewer's offices (联系申请)"
    )
    def link_proposals(
        self,
        info: Info,
        side: ProposalSide = ProposalSide.BOTH,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: OfficeLinkProposalFilter | None = None,
        order_by: OfficeLinkProposalOrder | None = None,
    ) -> Connection[OfficeLinkProposalType]:
        actor = info.context.actor
        incoming = side is not ProposalSide.OUTGOING
        outgoing = side is not ProposalSide.INCOMING
        return connection(  # type: ignore[return-value]
            info,
            key=f"linkProposals.{side.value}",
            parent_id=0,
            query=lambda _ids: top_level(
                repository.proposals(actor, incoming=incoming, outgoing=outgoing),
                OfficeLinkProposal,
            ),
            convert=OfficeLinkProposalType.from_row,
            first=first,
            after=after,
            last=last,
            before=before,
            **list_args(filter, order_by),
        )


@strawberry.type
class LinkMutation:
    @strawberry.mutation(
        description=(
            "Link two offices directly, as an admin of a common superior of both ends;"
            " loops are refused (建立上下级联系)"
        )
    )
    async def link_offices(self, info: Info, input: LinkOfficesInput) -> LinkOfficesPayload:
        ctx = info.context

        async def call() -> OfficeLink:
            return await service.link_offices(
                ctx.session,
                ctx.actor,
                kind=input.kind,
                superior_id=expect_global_id(input.superior_id, "Office", field="superiorId"),
                subordinate_id=expect_global_id(
                    input.subordinate_id, "Office", field="subordinateId"
                ),
            )

        link, errors = await run_mutation(info, "office.link", call)
        return LinkOfficesPayload(link=link and OfficeLinkType.from_row(link), user_errors=errors)

    @strawberry.mutation(description="Propose a link on behalf of one end (提出联系申请)")
    async def propose_office_link(
        self, info: Info, input: ProposeOfficeLinkInput
    ) -> OfficeLinkProposalPayload:
        ctx = info.context

        async def call() -> OfficeLinkProposal:
            return await service.propose_link(
                ctx.session,
                ctx.actor,
                kind=input.kind,
                superior_id=expect_global_id(input.superior_id, "Office", field="superiorId"),
                subordinate_id=expect_global_id(
                    input.subordinate_id, "Office", field="subordinateId"
                ),
                proposer_id=expect_global_id(input.proposer_id, "Office", field="proposerId"),
            )

        proposal, errors = await run_mutation(info, "office.link.propose", call)
        return _proposal_payload(proposal, None, errors)

    @strawberry.mutation(
        description="Accept a link proposal addressed to the viewer's office (同意联系申请)"
    )
    async def accept_office_link(
        self, info: Info, input: OfficeLinkProposalInput
    ) -> OfficeLinkProposalPayload:
        ctx = info.context

        async def call() -> tuple[OfficeLinkProposal, OfficeLink]:
            return await service.accept_link(ctx.session, ctx.actor, _proposal_id(input))

        done, errors = await run_mutation(info, "office.link.accept", call)
        return _proposal_payload(done and done[0], done and done[1], errors)

    @strawberry.mutation(
        description="Refuse a link proposal addressed to the viewer's office (不同意联系申请)"
    )
    async def refuse_office_link(
        self, info: Info, input: RefuseOfficeLinkInput
    ) -> OfficeLinkProposalPayload:
        ctx = info.context

        async def call() -> OfficeLinkProposal:
            return await service.refuse_link(
                ctx.session, ctx.actor, _proposal_id(input), reason=input.reason
            )

        proposal, errors = await run_mutation(info, "office.link.refuse", call)
        return _proposal_payload(proposal, None, errors)

    @strawberry.mutation(
        description="Withdraw a link proposal the viewer's office made (撤回联系申请)"
    )
    async def withdraw_office_link(
        self, info: Info, input: OfficeLinkProposalInput
    ) -> OfficeLinkProposalPayload:
        ctx = info.context

        async def call() -> OfficeLinkProposal:
            return await service.withdraw_link(ctx.session, ctx.actor, _proposal_id(input))

        proposal, errors = await run_mutation(info, "office.link.withdraw", call)
        return _proposal_payload(proposal, None, errors)

    @strawberry.mutation(
        description=(
            "Remove a link, as the superior end's admin or a common superior's (解除上下级联系)"
        )
    )
    async def unlink_offices(self, info: Info, input: UnlinkOfficesInput) -> UnlinkOfficesPayload:
        ctx = info.context

        async def call() -> OfficeLink:
            return await service.unlink_offices(
                ctx.session,
                ctx.actor,
                kind=input.kind,
                superior_id=expect_global_id(input.superior_id, "Office", field="superiorId"),
                subordinate_id=expect_global_id(
                    input.subordinate_id, "Office", field="subordinateId"
                ),
            )

        link, errors = await run_mutation(info, "office.unlink", call)
        return UnlinkOfficesPayload(link=link and OfficeLinkType.from_row(link), user_errors=errors)


def _proposal_id(input: OfficeLinkProposalInput | RefuseOfficeLinkInput) -> int:
    return expect_global_id(input.proposal_id, "OfficeLinkProposal", field="proposalId")


def _proposal_payload(
    proposal: OfficeLinkProposal | None, link: OfficeLink | None, errors: list[UserError]
) -> OfficeLinkProposalPayload:
    return OfficeLinkProposalPayload(
        proposal=proposal and OfficeLinkProposalType.from_row(proposal),
        link=link and OfficeLinkType.from_row(link),
        user_errors=errors,
    )
