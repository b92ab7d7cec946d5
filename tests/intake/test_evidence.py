"""Evidence files: checked by content, stored outside the rows with a checksum, served only
to the readers of the petition they belong to."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet import evidence
from inspectnet.ids import global_id
from inspectnet.intake.models import PetitionAttachment, PetitionMaterial
from tests.conftest import Api
from tests.factories import make_intake_team

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
LIST = """query($id: ID!) { node(id: $id) { ... on Inspection { petitions(first: 5) {
  nodes { attachments(first: 5) { totalCount nodes { mediaType size sha256 downloadPath } } }
} } } }"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Path]:
    evidence.install(evidence.configured(tmp_path, max_bytes=1024))
    yield tmp_path
    evidence.install(evidence.configured(tmp_path / "unused", max_bytes=1024))


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


def _files(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()]


async def test_a_file_is_stored_with_its_checksum_and_served_to_the_petitions_readers_only(
    api: Api, system: Any, store: Path
) -> None:
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

    listed = await api.gql(
        LIST, {"id": global_id("Inspection", team.inspection.id)}, user=team.member
    )
    files = listed["data"]["node"]["petitions"]["nodes"][0]["attachments"]
    digest = hashlib.sha256(PNG).hexdigest()
    assert files["totalCount"] == 1
    found = files["nodes"][0]
    assert (found["mediaType"], found["size"], found["sha256"]) == ("image/png", len(PNG), digest)
    assert [p.read_bytes() for p in _files(store)] == [PNG]

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
    api: Api, system: Any, store: Path
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
    assert _files(store) == []


def test_the_local_store_keeps_bytes_under_its_own_keys(tmp_path: Path) -> None:
    local = evidence.LocalStore(tmp_path)
    key = local.put(b"%PDF-1.4 content")
    assert local.get(key) == b"%PDF-1.4 content" and key.isalnum()
    with pytest.raises(FileNotFoundError):
        local.get("../" + key)
    local.delete(key)
    with pytest.raises(FileNotFoundError):
        local.get(key)
