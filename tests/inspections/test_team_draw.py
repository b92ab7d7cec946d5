"""A Qinghai round: the team drawn from the pools, the recused left out and kept out.

The DNR inspects three of its subordinate units. One of its officials (office admin, in the
talent pool) worked at one of them until two years ago: the draw leaves them out with ground
"post" and the evidence, assigning them by hand fails with ground and article, and once the
recusal is confirmed they read nothing of that inspection by any path, admin or not.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.accounts.models import Role
from inspectnet.authz.actor import Actor
from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection, Stage, TeamAssignment
from inspectnet.network.models import Office, OfficeKind
from inspectnet.people import changes as person_changes
from inspectnet.people import service as people
from inspectnet.people.models import PoolKind
from inspectnet.targets import service as targets
from tests.conftest import Api
from tests.factories import expertise_fields, make_office, make_user
from tests.inspections.factories import make_inspection
from tests.inspections.test_team_confirmation import confirm_over_graphql, seat_bodies

EXPERTISE = expertise_fields("qh-zrzyt")  # the six fields of qh-zrzyt §9
DRAW = """mutation($input: DrawTeamInput!) { drawTeam(input: $input) {
  draw { size shortfall sizeArticle unfilled { role article reason }
    members { role pool person { id } expertise expertiseRules { id name article } }
    excluded { name reasons person { id } conflicts { ground ruleId article evidence reason } } }
  userErrors { field code message } } }"""
ASSIGN = """mutation($input: AssignTeamRoleInput!) { assignTeamRole(input: $input) {
  assignment { id } userErrors { field code message } } }"""
FORM = """mutation($input: FormTeamInput!) { formTeam(input: $input) {
  inspection { id stage team(first: 20) { totalCount nodes { id } } }
  userErrors { field code message } } }"""
CONFIRM = """mutation($input: ConfirmRecusalInput!) { confirmRecusal(input: $input) {
  conflicts { ground article } userErrors { field code message } } }"""
READ = """query($inspection: ID!, $office: ID!, $target: ID!, $assignment: ID!) {
  inspection: node(id: $inspection) { id }
  assignment: node(id: $assignment) { id }
  target: node(id: $target) { id }
  office: node(id: $office) { ... on Office {
    inspections(first: 50) { totalCount nodes { id team { totalCount } } } } }
}"""


async def _pooled(
    session: Any, system: Actor, office: Office, pool: PoolKind, n: int, **user: Any
) -> Any:
    account = await make_user(session, system, office, **user)
    await people.add_to_pool(
        session, system, person_id=account.person_id, pool=pool, since=date(2024, 1, 1)
    )
    await person_changes.update_person(
        session,
        system,
        person_id=account.person_id,
        changes={"expertise": [EXPERTISE[n % 6], EXPERTISE[(n + 1) % 6]]},
    )
    return account


@pytest.fixture
async def round_(api: Api, system: Any) -> dict[str, Any]:
    """A department's patrol office under qh-zrzyt whose pools hold exactly one leader and
    seven talents (one of whom worked at the first unit), and a clerk admin in no pool."""
    session, root = system
    dnr = await make_office(
        session,
        root,
        kind=OfficeKind.DEPARTMENTAL_PATROL_OFFICE,
        ruleset_id="qh-zrzyt",
        region_code="630000",
    )
    units = [
        await targets.create_target(
            session, root, office_id=dnr.id, name=f"{name}党委", region_code="630000"
        )
        for name in ("青海省第一地质勘查院", "青海省国土整治中心", "青海省测绘院")
    ]
    rounds = [await make_inspection(session, root, unit.id) for unit in units]
    clerk = await make_user(session, root, dnr, Role.OFFICE_ADMIN)
    bodies = await seat_bodies(session, root, dnr)
    leader = await _pooled(session, root, dnr, PoolKind.LEADER, 0, role=Role.OFFICE_MEMBER)
    talent = [
        await _pooled(session, root, dnr, PoolKind.TALENT, n, role=Role.OFFICE_MEMBER)
        for n in range(6)
    ]
    worked = await _pooled(session, root, dnr, PoolKind.TALENT, 2, role=Role.OFFICE_ADMIN)
    await people.add_employment(
        session,
        root,
        person_id=worked.person_id,
        organisation="青海省第一地质勘查院",
        post="副院长",
        started_on=date(2019, 3, 1),
        ended_on=date(2024, 11, 1),
        region_code="630000",
        target_id=units[0].id,
    )
    await session.commit()
    await api.reload_policy()
    return {
        "dnr": dnr.id,
        "units": [u.id for u in units],
        "rounds": [r.id for r in rounds],
        "clerk": clerk,
        "bodies": bodies,
        "leader": leader,
        "talent": talent,
        "worked": worked,
    }


async def _team_size(api: Api, inspection_id: int) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(TeamAssignment)
                .where(TeamAssignment.inspection_id == inspection_id)
            )
            or 0
        )


async def test_the_draw_leaves_out_the_member_who_worked_at_the_unit_and_keeps_them_out(
    api: Api, round_: dict[str, Any]
) -> None:
    first = global_id("Inspection", round_["rounds"][0])
    worked = round_["worked"]

    # The draw: the leader from the leader pool, a deputy and 5 members from the talent pool
    # (qh-zrzyt §9 names leader, deputy and staff), the official who worked there left out
    drawn = await api.gql(
        DRAW, {"input": {"inspectionId": first, "size": 7}}, user=round_["clerk"].username
    )
    draw = drawn["data"]["drawTeam"]["draw"]
    assert drawn["data"]["drawTeam"]["userErrors"] == []
    assert (draw["size"], draw["shortfall"], draw["sizeArticle"]) == (7, 0, "qh-zrzyt §9")
    assert [m["role"] for m in draw["members"]] == ["LEADER", "DEPUTY"] + ["MEMBER"] * 5
    assert [m["pool"] for m in draw["members"]] == ["LEADER"] + ["TALENT"] * 6
    assert draw["unfilled"] == []
    # Each member's fields are rules of qh-zrzyt §9, named as the ruleset names them.
    names = dict(
        zip(
            EXPERTISE,
            ["基层党建", "纪检监察", "组织人事", "财务审计", "自然资源管理", "相关政策法规"],
            strict=True,
        )
    )
    for member in draw["members"]:
        assert len(member["expertise"]) == 2
        assert member["expertiseRules"] == [
            {"id": f, "name": names[f], "article": "qh-zrzyt §9"}
            for f in EXPERTISE
            if f in member["expertise"]
        ]
    in_team = {m["person"]["id"] for m in draw["members"]}
    assert global_id("Person", worked.person_id) not in in_team
    assert draw["excluded"] == [
        {
            "name": draw["excluded"][0]["name"],
            "reasons": [
                "任职回避（qh-zrzyt §27）：2019-03-01至2024-11-01在青海省第一地质勘查院任职"
            ],
            "person": {"id": global_id("Person", worked.person_id)},
            "conflicts": [
                {
                    "ground": "POST",
                    "ruleId": "recusal.post",
                    "article": "qh-zrzyt §27",
                    "evidence": "2019-03-01至2024-11-01在青海省第一地质勘查院任职",
                    "reason": "任职回避（qh-zrzyt §27）：2019-03-01至2024-11-01在青海省第一地质勘查院任职",
                }
            ],
        }
    ]

    # Sizes outside qh-zrzyt §9's 6–10 are refused with the article
    for size in (5, 11):
        refused = await api.gql(
            DRAW, {"input": {"inspectionId": first, "size": size}}, user=round_["clerk"].username
        )
        errors = refused["data"]["drawTeam"]["userErrors"]
        assert [(e["field"], e["code"]) for e in errors] == [
            (["input", "size"], "TEAM_SIZE_OUT_OF_RANGE")
        ]
        assert "6～10人" in errors[0]["message"] and "qh-zrzyt §9" in errors[0]["message"]

    # Added by hand, the assignment fails with ground and article; nothing is written
    by_hand = await api.gql(
        ASSIGN,
        {
            "input": {
                "inspectionId": first,
                "userId": global_id("UserAccount", worked.id),
                "role": "MEMBER",
            }
        },
        user=round_["clerk"].username,
    )
    errors = by_hand["data"]["assignTeamRole"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["input", "userId"], "RECUSAL_CONFLICT")]
    assert "任职回避（qh-zrzyt §27）" in errors[0]["message"]
    assert await _team_size(api, round_["rounds"][0]) == 0

    # A team of seven that includes them is refused whole
    team = [round_["leader"], *round_["talent"]]
    members = [
        {"userId": global_id("UserAccount", a.id), "role": "LEADER" if a is team[0] else "MEMBER"}
        for a in team
    ]
    with_worked = [*members[:6], {"userId": global_id("UserAccount", worked.id), "role": "MEMBER"}]
    refused = await api.gql(
        FORM,
        {"input": {"inspectionId": first, "members": with_worked}},
        user=round_["clerk"].username,
    )
    assert [e["code"] for e in refused["data"]["formTeam"]["userErrors"]] == ["RECUSAL_CONFLICT"]
    assert await _team_size(api, round_["rounds"][0]) == 0

    # The office confirms the recusal: the door's deny is recorded for the target
    confirmed = await api.gql(
        CONFIRM,
        {"input": {"inspectionId": first, "personId": global_id("Person", worked.person_id)}},
        user=round_["clerk"].username,
    )
    assert confirmed["data"]["confirmRecusal"] == {
        "conflicts": [{"ground": "POST", "article": "qh-zrzyt §27"}],
        "userErrors": [],
    }
    await api.reload_policy()

    # 巡察办 proposes the drawn team; it stays planned until the bodies confirm it
    formed = await api.gql(
        FORM, {"input": {"inspectionId": first, "members": members}}, user=round_["clerk"].username
    )
    assert formed["data"]["formTeam"]["userErrors"] == []
    assert formed["data"]["formTeam"]["inspection"]["stage"] == "PLANNED"
    assert formed["data"]["formTeam"]["inspection"]["team"]["totalCount"] == 7
    await confirm_over_graphql(api, first, round_["bodies"], round_["clerk"].username)
    await api.reload_policy()

    # The recused official, office admin of the DNR, reads nothing of that inspection
    ids = {
        "inspection": first,
        "office": global_id("Office", round_["dnr"]),
        "target": global_id("Target", round_["units"][0]),
        "assignment": formed["data"]["formTeam"]["inspection"]["team"]["nodes"][0]["id"],
    }
    seen = (await api.gql(READ, ids, user=worked.username))["data"]
    assert seen["inspection"] is None and seen["target"] is None and seen["assignment"] is None
    listed = seen["office"]["inspections"]
    listed_ids = {n["id"] for n in listed["nodes"]}
    assert listed_ids == {global_id("Inspection", pk) for pk in round_["rounds"][1:]}
    assert listed["totalCount"] == 2
    # The clerk, another admin, sees all three of the office's inspections.
    clerk = (await api.gql(READ, ids, user=round_["clerk"].username))["data"]
    assert clerk["inspection"] == {"id": first}
    assert clerk["assignment"] == {"id": ids["assignment"]}
    assert clerk["office"]["inspections"]["totalCount"] == 3
    async with api.app.state.graphql.database.session() as session:
        stored = await session.get(Inspection, round_["rounds"][0])
        assert stored is not None and stored.stage is Stage.TEAM_FORMED
