"""With INSPECTNET_EVIDENCE_BACKEND=s3, a petitioner's file and a report's DOCX both go to the
bucket (moto's in-process S3) and come back through the API, each only as it was stored."""

from __future__ import annotations

import base64
import hashlib
from io import BytesIO
from typing import Any

import docx
import pytest
from sqlalchemy import select

from inspectnet import evidence
from inspectnet.ids import global_id
from inspectnet.intake.models import PetitionAttachment
from inspectnet.reports.models import ReportVersion
from tests.casework.conftest import arrange
from tests.casework.factories import make_finding
from tests.conftest import Api
from tests.evidence_stores import Backend
from tests.factories import make_intake_team
from tests.intake.factories import IntakeTeam

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x01" * 64
ATTACHMENTS = """query($id: ID!) { node(id: $id) { ... on Inspection { petitions(first: 5) {
  nodes { attachments(first: 5) { nodes { sha256 downloadPath } } } } } } }"""
REPORT = """mutation($input: CreateReportInput!) { createReport(input: $input) {
  report { versions(first: 1) { nodes { downloadPath sha256 } } } userErrors { field code } } }"""


def _bearer(api: Api, user: str) -> dict[str, str]:
    return {"authorization": f"Bearer {api.token(user)}"}


async def _rows(api: Api, model: Any) -> list[Any]:
    async with api.app.state.graphql.database.session() as session:
        return list(await session.scalars(select(model)))


@pytest.mark.parametrize("evidence_backend", ["s3"], indirect=True)
async def test_an_attachment_and_a_report_go_to_the_bucket_and_back(
    api: Api, evidence_backend: Backend
) -> None:
    assert isinstance(evidence.active().store, evidence.S3Store)
    team: IntakeTeam = await arrange(api, lambda s, system: make_intake_team(s, system))
    inspection = global_id("Inspection", team.inspection.id)

    # Given a petition from the public endpoint and, with its receipt code, a picture
    sent = await api.client.post(
        "/public/intake/petitions",
        json={"announcement": inspection, "subject": "TARGET_LEADERSHIP", "summary": "反映问题"},
    )
    assert sent.status_code == 200, sent.text
    added = await api.client.post(
        "/public/intake/material",
        json={
            "code": sent.json()["receiptCode"],
            "text": "照片一张",
            "file": base64.b64encode(PNG).decode(),
        },
    )
    assert added.status_code == 200, added.text

    # … and a report drafted through GraphQL from a ready finding
    finding = await arrange(
        api, lambda s, system: make_finding(s, system, team.inspection, ready=True)
    )
    drafted = await api.gql(
        REPORT,
        {
            "input": {
                "inspectionId": inspection,
                "kind": "report.inspection",
                "title": "关于巡察情况的报告",
                "findingIds": [global_id("Finding", finding.id)],
            }
        },
        user=team.member,
    )
    assert drafted["data"]["createReport"]["userErrors"] == [], drafted
    [version] = drafted["data"]["createReport"]["report"]["versions"]["nodes"]

    # Then both files are objects of the bucket, under the keys their rows keep
    [attachment] = await _rows(api, PetitionAttachment)
    [stored_version] = await _rows(api, ReportVersion)
    objects = evidence_backend.stored()
    assert set(objects) == {attachment.storage_key, stored_version.storage_key}
    assert objects[attachment.storage_key] == PNG
    docx_bytes = objects[stored_version.storage_key]
    assert stored_version.content is None
    assert hashlib.sha256(docx_bytes).hexdigest() == version["sha256"] == stored_version.sha256

    # … and each comes back through the API to whoever reads its row
    listed = await api.gql(ATTACHMENTS, {"id": inspection}, user=team.handler)
    [file] = listed["data"]["node"]["petitions"]["nodes"][0]["attachments"]["nodes"]
    assert file["sha256"] == hashlib.sha256(PNG).hexdigest()
    served = await api.client.get(file["downloadPath"], headers=_bearer(api, team.handler))
    assert (served.status_code, served.content) == (200, PNG)
    refused = await api.client.get(file["downloadPath"], headers=_bearer(api, team.sibling))
    assert (refused.status_code, refused.json()["code"]) == (404, "NOT_FOUND")
    got = await api.client.get(version["downloadPath"], headers=_bearer(api, team.member))
    assert (got.status_code, got.content) == (200, docx_bytes)
    texts = [p.text for p in docx.Document(BytesIO(got.content)).paragraphs]
    assert texts[0] == "关于巡察情况的报告"
    assert "2025年以加班费名义发放补贴12万元" in texts

    # When the report's object is replaced in the bucket, the API refuses it
    evidence_backend.overwrite(stored_version.storage_key, docx_bytes + b"\x00")
    changed = await api.client.get(version["downloadPath"], headers=_bearer(api, team.member))
    assert (changed.status_code, changed.json()["code"]) == (404, "EVIDENCE_CHECKSUM_MISMATCH")
