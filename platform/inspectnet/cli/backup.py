"""``inspectnet db backup --to FILE`` / ``db restore FILE``: the whole database, either backend."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from inspectnet import backup
from inspectnet.settings import get_settings

console = Console()
errors = Console(stderr=True)


def backup_command(
    to: Annotated[Path, typer.Option("--to", help="The backup file to write")],
) -> None:
    """Back the database up while it serves (SQLite online backup API, or pg_dump)."""
    settings = get_settings()
    try:
        if settings.is_sqlite:
            with Progress(console=console, transient=True) as bar:
                task = bar.add_task("backing up", total=None)
                backup.backup(
                    settings, to, lambda done, total: bar.update(task, completed=done, total=total)
                )
        else:
            backup.backup(settings, to)
    except backup.BackupError as error:
        errors.print(f"backup failed: {error}")
        raise typer.Exit(1) from None
    console.print(f"backup written to {to}; keep the keyring and audit checkpoints beside it")


def restore_command(
    source: Annotated[Path, typer.Argument(help="A file `db backup` wrote")],
) -> None:
    """Restore a backup into the configured database, which must be empty."""
    try:
        backup.restore(get_settings(), source)
    except backup.BackupError as error:
        errors.print(f"restore refused: {error}")
        raise typer.Exit(1) from None
    console.print("restored; run `inspectnet audit verify` before serving")
