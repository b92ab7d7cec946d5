"""GraphQL of the on-site clock (qh-zrzyt §11): one loader per request, the calendar read once."""

from __future__ import annotations

from datetime import date

import strawberry

from inspectnet import clock
from inspectnet.graphql.context import Info
from inspectnet.inspections import repository, stages
from inspectnet.inspections.models import Inspection
from inspectnet.inspections.site_clock import SiteClock, clock_of
from inspectnet.rules.service import calendar_from_db


@strawberry.type(
    name="SiteClock", description="The stay at the target in Chinese working days (现场巡察时间)"
)
class SiteClockType:
    entered_on: date = strawberry.field(description="The day the team entered the site (进驻日)")
    until: date = strawberry.field(description="The day it left, or today while there (截至)")
    left: bool = strawberry.field(description="Whether the team has left the site (已撤离)")
    working_days: int = strawberry.field(description="Working days counted (工作日数)")
    min_days: int | None = strawberry.field(description="The ruleset's minimum (最少工作日)")
    max_days: int | None = strawberry.field(description="The ruleset's maximum (最多工作日)")
    article: str | None = strawberry.field(description="The rule's article (条款)")
    outside: bool = strawberry.field(
        description="Below the minimum or above the maximum: needs the office's decision (超出)"
    )
    provisional: bool = strawberry.field(
        description="A year the calendar does not cover was counted by weekends (暂按周末计算)"
    )
    convention: str = strawberry.field(description="How the days are counted (计算口径)")

    @classmethod
    def of(cls, found: SiteClock) -> SiteClockType:
        return cls(
            entered_on=found.entered_on,
            until=found.until,
            left=found.left,
            working_days=found.working_days,
            min_days=found.min_days,
            max_days=found.max_days,
            article=found.rule.article if found.rule else None,
            outside=found.outside,
            provisional=found.provisional,
            convention=found.convention,
        )


async def site_clock_of(info: Info, inspection: Inspection | int) -> SiteClockType | None:
    """The clock of one inspection, batched across the request (entry steps the viewer reads)."""
    ctx = info.context
    actor = ctx.actor

    async def batch(ids: list[int]) -> list[SiteClockType | None]:
        steps = await repository.site_steps(ctx.session, actor, ids)
        calendar = await calendar_from_db(ctx.session)
        offices = await repository.offices_of(ctx.session, ids)
        today = clock.today_in_china()
        found = []
        for pk in ids:
            office = offices.get(pk)
            made = office and clock_of(steps[pk], stages.ruleset_of(office), calendar, today)
            found.append(SiteClockType.of(made) if made else None)
        return found

    pk = inspection if isinstance(inspection, int) else inspection.id
    return await ctx.loader(("inspection", "site_clock"), batch).load(pk)  # type: ignore[no-any-return]
