"""Whole-database backup and restore: SQLite's online backup API, PostgreSQL's pg_dump/pg_restore.

What is NOT in a backup, and must be backed up beside it (docs/operations.md): the keyring
(``INSPECTNET_KEYS_DIR``: without the AUDIT key a restored audit log cannot be verified, without
the IDS key every public ID changes) and the signed audit checkpoints
(``INSPECTNET_AUDIT_CHECKPOINT_DIR``), both kept outside the database's reach on purpose.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from inspectnet.settings import Settings

SQLITE_PREFIX = "sqlite+aiosqlite:///"
# Pages copied per step of the online backup. All in one step: under WAL the copy reads one
# snapshot while writers go on (readers never block them); in smaller steps every write by
# another connection would restart the copy, which under steady writes may never finish.
PAGES_PER_STEP = -1


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


def sqlite_path(settings: Settings) -> Path:
    """The database file a SQLite URL names."""
    url = settings.database_url
    if not url.startswith(SQLITE_PREFIX) or ":memory:" in url:
        raise BackupError(f"not a SQLite database file: {url}")
    return Path(url[len(SQLITE_PREFIX) :])


def libpq_url(settings: Settings) -> str:
    """The PostgreSQL URL as libpq tools take it (no ``+asyncpg`` driver suffix)."""
    # The owner's: a dump as the application's role would meet the second wall.
    parts = urlsplit(settings.admin_database_url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} not found: install the PostgreSQL client tools of the server's major "
            "version (Debian/Ubuntu: apt-get install postgresql-client)"
        )
    return found


def backup_sqlite(
    settings: Settings, target: Path, progress: Callable[[int, int], None] | None = None
) -> None:
    """Copy the live database to ``target`` with SQLite's online backup API.

    Writers keep going: the copy reads one committed snapshot (WAL), so it is always one
    consistent state. The copy is checked (``PRAGMA integrity_check``) before it is kept.
    """
    source_path = sqlite_path(settings)
    if not source_path.exists():
        raise BackupError(f"no database at {source_path}")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        source.execute("PRAGMA busy_timeout=30000")

        def step(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        source.backup(copy, pages=PAGES_PER_STEP, progress=step)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"the copy failed its integrity check: {verdict}")
    finally:
        copy.close()
        source.close()
    partial.replace(target)


def restore_sqlite(settings: Settings, backup: Path) -> None:
    """Restore a SQLite backup as the configured database, which must not exist or be empty."""
    target = sqlite_path(settings)
    _check_sqlite_backup(backup)
    if target.exists():
        with sqlite3.connect(target) as existing:
            tables = existing.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
        if tables:
            raise BackupError(f"{target} already holds a database: restore into an empty one")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def _check_sqlite_backup(backup: Path) -> None:
    try:
        with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as db:
            verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{backup} is not a SQLite backup: {error}") from None
    if verdict != "ok":
        raise BackupError(f"{backup} failed its integrity check: {verdict}")


def backup_postgres(settings: Settings, target: Path) -> None:
    """``pg_dump --format=custom``: one consistent snapshot while writers go on."""
    partial = target.with_name(target.name + ".partial")
    command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(partial)]
    _run([*command, "--dbname", libpq_url(settings)])
    partial.replace(target)


def restore_postgres(settings: Settings, backup: Path) -> None:
    """``pg_restore`` into the configured database, which must exist and hold no tables.

    One transaction (``--single-transaction --exit-on-error``): a failed restore leaves the
    database as empty as it was.
    """
    url = libpq_url(settings)
    tables = _run(
        [
            _tool("psql"),
            "--no-psqlrc",
            "--tuples-only",
            "--no-align",
            "--command",
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            "--dbname",
            url,
        ]
    ).strip()
    if tables != "0":
        raise BackupError("the target database already holds tables: restore into an empty one")
    _run(
        [
            _tool("pg_restore"),
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            url,
            str(backup),
        ]
    )


def _run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def backup(
    settings: Settings, target: Path, progress: Callable[[int, int], None] | None = None
) -> None:
    """Back the configured database up to ``target`` (SQLite file copy or pg_dump archive)."""
    if settings.is_sqlite:
        backup_sqlite(settings, target, progress)
    else:
        backup_postgres(settings, target)


def restore(settings: Settings, source: Path) -> None:
    """Restore ``source`` into the configured (empty) database."""
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    if settings.is_sqlite:
        restore_sqlite(settings, source)
    else:
        restore_postgres(settings, source)
