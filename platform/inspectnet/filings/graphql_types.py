"""The filing and decision node types (报备 / 报批), shared by the filings GraphQL modules."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON

from inspectnet import clock
from inspectnet.filings import repository, service
from inspectnet.filings.deciders import decide_action
from inspectnet.filings.graphql_enums import (
    ColourEnum,
    DecisionEnum,
    FilingStateEnum,
    InboxStatusEnum,
)
from inspectnet.filings.graphql_lists import FilingDecisionFilter, FilingDecisionOrder
from inspectnet.filings.models import Filing, FilingDecision
from inspectnet.graphql.can import Ability, viewer_can_field
from inspectnet.graphql.context import Info
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.links import linked
from inspectnet.graphql.nodes import register_node
from inspectnet.graphql.relay import Node
from inspectnet.graphql.stamps import Stamped, stamps
from inspectnet.ids import global_id
from inspectnet.network.loaders import office_by_id

if TYPE_CHECKING:
    from inspectnet.accounts.graphql import UserAccountType
    from inspectnet.network.graphql import OfficeType

OFFICE = strawberry.lazy("inspectnet.network.graphql")


@strawberry.type(name="FilingDecision", description="A decision on a filing version (处理意见)")
class FilingDecisionType(Node, Stamped):
    decision: DecisionEnum = strawberry.field(description="Decision (处理)")  # type: ignore[valid-type]
    reason: str | None = strawberry.field(description="Reason (理由)")
    decided_at: datetime = strawberry.field(description="When (处理时间)")
    decided_by_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: FilingDecision) -> FilingDecisionType:
        return cls(
            **stamps(row),
            id=strawberry.ID(global_id("FilingDecision", row.id)),
            decision=row.decision,
            reason=row.reason,
            decided_by_pk=row.decided_by,
            decided_at=row.decided_at,
        )

    @strawberry.field(description="Who decided, null if gone or hidden (处理人)")
    async def decided_by(
        self, info: Info
    ) -> Annotated[UserAccountType, strawberry.lazy("inspectnet.accounts.graphql")] | None:
        return await linked(info, "UserAccount", self.decided_by_pk)


# A filing is decided in the recipient office by the body its ruleset names.
FILING_CAN = (
    Ability(
        "decide",
        "May decide it (可审批/备案)",
        decide_action,
        in_office=(FilingDecision, lambda filing: filing.to_office_id),
    ),
    Ability("override_deadline", "May override its deadline (可调整期限)", "override_deadline"),
)


@strawberry.type(
    name="Filing", description="One version of a filing for record or approval (报备 / 报批)"
)
class FilingType(Node, Stamped):
    viewer_can: Any = viewer_can_field("Filing", FILING_CAN)
    rule_id: str = strawberry.field(description="The duty of the filer's ruleset (报备报批事项)")
    mode: str = strawberry.field(description="record or approval (报备或报批)")
    recipient: str = strawberry.field(description="Who decides, as the rule names it (接收方)")
    number: int = strawberry.field(description="Version number (版本号)")
    title: str = strawberry.field(description="Title (标题)")
    state: FilingStateEnum = strawberry.field(description="State (状态)")  # type: ignore[valid-type]
    submitted_at: datetime | None = strawberry.field(
        description="When it was filed, none while only due (报送时间)"
    )
    due_on: date | None = strawberry.field(description="Deadline (报送期限)")
    computed_due_on: date | None = strawberry.field(
        description="The computed deadline, when the filing office overrode it (原定期限)"
    )
    override_reason: str | None = strawberry.field(
        description="Why the filing office overrode the deadline (调整期限理由)"
    )
    status: InboxStatusEnum = strawberry.field(description="Against the deadline (状态)")  # type: ignore[valid-type]
    colour: ColourEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Red, yellow or green while due; none once filed (三色预警)"
    )
    snapshot: JSON | None = strawberry.field(description="The frozen content (报送内容)")
    pk: strawberry.Private[int]
    office_pk: strawberry.Private[int]
    to_office_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Filing) -> FilingType:
        status = service.status_of_row(row, clock.today_in_china())
        return cls(
            **stamps(row),
            id=strawberry.ID(global_id("Filing", row.id)),
            pk=row.id,
            rule_id=row.rule_id,
            mode=row.mode,
            recipient=row.recipient,
            office_pk=row.office_id,
            to_office_pk=row.to_office_id,
            number=row.number,
            title=row.title,
            state=row.state,
            submitted_at=row.submitted_at,
            due_on=row.due_on,
            computed_due_on=row.computed_due_on,
            override_reason=row.override_reason,
            status=status,
            colour=service.COLOUR.get(status),
            snapshot=row.snapshot,
        )

    decisions = connection_field(
        repository.decisions_of,
        FilingDecisionType,
        description="Decisions (处理意见)",
        filter=FilingDecisionFilter,
        order=FilingDecisionOrder,
    )

    @strawberry.field(description="The filing office, null if hidden (报送机构)")
    async def office(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return await office_by_id(info, self.office_pk)

    @strawberry.field(description="The office filed to, null if hidden (接收机构)")
    async def to_office(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return await office_by_id(info, self.to_office_pk)


@strawberry.type(name="FieldChange", description="A field that differs between versions (差异)")
class FieldChangeType:
    path: str = strawberry.field(description="The field (字段)")
    before: JSON | None = strawberry.field(description="In the older version (原值)")
    after: JSON | None = strawberry.field(description="In the newer version (新值)")


register_node("Filing", Filing, FilingType.from_row)
register_node("FilingDecision", FilingDecision, FilingDecisionType.from_row)
