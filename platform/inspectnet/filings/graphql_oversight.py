"""The oversight view: where the viewer's relation allows, the status of what offices deeper in
its network filed to their own superiors; never the content (no title, snapshot, decision or
reason: the type has no field that could carry one).

Part of the filings domain's schema part (``graphql.SCHEMA``): the field on ``Office``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from inspectnet import clock
from inspectnet.filings import repository, service
from inspectnet.filings.graphql_enums import ColourEnum, FilingStateEnum, InboxStatusEnum
from inspectnet.filings.graphql_lists import OversightItemFilter, OversightItemOrder
from inspectnet.filings.models import Filing
from inspectnet.graphql.context import Info
from inspectnet.graphql.lists import list_args
from inspectnet.graphql.relay import Connection, connection
from inspectnet.network.loaders import office_by_id

if TYPE_CHECKING:
    from inspectnet.network.graphql import OfficeType

OFFICE = strawberry.lazy("inspectnet.network.graphql")


@strawberry.type(
    name="OversightItem",
    description="Where a filing deeper in the network stands: its status only (下级报送情况)",
)
class OversightItemType:
    rule_id: str = strawberry.field(description="The duty of the filer's ruleset (报备报批事项)")
    number: int = strawberry.field(description="Version number (版本号)")
    state: FilingStateEnum = strawberry.field(description="State (状态)")  # type: ignore[valid-type]
    status: InboxStatusEnum = strawberry.field(description="Against the deadline (状态)")  # type: ignore[valid-type]
    colour: ColourEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Three-colour warning (三色预警)"
    )
    due_on: date | None = strawberry.field(description="Deadline (报送期限)")
    submitted_on: date | None = strawberry.field(description="Day filed (报送日期)")
    office_pk: strawberry.Private[int]
    to_office_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Filing) -> OversightItemType:
        status = service.status_of_row(row, clock.today_in_china())
        return cls(
            rule_id=row.rule_id,
            number=row.number,
            state=row.state,
            status=status,
            colour=service.COLOUR.get(status),
            due_on=row.due_on,
            submitted_on=row.submitted_on,
            office_pk=row.office_id,
            to_office_pk=row.to_office_id,
        )

    @strawberry.field(description="The filing office, null if hidden (报送机构)")
    async def office(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return await office_by_id(info, self.office_pk)

    @strawberry.field(description="The office filed to, null if hidden (接收机构)")
    async def to_office(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return await office_by_id(info, self.to_office_pk)


def office_oversight(
    root: strawberry.Parent[object],
    info: Info,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    filter: OversightItemFilter | None = None,
    order_by: OversightItemOrder | None = None,  # type: ignore[valid-type]
) -> Connection[OversightItemType]:
    """Status of the filings made to offices below this one, deeper than its own inbox."""
    actor = info.context.actor
    office_id = root.pk  # type: ignore[attr-defined]
    return connection(  # type: ignore[return-value]
        info,
        key=f"filings.oversight:{office_id}",
        parent_id=0,
        query=lambda _ids: repository.oversight_of(actor, office_id),
        convert=OversightItemType.from_row,
        first=first,
        after=after,
        last=last,
        before=before,
        **list_args(filter, order_by),
    )
