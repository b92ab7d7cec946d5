"""The ``inspectnet`` command."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from inspectnet.cli.bench import bench_app
from inspectnet.cli.policy import policy_app
from inspectnet.cli.rules import calendar_app, rules_app
from inspectnet.settings import ConfigurationError, get_settings

app = typer.Typer(
    help="inspectnet: the linked network of inspection offices.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
demo_app = typer.Typer(help="The demo network.", no_args_is_help=True)
token_app = typer.Typer(help="Bearer tokens.", no_args_is_help=True)
schema_app = typer.Typer(help="The GraphQL schema (SDL).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(token_app, name="token")
app.add_typer(policy_app, name="policy")
app.add_typer(rules_app, name="rules")
app.add_typer(calendar_app, name="calendar")
app.add_typer(schema_app, name="schema")
app.add_typer(bench_app, name="bench")
console = Console()
SCHEMA_FILE = Path("schema/schema.graphql")


def _settings():  # type: ignore[no-untyped-def]
    try:
        return get_settings()
    except ConfigurationError as error:
        print(error.code, file=sys.stderr)
        raise typer.Exit(2) from None


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind")] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes")] = 1,
) -> None:
    """Serve the GraphQL API with uvicorn."""
    import uvicorn

    from inspectnet import migrate

    settings = _settings()
    _ensure_sqlite_dir(settings.database_url)
    problem = asyncio.run(migrate.pending_message(settings))
    if problem:
        print(f"not serving: {problem}", file=sys.stderr)
        raise typer.Exit(2)
    uvicorn.run(
        "inspectnet.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
        timeout_graceful_shutdown=30,
    )


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Migrate the database up to ``revision`` (default: head)."""
    from inspectnet import migrate

    settings = _settings()
    _ensure_sqlite_dir(settings.database_url)
    migrate.upgrade(settings, revision)
    console.print(f"database at {revision}")


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="e.g. -1 or base")]) -> None:
    """Migrate the database down to ``revision``."""
    from inspectnet import migrate

    migrate.downgrade(_settings(), revision)
    console.print(f"database at {revision}")


@db_app.command("current")
def db_current() -> None:
    """Print the database's revision and the migrations' head."""
    from inspectnet import migrate

    settings = _settings()

    async def current() -> set[str]:
        from inspectnet.db import make_engine

        engine = make_engine(settings)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(migrate.current_revisions)
        finally:
            await engine.dispose()

    now = asyncio.run(current())
    heads = migrate.head_revisions(settings)
    console.print(
        f"current: {', '.join(sorted(now)) or '(empty)'}; head: {', '.join(sorted(heads))}"
    )


def _ensure_sqlite_dir(url: str) -> None:
    prefix = "sqlite+aiosqlite:///"
    if url.startswith(prefix) and ":memory:" not in url:
        Path(url[len(prefix) :]).parent.mkdir(parents=True, exist_ok=True)


@demo_app.command("load")
def demo_load() -> None:
    """Load the demo network (idempotent: what exists is left as it is)."""
    from inspectnet.cli.runtime import runtime, system_transaction
    from inspectnet.demo import load_demo

    async def run() -> int:
        async with runtime(_settings()) as rt, system_transaction(rt, "demo") as (session, actor):
            return await load_demo(session, actor)

    created = asyncio.run(run())
    console.print(f"demo network loaded ({created} new objects)")


@demo_app.command("tokens")
def demo_tokens(ttl: Annotated[str, typer.Option(help="e.g. 8h, 30m, 7d")] = "8h") -> None:
    """Print a bearer token for each demo user."""
    from inspectnet.accounts.tokens import issue_token
    from inspectnet.demo import DEMO_USERS

    settings = _settings()
    for user in DEMO_USERS:
        token = issue_token(settings, user.username, parse_ttl(ttl))
        # Plain output: a wrapped token cannot be pasted into a header.
        typer.echo(f"{user.username} ({user.description})\n  {token}")


@token_app.command("issue")
def token_issue(
    user: Annotated[str, typer.Option("--user", help="Username the token names")],
    ttl: Annotated[str, typer.Option(help="Lifetime, e.g. 8h, 30m, 7d")] = "8h",
) -> None:
    """Print a signed bearer token for a user."""
    from inspectnet.accounts.tokens import issue_token

    print(issue_token(_settings(), user, parse_ttl(ttl)))


def parse_ttl(text: str) -> timedelta:
    """``8h`` → 8 hours; units s, m, h, d."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit() or int(text[:-1]) == 0:
        raise typer.BadParameter("格式如 30m、8h、7d", param_hint="--ttl")
    return timedelta(seconds=int(text[:-1]) * units[text[-1]])


@schema_app.command("export")
def schema_export(
    path: Annotated[Path, typer.Option(help="Where to write the SDL")] = SCHEMA_FILE,
) -> None:
    """Write the GraphQL schema (SDL) to ``schema/schema.graphql``."""
    from inspectnet.graphql.sdl import export_sdl

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(export_sdl(), encoding="utf-8")
    console.print(f"wrote {path}")
