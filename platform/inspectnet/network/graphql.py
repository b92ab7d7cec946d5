"""GraphQL types, inputs and thin resolvers for offices and the network."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from inspectnet.authz.checks import get_readable
from inspectnet.errors import ValidationFailed
from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError
from inspectnet.graphql.mutations import run_mutation
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Connection, Node, connection
from inspectnet.ids import expect_global_id, global_id
from inspectnet.network import repository, service
from inspectnet.network.graph import Direction
from inspectnet.network.models import (
    LinkKind,
    Office,
    OfficeKind,
    OfficeLink,
    OfficeLinkProposal,
    ProposalState,
)
from inspectnet.paging import top_level
from inspectnet.rules.registry import registry as rulesets

if TYPE_CHECKING:
    from inspectnet.accounts.graphql import RoleGrantType
    from inspectnet.people.graphql import PersonType
    from inspectnet.rules.graphql import RulesetType
    from inspectnet.targets.graphql import TargetType

MAX_DEPTH = 10

OfficeKindEnum = strawberry.enum(
    OfficeKind, name="OfficeKind", description="Kind of office (机构类型)"
)
ProposalStateEnum = strawberry.enum(
    ProposalState, name="LinkProposalState", description="Where a link proposal stands (申请状态)"
)
LinkKindEnum = strawberry.enum(
    LinkKind,
    name="LinkKind",
    description="Line of the network: leadership/filing (报备报批) or guidance (业务指导)",
)


@strawberry.type(
    name="Office", description="Inspection office (巡视巡察机构), a tenant of the network"
)
class OfficeType(Node):
    code: str = strawberry.field(description="Stable short code")
    name: str = strawberry.field(description="Name (名称)")
    kind: OfficeKind = strawberry.field(description="Kind of office (机构类型)")
    region_code: str = strawberry.field(description="Administrative region code (行政区划代码)")
    ruleset_id: str = strawberry.field(description="Ruleset the office works under (适用规定)")
    pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Office) -> OfficeType:
        return cls(
            id=strawberry.ID(global_id("Office", row.id)),
            pk=row.id,
            code=row.code,
            name=row.name,
            kind=row.kind,
            region_code=row.region_code,
            ruleset_id=row.ruleset_id,
        )

    @strawberry.field(description="The ruleset the office works under, with its rules (适用规定)")
    def ruleset(self) -> Annotated[RulesetType, strawberry.lazy("inspectnet.rules.graphql")]:
        from inspectnet.rules.graphql import ruleset_type

        return ruleset_type(rulesets().get(self.ruleset_id))

    @strawberry.field(description="Offices directly above on a line (上级)")
    def superiors(
        self,
        info: Info,
        kind: LinkKind = LinkKind.LEADERSHIP,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[OfficeType]:
        actor = info.context.actor
        return connection(  # type: ignore[return-value]
            info,
            key=f"office.superiors.{kind.value}",
            parent_id=self.pk,
            query=lambda ids: repository.related_offices(actor, ids, kind, Direction.UP, 1),
            convert=OfficeType.from_row,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="Offices below on a line, down to `depth` links (下级)")
    def subordinates(
        self,
        info: Info,
        depth: int = 1,
        kind: LinkKind = LinkKind.LEADERSHIP,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[OfficeType]:
        if not 1 <= depth <= MAX_DEPTH:
            raise ValidationFailed(
                f"depth 应在1到{MAX_DEPTH}之间", code="DEPTH_OUT_OF_RANGE", field="depth"
            )
        actor = info.context.actor
        return connection(  # type: ignore[return-value]
            info,
            key=f"office.subordinates.{kind.value}.{depth}",
            parent_id=self.pk,
            query=lambda ids: repository.related_offices(actor, ids, kind, Direction.DOWN, depth),
            convert=OfficeType.from_row,
            first=first,
            after=after,
            last=last,
            before=before,
        )

    @strawberry.field(description="Targets the office covers (巡视巡察对象)")
    def targets(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Annotated[TargetType, strawberry.lazy("inspectnet.targets.graphql")]]:
        from inspectnet.targets.graphql import office_targets

        return office_targets(info, self.pk, first, after, last, before)

    @strawberry.field(description="Persons whose records the office keeps (干部)")
    def people(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Annotated[PersonType, strawberry.lazy("inspectnet.people.graphql")]]:
        from inspectnet.people.graphql import office_people

        return office_people(info, self.pk, first, after, last, before)

    @strawberry.field(description="Roles held in the office (角色授予)")
    def role_grants(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Annotated[RoleGrantType, strawberry.lazy("inspectnet.accounts.graphql")]]:
        from inspectnet.accounts.graphql import office_role_grants

        return office_role_grants(info, self.pk, first, after, last, before)


register_node("Office", Office, OfficeType.from_row)


@strawberry.type(
    name="OfficeLink", description="A superior → subordinate link on one line (上下级联系)"
)
class OfficeLinkType:
    kind: LinkKind = strawberry.field(description="Line of the link (领导或业务指导关系)")
    superior_id: strawberry.ID = strawberry.field(description="The superior office (上级)")
    subordinate_id: strawberry.ID = strawberry.field(description="The subordinate office (下级)")

    @classmethod
    def from_row(cls, row: OfficeLink) -> OfficeLinkType:
        return cls(
            kind=row.kind,
            superior_id=strawberry.ID(global_id("Office", row.superior_id)),
            subordinate_id=strawberry.ID(global_id("Office", row.subordinate_id)),
        )


@strawberry.type(
    name="OfficeLinkProposal",
    description="One end's proposal of a link, answered by the other end (联系申请)",
)
class OfficeLinkProposalType(Node):
    kind: LinkKind = strawberry.field(description="Line of the link (领导或业务指导关系)")
    superior_id: strawberry.ID = strawberry.field(description="The superior office (上级)")
    subordinate_id: strawberry.ID = strawberry.field(description="The subordinate office (下级)")
    proposer_id: strawberry.ID = strawberry.field(description="The end that proposed it (申请方)")
    addressee_id: strawberry.ID = strawberry.field(description="The end that answers it (答复方)")
    state: ProposalState = strawberry.field(description="Where it stands (申请状态)")
    proposed_by: str = strawberry.field(description="Who proposed it (申请人)")
    decided_by: str | None = strawberry.field(description="Who answered or withdrew it (处理人)")
    decided_at: datetime | None = strawberry.field(description="When it was decided (处理时间)")
    reason: str | None = strawberry.field(description="Why it was refused (不同意理由)")

    @classmethod
    def from_row(cls, row: OfficeLinkProposal) -> OfficeLinkProposalType:
        return cls(
            id=strawberry.ID(global_id("OfficeLinkProposal", row.id)),
            kind=row.kind,
            superior_id=strawberry.ID(global_id("Office", row.superior_id)),
            subordinate_id=strawberry.ID(global_id("Office", row.subordinate_id)),
            proposer_id=strawberry.ID(global_id("Office", row.proposer_office_id)),
            addressee_id=strawberry.ID(global_id("Office", row.office_id)),
            state=row.state,
            proposed_by=row.proposed_by,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            reason=row.reason,
        )


# node(id) reads through the addressee's scope; the proposing side lists its own proposals
# with linkProposals(side: OUTGOING).
register_node("OfficeLinkProposal", OfficeLinkProposal, OfficeLinkProposalType.from_row)


@strawberry.enum(name="LinkProposalSide", description="Which proposals to list (申请方向)")
class ProposalSide(enum.Enum):
    INCOMING = "INCOMING"  # addressed to the viewer's offices (待我方答复)
    OUTGOING = "OUTGOING"  # made by the viewer's offices (我方提出)
    BOTH = "BOTH"


@strawberry.input(
    description="A new office, placed under a superior on the leadership line (新建机构)"
)
class CreateOfficeInput:
    superior_id: strawberry.ID = strawberry.field(description="The office it files to (上级)")
    code: str = strawberry.field(description="Stable short code")
    name: str = strawberry.field(description="Name (名称)")
    kind: OfficeKind = strawberry.field(description="Kind of office (机构类型)")
    region_code: str = strawberry.field(description="Administrative region code (行政区划代码)")
    ruleset_id: str = strawberry.field(description="Ruleset the office works under (适用规定)")


@strawberry.type(description="Result of createOffice (新建机构结果)")
class CreateOfficePayload:
    office: OfficeType | None = strawberry.field(
        description="The new office, unless refused (机构)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.input(description="Changes to an office (修改机构)")
class UpdateOfficeInput:
    office_id: strawberry.ID = strawberry.field(description="The office to change (机构)")
    name: str | None = strawberry.field(default=None, description="New name, if it changes (名称)")
    region_code: str | None = strawberry.field(
        default=None, description="New region code, if it changes (行政区划代码)"
    )


@strawberry.type(description="Result of updateOffice (修改机构结果)")
class UpdateOfficePayload:
    office: OfficeType | None = strawberry.field(
        description="The office as changed, unless refused (机构)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


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


@strawberry.type
class NetworkQuery:
    @strawberry.field(description="One office by global ID, if readable")
    async def office(self, info: Info, id: strawberry.ID) -> OfficeType | None:
        pk = expect_global_id(id, "Office")
        return OfficeType.from_row(
            await get_readable(info.context.session, info.context.actor, Office, pk)
        )

    @strawberry.field(description="Every office the viewer can see (可见的机构)")
    def offices(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[OfficeType]:
        actor = info.context.actor
        return connection(  # type: ignore[return-value]
            info,
            key="offices",
            parent_id=0,
            query=lambda _ids: top_level(repository.offices(actor), Office),
            convert=OfficeType.from_row,
            first=first,
            after=after,
            last=last,
            before=before,
        )

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
        )


@strawberry.type
class NetworkMutation:
    @strawberry.mutation(description="Create an office under a superior (新建机构)")
    async def create_office(self, info: Info, input: CreateOfficeInput) -> CreateOfficePayload:
        ctx = info.context

        async def call() -> Office:
            return await service.create_office(
                ctx.session,
                ctx.actor,
                superior_id=expect_global_id(input.superior_id, "Office", field="superiorId"),
                code=input.code,
                name=input.name,
                kind=input.kind,
                region_code=input.region_code,
                ruleset_id=input.ruleset_id,
            )

        office, errors = await run_mutation(info, "office.create", call)
        return CreateOfficePayload(
            office=office and OfficeType.from_row(office), user_errors=errors
        )

    @strawberry.mutation(description="Rename an office or correct its region (修改机构)")
    async def update_office(self, info: Info, input: UpdateOfficeInput) -> UpdateOfficePayload:
        ctx = info.context

        async def call() -> Office:
            return await service.update_office(
                ctx.session,
                ctx.actor,
                expect_global_id(input.office_id, "Office", field="officeId"),
                name=input.name,
                region_code=input.region_code,
            )

        office, errors = await run_mutation(info, "office.update", call)
        return UpdateOfficePayload(
            office=office and OfficeType.from_row(office), user_errors=errors
        )

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
