"""一次一任命、一次一授权: 巡察办 proposes the team and its leader (qh-zrzyt §8(2)), the leading
group confirms the composition (qh-zrzyt §6(3)) and the party group authorises the leader
(qh-zrzyt §9); only then may the inspection enter ``team formed``. Anyone off the named body is
refused, nothing is written, and a team changed after its confirmation must be confirmed again.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet import clock
from inspectnet.accounts.models import Role
from inspectnet.authz.recusals import record_recusal
from inspectnet.bodies.models import BodyKind
from inspectnet.errors import RuleViolation
from inspectnet.ids import global_id
from inspectnet.inspections import stages
from inspectnet.inspections.models import Inspection, Stage, TeamConfirmation, TeamRole
from inspectnet.network.models import Office
from tests.conftest import Api
from tests.factories import make_body, make_office, make_target, make_user
from tests.inspections.factories import confirm_team, make_assignment, make_inspection

CONFIRM = """mutation($input: ConfirmTeamInput!) { confirmTeam(input: $input) {
  confirmation { matter decidedBy ruleId article decidedOn teamSize }
  userErrors { field code message } } }"""
ADVANCE = """mutation($input: AdvanceInspectionInput!) { advanceInspection(input: $input) {
  inspection { stage } userErrors { field code message } } }"""


async def seat_bodies(session: Any, root: Any, office: Office) -> dict[str, str]:
    """The office's leading group and party group, one member each: their usernames."""
    group = await make_body(session, root, office, BodyKind.LEADING_GROUP)
    party = await make_body(session, root, office, BodyKind.PARTY_GROUP)
    return {"group": group.members[0].username, "party": party.members[0].username}


def _confirm(inspection: str, matter: str) -> dict[str, Any]:
    today = clock.today_in_china().isoformat()
    return {"input": {"inspectionId": inspection, "matter": matter, "decidedOn": today}}


async def confirm_over_graphql(
    api: Api, inspection: str, bodies: dict[str, str], clerk: str
) -> None:
    """Each named body confirms the proposed team; the clerk then forms it."""
    for matter, member in (("TEAM_COMPOSITION", "group"), ("TEAM_LEADER", "party")):
        done = await api.gql(CONFIRM, _confirm(inspection, matter), user=bodies[member])
        assert done["data"]["confirmTeam"]["userErrors"] == []
    moved = await api.gql(
        ADVANCE, {"input": {"inspectionId": inspection, "stage": "TEAM_FORMED"}}, user=clerk
    )
    assert moved["data"]["advanceInspection"] == {
        "inspection": {"stage": "TEAM_FORMED"},
        "userErrors": [],
    }


async def _confirmations(api: Api, inspection_id: int) -> int:
    async with api.app.state.graphql.database.session() as session:
        statement = select(func.count()).select_from(TeamConfirmation)
        return int(
            await session.scalar(statement.where(TeamConfirmation.inspection_id == inspection_id))
            or 0
        )


async def test_only_the_named_bodies_confirm_and_the_team_waits_for_both(
    api: Api, system: Any
) -> None:
    session, root = system
    office = await make_office(session, root, ruleset_id="qh-zrzyt")
    inspection = await make_inspection(session, root, (await make_target(session, root, office)).id)
    clerk = await make_user(session, root, office, Role.OFFICE_ADMIN)
    bodies = await seat_bodies(session, root, office)
    leader = await make_user(session, root, office, Role.OFFICE_MEMBER)
    member = await make_user(session, root, office, Role.OFFICE_MEMBER)
    await make_assignment(session, root, inspection, leader.id, TeamRole.LEADER)
    await session.commit()
    await api.reload_policy()
    gid = global_id("Inspection", inspection.id)

    # Not confirmed: advancing is refused with the composition's article, nothing written
    moved = await api.gql(
        ADVANCE, {"input": {"inspectionId": gid, "stage": "TEAM_FORMED"}}, user=clerk.username
    )
    errors = moved["data"]["advanceInspection"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "stage"], "TEAM_NOT_CONFIRMED")]
    assert "qh-zrzyt §6(3)" in errors[0]["message"] and "领导小组" in errors[0]["message"]

    # The office admin off the body, and the party group for the composition, are refused
    for user, matter in (
        (clerk.username, "TEAM_COMPOSITION"),
        (clerk.username, "TEAM_LEADER"),
        (bodies["party"], "TEAM_COMPOSITION"),
        (bodies["group"], "TEAM_LEADER"),
    ):
        refused = await api.gql(CONFIRM, _confirm(gid, matter), user=user)
        assert refused["data"]["confirmTeam"]["confirmation"] is None
        assert [e["code"] for e in refused["data"]["confirmTeam"]["userErrors"]] == ["FORBIDDEN"]
    assert await _confirmations(api, inspection.id) == 0

    # The leading group confirms the composition (qh-zrzyt §6(3))
    done = await api.gql(CONFIRM, _confirm(gid, "TEAM_COMPOSITION"), user=bodies["group"])
    assert done["data"]["confirmTeam"] == {
        "confirmation": {
            "matter": "TEAM_COMPOSITION",
            "decidedBy": "LEADING_GROUP",
            "ruleId": "approval.team_composition",
            "article": "qh-zrzyt §6(3)",
            "decidedOn": clock.today_in_china().isoformat(),
            "teamSize": 1,
        },
        "userErrors": [],
    }
    # ... the leader is not yet authorised by the party group (qh-zrzyt §9)
    moved = await api.gql(
        ADVANCE, {"input": {"inspectionId": gid, "stage": "TEAM_FORMED"}}, user=clerk.username
    )
    errors = moved["data"]["advanceInspection"]["userErrors"]
    assert [e["code"] for e in errors] == ["TEAM_NOT_CONFIRMED"]
    assert "qh-zrzyt §9" in errors[0]["message"] and "确定并授权组长" in errors[0]["message"]
    done = await api.gql(CONFIRM, _confirm(gid, "TEAM_LEADER"), user=bodies["party"])
    assert done["data"]["confirmTeam"]["confirmation"]["article"] == "qh-zrzyt §9"

    # A member added after the confirmations: the team must be confirmed again
    async with api.app.state.graphql.database.transaction(write=True) as later:
        stored = await later.get(Inspection, inspection.id)
        assert stored is not None
        await make_assignment(later, root, stored, member.id, TeamRole.MEMBER)
    moved = await api.gql(
        ADVANCE, {"input": {"inspectionId": gid, "stage": "TEAM_FORMED"}}, user=clerk.username
    )
    assert [e["code"] for e in moved["data"]["advanceInspection"]["userErrors"]] == ["TEAM_CHANGED"]

    await confirm_over_graphql(api, gid, bodies, clerk.username)
    assert await _confirmations(api, inspection.id) == 4
    # Once formed, confirming again is refused
    late = await api.gql(CONFIRM, _confirm(gid, "TEAM_LEADER"), user=bodies["party"])
    assert [e["code"] for e in late["data"]["confirmTeam"]["userErrors"]] == ["TEAM_ALREADY_FORMED"]
    assert await _confirmations(api, inspection.id) == 4


