"""CLI adapter for exports: ``inspectnet export inbox --office CODE`` writes the inbox as XLSX.

Runs as the platform (like every command), in one audited unit of work, with a progress bar
while the inbox is read in keyset chunks.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from sqlalchemy import select

from inspectnet.cli.runtime import runtime, system_work
from inspectnet.errors import DomainError
from inspectnet.filings import service
from inspectnet.network.models import Office
from inspectnet.settings import Settings

export_app = typer.Typer(help="Exports to XLSX (导出).", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)


@export_app.callback()
def _export() -> None:
    """Exports of an office's inbox."""


async def export_inbox(
    settings: Settings | None, *, office_code: str, progress: Progress | None = None
) -> bytes:
    """The office's inbox as XLSX, in one committed, audited unit of work (the API's)."""
    async with runtime(settings) as rt, system_work(rt, "export") as work:
        # system scope: the platform names the office by its code
        office = await work.session.scalar(select(Office).where(Office.code == office_code))
        if office is None:
            raise DomainError(f"没有代码为 {office_code} 的机构", code="NOT_FOUND", field="office")
        office_id = office.id
        task = progress.add_task("导出收件箱", total=None) if progress else None

        def advance(done: int, total: int) -> None:
            if progress is not None and task is not None:
                progress.update(task, completed=done, total=total)

        return await work.attempt(
            "filing.inbox.export",
            lambda: service.export_inbox(
                work.session, work.actor, office_id=office_id, progress=advance
            ),
        )


@export_app.command("inbox")
def export_inbox_command(
    office: Annotated[str, typer.Option("--office", help="The office's code, e.g. nmg.region")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the .xlsx")] = Path(
        "inbox.xlsx"
    ),
) -> None:
    """Write an office's inbox (filings addressed to it, three colours) as XLSX."""
    try:
        with Progress(console=errors, transient=True) as progress:
            data = asyncio.run(export_inbox(None, office_code=office, progress=progress))
    except DomainError as error:
        errors.print(f"{error.code}: {escape(error.message)}")
        raise typer.Exit(1) from None
    out.write_bytes(data)
    console.print(f"wrote {escape(str(out))} ({len(data)} bytes)")
