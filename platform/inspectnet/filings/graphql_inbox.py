"""The superior's inbox (收件箱) with its counts, and the roll-ups (汇总统计), on ``Office``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from inspectnet import clock
from inspectnet.filings import repository, service
from inspectnet.filings.graphql_enums import InboxStatusEnum
from inspectnet.filings.graphql_lists import FilingFilter, FilingOrder
from inspectnet.filings.graphql_types import FilingType
from inspectnet.filings.models import Filing
from inspectnet.filings.repository import InboxFilter
from inspectnet.filings.rollups import statistics
from inspectnet.graphql.context import Info
from inspectnet.graphql.lists import created_in, frozen
from inspectnet.graphql.relay import Connection, connection
from inspectnet.network.loaders import office_by_id
from inspectnet.paging import BY_ID

if TYPE_CHECKING:
    from inspectnet.network.graphql import OfficeType

OFFICE = strawberry.lazy("inspectnet.network.graphql")


@strawberry.type(name="InboxCount", description="Items of the inbox in one status (按状态计数)")
class InboxCountType:
    status: InboxStatusEnum = strawberry.field(description="Status (状态)")  # type: ignore[valid-type]
    count: int = strawberry.field(description="How many (数量)")


def office_inbox(
    root: strawberry.Parent[object],
    info: Info,
    filter: FilingFilter | None = None,
    order_by: FilingOrder | None = None,  # type: ignore[valid-type]
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
        order=order_by.order() if order_by is not None else BY_ID,
        where=created_in(filter.created_at, Filing.created_at) if filter else [],
        where_key=frozen(filter.created_at if filter else None),
    )


async def office_inbox_counts(
    root: strawberry.Parent[object], info: Info, filter: FilingFilter | None = None
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
    names = {s.key: s.name_zh for s in statistics()}
    return [
        RollupType(
            office_pk=row.office_id,
            statistics=[
                StatisticType(key=k, name=names[k], value=v) for k, v in row.values.items()
            ],
        )
        for row in rows
    ]
