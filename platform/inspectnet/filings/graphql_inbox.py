"""The superior's inbox (收件箱) with its counts, and the roll-ups (汇总统计), on ``Office``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry

from inspectnet import clock
from inspectnet.filings import repository, service
from inspectnet.filings.graphql_enums import FilingStateEnum, InboxStatusEnum
from inspectnet.filings.graphql_types import FilingType
from inspectnet.filings.models import FilingState, InboxStatus
from inspectnet.filings.repository import InboxFilter
from inspectnet.filings.rollups import REGISTRY
from inspectnet.graphql.context import Info
from inspectnet.graphql.relay import Connection, connection
from inspectnet.ids import expect_global_id
from inspectnet.network.loaders import office_by_id

if TYPE_CHECKING:
    from inspectnet.network.graphql import OfficeType

OFFICE = strawberry.lazy("inspectnet.network.graphql")


@strawberry.type(name="InboxCount", description="Items of the inbox in one status (按状态计数)")
class InboxCountType:
    status: InboxStatusEnum = strawberry.field(description="Status (状态)")  # type: ignore[valid-type]
    count: int = strawberry.field(description="How many (数量)")


@strawberry.input(description="What the inbox is narrowed to (收件箱筛选)")
class InboxFilterInput:
    from_office_id: strawberry.ID | None = strawberry.field(
        default=None, description="The filing office (报送机构)"
    )
    rule_id: str | None = strawberry.field(default=None, description="The duty (报备报批事项)")
    state: FilingStateEnum | None = strawberry.field(default=None, description="State (状态)")  # type: ignore[valid-type]
    status: InboxStatusEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Against the deadline (预警状态)"
    )
    due_from: date | None = strawberry.field(default=None, description="Deadline from (期限起)")
    due_to: date | None = strawberry.field(default=None, description="Deadline to (期限止)")

    def parsed(self) -> InboxFilter:
        return InboxFilter(
            from_office_id=self.from_office_id
            and expect_global_id(self.from_office_id, "Office", field="fromOfficeId"),
            rule_id=self.rule_id,
            state=FilingState(self.state) if self.state else None,
            status=InboxStatus(self.status) if self.status else None,
            due_from=self.due_from,
            due_to=self.due_to,
        )


def office_inbox(
    root: strawberry.Parent[object],
    info: Info,
    filter: InboxFilterInput | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[FilingType]:
    """The superior's inbox: filings addressed to the office, newest last (``last`` pages back)."""
    actor = info.context.actor
    filters = filter.parsed() if filter else InboxFilter()
    today = clock.today_in_china()
    return connection(  # type: ignore[return-value]
        info,
        key=f"filings.inbox:{filters}",
        parent_id=root.pk,  # type: ignore[attr-defined]
        query=lambda ids: repository.inbox_of(actor, ids, filters, today),
        convert=FilingType.from_row,
        first=first,
        after=after,
        last=last,
        before=before,
    )


async def office_inbox_counts(
    root: strawberry.Parent[object], info: Info, filter: InboxFilterInput | None = None
) -> list[InboxCountType]:
    """Counts per status of the (filtered) inbox."""
    ctx = info.context
    counts = await service.inbox_counts(
        ctx.session,
        ctx.actor,
        office_id=root.pk,  # type: ignore[attr-defined]
        filters=filter.parsed() if filter else InboxFilter(),
    )
    return [InboxCountType(status=s, count=n) for s, n in counts.items()]


@strawberry.type(name="Statistic", description="One statistic of a roll-up (统计项)")
class StatisticType:
    key: str = strawberry.field(description="Stable key, e.g. plans_approved (统计项标识)")
    name: str = strawberry.field(description="Chinese name (名称)")
    value: int = strawberry.field(description="The count (数量)")


@strawberry.type(name="Rollup", description="A subordinate office's statistics (下级机构汇总)")
class RollupType:
    statistics: list[StatisticType] = strawberry.field(description="Its statistics (统计)")
    office_pk: strawberry.Private[int]

    @strawberry.field(description="The subordinate office (下级机构)")
    async def office(self, info: Info) -> Annotated[OfficeType, OFFICE] | None:
        return await office_by_id(info, self.office_pk)


async def office_rollups(root: strawberry.Parent[object], info: Info) -> list[RollupType]:
    """Statistics per direct subordinate: counts only, never the rows behind them."""
    ctx = info.context
    rows = await service.rollups(ctx.session, ctx.actor, office_id=root.pk)  # type: ignore[attr-defined]
    names = {s.key: s.name_zh for s in REGISTRY}
    return [
        RollupType(
            office_pk=row.office_id,
            statistics=[
                StatisticType(key=k, name=names[k], value=v) for k, v in row.values.items()
            ],
        )
        for row in rows
    ]
