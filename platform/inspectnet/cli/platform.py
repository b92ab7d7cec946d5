"""CLI adapters for the platform's own roles: who may change shared reference data.

``inspectnet platform grant-operator --user qh.dnr/hanming`` gives an account the platform
operator role (平台运维), which loads the statutory calendar; ``revoke-operator`` takes it away.
An account is named by its id or as ``officecode/username``. Both are audited.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console

from inspectnet.authz.platform import find_account, grant_platform_role, revoke_platform_role
from inspectnet.cli.runtime import Runtime, runtime, system_work
from inspectnet.errors import DomainError
from inspectnet.settings import load_settings

platform_app = typer.Typer(help="Platform roles (平台运维).", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)

UserOption = Annotated[
    str, typer.Option("--user", help="Account id, or officecode/username (e.g. qh.dnr/hanming)")
]
DatabaseOption = Annotated[
    str | None, typer.Option("--database-url", help="Overrides INSPECTNET_DATABASE_URL")
]


async def _change(user: str, database_url: str | None, *, grant: bool) -> str:
    settings = load_settings()
    if database_url:
        settings = settings.model_copy(
            update={"database_url": database_url, "database_admin_url": None}
        )
    async with runtime(settings) as rt:
        return await change_operator(rt, user, grant=grant)


async def change_operator(rt: Runtime, user: str, *, grant: bool) -> str:
    """Grant or revoke the operator role in one unit of work; the policy reloads after it."""
    async with system_work(rt, "platform") as work:
        account = await find_account(work.session, user)
        change = grant_platform_role if grant else revoke_platform_role
        action = "platform_grant.create" if grant else "platform_grant.delete"
        await work.attempt(action, lambda: change(work.session, work.actor, user_id=account.id))
        return f"{account.username} (#{account.id})"


def _run(user: str, database_url: str | None, *, grant: bool) -> str:
    try:
        return asyncio.run(_change(user, database_url, grant=grant))
    except DomainError as error:
        where = f" [{error.field}]" if error.field else ""
        errors.print(f"[red]{error.code}[/red]{where} {error.message}", highlight=False)
        raise typer.Exit(code=1) from None


@platform_app.command("grant-operator")
def grant_operator(user: UserOption, database_url: DatabaseOption = None) -> None:
    """Give an account the platform operator role (loads the statutory calendar)."""
    who = _run(user, database_url, grant=True)
    console.print(f"已授予 {who} 平台运维角色", highlight=False)


@platform_app.command("revoke-operator")
def revoke_operator(user: UserOption, database_url: DatabaseOption = None) -> None:
    """Take the platform operator role away from an account."""
    who = _run(user, database_url, grant=False)
    console.print(f"已撤销 {who} 的平台运维角色", highlight=False)
