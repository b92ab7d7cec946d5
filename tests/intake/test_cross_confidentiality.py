"""Confidentiality across intake and casework (issue 14, must-show 4): a target-bound account, a
sibling office's admin, a recused team member and a former member after the archive get nothing
for a petition, an interview or a clue, by node, by the inspection's lists or their counts; and
a petitioner's name written once never comes out again: not in any GraphQL response of anyone
but an intake handler, not in a log line, not in a raw dump of any table (sealed column), not in
a file the evidence store keeps (a report's DOCX among them) nor in any file exported (the
report's DOCX, the archive package and the ledger), each opened down to its last zip member."""

from __future__ import annotations

import html
import io
import logging
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from inspectnet import evidence
from inspectnet.accounts.models import UserAccount
from inspectnet.casework.models import Clue
from inspectnet.db import Base
from inspectnet.ids import expect_global_id, global_id, global_id_of
from inspectnet.inspections.models import Inspection, Stage
from inspectnet.intake.models import Petition
from inspectnet.ledger import service as ledger
from inspectnet.reports.models import ReportVersion
from tests.archive.factories import make_archive
from tests.casework.conftest import arrange
from tests.casework.factories import Team, make_clue, make_finding, make_interview
from tests.conftest import Api
from tests.inspections.factories import move_to
from tests.intake.factories import IntakeTeam, make_intake_team, make_petition
from tests.reports.factories import make_report

MARKER = "机密标记欧阳"  # the petitioner's name: must never come out in the clear
NODE = """query($id: ID!) { node(id: $id) { id
  ... on Petition { summary petitioner { name contact } }
  ... on Interview { intervieweeName }
  ... on Clue { personName } } }"""
LISTS = """query($id: ID!) { node(id: $id) { ... on Inspection {
  petitions(first: 10) { totalCount nodes { id petitioner { name } } }
  interviews(first: 10) { totalCount nodes { id } }
  clues(first: 10) { totalCount nodes { id } } } } }"""


async def _user(session: Any, username: str) -> UserAccount:
    found = await session.scalar(select(UserAccount).where(UserAccount.username == username))
    assert found is not None
    return found


async def _world(system: Any, api: Api) -> tuple[IntakeTeam, dict[str, str]]:
    session, root = system
    team = await make_intake_team(session, root)
    petition = await make_petition(
        session, root, team.inspection, petitioner_name=MARKER, petitioner_contact="13800001111"
    )
    leader, member = await _user(session, team.leader), await _user(session, team.member)
    crew = Team(team.office, team.target, team.inspection, leader, member)
    interview = await make_interview(session, root, crew)
    clue = await make_clue(session, root, team.inspection, sources=[interview])
    await session.commit()
    await api.reload_policy()
    return team, {
        "inspection": global_id_of(team.inspection),
        "petition": global_id_of(petition),
        "interview": global_id_of(interview),
        "clue": global_id_of(clue),
    }


async def _seen(api: Api, user: str, ids: dict[str, str]) -> dict[str, Any]:
    """What ``user`` gets by each path, and every response body as text."""
    bodies: list[str] = []
    nodes = {}
    for key in ("petition", "interview", "clue"):
        response = await api.post(NODE, {"id": ids[key]}, user=user)
        bodies.append(response.text)
        nodes[key] = response.json()["data"]["node"]
    response = await api.post(LISTS, {"id": ids["inspection"]}, user=user)
    bodies.append(response.text)
    listed = response.json()["data"]["node"]
    counts = (
        None
        if listed is None
        else {k: listed[k]["totalCount"] for k in ("petitions", "interviews", "clues")}
    )
    return {"nodes": nodes, "counts": counts, "bodies": "\n".join(bodies)}


NOTHING = {"petition": None, "interview": None, "clue": None}
EMPTY = {"petitions": 0, "interviews": 0, "clues": 0}


