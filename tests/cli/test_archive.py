"""``inspectnet archive export`` writes the signed package of an archived inspection from the
database it opens itself; ``archive verify`` accepts it and refuses it with one byte changed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from inspectnet import migrate
from inspectnet.archive.package import ArchiveInvalid
from inspectnet.cli import archive as cli
from inspectnet.errors import NotFound
from inspectnet.ids import global_id
from tests.archive.factories import make_archive, make_teamed_inspection
from tests.conftest import _in_thread, make_settings
from tests.factories import build_in


async def test_export_then_verify_and_a_tampered_package_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    _in_thread(migrate.upgrade, settings)

    async def build(session: Any, root: Any) -> tuple[str, str]:
        archived = await make_teamed_inspection(session, root)
        await make_archive(session, root, archived.inspection)
        open_one = await make_teamed_inspection(session, root)
        return (
            global_id("Inspection", archived.inspection.id),
            global_id("Inspection", open_one.inspection.id),
        )

    archived, not_archived = await build_in(settings, build)
    data = await cli.export_archive(settings, inspection=archived)
    good = tmp_path / "archive.zip"
    good.write_bytes(data)

    assert cli.verify_file(settings, good)["inspection"] == archived
    with pytest.raises(NotFound):
        await cli.export_archive(settings, inspection=not_archived)

    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {i.filename: source.read(i) for i in source.infolist()}
    team = entries["inspection/team.json"]
    entries["inspection/team.json"] = team[:-2] + bytes([team[-2] ^ 1]) + team[-1:]
    bad = tmp_path / "tampered.zip"
    with zipfile.ZipFile(bad, "w") as target:
        for name, content in entries.items():
            target.writestr(name, content)
    with pytest.raises(ArchiveInvalid) as refused:
        cli.verify_file(settings, bad)
    assert refused.value.code == "ARCHIVE_CHECKSUM_MISMATCH"

    # the command itself: exit 0 and 1, the failure's code on stderr
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    runner = CliRunner()
    assert runner.invoke(cli.archive_app, ["verify", str(good)]).exit_code == 0
    failed = runner.invoke(cli.archive_app, ["verify", str(bad)])
    assert failed.exit_code == 1 and "ARCHIVE_CHECKSUM_MISMATCH" in failed.output
