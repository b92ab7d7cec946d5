"""A report version's DOCX is kept in the evidence store, not in its row: the row holds the key,
size and SHA-256; the download reads the store and refuses a file changed behind its back. On
each backend of the store (the local directory, an S3 bucket: tests/evidence_stores.py)."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select

from inspectnet.ids import global_id
from inspectnet.reports.models import ReportVersion
from tests.casework.conftest import arrange
from tests.casework.factories import Team, make_finding
from tests.conftest import Api
from tests.evidence_stores import Backend
from tests.reports.factories import make_report


async def test_the_docx_is_in_the_store_with_its_checksum(
    api: Api, team: Team, evidence_backend: Backend
) -> None:
    # Given a report drafted with an evidence store of its own

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
    [(key, content)] = evidence_backend.stored().items()
    assert version.content is None and key == version.storage_key
    assert (len(content), hashlib.sha256(content).hexdigest()) == (version.size, version.sha256)
    path = f"/reports/{global_id('ReportVersion', version.id)}"
    headers = {"authorization": f"Bearer {api.token(team.member.username)}"}
    got = await api.client.get(path, headers=headers)
    assert (got.status_code, got.content) == (200, content)

    # When the file is changed behind the database's back, the download refuses it
    evidence_backend.overwrite(key, content[:-1] + b"x")
    changed = await api.client.get(path, headers=headers)
    assert changed.status_code == 404  # the route answers every refusal so (reports/graphql.py)
    assert changed.json()["code"] == "EVIDENCE_CHECKSUM_MISMATCH"
    assert content[:-1] not in changed.content

    # And a file gone from the store is refused the same way
    evidence_backend.store.delete(key)
    gone = await api.client.get(path, headers=headers)
    assert (gone.status_code, gone.json()["code"]) == (404, "EVIDENCE_CHECKSUM_MISMATCH")
