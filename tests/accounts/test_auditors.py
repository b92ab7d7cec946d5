"""The superior office audits the auditors: no office appoints, or removes, its own auditor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.accounts.models import Role, RoleGrant
from inspectnet.audit.models import AuditEntry
from inspectnet.authz.models import PolicyState
from inspectnet.ids import global_id
from inspectnet.network.models import Office
from tests.conftest import Api
from tests.factories import make_region, make_staff, make_user

GRANT = """mutation($input: GrantRoleInput!) { grantRole(input: $input) {
  grant { id role } userErrors { field code } } }"""
REVOKE = """mutation($input: RevokeRoleInput!) { revokeRole(input: $input) {
  revokedGrantId userErrors { code } } }"""
AUDIT_LOG = """query($office: ID!) { auditLog(officeId: $office, last: 100) {
  totalCount nodes { action actorName outcome } } }"""
VIEWER = "{ viewer { account { id } } }"


async def _user_id(api: Api, user: str) -> str:
    return str((await api.gql(VIEWER, user=user))["data"]["viewer"]["account"]["id"])


@dataclass(frozen=True)
class Net:
    """A region: its top office (an admin, an auditor), ``mine`` (an admin, a member) and a
    sibling; and another province's top office and an office under it, each with an admin."""

    top: Office
    mine: Office
    sibling: Office
    top_admin: str
    top_auditor: str
    admin: str
    member: str
    other_top_admin: str
    other_admin: str


@pytest.fixture
async def net(api: Api, system: Any) -> Net:
    session, actor = system
    region = await make_region(session, actor, subordinates=2)
    other = await make_region(session, actor, subordinates=1)
    mine, sibling = region.subordinates
    staff = await make_staff(session, actor, mine)
    users = [
        (await make_user(session, actor, office, role)).username
        for office, role in (
            (region.top, Role.OFFICE_ADMIN),
            (region.top, Role.AUDITOR),
            (other.top, Role.OFFICE_ADMIN),
            (other.subordinates[0], Role.OFFICE_ADMIN),
        )
    ]
    await session.commit()
    await api.reload_policy()
    top_admin, top_auditor, other_top_admin, other_admin = users
    return Net(
        region.top,
        mine,
        sibling,
        top_admin,
        top_auditor,
        staff.admin,
        staff.member,
        other_top_admin,
        other_admin,
    )


def _office(office: Office) -> str:
    return global_id("Office", office.id)


async def _grant(api: Api, as_user: str, user: str, office: str, role: str) -> dict[str, Any]:
    variables = {"input": {"userId": await _user_id(api, user), "officeId": office, "role": role}}
    result = await api.gql(GRANT, variables, user=as_user)
    return result["data"]["grantRole"]  # type: ignore[no-any-return]


async def _auditor_grants_and_policy_version(api: Api) -> tuple[int, int]:
    async with api.app.state.graphql.database.session() as session:
        grants = await session.scalar(
            select(func.count()).select_from(RoleGrant).where(RoleGrant.role == Role.AUDITOR)
        )
        version = await session.scalar(select(PolicyState.version).where(PolicyState.id == 1))
    return int(grants or 0), int(version or 0)


async def test_an_office_admin_cannot_make_itself_auditor_and_nothing_is_written(
    api: Api, net: Net
) -> None:
    before = await _auditor_grants_and_policy_version(api)
    mine = _office(net.mine)
    refused = await _grant(api, net.admin, net.admin, mine, "AUDITOR")
    assert refused == {"grant": None, "userErrors": [{"field": None, "code": "FORBIDDEN"}]}
    assert await _auditor_grants_and_policy_version(api) == before
    # The refusal itself is evidence, in the office's chain, and its superior's auditor reads it.
    await api.app.state.graphql.outbox.flush()
    log = await api.gql(AUDIT_LOG, {"office": mine}, user=net.top_auditor)
    assert {"action": "role_grant.create", "actorName": net.admin, "outcome": "DENIED"} in (
        log["data"]["auditLog"]["nodes"]
    )


