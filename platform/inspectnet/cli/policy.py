"""``inspectnet policy explain``: the decision and the policy rows that made it."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console

import inspectnet.models as models
from inspectnet.authz.explain import AccessExplanation, explain_access
from inspectnet.authz.platform import find_account
from inspectnet.ids import global_id_of, parse_global_id

policy_app = typer.Typer(help="The authorization policy (Casbin).", no_args_is_help=True)
console = Console()


@policy_app.callback()
def _policy() -> None:
    """Authorization policy tools."""


@policy_app.command("add")
def add(
    row: Annotated[
        str, typer.Argument(help='e.g. "p, user:5, office:3, self, person, 12, read, deny"')
    ],
    note: Annotated[str, typer.Option(help="Why the row exists")] = "",
) -> None:
    """Add a run-time policy row (a deny for one user, say); audited."""
    from inspectnet.authz.rows import add_row, parse_row
    from inspectnet.cli.runtime import runtime, system_work
    from inspectnet.errors import DomainError

    async def run() -> int:
        async with runtime() as rt, system_work(rt, "policy") as work:
            added = await work.attempt(
                "policy_row.create",
                lambda: add_row(work.session, work.actor, parse_row(row), note),
            )
            return added.id

    try:
        row_id = asyncio.run(run())
    except DomainError as error:
        raise typer.BadParameter(error.message, param_hint="ROW") from None
    console.print(f"added policy row {row_id}: {row}", highlight=False)


@policy_app.command("list")
def list_() -> None:
    """Print the run-time policy rows (the base rows are in policies/base.csv)."""
    from inspectnet.authz.rows import list_rows
    from inspectnet.cli.runtime import runtime

    async def run() -> list[str]:
        async with runtime() as rt, rt.database.transaction() as session:
            return [
                f"{r.id}: {r.ptype}, {', '.join(r.values())}  # {r.note}"
                for r in await list_rows(session)
            ]

    for line in asyncio.run(run()):
        console.print(line, highlight=False)


@policy_app.command("explain")
def explain(
    user: Annotated[str, typer.Option("--user", help="The account, as officecode/username")],
    action: Annotated[str, typer.Option("--action", help="read, create, update, delete, link…")],
    obj: Annotated[str, typer.Option("--object", help="Global ID of the object")],
) -> None:
    """Show whether USER may ACTION the object, and the rows that decide it."""
    from inspectnet.cli.runtime import runtime
    from inspectnet.errors import DomainError

    async def run() -> AccessExplanation:
        async with runtime() as rt, rt.database.transaction() as session:
            try:
                account = await find_account(session, user)
            except DomainError:
                raise typer.BadParameter(f"no user {user!r}", param_hint="--user") from None
            type_name, pk = parse_global_id(obj, field="object")
            model = models.mapped().get(type_name)
            found = await session.get(model, pk) if model is not None else None
            if found is None:
                raise typer.BadParameter(
                    f"no object {obj} ({type_name}:{pk})", param_hint="--object"
                )
            return await explain_access(session, rt.policy, account.id, action, found)

    try:
        result = asyncio.run(run())
    except DomainError as error:
        raise typer.BadParameter(error.message, param_hint="--object") from None
    _print(result, "")


def _print(result: AccessExplanation, indent: str) -> None:
    subject, typ, oid, act = result.request
    verdict = "[green]ALLOW[/green]" if result.allowed else "[red]DENY[/red]"
    console.print(f"{indent}{verdict} {subject} {act} {typ}:{oid}")
    if not result.paths:
        console.print(
            f"{indent}  no office of this user stands in any relation to the object's office"
        )
    for path in result.paths:
        casbin = "allow" if path.casbin_allows else "deny"
        console.print(
            f"{indent}  via {path.scope}:{path.office_id} as {path.relation} (casbin enforce: {casbin})"
        )
        for line in path.explanation.describe():
            console.print(f"{indent}    {line}", highlight=False)
    for parent, explanation in result.parent:
        console.print(
            f"{indent}  and, as part of {type(parent).__name__} {global_id_of(parent)}:",
            highlight=False,
        )
        _print(explanation, indent + "  ")
