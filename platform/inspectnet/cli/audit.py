"""``inspectnet audit``: verify the audit chains against the signed checkpoints; write one."""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import select

from inspectnet.audit.chain import Break
from inspectnet.audit.checkpoint import Report, checkpoint, verify
from inspectnet.audit.models import PLATFORM_CHAIN
from inspectnet.network.models import Office

audit_app = typer.Typer(help="The audit log's chains and checkpoints.", no_args_is_help=True)
console = Console()


@audit_app.callback()
def _audit() -> None:
    """Audit log tools."""


def _describe(broken: Break, codes: dict[int, str]) -> str:
    if broken.seq == 0:
        return broken.reason  # the checkpoint itself, not a link of a chain
    office = codes.get(broken.chain, "?")
    where = f"office {office}" if broken.chain != PLATFORM_CHAIN else "platform chain"
    return f"{where} (chain {broken.chain}), seq {broken.seq}: {broken.reason}"


@audit_app.command("verify")
def verify_command(
    office: Annotated[
        str | None, typer.Option("--office", help="Only this office's chain (its code)")
    ] = None,
) -> None:
    """Recompute every chain (or one office's) and compare with the newest checkpoint.

    Exits 1 and names the first broken link of each broken chain (office, seq, reason).
    """
    from inspectnet.cli.runtime import runtime

    async def run() -> tuple[Report, dict[int, str]] | None:
        async with runtime() as rt, rt.database.session() as session:
            # system scope: an operator's command names offices by code; it acts as the platform
            codes = {pk: code for pk, code in await session.execute(select(Office.id, Office.code))}
            chain = None
            if office is not None:
                found = [pk for pk, code in codes.items() if code == office]
                if not found:
                    return None
                chain = found[0]
            return await verify(session, rt.settings.audit_checkpoint_dir, chain=chain), codes

    outcome = asyncio.run(run())
    if outcome is None:
        print(f"no office with code {office}", file=sys.stderr)
        raise typer.Exit(2)
    report, codes = outcome
    if report.checkpoint is None and report.ok:
        console.print("no checkpoint yet: chains checked, their tails cannot be vouched for")
    for broken in report.breaks:
        print(f"BROKEN {_describe(broken, codes)}", file=sys.stderr)
    if not report.ok:
        raise typer.Exit(1)
    entries = sum(head.seq for head in report.heads.values())
    console.print(f"audit chains intact: {len(report.heads)} chains, {entries} entries")


@audit_app.command("checkpoint")
def checkpoint_command() -> None:
    """Verify what was added since the last checkpoint and write a new signed checkpoint."""
    from inspectnet.cli.runtime import runtime

    async def run() -> Report:
        async with runtime() as rt:
            return await checkpoint(rt.database, rt.settings.audit_checkpoint_dir)

    report = asyncio.run(run())
    for broken in report.breaks:
        print(f"BROKEN {_describe(broken, {})}", file=sys.stderr)
    if not report.ok:
        raise typer.Exit(1)
    console.print(f"checkpoint written: {len(report.heads)} chains")
