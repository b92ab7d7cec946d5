"""A report version's DOCX is kept in the evidence store, not in its row: the row holds the key,
size and SHA-256; the download reads the store and refuses a file changed behind its back."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import select

from inspectnet import evidence
from inspectnet.ids import global_id
from inspectnet.reports.models import ReportVersion
from tests.casework.conftest import arrange
from tests.casework.factories import Team, make_finding
from tests.conftest import Api
from tests.reports.factories import make_report


def _files(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()]


async def test_the_docx_is_in_the_store_with_its_checksum(
    api: Api, team: Team, tmp_path: Path
) -> None:
    # Given a report drafted with the evidence store in a directory of its own
    evidence.install(evidence.configured(tmp_path, max_bytes=1024))

    async def build(session: Any, system: Any) -> ReportVersion:
        finding = await make_finding(session, system, team.inspection, ready=True)
        report = await make_report(session, system, team.inspection, findings=[finding])
        row = await session.scalar(
            select(ReportVersion).where(ReportVersion.report_id == report.id)
        )
        assert row is not None
        return row

    version = await arrange(api, build)

    # Then its bytes are the one file of the store, not in the row, and match its checksum
    [stored] = _files(tmp_path)
    content = stored.read_bytes()
    assert version.content is None and stored.name == version.storage_key
    assert (len(content), hashlib.sha256(content).hexdigest()) == (version.size, version.sha256)
    path = f"/reports/{global_id('ReportVersion', version.id)}"
    headers = {"authorization": f"Bearer {api.token(team.member.username)}"}
    got = await api.client.get(path, headers=headers)
    assert (got.status_code, got.content) == (200, content)

    # When the file is changed behind the database's back, the download refuses it
    stored.write_bytes(content[:-1] + b"x")
    changed = await api.client.get(path, headers=headers)
    assert changed.status_code == 404  # the route answers every refusal so (reports/graphql.py)
    assert changed.json()["code"] == "EVIDENCE_CHECKSUM_MISMATCH"
