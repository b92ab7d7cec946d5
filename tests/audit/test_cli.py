"""``inspectnet audit verify`` and ``audit checkpoint`` as an operator runs them."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from inspectnet.authz.actor import Actor
from inspectnet.cli.main import app
from inspectnet.settings import get_settings
from tests.conftest import make_settings, mounted_keys_dir
from tests.factories import build_in, make_region, make_staff

runner = CliRunner()


@dataclass(frozen=True)
class Pristine:
    """A migrated SQLite database holding a region, and the codes of two offices beside each
    other in it (each with an admin and a member, so each has a chain of audit entries)."""

    path: Path
    mine: str
    other: str


async def _two_offices(session: AsyncSession, actor: Actor) -> tuple[str, str]:
    region = await make_region(session, actor, subordinates=2)
    for office in region.subordinates:
        await make_staff(session, actor, office)
    mine, other = region.subordinates
    return mine.code, other.code


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pristine]:
    path = tmp_path_factory.mktemp("audit-cli") / "pristine.db"
    with pytest.MonkeyPatch.context() as mp:
        _environment(mp, path, path.parent / "unused-checkpoints")
        result = runner.invoke(app, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
    get_settings.cache_clear()
    mine, other = asyncio.run(build_in(make_settings(f"sqlite+aiosqlite:///{path}"), _two_offices))
    yield Pristine(path, mine, other)


def _environment(mp: pytest.MonkeyPatch, database: Path, checkpoints: Path) -> None:
    mp.setenv("INSPECTNET_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    mp.setenv("INSPECTNET_JWT_SECRET", "audit-cli-secret-audit-cli-secret-audit")
    mp.setenv("INSPECTNET_KEYS_DIR", str(mounted_keys_dir()))
    mp.setenv("INSPECTNET_AUDIT_CHECKPOINT_DIR", str(checkpoints))
    get_settings.cache_clear()


@pytest.fixture
def database(pristine: Pristine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the pristine database of the test's own, and a checkpoint directory."""
    path = tmp_path / "audit.db"
    shutil.copy(pristine.path, path)
    _environment(monkeypatch, path, tmp_path / "checkpoints")
    yield path
    get_settings.cache_clear()


def _sql(path: Path, *statements: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        found: list[tuple[object, ...]] = []
        for statement in statements:
            found = conn.execute(statement).fetchall()
        return found


def _chain_of(path: Path, code: str) -> tuple[int, int]:
    """The office's chain and its last seq."""
    [(chain, last)] = _sql(
        path,
        "SELECT a.chain, max(a.seq) FROM audit_entries a JOIN offices o ON o.id = a.chain"
        f" WHERE o.code = '{code}' GROUP BY a.chain",
    )
    return int(chain), int(last)  # type: ignore[call-overload]


def test_verify_passes_on_an_untouched_log_and_says_when_no_checkpoint_vouches_for_tails(
    database: Path,
) -> None:
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "no checkpoint yet" in result.output
    assert "audit chains intact" in result.output


def test_checkpoint_writes_a_signed_file_and_verify_then_holds_the_log_to_it(
    database: Path, tmp_path: Path, pristine: Pristine
) -> None:
    result = runner.invoke(app, ["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    [written] = list((tmp_path / "checkpoints").glob("checkpoint-*.json"))
    assert '"mac"' in written.read_text("utf-8")
    result = runner.invoke(app, ["audit", "verify", "--office", pristine.mine])
    assert result.exit_code == 0, result.output
    assert "no checkpoint yet" not in result.output


def test_verify_names_the_office_seq_and_reason_of_an_edited_row_and_exits_1(
    database: Path,
    pristine: Pristine,
) -> None:
    chain, _ = _chain_of(database, pristine.mine)
    _sql(
        database,
        "DROP TRIGGER audit_entries_no_update",
        f"UPDATE audit_entries SET action = 'nothing.happened' WHERE chain = {chain} AND seq = 1",
    )
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert (
        f"BROKEN office {pristine.mine} (chain {chain}), seq 1: content does not match its hash"
        in result.output
    )
    # Another office's chain is untouched and says so on its own.
    assert runner.invoke(app, ["audit", "verify", "--office", pristine.other]).exit_code == 0


def test_verify_reports_a_tail_removed_after_the_checkpoint(
    database: Path, pristine: Pristine
) -> None:
    assert runner.invoke(app, ["audit", "checkpoint"]).exit_code == 0
    chain, last = _chain_of(database, pristine.mine)
    _sql(
        database,
        "DROP TRIGGER audit_entries_no_delete",
        f"DELETE FROM audit_entries WHERE chain = {chain} AND seq = {last}",
    )
    result = runner.invoke(app, ["audit", "verify", "--office", pristine.mine])
    assert result.exit_code == 1
    assert f"seq {last}: missing: the checkpoint has this chain up to seq {last}" in result.output


def test_verify_of_an_unknown_office_is_refused(database: Path) -> None:
    result = runner.invoke(app, ["audit", "verify", "--office", "nowhere"])
    assert result.exit_code == 2
    assert "no office with code nowhere" in result.output
