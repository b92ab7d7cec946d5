"""The domains' archive sources (archive/sources.py SOURCES): an office admin, who reads no
casework, archives an inspection and the signed package holds its petitions, interviews,
activities, clues, findings, fix proposals and rectification plan, never who petitioned."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from inspectnet.accounts.models import Role
from inspectnet.archive import package
from inspectnet.authz.actor import Actor
from inspectnet.casework.models import FixProposal
from inspectnet.db import Database
from inspectnet.ids import global_id, global_id_of
from inspectnet.inspections.models import TeamRole
from tests.accounts.factories import make_user
from tests.archive.factories import make_handover
from tests.casework.factories import (
    Team,
    make_activity,
    make_clue,
    make_finding,
    make_interview,
)
from tests.conftest import Api
from tests.inspections.factories import make_assignment
from tests.intake.factories import make_petition
from tests.rectification.factories import make_fed_back_inspection, make_items

# What the petitioner gave: it must not appear in any byte of the package.
PETITIONER = "令狐冲标记"
CONTACT = "13912345678"

ARCHIVE = """mutation($input: ArchiveInspectionInput!) { archiveInspection(input: $input) {
  archive { downloadUrl items(first: 20) { nodes { path } } } userErrors { code } } }"""


async def _world(db: Database, api: Api) -> dict[str, Any]:
    async with db.transaction() as session:
        root = Actor.system(api.app.state.graphql.policy.compiled, name="test")
        case, feedback = await make_fed_back_inspection(session, root)
        inspection = case.inspection
        member = await make_user(session, root, case.office, Role.OFFICE_MEMBER)
        await make_assignment(session, root, inspection, member.id, TeamRole.MEMBER)
        team = Team(case.office, case.target, inspection, case.team_leader, member)
        petition = await make_petition(
            session, root, inspection, petitioner_name=PETITIONER, petitioner_contact=CONTACT
        )
        interview = await make_interview(session, root, team)
        activity = await make_activity(session, root, inspection)
        clue = await make_clue(session, root, inspection, sources=[interview])
        finding = await make_finding(session, root, inspection, evidence=[clue, activity])
        # No casework service sends fix proposals on this branch yet: the row as one would be.
        proposal = FixProposal(
            office_id=inspection.office_id,
            inspection_id=inspection.id,
            target_id=inspection.target_id,
            finding_id=finding.id,
            problem="公务接待超标",
            proposal="立即清理超标接待费用",
            created_by=root.user_id,
        )
        session.add(proposal)
        await session.flush()
        items = await make_items(session, root, feedback)
        await make_handover(session, root, inspection)
        ids = {
            "inspection": global_id_of(inspection),
            "petition": global_id_of(petition),
            "interview": global_id_of(interview),
            "activity": global_id_of(activity),
            "clue": global_id_of(clue),
            "finding": global_id_of(finding),
            "proposal": global_id("FixProposal", proposal.id),
            "items": [global_id_of(i) for i in items],
        }
    await api.reload_policy()
    return {"admin": case.admin.username, **ids}


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


async def test_the_package_holds_every_domains_material_and_verifies(
    api: Api, db: Database
) -> None:
    world = await _world(db, api)

    done = await api.gql(
        ARCHIVE, {"input": {"inspectionId": world["inspection"]}}, user=world["admin"]
    )
    assert done["data"]["archiveInspection"]["userErrors"] == []
    archive = done["data"]["archiveInspection"]["archive"]
    got = await api.client.get(
        archive["downloadUrl"], headers={"authorization": f"Bearer {api.token(world['admin'])}"}
    )

    assert got.status_code == 200
    assert package.verify(got.content)["inspection"] == world["inspection"]
    members = _members(got.content)
    read = {
        path: json.loads(members[path])
        for path in members
        if path.startswith(("intake", "casework", "rectification"))
    }
    assert [p["id"] for p in read["intake/petitions.json"]] == [world["petition"]]
    assert read["intake/petitions.json"][0]["signed"] is True
    assert [i["id"] for i in read["casework/interviews.json"]] == [world["interview"]]
    assert [a["id"] for a in read["casework/activities.json"]] == [world["activity"]]
    clues = read["casework/clues.json"]
    assert [(c["id"], c["sources"]) for c in clues] == [(world["clue"], [world["interview"]])]
    findings = read["casework/findings.json"]
    assert [(f["id"], f["evidence"]) for f in findings] == [
        (world["finding"], [world["clue"], world["activity"]])
    ]
    assert [p["id"] for p in read["casework/fix_proposals.json"]] == [world["proposal"]]
    assert [i["id"] for i in read["rectification/plan.json"]["items"]] == world["items"]
    assert {n["path"] for n in archive["items"]["nodes"]} >= set(read)


async def test_no_byte_of_the_package_names_the_petitioner(api: Api, db: Database) -> None:
    world = await _world(db, api)

    done = await api.gql(
        ARCHIVE, {"input": {"inspectionId": world["inspection"]}}, user=world["admin"]
    )
    url = done["data"]["archiveInspection"]["archive"]["downloadUrl"]
    got = await api.client.get(
        url, headers={"authorization": f"Bearer {api.token(world['admin'])}"}
    )

    assert got.status_code == 200
    # the zip as downloaded and every member inflated, as UTF-8 and as JSON's \\u escapes
    blobs = [got.content, *_members(got.content).values()]
    for secret in (PETITIONER, CONTACT):
        needles = (secret.encode(), json.dumps(secret).strip('"').encode())
        assert not any(n in blob for n in needles for blob in blobs), secret
