"""CLI adapter for duties: ``inspectnet duties sweep`` creates the due items and warns.

Idempotent and safe on several replicas at once (filings/duties.py); the Helm chart may run it
as a CronJob.
"""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console

from inspectnet.cli.runtime import runtime, system_work
from inspectnet.filings import duties
from inspectnet.settings import Settings
from inspectnet.transfers import warnings

duties_app = typer.Typer(help="Filing duties that fall due (报送任务).", no_args_is_help=True)
console = Console()


@duties_app.callback()
def _duties() -> None:
    """Periodic filing duties."""


async def sweep(settings: Settings | None) -> duties.Swept:
    """Create the due items of the last ended period, in one committed unit of work."""
    async with runtime(settings) as rt, system_work(rt, "duties") as work:
        return await work.attempt(
            "filing.duties.sweep", lambda: duties.sweep(work.session, work.actor)
        )


async def sweep_transfers(settings: Settings | None) -> int:
    """Record transfers whose handling report is overdue and warn both offices (nmg-2016 §32,
    §38(3)), in its own committed unit of work."""
    async with runtime(settings) as rt, system_work(rt, "duties") as work:
        return await work.attempt(
            "transfer.duties.sweep", lambda: warnings.sweep(work.session, work.actor)
        )


@duties_app.command("sweep")
def sweep_command() -> None:
    """Create the due items that fell due and do not exist yet (idempotent)."""
    swept = asyncio.run(sweep(None))
    late = asyncio.run(sweep_transfers(None))
    console.print(
        f"{swept.created} due items created; warned {swept.due_soon} due soon,"
        f" {swept.overdue} overdue; {late} transfer handling reports overdue"
    )
