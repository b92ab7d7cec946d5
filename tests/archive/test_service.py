"""The archive (归档, qh-zrzyt §27, §8(5)): the team hands its materials over, the office
archives; the team then loses access, and the record lists every material with its checksum."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.archive import package, sources
from inspectnet.archive.models import ArchiveItem, InspectionArchive, MaterialHandover
from inspectnet.archive.service import archive_inspection, hand_over_materials
from inspectnet.authz.actor import Actor
from inspectnet.db import Database
from inspectnet.errors import Conflict, RuleViolation
from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection, Stage
from tests.archive.factories import make_archive, make_handover, make_teamed_inspection
from tests.conftest import Api
from tests.disclosure.factories import make_inspected_office

HAND_OVER = """mutation($input: HandOverMaterialsInput!) { handOverMaterials(input: $input) {
  handover { actorName note } userErrors { field code message } } }"""
ARCHIVE = """mutation($input: ArchiveInspectionInput!) { archiveInspection(input: $input) {
  archive { id article downloadUrl items(first: 10) { totalCount nodes { path source sha256 } } }
  userErrors { field code message } } }"""
READ = "query($id: ID!) { node(id: $id) { ... on Inspection { stage } } }"


async def _count(session: Any, model: type[Any]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_no_archive_without_the_teams_hand_over_and_nothing_written(system: Any) -> None:
    session, root = system
    qh = await make_inspected_office(session, root, Stage.PLANNED, ruleset_id="qh-zrzyt")
    before = (await _count(session, InspectionArchive), await _count(session, ArchiveItem))

    with pytest.raises(RuleViolation) as refused:
        await archive_inspection(session, root, inspection_id=qh.inspection.id)

    assert (refused.value.code, refused.value.article) == (
        "MATERIALS_NOT_HANDED_OVER",
        "qh-zrzyt §27",
    )
    await session.refresh(qh.inspection)
    assert qh.inspection.stage is Stage.PLANNED
    assert (await _count(session, InspectionArchive), await _count(session, ArchiveItem)) == before


async def test_materials_are_handed_over_once_and_only_after_feedback(system: Any) -> None:
    session, root = system
    early = await make_teamed_inspection(session, root, Stage.HEARD)
    done = await make_teamed_inspection(session, root)

    with pytest.raises(Conflict) as too_early:
        await make_handover(session, root, early.inspection)
    await make_handover(session, root, done.inspection)
    with pytest.raises(Conflict) as twice:
        await hand_over_materials(session, root, inspection_id=done.inspection.id, note="再次移交")

    assert (too_early.value.code, twice.value.code) == (
        "HANDOVER_NOT_DUE",
        "MATERIALS_ALREADY_HANDED_OVER",
    )
    assert (
        await session.scalar(
            select(func.count())
            .select_from(MaterialHandover)
            .where(MaterialHandover.inspection_id.in_((early.inspection.id, done.inspection.id)))
        )
        == 1
    )


async def test_the_record_lists_every_source_with_a_signed_manifest(system: Any) -> None:
    session, root = system
    teamed = await make_teamed_inspection(session, root)

    archive = await make_archive(session, root, teamed.inspection)

    items = (
        await session.scalars(
            select(ArchiveItem).where(ArchiveItem.archive_id == archive.id).order_by(ArchiveItem.id)
        )
    ).all()
    paths = [i.path for i in items]
    # the inspection report drafted on the way to feedback is packed as its version's DOCX
    assert re.fullmatch(r"reports/report-\d+-v1\.docx", paths.pop(11))
    assert paths == [
        "inspection/inspection.json",
        "inspection/transitions.json",
        "inspection/team.json",
        "inspection/preparation.json",
        "intake/petitions.json",
        "casework/interviews.json",
        "casework/activities.json",
        "casework/clues.json",
        "casework/findings.json",
        "casework/fix_proposals.json",
        "reports/reports.json",
        "rectification/plan.json",
    ]
    for item in items:
        content = base64.b64decode(item.content)
        assert (item.sha256, item.size) == (hashlib.sha256(content).hexdigest(), len(content))
    manifest = json.loads(archive.manifest)
    assert [m["sha256"] for m in manifest["members"]] == [i.sha256 for i in items]
    assert (manifest["article"], manifest["inspection"]) == (
        "nmg-2016 §9",
        global_id("Inspection", teamed.inspection.id),
    )
    steps = json.loads(base64.b64decode(items[1].content))
    assert steps[-1]["to"] == "archived"
    team = json.loads(base64.b64decode(items[2].content))
    assert [(m["role"], m["account"]) for m in team] == [("leader", teamed.leader)]
    await session.refresh(teamed.inspection)
    assert teamed.inspection.stage is Stage.ARCHIVED
    assert (
        package.verify(await _package(session, root, archive.id))["members"] == manifest["members"]
    )


async def _package(session: Any, root: Actor, archive_id: int) -> bytes:
    from inspectnet.archive.service import export_package

    return await export_package(session, root, archive_id=archive_id)


async def test_a_registered_source_adds_its_material(
    system: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    session, root = system
    monkeypatch.setattr(sources, "SOURCES", [*sources.SOURCES, f"{__name__}:extra_source"])
    teamed = await make_teamed_inspection(session, root)

    archive = await make_archive(session, root, teamed.inspection)

    listed = json.loads(archive.manifest)["members"]
    assert listed[-1] == {
        "path": "extra/material.json",
        "source": f"{__name__}:extra_source",
        "sha256": hashlib.sha256(b"[]").hexdigest(),
        "size": 2,
    }


async def extra_source(session: Any, actor: Actor, inspection: Inspection) -> list[Any]:
    """A domain's source as it registers one (e.g. casework's clues)."""
    return [sources.Member("extra/material.json", b"[]")]


async def test_archiving_ends_the_teams_access_over_graphql(api: Api, db: Database) -> None:
    async with db.transaction() as session:
        root = Actor.system(api.app.state.graphql.policy.compiled, name="test")
        teamed = await make_teamed_inspection(session, root)
    await api.reload_policy()
    gid = global_id("Inspection", teamed.inspection.id)
    admin = teamed.world.staff.admin
    assert (await api.gql(READ, {"id": gid}, user=teamed.leader))["data"]["node"] == {
        "stage": "FED_BACK"
    }
    # the office may not archive before the team has handed its materials over
    early = await api.gql(ARCHIVE, {"input": {"inspectionId": gid}}, user=admin)
    assert [e["code"] for e in early["data"]["archiveInspection"]["userErrors"]] == [
        "MATERIALS_NOT_HANDED_OVER"
    ]
    # an office member off the team may not hand over; the leader does
    refused = await api.gql(
        HAND_OVER, {"input": {"inspectionId": gid, "note": "底稿"}}, user=teamed.world.staff.member
    )
    assert [e["code"] for e in refused["data"]["handOverMaterials"]["userErrors"]] == ["FORBIDDEN"]
    handed = await api.gql(
        HAND_OVER,
        {"input": {"inspectionId": gid, "note": "巡察工作底稿、谈话记录"}},
        user=teamed.leader,
    )
    assert handed["data"]["handOverMaterials"]["userErrors"] == []
    # the leader may not archive; the admin does
    denied = await api.gql(ARCHIVE, {"input": {"inspectionId": gid}}, user=teamed.leader)
    assert [e["code"] for e in denied["data"]["archiveInspection"]["userErrors"]] == ["FORBIDDEN"]
    done = await api.gql(ARCHIVE, {"input": {"inspectionId": gid}}, user=admin)
    archive = done["data"]["archiveInspection"]["archive"]
    assert done["data"]["archiveInspection"]["userErrors"] == []
    assert (
        # every source, and the DOCX of the inspection report's one version
        archive["items"]["totalCount"] == len(sources.SOURCES) + 1
        and archive["article"] == "nmg-2016 §9"
    )
    await api.reload_policy()

    # the team has lost access; the office keeps it
    assert (await api.gql(READ, {"id": gid}, user=teamed.leader))["data"]["node"] is None
    assert (await api.gql(READ, {"id": gid}, user=admin))["data"]["node"] == {"stage": "ARCHIVED"}
    # the package downloads for the admin, signed in, and verifies; not for the member
    got = await api.client.get(
        archive["downloadUrl"], headers={"authorization": f"Bearer {api.token(admin)}"}
    )
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    assert package.verify(got.content)["inspection"] == gid
    member = await api.client.get(
        archive["downloadUrl"],
        headers={"authorization": f"Bearer {api.token(teamed.world.staff.member)}"},
    )
    assert (member.status_code, member.json()["code"]) == (404, "FORBIDDEN")
