"""CLI adapter for inspection archives (归档): ``inspectnet archive export --inspection ID --out
FILE`` writes the signed package; ``inspectnet archive verify FILE`` checks its signature and
every member's checksum (exit 1 with the failure's code when it does not verify)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import select

from inspectnet import keyring
from inspectnet.archive import package, service
from inspectnet.archive.models import InspectionArchive
from inspectnet.cli.runtime import runtime, system_work
from inspectnet.errors import DomainError, NotFound
from inspectnet.ids import expect_global_id
from inspectnet.settings import Settings, get_settings

archive_app = typer.Typer(help="Inspection archives (归档).", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)


async def export_archive(settings: Settings | None, *, inspection: str) -> bytes:
    """The package of an archived inspection (its global ID), in one audited unit of work."""
    inspection_id = expect_global_id(inspection, "Inspection", field="inspection")
    async with runtime(settings) as rt, system_work(rt, "archive") as work:
        # system scope: the platform names the inspection; export_package checks the record
        archive_id = await work.session.scalar(
            select(InspectionArchive.id).where(InspectionArchive.inspection_id == inspection_id)
        )
        if archive_id is None:
            raise NotFound("该巡视巡察尚未归档", field="inspection")
        return await work.attempt(
            "archive.export",
            lambda: service.export_package(work.session, work.actor, archive_id=archive_id),
        )


def verify_file(settings: Settings | None, path: Path) -> dict[str, object]:
    """The manifest of the package at ``path`` if it verifies under the keyring."""
    settings = settings or get_settings()
    keyring.install(keyring.Keyring.load(settings.keys_dir, development=settings.development))
    return package.verify(path.read_bytes())


@archive_app.command("export")
def export_command(
    inspection: Annotated[str, typer.Option("--inspection", help="The inspection's global ID")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the .zip")],
) -> None:
    """Write an archived inspection's signed package (manifest, signature, materials)."""
    try:
        data = asyncio.run(export_archive(None, inspection=inspection))
    except DomainError as error:
        errors.print(f"{error.code}: {escape(error.message)}")
        raise typer.Exit(1) from None
    out.write_bytes(data)
    console.print(f"wrote {escape(str(out))} ({len(data)} bytes)")


@archive_app.command("verify")
def verify_command(
    source: Annotated[Path, typer.Argument(help="A package `archive export` wrote")],
) -> None:
    """Check a package's signature and every member's SHA-256."""
    try:
        manifest = verify_file(None, source)
    except DomainError as error:
        errors.print(f"{error.code}: {escape(error.message)}")
        raise typer.Exit(1) from None
    members = manifest["members"]
    count = len(members) if isinstance(members, list) else 0
    console.print(f"verified: {manifest['inspection']}, {count} members, signature valid")
