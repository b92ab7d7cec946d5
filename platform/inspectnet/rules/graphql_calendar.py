"""The working-day calendar over GraphQL: loaded years, their diffs, load and unload (节假日安排)."""

from __future__ import annotations

from datetime import date

import strawberry

from inspectnet.graphql.context import Info
from inspectnet.graphql.errors import UserError, error_code
from inspectnet.graphql.mutations import run_mutation
from inspectnet.rules import service
from inspectnet.rules.calendar_checks import CalendarDiff, CalendarImplausible, CalendarProblem


@strawberry.type(
    name="CalendarYear", description="A loaded year of the statutory calendar (法定节假日安排)"
)
class CalendarYearType:
    year: int = strawberry.field(description="Year (年份)")
    holidays: list[date] = strawberry.field(description="Days off (放假日)")
    workdays: list[date] = strawberry.field(description="Make-up working days (调休上班日)")
    source: str = strawberry.field(description="Where the schedule came from (来源)")


@strawberry.type(
    name="CalendarDiff",
    description="What a calendar load changes against the schedule it replaces (节假日安排变更)",
)
class CalendarDiffType:
    replaces: str | None = strawberry.field(
        description="Source of the schedule replaced; null for a year not known before (原安排)"
    )
    holidays_added: list[date] = strawberry.field(description="Days off added (新增放假日)")
    holidays_removed: list[date] = strawberry.field(description="Days off removed (取消放假日)")
    workdays_added: list[date] = strawberry.field(
        description="Make-up working days added (新增调休上班日)"
    )
    workdays_removed: list[date] = strawberry.field(
        description="Make-up working days removed (取消调休上班日)"
    )
    status_changed: list[date] = strawberry.field(
        description="Days that turn from working day to day off or back (工作日变化)"
    )
    summary: str = strawberry.field(description="One-line summary in Chinese (变更摘要)")


def calendar_diff_type(diff: CalendarDiff) -> CalendarDiffType:
    """The GraphQL value of a calendar diff."""
    return CalendarDiffType(
        replaces=diff.replaces,
        holidays_added=list(diff.holidays_added),
        holidays_removed=list(diff.holidays_removed),
        workdays_added=list(diff.workdays_added),
        workdays_removed=list(diff.workdays_removed),
        status_changed=list(diff.status_changed),
        summary=diff.summary(),
    )


@strawberry.input(
    description="One year's holiday schedule, as published by the State Council (节假日安排); "
    "loaded by a platform operator (平台运维) for every office"
)
class LoadCalendarYearInput:
    year: int = strawberry.field(description="Year (年份)")
    holidays: list[date] = strawberry.field(description="Days off (放假日)")
    workdays: list[date] = strawberry.field(description="Make-up working days (调休上班日)")
    source: str = strawberry.field(description="Where the schedule came from (来源)")
    replace: bool = strawberry.field(
        default=False,
        description="Replace a year already known, shipped or loaded (替换现有安排)",
    )


@strawberry.type(description="Result of loadCalendarYear (加载节假日安排结果)")
class LoadCalendarYearPayload:
    calendar_year: CalendarYearType | None = strawberry.field(
        description="The loaded year, unless refused (法定节假日安排)"
    )
    diff: CalendarDiffType | None = strawberry.field(
        description="What the load changed, unless refused (节假日安排变更)"
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why it was refused: one per failed check (输入错误)"
    )


@strawberry.input(description="A loaded year to remove (撤销节假日安排)")
class UnloadCalendarYearInput:
    year: int = strawberry.field(description="Year (年份)")


@strawberry.type(description="Result of unloadCalendarYear (撤销节假日安排结果)")
class UnloadCalendarYearPayload:
    diff: CalendarDiffType | None = strawberry.field(
        description="What the removal changed, unless refused (节假日安排变更)"
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was refused (输入错误)")


@strawberry.type
class RulesMutation:
    @strawberry.mutation(
        description="Load or replace a year of the statutory calendar for every office "
        "(加载节假日安排); platform operators only (平台运维)"
    )
    async def load_calendar_year(
        self, info: Info, input: LoadCalendarYearInput
    ) -> LoadCalendarYearPayload:
        ctx = info.context
        checks: list[CalendarProblem] = []

        async def call() -> service.CalendarLoad:
            try:
                return await service.load_calendar_year(
                    ctx.session,
                    ctx.actor,
                    year=input.year,
                    holidays=input.holidays,
                    workdays=input.workdays,
                    source=input.source,
                    replace=input.replace,
                )
            except CalendarImplausible as error:
                checks.extend(error.problems)  # each failed check becomes its own userError
                raise

        loaded, errors = await run_mutation(info, "calendar.load", call)
        if checks:
            errors = [
                UserError(field=["input", p.field], code=error_code(p.code), message=p.message)
                for p in checks
            ]
        if loaded is None:
            return LoadCalendarYearPayload(calendar_year=None, diff=None, user_errors=errors)
        row = loaded.row
        return LoadCalendarYearPayload(
            calendar_year=CalendarYearType(
                year=row.year,
                holidays=row.holiday_dates,
                workdays=row.workday_dates,
                source=row.source,
            ),
            diff=calendar_diff_type(loaded.diff),
            user_errors=errors,
        )

    @strawberry.mutation(
        description="Remove a loaded year: the shipped schedule, or none, applies again "
        "(撤销节假日安排); platform operators only (平台运维)"
    )
    async def unload_calendar_year(
        self, info: Info, input: UnloadCalendarYearInput
    ) -> UnloadCalendarYearPayload:
        ctx = info.context

        async def call() -> CalendarDiff:
            return await service.unload_calendar_year(ctx.session, ctx.actor, year=input.year)

        diff, errors = await run_mutation(info, "calendar.unload", call)
        return UnloadCalendarYearPayload(
            diff=calendar_diff_type(diff) if diff is not None else None, user_errors=errors
        )
