"""The platform domain: a platform role is a g row in ``platform``, which no office role reaches."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from inspectnet.accounts.models import Role, RoleGrant
from inspectnet.authz.actor import PLATFORM_DOMAIN, Actor
from inspectnet.authz.models import PlatformGrant
from inspectnet.authz.platform import allowed_on_platform, grant_platform_role
from inspectnet.authz.policy import PolicyLine, build_reference_enforcer
from inspectnet.authz.store import PolicyStore, database_lines
from inspectnet.ids import global_id
from inspectnet.network.models import OfficeKind
from tests.conftest import Api
from tests.factories import make_office, make_user

GRANT = """mutation($input: GrantRoleInput!) { grantRole(input: $input) {
  grant { id } userErrors { field code } } }"""


async def test_a_platform_grant_is_a_g_row_in_the_platform_domain_only(
    system: Any, policy: PolicyStore
) -> None:
    session, actor = system
    qh = await make_office(session, actor, ruleset_id="qh-zrzyt")
    operator = await make_user(session, actor, qh, Role.OFFICE_MEMBER)
    admin = await make_user(session, actor, qh, Role.OFFICE_ADMIN)
    await grant_platform_role(session, actor, user_id=operator.id)
    # A platform role stored as an office grant (bypassing grant_role) must give nothing.
    session.add(RoleGrant(user_id=admin.id, office_id=qh.id, role=Role.PLATFORM_OPERATOR))
    await session.flush()

    lines = await database_lines(session)
    platform_rows = [line for line in lines if line.ptype == "g" and PLATFORM_DOMAIN in line.values]
    assert platform_rows == [
        PolicyLine("g", (f"user:{operator.id}", "platform_operator", PLATFORM_DOMAIN))
    ]
    assert not any(line.values[:2] == (f"user:{admin.id}", "platform_operator") for line in lines)

    snapshot = await policy.reload(session)
    reference = build_reference_enforcer(snapshot.lines)
    for user, expected in ((operator, True), (admin, False)):
        who = Actor(username=user.username, policy=snapshot.compiled, user_id=user.id)
        assert allowed_on_platform(who, "load", "calendar_year", "2027") is expected
        request = (f"user:{user.id}", PLATFORM_DOMAIN, "self", "calendar_year", "2027", "", "load")
        assert reference.enforce(*request) is expected
        # ...and the platform role reaches no office.
        office_request = (
            f"user:{user.id}",
            f"office:{qh.id}",
            "self",
            "calendar_year",
            "2027",
            "",
            "load",
        )
        assert snapshot.compiled.decide(*office_request) is False
        assert reference.enforce(*office_request) is False
    assert await session.scalar(select(PlatformGrant.user_id)) == operator.id


async def test_an_office_admin_cannot_grant_a_platform_role(api: Api, system: Any) -> None:
    session, actor = system
    region = await make_office(session, actor, kind=OfficeKind.REGIONAL_OFFICE)
    admin = (await make_user(session, actor, region)).username
    await session.commit()
    await api.reload_policy()
    viewer = await api.gql("{ viewer { account { id } } }", user=admin)
    result = await api.gql(
        GRANT,
        {
            "input": {
                "userId": viewer["data"]["viewer"]["account"]["id"],
                "officeId": global_id("Office", region.id),
                "role": "PLATFORM_OPERATOR",
            }
        },
        user=admin,
    )
    assert result["data"]["grantRole"] == {
        "grant": None,
        "userErrors": [{"field": ["input", "role"], "code": "NOT_AN_OFFICE_ROLE"}],
    }
    async with api.app.state.graphql.database.session() as session:
        found = await session.scalar(
            select(RoleGrant).where(RoleGrant.role == Role.PLATFORM_OPERATOR)
        )
        assert found is None