async def test_outsiders_get_nothing_and_only_the_intake_handler_reads_the_name(
    api: Api, system: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    team, ids = await _world(system, api)

    handler = await _seen(api, team.handler, ids)
    assert handler["nodes"]["petition"]["petitioner"]["name"] == MARKER  # the marker is real
    member = await _seen(api, team.member, ids)
    assert member["counts"] == {"petitions": 1, "interviews": 1, "clues": 1}
    assert member["nodes"]["petition"]["petitioner"] is None
    for user in (team.target_side, team.sibling, team.recused):
        seen = await _seen(api, user, ids)
        assert seen["nodes"] == NOTHING, user
        # the target side reads its own inspection (the notice), with nothing of this in it
        assert seen["counts"] in (None, EMPTY), user
    for user in (
        team.admin,
        team.leader,
        team.member,
        team.target_side,
        team.sibling,
        team.recused,
    ):
        assert MARKER not in (await _seen(api, user, ids))["bodies"], user
    assert MARKER not in caplog.text


async def test_a_former_member_after_the_archive_gets_nothing(api: Api, system: Any) -> None:
    team, ids = await _world(system, api)
    root = system[1]
    assert (await _seen(api, team.member, ids))["nodes"]["clue"] == {
        "id": ids["clue"],
        "personName": "王建国",
    }
    async with api.app.state.graphql.database.transaction() as later:
        inspection = await later.get(Inspection, team.inspection.id)
        await make_archive(later, root, await move_to(later, root, inspection, Stage.FED_BACK))
    await api.reload_policy()

    # they stay the office's members: they may read the inspection, and nothing of this in it
    for user in (team.member, team.leader, team.handler):
        seen = await _seen(api, user, ids)
        assert (seen["nodes"], seen["counts"]) == (NOTHING, EMPTY), user


async def test_no_table_holds_the_petitioners_name_in_the_clear(api: Api, system: Any) -> None:
    await _world(system, api)

    dump = []
    async with api.app.state.graphql.database.session() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table))).all()
            dump.append(f"{table.name}: {[tuple(r) for r in rows]!r}")
    text = "\n".join(dump)

    # the dump is real: the clue's person, stored in the clear, is in it
    assert "petitioner_identities" in text and "王建国" in text
    assert MARKER not in text and "13800001111" not in text


def _bearer(api: Api, user: str) -> dict[str, str]:
    return {"authorization": f"Bearer {api.token(user)}"}


def _stored(directory: Path) -> list[bytes]:
    return [p.read_bytes() for p in directory.rglob("*") if p.is_file()]


def _texts(blob: bytes) -> list[str]:
    """A file as text, and, when it is a zip (DOCX, XLSX, an archive package), every member's
    text too, down to the last nested one, with XML character references resolved (the XLSX
    writer stores 王 as &#29579;): compressed or escaped bytes hide nothing from the scan."""
    found = [html.unescape(blob.decode("utf-8", errors="replace"))]
    if zipfile.is_zipfile(io.BytesIO(blob)):
        with zipfile.ZipFile(io.BytesIO(blob)) as package:
            for name in package.namelist():
                found.extend(_texts(package.read(name)))
    return found


async def test_no_kept_or_exported_file_holds_the_petitioners_name(
    api: Api, system: Any, tmp_path: Path
) -> None:
    # Given the world, a ready finding resting on the petition, a report drafted from it and the
    # clue (its DOCX in the evidence store), the inspection archived and the ledger compiled
    evidence.install(evidence.local(tmp_path, max_bytes=1024 * 1024))
    team, ids = await _world(system, api)
    root = system[1]

    async def build(session: Any, system: Any) -> str:
        inspection = await session.get(Inspection, team.inspection.id)
        petition = await session.get(Petition, expect_global_id(ids["petition"], "Petition"))
        clue = await session.get(Clue, expect_global_id(ids["clue"], "Clue"))
        finding = await make_finding(session, system, inspection, ready=True, evidence=[petition])
        report = await make_report(session, system, inspection, findings=[finding], clues=[clue])
        version = await session.scalar(
            select(ReportVersion.id).where(ReportVersion.report_id == report.id)
        )
        return global_id("ReportVersion", version)

    version = await arrange(api, build)
    drafted = await api.client.get(f"/reports/{version}", headers=_bearer(api, team.leader))
    assert drafted.status_code == 200
    async with api.app.state.graphql.database.transaction() as later:
        inspection = await later.get(Inspection, team.inspection.id)
        archive = await make_archive(
            later, root, await move_to(later, root, inspection, Stage.FED_BACK)
        )
        await ledger.compile_ledger(later, root, office_id=team.office.id)
    await api.reload_policy()
    packaged = await api.client.get(
        f"/archives/{global_id_of(archive)}", headers=_bearer(api, team.admin)
    )
    listed = await api.client.get(
        f"/ledger/{global_id('Office', team.office.id)}", headers=_bearer(api, team.admin)
    )
    assert (packaged.status_code, listed.status_code) == (200, 200)

    # When every file the store keeps and every file exported is read to its last member
    stored = _stored(tmp_path)
    kept = [t for blob in stored for t in _texts(blob)]
    exported = [t for r in (drafted, packaged, listed) for t in _texts(r.content)]

    # Then the scan is real (the report names the clue's person, in the store and exported;
    # the package holds the report's DOCX) and the petitioner's name is nowhere
    assert len(stored) == 1 and any("王建国" in t for t in kept)
    assert any("王建国" in t for t in _texts(drafted.content))
    names = zipfile.ZipFile(io.BytesIO(packaged.content)).namelist()
    assert any(n.startswith("reports/") and n.endswith(".docx") for n in names), names
    assert any("违规发放津贴补贴" in t for t in _texts(listed.content))
    assert not [t for t in kept + exported if MARKER in t or "13800001111" in t]
