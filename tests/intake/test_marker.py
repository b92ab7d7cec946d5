"""A marker written into a petitioner's name reaches the intake handler and nobody else: not
another user's responses, not the log, not any table of a full dump, not the evidence store."""

from __future__ import annotations

import base64
import logging
from typing import Any

import pytest
from sqlalchemy import select

from inspectnet.db import Base
from inspectnet.ids import global_id
from tests.conftest import Api
from tests.evidence_stores import Backend
from tests.factories import make_intake_team

MARKER = "标记人甲乙"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
READ = """query($id: ID!) { node(id: $id) { ... on Inspection { petitions(first: 5) {
  nodes { id summary petitioner { name contact } replies(first: 5) { nodes { body } }
  attachments(first: 5) { nodes { sha256 } } } } } } }"""
REPLY = """mutation($input: ReplyToPetitionInput!) { replyToPetition(input: $input) {
  reply { body } userErrors { code message } } }"""


async def test_the_marker_appears_only_in_the_intake_handlers_answer(
    api: Api, system: Any, evidence_backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    session, root = system
    team = await make_intake_team(session, root)
    await session.commit()
    await api.reload_policy()
    inspection = global_id("Inspection", team.inspection.id)
    bodies: list[str] = []

    sent = await api.client.post(
        "/public/intake/petitions",
        json={
            "announcement": inspection,
            "subject": "SUBORDINATE_PRINCIPAL",
            "summary": "反映下级单位负责人问题",
            "petitionerName": MARKER,
            "petitionerContact": f"{MARKER}@mail",
        },
    )
    bodies.append(sent.text)
    code = sent.json()["receiptCode"]
    for body in (
        {"code": code, "text": "补充", "file": base64.b64encode(PNG).decode()},
        {"code": code + "X", "text": MARKER[:1]},
    ):
        bodies.append((await api.client.post("/public/intake/material", json=body)).text)
    bodies.append((await api.client.post("/public/intake/receipt", json={"code": code})).text)

    handler = await api.gql(READ, {"id": inspection}, user=team.handler)
    assert handler["data"]["node"]["petitions"]["nodes"][0]["petitioner"]["name"] == MARKER
    petition = handler["data"]["node"]["petitions"]["nodes"][0]["id"]
    reply = {"input": {"petitionId": petition, "body": "已收到"}}
    for user in (
        team.leader,
        team.member,
        team.admin,
        team.sibling,
        team.target_side,
        team.recused,
    ):
        bodies.append(str(await api.gql(READ, {"id": inspection}, user=user)))
        bodies.append(str(await api.gql(REPLY, reply, user=user)))
        bodies.append(str(await api.gql(READ, {"id": petition}, user=user)))
    await api.flush_audit()

    assert all(MARKER not in body for body in bodies)
    assert MARKER not in caplog.text
    async with api.app.state.graphql.database.session() as reader:
        for table in Base.metadata.sorted_tables:
            rows = (await reader.execute(select(table))).all()
            assert MARKER not in repr(rows), table.name
    stored = evidence_backend.contents()
    assert stored == [PNG]
    assert all(MARKER.encode() not in content for content in stored)
