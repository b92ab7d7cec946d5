"""The network's lines: linking, loops refused, one line at a time."""

from __future__ import annotations

from sqlalchemy import func, select

from inspectnet.ids import global_id
from tests.conftest import Api, office_id

LINK = """mutation($input: LinkOfficesInput!) { linkOffices(input: $input) {
  link { kind superior { id } subordinate { id } } userErrors { field code message } } }"""
PROPOSE = """mutation($input: ProposeOfficeLinkInput!) { proposeOfficeLink(input: $input) {
  proposal { id state } userErrors { field code message } } }"""
ACCEPT = """mutation($input: OfficeLinkProposalInput!) { acceptOfficeLink(input: $input) {
  proposal { id state } link { kind } userErrors { field code message } } }"""


async def _count(api: Api, model: type) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _ids(api: Api, *codes: str) -> list[str]:
    return [global_id("Office", await office_id(api.app.state.graphql.database, c)) for c in codes]


async def test_a_link_that_would_close_a_loop_is_refused(api: Api) -> None:
    # The region admin may link its subordinates, but not put a county above the region.
    region, donghe = await _ids(api, "nmg.region", "nmg.baotou.donghe")
    result = await api.gql(
        LINK,
        {"input": {"kind": "LEADERSHIP", "superiorId": donghe, "subordinateId": region}},
        user="region_admin",
    )
    assert result["data"]["linkOffices"]["link"] is None
    assert [e["code"] for e in result["data"]["linkOffices"]["userErrors"]] == ["LINK_CYCLE"]


async def test_linking_offices_one_does_not_lead_is_forbidden(api: Api) -> None:
    chifeng, baotou = await _ids(api, "nmg.chifeng", "nmg.baotou")
    result = await api.gql(
        LINK,
        {"input": {"kind": "GUIDANCE", "superiorId": baotou, "subordinateId": chifeng}},
        user="baotou_admin",
    )
    assert [e["code"] for e in result["data"]["linkOffices"]["userErrors"]] == ["NOT_FOUND"]


async def test_an_admin_cannot_put_its_office_above_its_own_superior(api: Api, system) -> None:  # type: ignore[no-untyped-def]
    from inspectnet.accounts.models import Role
    from inspectnet.network.models import OfficeLink
    from tests.factories import make_office, make_user

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


async def test_an_existing_link_is_a_conflict(api: Api) -> None:
    region, baotou = await _ids(api, "nmg.region", "nmg.baotou")
    result = await api.gql(
        LINK,
        {"input": {"kind": "GUIDANCE", "superiorId": region, "subordinateId": baotou}},
        user="region_admin",
    )
    assert [e["code"] for e in result["data"]["linkOffices"]["userErrors"]] == ["LINK_EXISTS"]


async def test_a_subordinate_office_is_created_under_the_admins_office(api: Api) -> None:
    (baotou,) = await _ids(api, "nmg.baotou")
    query = """mutation($input: CreateOfficeInput!) { createOffice(input: $input) {
      office { code kind ruleset { id } superiors { nodes { code } } } userErrors { code field } } }"""
    made = await api.gql(
        query,
        {
            "input": {
                "superiorId": baotou,
                "code": "nmg.baotou.qingshan",
                "name": "青山区委巡察办",
                "kind": "PATROL_OFFICE",
                "regionCode": "150204",
                "rulesetId": "nmg-2016",
            }
        },
        user="baotou_admin",
    )
    assert made["data"]["createOffice"] == {
        "office": {
            "code": "nmg.baotou.qingshan",
            "kind": "PATROL_OFFICE",
            "ruleset": {"id": "nmg-2016"},
            "superiors": {"nodes": [{"code": "nmg.baotou"}]},
        },
        "userErrors": [],
    }
    unknown = await api.gql(
        query,
        {
            "input": {
                "superiorId": baotou,
                "code": "nmg.baotou.x",
                "name": "x",
                "kind": "PATROL_OFFICE",
                "regionCode": "150204",
                "rulesetId": "gd-2020",
            }
        },
        user="baotou_admin",
    )
    assert unknown["data"]["createOffice"]["userErrors"] == [
        {"code": "RULESET_UNKNOWN", "field": ["input", "rulesetId"]}
    ]
