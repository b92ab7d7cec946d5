"""Role grants: the union of two offices' roles, and a revoked grant denied at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.accounts.models import Role, RoleGrant
from inspectnet.ids import global_id
from tests.conftest import Api
from tests.factories import make_region, make_staff, make_user

OFFICES = "{ offices(first: 100) { totalCount nodes { code } } }"


async def test_roles_in_two_offices_give_the_union_and_nothing_more(api: Api, system: Any) -> None:
    session, actor = system
    # a liaison body with four counties, and another province's department office
    region = await make_region(session, actor, subordinates=2, counties=4)
    province = await make_region(session, actor, subordinates=1)
    mine = region.subordinates[0]
    department = province.subordinates[0]
    user = await make_user(
        session, actor, mine, Role.OFFICE_MEMBER, also=[(department, Role.OFFICE_MEMBER)]
    )
    await session.commit()
    await api.reload_policy()
    codes = {
        n["code"] for n in (await api.gql(OFFICES, user=user.username))["data"]["offices"]["nodes"]
    }
    assert codes == {
        region.top.code,
        mine.code,
        *(county.code for county in region.counties(mine)),
        province.top.code,
        department.code,
    }


async def test_a_revoked_grant_stops_working_at_once(api: Api, system: Any) -> None:
    session, actor = system
    region = await make_region(session, actor, subordinates=1, counties=4)
    mine = region.subordinates[0]
    staff = await make_staff(session, actor, mine)
    await session.commit()
    await api.reload_policy()
    grants = await api.gql(
        "query($id: ID!) { office(id: $id) { roleGrants { nodes { id role account { id } } } } }",
        {"id": global_id("Office", mine.id)},
        user=staff.admin,
    )
    member = next(
        g for g in grants["data"]["office"]["roleGrants"]["nodes"] if g["role"] == "OFFICE_MEMBER"
    )
    assert (await api.gql(OFFICES, user=staff.member))["data"]["offices"]["totalCount"] == 6
    revoked = await api.gql(
        "mutation($input: RevokeRoleInput!) { revokeRole(input: $input) { revokedGrantId userErrors { code } } }",
        {"input": {"grantId": member["id"]}},
        user=staff.admin,
    )
    assert revoked["data"]["revokeRole"] == {"revokedGrantId": member["id"], "userErrors": []}
    assert (await api.gql(OFFICES, user=staff.member))["data"]["offices"]["totalCount"] == 0


async def test_a_member_cannot_grant_roles(api: Api, system: Any) -> None:
    session, actor = system
    office = (await make_region(session, actor, subordinates=1)).subordinates[0]
    staff = await make_staff(session, actor, office)
    await session.commit()
    await api.reload_policy()
    viewer = await api.gql("{ viewer { account { id } } }", user=staff.member)
    result = await api.gql(
        "mutation($input: GrantRoleInput!) { grantRole(input: $input) { grant { id } userErrors { code } } }",
        {
            "input": {
                "userId": viewer["data"]["viewer"]["account"]["id"],
                "officeId": global_id("Office", office.id),
                "role": "OFFICE_ADMIN",
            }
        },
        user=staff.member,
    )
    assert result["data"]["grantRole"] == {"grant": None, "userErrors": [{"code": "FORBIDDEN"}]}
    async with api.app.state.graphql.database.session() as session:
        admins = await session.scalar(
            select(func.count())
            .select_from(RoleGrant)
            .where(RoleGrant.office_id == office.id, RoleGrant.role == Role.OFFICE_ADMIN)
        )
    assert admins == 1  # the office's own admin, and nobody else
