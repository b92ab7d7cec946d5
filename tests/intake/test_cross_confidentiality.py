"""Confidentiality across intake and casework (issue 14, must-show 4): a target-bound account, a
sibling office's admin, a recused team member and a former member after the archive get nothing
for a petition, an interview or a clue, by node, by the inspection's lists or their counts; and
a petitioner's name written once never comes out again: not in any GraphQL response of anyone
but an intake handler, not in a log line, not in a raw dump of any table (sealed column)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from inspectnet.accounts.models import UserAccount
from inspectnet.db import Base
from inspectnet.ids import global_id_of
from inspectnet.inspections.models import Inspection, Stage
from tests.archive.factories import make_archive
from tests.casework.factories import Team, make_clue, make_interview
from tests.conftest import Api
from tests.inspections.factories import move_to
from tests.intake.factories import IntakeTeam, make_intake_team, make_petition

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