async def test_a_team_without_one_proposed_leader_cannot_be_confirmed(
    api: Api, system: Any
) -> None:
    session, root = system
    office = await make_office(session, root, ruleset_id="qh-zrzyt")
    inspection = await make_inspection(session, root, (await make_target(session, root, office)).id)
    bodies = await seat_bodies(session, root, office)
    await session.commit()
    await api.reload_policy()
    gid = global_id("Inspection", inspection.id)

    refused = await api.gql(CONFIRM, _confirm(gid, "TEAM_LEADER"), user=bodies["party"])
    errors = refused["data"]["confirmTeam"]["userErrors"]
    assert [e["code"] for e in errors] == ["TEAM_LEADER_COUNT"]
    assert "qh-zrzyt §9" in errors[0]["message"]
    # A matter that is not the team's is refused as input
    other = await api.gql(CONFIRM, _confirm(gid, "OTHER_SITE_METHOD"), user=bodies["group"])
    assert [(e["field"], e["code"]) for e in other["data"]["confirmTeam"]["userErrors"]] == [
        (["input", "matter"], "INVALID_CODE")
    ]
    assert await _confirmations(api, inspection.id) == 0


async def test_under_nmg_the_region_committee_names_the_leader(api: Api, system: Any) -> None:
    """nmg-2016 §9: 自治区党委…从巡视组组长库中确定巡视组组长、副组长 — the party committee."""
    session, root = system
    office = await make_office(session, root)
    inspection = await make_inspection(session, root, (await make_target(session, root, office)).id)
    group = await make_body(session, root, office, BodyKind.LEADING_GROUP)
    committee = await make_body(session, root, office, BodyKind.PARTY_COMMITTEE)
    leader = await make_user(session, root, office, Role.OFFICE_MEMBER)
    await make_assignment(session, root, inspection, leader.id, TeamRole.LEADER)
    await session.commit()
    await api.reload_policy()
    gid = global_id("Inspection", inspection.id)

    refused = await api.gql(CONFIRM, _confirm(gid, "TEAM_LEADER"), user=group.members[0].username)
    assert [e["code"] for e in refused["data"]["confirmTeam"]["userErrors"]] == ["FORBIDDEN"]
    assert await _confirmations(api, inspection.id) == 0
    done = await api.gql(CONFIRM, _confirm(gid, "TEAM_LEADER"), user=committee.members[0].username)
    confirmed = done["data"]["confirmTeam"]["confirmation"]
    assert (confirmed["decidedBy"], confirmed["article"]) == ("PARTY_COMMITTEE", "nmg-2016 §9")


async def test_no_one_recused_is_ever_on_a_team_formed(system: Any) -> None:
    """A recusal recorded after the assignment and its confirmation still bars the team."""
    session, root = system
    office = await make_office(session, root)
    target = await make_target(session, root, office)
    inspection = await make_inspection(session, root, target.id)
    leader = await make_user(session, root, office, Role.OFFICE_MEMBER)
    await make_assignment(session, root, inspection, leader.id, TeamRole.LEADER)
    await confirm_team(session, root, inspection)
    await record_recusal(
        session, root, person_id=leader.person_id, target_id=target.id, reason="本人申报回避"
    )

    with pytest.raises(RuleViolation) as refused:
        await stages.advance_inspection(
            session, root, inspection_id=inspection.id, stage=Stage.TEAM_FORMED
        )
    assert (refused.value.code, refused.value.article) == ("RECUSED", "nmg-2016 §12")
    await session.refresh(inspection)
    assert inspection.stage is Stage.PLANNED
    with pytest.raises(RuleViolation):
        await confirm_team(session, root, inspection)
