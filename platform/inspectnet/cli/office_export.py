"""``inspectnet office export --office CODE --to FILE`` / ``office import FILE``: one office's
rows as a signed archive, restored into an empty database (office_archive.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from inspectnet import office_archive
from inspectnet.cli.runtime import runtime

console = Console()
errors = Console(stderr=True)


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(), console=console
    )


def _progress(bar: Progress) -> office_archive.Progress:
    tasks: dict[str, int] = {}

    def report(table: str, done: int, total: int) -> None:
        if table not in tasks:
            tasks[table] = bar.add_task(table, total=max(total, 1))
        bar.update(tasks[table], completed=done if total else 1)

    return report


def export_command(
    office: Annotated[str, typer.Option("--office", help="The office's code (nmg.baotou)")],
    to: Annotated[Path, typer.Option("--to", help="The archive file to write")],
) -> None:
    """Write one office's rows (and the rows they refer to) as an archive signed with the LINKS key."""

    async def run() -> office_archive.Summary:
        async with runtime() as rt, rt.database.session() as session:
            with _bar() as bar:
                return await office_archive.export_office(session, office, to, _progress(bar))

    try:
        summary = asyncio.run(run())
    except office_archive.ArchiveRefused as error:
        errors.print(f"{error.code}: {error.message}")
        raise typer.Exit(1) from None
    console.print(f"{summary.office_code}: {sum(summary.rows.values())} rows written to {to}")


def import_command(
    source: Annotated[Path, typer.Argument(help="An archive `office export` wrote")],
) -> None:
    """Restore an office archive into an empty database (signature and checksums checked first)."""

    async def run() -> office_archive.Summary:
        async with runtime() as rt, rt.database.transaction(write=True) as session:
            with _bar() as bar:
                return await office_archive.import_office(session, source, _progress(bar))

    try:
        summary = asyncio.run(run())
    except office_archive.ArchiveRefused as error:
        errors.print(f"{error.code}: {error.message}")
        raise typer.Exit(1) from None
    console.print(f"{summary.office_code}: {sum(summary.rows.values())} rows restored")
