"""Evidence files: checked by content, stored outside the rows with a checksum, served only
to the readers of the petition they belong to; every test runs on each backend of the store
(the local directory, an S3 bucket: tests/evidence_stores.py)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet import evidence
from inspectnet.ids import global_id
from inspectnet.intake.models import PetitionAttachment, PetitionMaterial
from tests.conftest import Api
from tests.evidence_stores import Backend
from tests.factories import make_intake_team
from tests.intake.factories import IntakeTeam

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
LIST = """query($id: ID!) { node(id: $id) { ... on Inspection { petitions(first: 5) {
  nodes { attachments(first: 5) { totalCount nodes { mediaType size sha256 downloadPath } } }
} } } }"""


async def _count(api: Api, model: type) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _receipt(api: Api, team: Any) -> str:
    sent = await api.client.post(
        "/public/intake/petitions",
        json={
            "announcement": global_id("Inspection", team.inspection.id),
            "subject": "TARGET_LEADERSHIP",
            "summary": "反映违规建房",
        },
    )
    return str(sent.json()["receiptCode"])


async def _team_with_a_photo(api: Api, system: Any) -> IntakeTeam:
    """An intake team on site whose petitioner added a photo through the public route."""
    session, root = system
    team = await make_intake_team(session, root)
    await session.commit()
    await api.reload_policy()
    code = await _receipt(api, team)
    added = await api.client.post(
        "/public/intake/material",
        json={"code": code, "text": "照片一张", "file": base64.b64encode(PNG).decode()},
    )
    assert added.status_code == 200, added.text
    return team


async def test_a_file_is_stored_with_its_checksum_and_served_to_the_petitions_readers_only(
    api: Api, system: Any, evidence_backend: Backend
) -> None:
    team = await _team_with_a_photo(api, system)

    listed = await api.gql(
        LIST, {"id": global_id("Inspection", team.inspection.id)}, user=team.member
    )
    files = listed["data"]["node"]["petitions"]["nodes"][0]["attachments"]
    digest = hashlib.sha256(PNG).hexdigest()
    assert files["totalCount"] == 1
    found = files["nodes"][0]
    assert (found["mediaType"], found["size"], found["sha256"]) == ("image/png", len(PNG), digest)
    assert evidence_backend.contents() == [PNG]

    def get(user: str) -> Any:
        return api.client.get(
            found["downloadPath"], headers={"authorization": f"Bearer {api.token(user)}"}
        )

    served = await get(team.handler)
    assert served.status_code == 200 and served.content == PNG
    assert served.headers["content-type"] == "image/png"
    for user in (team.sibling, team.target_side, team.recused):
        refused = await get(user)
        assert (refused.status_code, refused.json()["code"]) == (404, "NOT_FOUND"), user
    anonymous = await api.client.get(found["downloadPath"])
    assert anonymous.status_code == 401


async def test_an_oversized_or_wrong_type_file_is_refused_and_nothing_is_kept(
    api: Api, system: Any, evidence_backend: Backend
) -> None:
    session, root = system
    team = await make_intake_team(session, root)
    await session.commit()
    await api.reload_policy()
    code = await _receipt(api, team)
    before = (await _count(api, PetitionMaterial), await _count(api, PetitionAttachment))

    cases = {
        "FILE_TOO_LARGE": PNG + b"\x00" * 2048,
        # A text file, whatever it claims to be: the type is read from the content.
        "FILE_TYPE_REFUSED": b"this is not a picture, though it may be named x.png",
    }
    for expected, content in cases.items():
        refused = await api.client.post(
            "/public/intake/material",
            json={"code": code, "text": "附件", "file": base64.b64encode(content).decode()},
        )
        assert (refused.status_code, refused.json()["code"]) == (400, expected)
    garbled = await api.client.post(
        "/public/intake/material", json={"code": code, "text": "附件", "file": "%%%"}
    )
    assert (garbled.status_code, garbled.json()["field"]) == (400, "file")
    assert (await _count(api, PetitionMaterial), await _count(api, PetitionAttachment)) == before
    assert evidence_backend.stored() == {}


def test_the_store_keeps_bytes_under_its_own_keys(evidence_backend: Backend) -> None:
    store = evidence_backend.store
    content = b"%PDF-1.4 content"
    digest = hashlib.sha256(content).hexdigest()
    key = store.put(content, digest)
    assert key.isalnum() and store.exists(key)
    assert store.get(key, digest) == content
    assert evidence_backend.stored() == {key: content}
    for foreign in ("../" + key, key + "/x", "", "a b"):
        with pytest.raises(FileNotFoundError):
            store.get(foreign, digest)
        assert not store.exists(foreign)
    store.delete(key)
    assert not store.exists(key) and evidence_backend.stored() == {}
    with pytest.raises(FileNotFoundError):
        store.get(key, digest)
    store.delete(key)  # gone already: nothing to do


def test_a_put_whose_checksum_is_not_its_contents_stores_nothing(
    evidence_backend: Backend,
) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        evidence_backend.store.put(b"%PDF-1.4 content", hashlib.sha256(b"other").hexdigest())
    assert evidence_backend.stored() == {}


def test_a_changed_file_is_refused_by_its_checksum(evidence_backend: Backend) -> None:
    store = evidence_backend.store
    digest = hashlib.sha256(PNG).hexdigest()
    key = store.put(PNG, digest)
    evidence_backend.overwrite(key, PNG[:-1] + b"x")
    with pytest.raises(evidence.ChecksumMismatch) as refused:
        store.get(key, digest)
    assert refused.value.code == "EVIDENCE_CHECKSUM_MISMATCH"
    # Through the process's evidence, a file gone is refused the same way, with its message.
    store.delete(key)
    with pytest.raises(evidence.ChecksumMismatch, match="证据文件校验值不符"):
        evidence_backend.evidence.read(key, digest, "证据文件校验值不符")


async def test_a_changed_attachment_is_not_served(
    api: Api, system: Any, evidence_backend: Backend
) -> None:
    team = await _team_with_a_photo(api, system)
    listed = await api.gql(
        LIST, {"id": global_id("Inspection", team.inspection.id)}, user=team.handler
    )
    path = listed["data"]["node"]["petitions"]["nodes"][0]["attachments"]["nodes"][0]
    [key] = evidence_backend.stored()
    evidence_backend.overwrite(key, PNG + b"\x00")

    served = await api.client.get(
        path["downloadPath"], headers={"authorization": f"Bearer {api.token(team.handler)}"}
    )
    assert (served.status_code, served.json()["code"]) == (404, "EVIDENCE_CHECKSUM_MISMATCH")
    assert PNG not in served.content
