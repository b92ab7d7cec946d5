"""``inspectnet policy explain``: the decision and the policy rows that made it."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console

import inspectnet.models as models
from inspectnet.accounts.repository import account_by_username
from inspectnet.authz.explain import AccessExplanation, explain_access
from inspectnet.ids import parse_global_id

policy_app = typer.Typer(help="The authorization policy (Casbin).", no_args_is_help=True)
console = Console()


@policy_app.callback()
def _policy() -> None:
    """Authorization policy tools."""


@policy_app.command("explain")
def explain(
    user: Annotated[str, typer.Option("--user", help="Username")],
    action: Annotated[str, typer.Option("--action", help="read, create, update, delete, link…")],
    obj: Annotated[str, typer.Option("--object", help="Global ID of the object")],
) -> None:
    """Show whether USER may ACTION the object, and the rows that decide it."""
    from inspectnet.cli.runtime import runtime
    from inspectnet.errors import DomainError

    async def run() -> AccessExplanation:
        async with runtime() as rt, rt.database.transaction() as session:
            account = await account_by_username(session, user)
            if account is None:
                raise typer.BadParameter(f"no user {user!r}", param_hint="--user")
            type_name, pk = parse_global_id(obj, field="object")
            model = getattr(models, type_name, None)
            found = await session.get(model, pk) if model is not None else None
            if found is None:
                raise typer.BadParameter(f"no object {obj} ({type_name}:{pk})", param_hint="--object")
            return await explain_access(session, rt.policy, account.id, action, found)

    try:
        result = asyncio.run(run())
    except DomainError as error:
        raise typer.BadParameter(error.message, param_hint="--object") from None
    subject, typ, oid, act = result.request
    verdict = "[green]ALLOW[/green]" if result.allowed else "[red]DENY[/red]"
    console.print(f"{verdict} {subject} {act} {typ}:{oid}")
    if not result.paths:
        console.print("  no office of this user stands in any relation to the object's office")
    for path in result.paths:
        casbin = "allow" if path.casbin_allows else "deny"
        console.print(f"  via office:{path.office_id} as {path.relation} (casbin enforce: {casbin})")
        for line in path.explanation.describe():
            console.print(f"    {line}", highlight=False)
