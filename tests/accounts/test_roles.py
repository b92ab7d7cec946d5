"""Role grants: the union of two offices' roles, and a revoked grant denied at once."""

from __future__ import annotations

from inspectnet.accounts.models import Role
from inspectnet.ids import global_id
from tests.conftest import Api, office_id
from tests.factories import make_user

OFFICES = "{ offices(first: 100) { totalCount nodes { code } } }"


async def test_roles_in_two_offices_give_the_union_and_nothing_more(api: Api, system) -> None:  # type: ignore[no-untyped-def]
    session, actor = system
    from inspectnet.accounts import service
    from inspectnet.network.models import Office

    baotou = await session.get(
        Office, await office_id(api.app.state.graphql.database, "nmg.baotou")
    )
    qh_dnr = await office_id(api.app.state.graphql.database, "qh.dnr")
    user = await make_user(session, actor, baotou, Role.OFFICE_MEMBER)
    await service.grant_role(
        session, actor, user_id=user.id, office_id=qh_dnr, role=Role.OFFICE_MEMBER
    )
    await session.commit()
    await api.reload_policy()
    codes = {
        n["code"] for n in (await api.gql(OFFICES, user=user.username))["data"]["offices"]["nodes"]
    }
    assert codes == {
        "nmg.region",
        "nmg.baotou",
        "nmg.baotou.donghe",
        "nmg.baotou.kundulun",
        "nmg.baotou.tumedyouqi",
        "nmg.baotou.guyang",
        "qh.province",
        "qh.dnr",
    }


async def test_a_revoked_grant_stops_working_at_once(api: Api) -> None:
    baotou = await office_id(api.app.state.graphql.database, "nmg.baotou")
    grants = await api.gql(
        "query($id: ID!) { office(id: $id) { roleGrants { nodes { id role account { id } } } } }",
        {"id": global_id("Office", baotou)},
        user="baotou_admin",
    )
    member = next(
        g for g in grants["data"]["office"]["roleGrants"]["nodes"] if g["role"] == "OFFICE_MEMBER"
    )
    assert (await api.gql(OFFICES, user="baotou_member"))["data"]["offices"]["totalCount"] == 6
    revoked = await api.gql(
        "mutation($input: RevokeRoleInput!) { revokeRole(input: $input) { revokedGrantId userErrors { code } } }",
        {"input": {"grantId": member["id"]}},
        user="baotou_admin",
    )
    assert revoked["data"]["revokeRole"] == {"revokedGrantId": member["id"], "userErrors": []}
    assert (await api.gql(OFFICES, user="baotou_member"))["data"]["offices"]["totalCount"] == 0


async def test_a_member_cannot_grant_roles(api: Api) -> None:
    baotou = await office_id(api.app.state.graphql.database, "nmg.baotou")
    viewer = await api.gql("{ viewer { account { id } } }", user="baotou_member")
    result = await api.gql(
        "mutation($input: GrantRoleInput!) { grantRole(input: $input) { grant { id } userErrors { code } } }",
        {
            "input": {
                "userId": viewer["data"]["viewer"]["account"]["id"],
                "officeId": global_id("Office", baotou),
                "role": "OFFICE_ADMIN",
            }
        },
        user="baotou_member",
    )
    assert result["data"]["grantRole"] == {"grant": None, "userErrors": [{"code": "FORBIDDEN"}]}
