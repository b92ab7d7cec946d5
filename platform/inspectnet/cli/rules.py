"""CLI adapters for rulesets and the working-day calendar.

``inspectnet rules list [--ruleset R] [--kind K]`` prints the rules in force with their articles;
``inspectnet calendar load FILE [--replace]`` validates a year's holiday schedule, checks it is
plausible against the shipped years, prints what it changes and stores it (a year already known
needs ``--replace``); ``inspectnet calendar unload YEAR`` removes a loaded year. The CLI acts as
the platform itself, the calendar's owner. The main CLI
registers ``rules_app`` and ``calendar_app``; the commands only call library and service code.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from inspectnet.cli.runtime import Runtime, runtime, system_work
from inspectnet.errors import DomainError
from inspectnet.rules.calendar import CalendarYearData, read_calendar_file
from inspectnet.rules.calendar_checks import CalendarDiff, CalendarProblem
from inspectnet.rules.format import RuleKind
from inspectnet.rules.registry import configure, registry
from inspectnet.rules.service import CalendarLoad, load_calendar_year, unload_calendar_year
from inspectnet.settings import load_settings

rules_app = typer.Typer(help="Rulesets (巡视巡察工作规定) and their rules.", no_args_is_help=True)
calendar_app = typer.Typer(help="Working-day calendar (法定节假日与调休).", no_args_is_help=True)

console = Console()
errors = Console(stderr=True)


def _fail(error: DomainError) -> typer.Exit:
    where = f" [{error.field}]" if error.field else ""
    errors.print(f"[red]{error.code}[/red]{where} {error.message}", highlight=False)
    for problem in getattr(error, "problems", ()):
        if isinstance(problem, CalendarProblem):
            errors.print(f"  [red]{problem.code}[/red] [{problem.field}] {problem.message}")
    return typer.Exit(code=1)


@rules_app.callback()
def _rules() -> None:
    """Rulesets as cited data."""


@calendar_app.callback()
def _calendar() -> None:
    """The Chinese statutory calendar used for working-day deadlines."""


@rules_app.command("list")
def list_rules(
    ruleset: Annotated[
        str | None, typer.Option("--ruleset", "-r", help="Only this ruleset, e.g. qh-zrzyt")
    ] = None,
    kind: Annotated[
        RuleKind | None, typer.Option("--kind", "-k", help="Only rules of this kind")
    ] = None,
) -> None:
    """Print the rules in force with their articles and quotes."""
    configure(load_settings().rulesets_dir)
    try:
        rulesets = [registry().get(ruleset)] if ruleset else list(registry().all())
    except DomainError as error:
        raise _fail(error) from None
    for item in rulesets:
        rules = item.of_kind(kind) if kind else item.rules
        if not rules:
            continue  # e.g. nmg-2016 sets no team size: an empty table says nothing
        table = Table(title=f"{item.id} — {item.title}", title_justify="left", show_lines=False)
        table.add_column("id", no_wrap=True)
        table.add_column("kind", no_wrap=True)
        table.add_column("article", no_wrap=True)
        table.add_column("quote")
        for rule in rules:
            table.add_row(rule.id, rule.kind, rule.article, rule.quote)
        console.print(table)


async def _load(path: Path, database_url: str | None, replace: bool) -> CalendarLoad:
    """Validate ``path`` and store its year in one audited transaction."""
    data: CalendarYearData = read_calendar_file(path)
    settings = load_settings()
    if database_url:
        settings = settings.model_copy(
            update={"database_url": database_url, "database_admin_url": None}
        )
    async with runtime(settings) as rt:
        return await load_year(rt, data, replace=replace)


async def load_year(rt: Runtime, data: CalendarYearData, *, replace: bool) -> CalendarLoad:
    """Store one year as the platform, in the unit of work a GraphQL ``loadCalendarYear`` runs in."""
    async with system_work(rt, "calendar") as work:
        return await work.attempt(
            "calendar.load",
            lambda: load_calendar_year(
                work.session,
                work.actor,
                year=data.year,
                holidays=data.holidays,
                workdays=data.workdays,
                source=data.source,
                replace=replace,
            ),
        )


@calendar_app.command("load")
def load(
    file: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, readable=True, help="YAML or JSON year file"),
    ],
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Overwrite a year already known (shipped or loaded)"),
    ] = False,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="Overrides INSPECTNET_DATABASE_URL"),
    ] = None,
) -> None:
    """Load one year's holidays and make-up working days (调休) from FILE."""
    try:
        loaded = asyncio.run(_load(file, database_url, replace))
    except DomainError as error:
        raise _fail(error) from None
    row, diff = loaded.row, loaded.diff
    console.print(
        f"已加载 {row.year} 年节假日安排：{len(row.holidays)} 个节假日，"
        f"{len(row.workdays)} 个调休工作日（来源：{row.source}）",
        highlight=False,
    )
    console.print(diff.summary(), highlight=False)
    for label, days in (
        ("+ 节假日", diff.holidays_added),
        ("- 节假日", diff.holidays_removed),
        ("+ 调休上班日", diff.workdays_added),
        ("- 调休上班日", diff.workdays_removed),
    ):
        if days:
            console.print(f"  {label}：{'、'.join(d.isoformat() for d in days)}", highlight=False)


async def _unload(year: int, database_url: str | None) -> CalendarDiff:
    settings = load_settings()
    if database_url:
        settings = settings.model_copy(
            update={"database_url": database_url, "database_admin_url": None}
        )
    async with runtime(settings) as rt, system_work(rt, "calendar") as work:
        return await work.attempt(
            "calendar.unload", lambda: unload_calendar_year(work.session, work.actor, year=year)
        )


@calendar_app.command("unload")
def unload(
    year: Annotated[int, typer.Argument(help="The loaded year to remove")],
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="Overrides INSPECTNET_DATABASE_URL"),
    ] = None,
) -> None:
    """Remove a loaded year: the shipped schedule (or weekends alone) applies again."""
    try:
        diff = asyncio.run(_unload(year, database_url))
    except DomainError as error:
        raise _fail(error) from None
    console.print(f"已撤销 {year} 年加载的节假日安排", highlight=False)
    console.print(diff.summary(), highlight=False)
