"""The network's lines: linking, loops refused, one line at a time."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.accounts.models import Role
from inspectnet.ids import global_id
from inspectnet.network.models import OfficeLink
from tests.conftest import Api
from tests.factories import Region, make_office, make_region, make_user

LINK = """mutation($input: LinkOfficesInput!) { linkOffices(input: $input) {
  link { kind superior { id } subordinate { id } } userErrors { field code message } } }"""
PROPOSE = """mutation($input: ProposeOfficeLinkInput!) { proposeOfficeLink(input: $input) {
  proposal { id state } userErrors { field code message } } }"""
ACCEPT = """mutation($input: OfficeLinkProposalInput!) { acceptOfficeLink(input: $input) {
  proposal { id state } link { kind } userErrors { field code message } } }"""


async def _count(api: Api, model: type) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def _id(office: Any) -> str:
    return global_id("Office", office.id)


async def _region(api: Api, system: Any) -> tuple[Region, str, str]:
    """A region (two liaison bodies on both lines, a county under each) with the top's admin
    and the first liaison body's admin, committed and in the policy."""
    session, actor = system
    region = await make_region(session, actor, subordinates=2, counties=1, guided=True)
    top_admin = await make_user(session, actor, region.top, Role.OFFICE_ADMIN)
    admin = await make_user(session, actor, region.subordinates[0], Role.OFFICE_ADMIN)
    await session.commit()
    await api.reload_policy()
    return region, top_admin.username, admin.username


async def test_a_link_that_would_close_a_loop_is_refused(api: Api, system: Any) -> None:
    # The region admin may link its subordinates, but not put a county above the region.
    region, region_admin, _ = await _region(api, system)
    county = region.counties(region.subordinates[0])[0]
    result = await api.gql(
        LINK,
        {
            "input": {
                "kind": "LEADERSHIP",
                "superiorId": _id(county),
                "subordinateId": _id(region.top),
            }
        },
        user=region_admin,
    )
    assert result["data"]["linkOffices"]["link"] is None
    assert [e["code"] for e in result["data"]["linkOffices"]["userErrors"]] == ["LINK_CYCLE"]


async def test_linking_offices_one_does_not_lead_is_forbidden(api: Api, system: Any) -> None:
    region, _, admin = await _region(api, system)
    mine, sibling = region.subordinates
    result = await api.gql(
        LINK,
        {"input": {"kind": "GUIDANCE", "superiorId": _id(mine), "subordinateId": _id(sibling)}},
        user=admin,
    )
    assert [e["code"] for e in result["data"]["linkOffices"]["userErrors"]] == ["NOT_FOUND"]


async def test_an_admin_cannot_put_its_office_above_its_own_superior(api: Api, system: Any) -> None:
    session, actor = system
    top = await make_office(session, actor)
    middle = await make_office(session, actor, superior=top)
    bottom = await make_office(session, actor, superior=middle)
    admin = await make_user(session, actor, bottom, Role.OFFICE_ADMIN)
    top_admin = await make_user(session, actor, top, Role.OFFICE_ADMIN)
    await session.commit()
    await api.reload_policy()
    links_before = await _count(api, OfficeLink)
    # bottom's admin links its own office above `top`: it has no authority over `top`.
    variables = {
        "input": {
            "kind": "LEADERSHIP",
            "superiorId": global_id("Office", bottom.id),
            "subordinateId": global_id("Office", top.id),
        }
    }
    result = await api.gql(LINK, variables, user=admin.username)
    assert [e["code"] for e in result["data"]["linkOffices"]["userErrors"]] == ["FORBIDDEN"]
    # Proposed instead, the loop is refused before `top` is even asked.
    variables["input"]["proposerId"] = global_id("Office", bottom.id)
    result = await api.gql(PROPOSE, variables, user=admin.username)
    assert result["data"]["proposeOfficeLink"]["userErrors"] == [
        {
            "field": ["input", "subordinateId"],
            "code": "LINK_CYCLE",
            "message": "这条联系会在网络中形成环路",
        }
    ]
    # The same pair on the other line is no loop: proposed by bottom, accepted by top.
    variables["input"]["kind"] = "GUIDANCE"
    result = await api.gql(PROPOSE, variables, user=admin.username)
    assert result["data"]["proposeOfficeLink"]["userErrors"] == []
    proposal = result["data"]["proposeOfficeLink"]["proposal"]["id"]
    accepted = await api.gql(ACCEPT, {"input": {"proposalId": proposal}}, user=top_admin.username)
    assert accepted["data"]["acceptOfficeLink"]["userErrors"] == []
    assert await _count(api, OfficeLink) == links_before + 1


async def test_an_existing_link_is_a_conflict(api: Api, system: Any) -> None:
    region, region_admin, _ = await _region(api, system)
    guided = region.subordinates[0]
    result = await api.gql(
        LINK,
        {
            "input": {
                "kind": "GUIDANCE",
                "superiorId": _id(region.top),
                "subordinateId": _id(guided),
            }
        },
        user=region_admin,
    )
    assert [e["code"] for e in result["data"]["linkOffices"]["userErrors"]] == ["LINK_EXISTS"]


async def test_a_subordinate_office_is_created_under_the_admins_office(
    api: Api, system: Any
) -> None:
    region, _, admin = await _region(api, system)
    mine = region.subordinates[0]
    superior = _id(mine)
    query = """mutation($input: CreateOfficeInput!) { createOffice(input: $input) {
      office { code kind ruleset { id } superiors { nodes { code } } } userErrors { code field } } }"""
    made = await api.gql(
        query,
        {
            "input": {
                "superiorId": superior,
                "code": f"{mine.code}.qingshan",
                "name": "青山区委巡察办",
                "kind": "PATROL_OFFICE",
                "regionCode": "150204",
                "rulesetId": "nmg-2016",
            }
        },
        user=admin,
    )
    assert made["data"]["createOffice"] == {
        "office": {
            "code": f"{mine.code}.qingshan",
            "kind": "PATROL_OFFICE",
            "ruleset": {"id": "nmg-2016"},
            "superiors": {"nodes": [{"code": mine.code}]},
        },
        "userErrors": [],
    }
    unknown = await api.gql(
        query,
        {
            "input": {
                "superiorId": superior,
                "code": f"{mine.code}.x",
                "name": "x",
                "kind": "PATROL_OFFICE",
                "regionCode": "150204",
                "rulesetId": "gd-2020",
            }
        },
        user=admin,
    )
    assert unknown["data"]["createOffice"]["userErrors"] == [
        {"code": "RULESET_UNKNOWN", "field": ["input", "rulesetId"]}
    ]