async def test_an_office_admin_cannot_make_anyone_auditor_of_its_own_office(
    api: Api, net: Net
) -> None:
    before = await _auditor_grants_and_policy_version(api)
    refused = await _grant(api, net.admin, net.member, _office(net.mine), "AUDITOR")
    assert refused == {"grant": None, "userErrors": [{"field": None, "code": "FORBIDDEN"}]}
    assert await _auditor_grants_and_policy_version(api) == before


async def test_the_superior_offices_admin_appoints_the_auditor(api: Api, net: Net) -> None:
    mine = _office(net.mine)
    before = await api.gql(AUDIT_LOG, {"office": mine}, user=net.member)
    assert before["data"]["auditLog"]["totalCount"] == 0
    granted = await _grant(api, net.top_admin, net.member, mine, "AUDITOR")
    assert granted["userErrors"] == [] and granted["grant"]["role"] == "AUDITOR"
    log = await api.gql(AUDIT_LOG, {"office": mine}, user=net.member)
    assert log["data"]["auditLog"]["totalCount"] > 0


async def test_an_office_admin_cannot_remove_its_auditor_and_the_superior_can(
    api: Api, net: Net
) -> None:
    granted = await _grant(api, net.top_admin, net.member, _office(net.mine), "AUDITOR")
    grant_id = granted["grant"]["id"]
    before = await _auditor_grants_and_policy_version(api)
    refused = await api.gql(REVOKE, {"input": {"grantId": grant_id}}, user=net.admin)
    assert refused["data"]["revokeRole"] == {
        "revokedGrantId": None,
        "userErrors": [{"code": "FORBIDDEN"}],
    }
    assert await _auditor_grants_and_policy_version(api) == before
    revoked = await api.gql(REVOKE, {"input": {"grantId": grant_id}}, user=net.top_admin)
    assert revoked["data"]["revokeRole"] == {"revokedGrantId": grant_id, "userErrors": []}


async def test_an_unrelated_office_cannot_appoint_an_auditor(api: Api, net: Net) -> None:
    refused = await _grant(api, net.other_top_admin, net.other_admin, _office(net.mine), "AUDITOR")
    assert refused["grant"] is None
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]


async def test_the_superior_auditor_reads_its_subordinates_audit_entries(
    api: Api, net: Net
) -> None:
    mine = _office(net.mine)
    created = await _grant(api, net.admin, net.member, mine, "OFFICE_ADMIN")
    assert created["userErrors"] == []
    log = await api.gql(AUDIT_LOG, {"office": mine}, user=net.top_auditor)
    assert {"action": "role_grant.create", "actorName": net.admin, "outcome": "SUCCESS"} in (
        log["data"]["auditLog"]["nodes"]
    )
    database = api.app.state.graphql.database
    mine_pk = net.mine.id
    async with database.session() as session:
        in_mine = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.office_id == mine_pk)
        )
    assert log["data"]["auditLog"]["totalCount"] == in_mine


async def test_a_subordinates_auditor_does_not_read_its_superiors_log(api: Api, net: Net) -> None:
    mine, region = _office(net.mine), _office(net.top)
    await _grant(api, net.top_admin, net.member, mine, "AUDITOR")
    assert (await api.gql(AUDIT_LOG, {"office": region}, user=net.member))["data"]["auditLog"][
        "totalCount"
    ] == 0
    sibling = _office(net.sibling)
    assert (await api.gql(AUDIT_LOG, {"office": sibling}, user=net.member))["data"]["auditLog"][
        "totalCount"
    ] == 0
    # The sibling is the region's subordinate as well: its auditor reads both.
    region_view = await api.gql(AUDIT_LOG, {"office": sibling}, user=net.top_auditor)
    assert region_view["data"]["auditLog"]["totalCount"] > 0


async def test_a_superior_admin_cannot_make_itself_auditor_of_a_subordinate(
    api: Api, net: Net
) -> None:
    before = await _auditor_grants_and_policy_version(api)
    refused = await _grant(api, net.top_admin, net.top_admin, _office(net.mine), "AUDITOR")
    assert refused == {
        "grant": None,
        "userErrors": [{"field": ["input", "userId"], "code": "FORBIDDEN"}],
    }
    assert await _auditor_grants_and_policy_version(api) == before
