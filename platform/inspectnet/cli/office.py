"""CLI adapter for offices: ``inspectnet office create-region`` makes a new region's top office.

A top office has no superior, so no office's admin can create it: the platform does, as the
system actor, through the same service the API uses (validated, audited).
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from inspectnet.cli.runtime import runtime, system_work
from inspectnet.errors import DomainError
from inspectnet.ids import global_id_of
from inspectnet.network import service
from inspectnet.network.models import Office, OfficeKind
from inspectnet.settings import Settings

office_app = typer.Typer(help="Offices (巡视巡察机构) of the network.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)


@office_app.callback()
def _office() -> None:
    """Offices, the tenants of the network."""


async def create_region(
    settings: Settings | None,
    *,
    code: str,
    name: str,
    region_code: str,
    ruleset_id: str,
    kind: OfficeKind,
) -> Office:
    """Create a top office (no superior) in one committed, audited unit of work."""
    async with runtime(settings) as rt, system_work(rt) as work:
        return await work.attempt(
            "office.create",
            lambda: service.create_office(
                work.session,
                work.actor,
                code=code,
                name=name,
                kind=kind,
                region_code=region_code,
                ruleset_id=ruleset_id,
                superior_id=None,
            ),
        )


@office_app.command("create-region")
def create_region_command(
    code: Annotated[str, typer.Option("--code", help="Stable short code, e.g. gd.province")],
    name: Annotated[str, typer.Option("--name", help="Name (名称)")],
    region_code: Annotated[
        str, typer.Option("--region-code", help="Administrative region code (行政区划代码)")
    ],
    ruleset: Annotated[
        str, typer.Option("--ruleset", help="Ruleset it works under, e.g. nmg-2016")
    ],
    kind: Annotated[
        OfficeKind, typer.Option("--kind", help="Kind of office (机构类型)")
    ] = OfficeKind.REGIONAL_OFFICE,
) -> None:
    """Create a new region's top office (顶层机构), with no superior."""
    try:
        office = asyncio.run(
            create_region(
                None,
                code=code,
                name=name,
                region_code=region_code,
                ruleset_id=ruleset,
                kind=kind,
            )
        )
    except DomainError as error:
        # Escaped: rich would take "[code]" for markup and drop it.
        where = escape(f" [{error.field}]") if error.field else ""
        errors.print(f"[red]{error.code}[/red]{where} {error.message}", highlight=False)
        raise typer.Exit(code=1) from None
    console.print(f"已创建 {office.name}（{office.code}）：{global_id_of(office)}", highlight=False)


def _register_archive_commands() -> None:
    # In their own module (cli/office_export.py); registered here so they sit under `office`.
    from inspectnet.cli.office_export import export_command, import_command

    office_app.command("export")(export_command)
    office_app.command("import")(import_command)


_register_archive_commands()
