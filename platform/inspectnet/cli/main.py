"""The ``inspectnet`` command."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from inspectnet.cli.archive import archive_app
from inspectnet.cli.audit import audit_app
from inspectnet.cli.backup import backup_command, restore_command
from inspectnet.cli.bench import bench_app
from inspectnet.cli.duties import duties_app
from inspectnet.cli.export import export_app
from inspectnet.cli.keys import keys_app
from inspectnet.cli.office import office_app
from inspectnet.cli.platform import platform_app
from inspectnet.cli.policy import policy_app
from inspectnet.cli.rules import calendar_app, rules_app
from inspectnet.rules.registry import configure as configure_rulesets
from inspectnet.settings import ConfigurationError, Settings, get_settings

app = typer.Typer(
    help="inspectnet: the linked network of inspection offices.", no_args_is_help=True
)
db_app = typer.Typer(help="Database tables (Alembic migrations).", no_args_is_help=True)
demo_app = typer.Typer(help="The demo network.", no_args_is_help=True)
token_app = typer.Typer(help="Bearer tokens.", no_args_is_help=True)
schema_app = typer.Typer(help="The GraphQL schema (SDL).", no_args_is_help=True)
app.add_typer(db_app, name="db")
db_app.command("backup")(backup_command)
db_app.command("restore")(restore_command)
app.add_typer(demo_app, name="demo")
app.add_typer(token_app, name="token")
app.add_typer(policy_app, name="policy")
app.add_typer(rules_app, name="rules")
app.add_typer(calendar_app, name="calendar")
app.add_typer(platform_app, name="platform")
app.add_typer(schema_app, name="schema")
app.add_typer(keys_app, name="keys")
app.add_typer(audit_app, name="audit")
app.add_typer(office_app, name="office")
app.add_typer(bench_app, name="bench")
app.add_typer(export_app, name="export")
app.add_typer(duties_app, name="duties")
app.add_typer(archive_app, name="archive")
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

    from inspectnet import keyring, migrate
    from inspectnet.settings import refuse_development_defaults

    settings = _settings()
    try:
        # The workers would refuse too, one by one: say it once, before any of them starts.
        configure_rulesets(settings.rulesets_dir)
        ring = keyring.Keyring.load(settings.keys_dir, development=settings.development)
        refuse_development_defaults(settings, ring)
    except keyring.KeyringError as error:
        print(f"configuration error: INSPECTNET_KEYS_DIR: {error}", file=sys.stderr)
        raise typer.Exit(2) from None
    except ConfigurationError as error:
        print(error.code, file=sys.stderr)
        raise typer.Exit(2) from None
    _ensure_sqlite_dir(settings.database_url)
    problem = asyncio.run(migrate.pending_message(settings))
    if problem:
        print(f"not serving: {problem}", file=sys.stderr)
        raise typer.Exit(2)
    if not settings.is_sqlite:
        # Each worker listens for policy changes; say once, before starting them, if it cannot.
        problem = asyncio.run(_listen_problem(settings))
        if problem:
            print(f"not serving: {problem}", file=sys.stderr)
            raise typer.Exit(2)
    metrics_dir, made_here = None, False
    if workers > 1 or os.environ.get(MULTIPROC_ENV):
        # Each worker counts in its own process: they share their counts through files that
        # whichever worker answers a scrape adds up (prometheus_client's multiprocess mode).
        metrics_dir, made_here = _prepare_metrics_dir()
        os.environ[MULTIPROC_ENV] = str(metrics_dir)
    try:
        uvicorn.run(
            "inspectnet.asgi:app",
            host=host or settings.host,
            port=port or settings.port,
            workers=workers,
            log_level=settings.log_level.lower(),
            proxy_headers=True,
            timeout_graceful_shutdown=30,
        )
    finally:
        if made_here and metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


async def _listen_problem(settings: Settings) -> str | None:
    """Why the policy watcher could not listen on the database, or None when it can."""
    from inspectnet import domains
    from inspectnet.authz.watcher import PolicyWatcher, WatcherUnavailable
    from inspectnet.db import Database, make_engine

    database = Database(make_engine(settings))
    watcher = PolicyWatcher(domains.policy_store(settings.policy_dir), database)
    try:
        await watcher.start()
    except WatcherUnavailable as error:
        return str(error)
    finally:
        await watcher.stop()
        await database.dispose()
    return None


def _prepare_metrics_dir() -> tuple[Path, bool]:
    """The workers' shared metrics directory, emptied of a previous run's files (they would add
    stale counts); made under the temporary directory unless PROMETHEUS_MULTIPROC_DIR names one."""
    given = os.environ.get(MULTIPROC_ENV)
    if not given:
        return Path(tempfile.mkdtemp(prefix="inspectnet-metrics-")), True
    directory = Path(given)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    return directory, False


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Migrate the database up to ``revision`` (default: head)."""
    from inspectnet import migrate

    settings = _settings()
    _ensure_sqlite_dir(settings.database_url)
    migrate.upgrade(settings, revision)
    console.print(f"database at {revision}")
    if asyncio.run(migrate.grant_app_role(settings)):
        console.print(f"rows of every table granted to {settings.database_app_role}")


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
    from inspectnet.cli.runtime import runtime, system_work
    from inspectnet.demo import load_demo

    async def run() -> int:
        async with runtime(_settings()) as rt, system_work(rt, "demo") as work:
            return await load_demo(work.session, work.actor)

    created = asyncio.run(run())
    console.print(f"demo network loaded ({created} new objects)")


@demo_app.command("tokens")
def demo_tokens(ttl: Annotated[str, typer.Option(help="e.g. 8h, 30m, 7d")] = "8h") -> None:
    """Print a bearer token for each demo user."""
    from inspectnet.accounts.tokens import issue_token
    from inspectnet.demo import DEMO_USERS

    settings = _settings()
    for user in DEMO_USERS:
        token = issue_token(settings, user.sign_in_name, parse_ttl(ttl))
        # Plain output: a wrapped token cannot be pasted into a header.
        typer.echo(f"{user.sign_in_name} ({user.description})\n  {token}")


@token_app.command("issue")
def token_issue(
    user: Annotated[
        str,
        typer.Option(
            "--user", help="The account, as officecode/username (nmg.baotou/baotou_admin)"
        ),
    ],
    ttl: Annotated[str, typer.Option(help="Lifetime, e.g. 8h, 30m, 7d")] = "8h",
) -> None:
    """Print a signed bearer token for a user."""
    from inspectnet.accounts.names import parse_sign_in_name
    from inspectnet.accounts.tokens import issue_token

    if parse_sign_in_name(user) is None:
        raise typer.BadParameter(
            "格式为 办公室代码/用户名，如 nmg.baotou/baotou_admin", param_hint="--user"
        )
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
    from inspectnet.schema import export_sdl

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(export_sdl(), encoding="utf-8")
    console.print(f"wrote {path}")
