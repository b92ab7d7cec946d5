"""The superior office audits the auditors: no office appoints, or removes, its own auditor."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.accounts.models import Role, RoleGrant
from inspectnet.audit.models import AuditEntry
from inspectnet.authz.models import PolicyState
from inspectnet.ids import global_id
from tests.conftest import Api, office_id

GRANT = """mutation($input: GrantRoleInput!) { grantRole(input: $input) {
  grant { id role } userErrors { field code } } }"""
REVOKE = """mutation($input: RevokeRoleInput!) { revokeRole(input: $input) {
  revokedGrantId userErrors { code } } }"""
AUDIT_LOG = """query($office: ID!) { auditLog(officeId: $office, last: 100) {
  totalCount nodes { action actorName outcome } } }"""
VIEWER = "{ viewer { account { id } } }"


async def _user_id(api: Api, user: str) -> str:
    return str((await api.gql(VIEWER, user=user))["data"]["viewer"]["account"]["id"])


async def _office(api: Api, code: str) -> str:
    return global_id("Office", await office_id(api.app.state.graphql.database, code))


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
    api: Api,
) -> None:
    before = await _auditor_grants_and_policy_version(api)
    baotou = await _office(api, "nmg.baotou")
    refused = await _grant(api, "baotou_admin", "baotou_admin", baotou, "AUDITOR")
    assert refused == {"grant": None, "userErrors": [{"field": None, "code": "FORBIDDEN"}]}
    assert await _auditor_grants_and_policy_version(api) == before
    # The refusal itself is evidence, in the office's chain, and its superior's auditor reads it.
    await api.app.state.graphql.outbox.flush()
    log = await api.gql(AUDIT_LOG, {"office": baotou}, user="region_auditor")
    assert {"action": "role_grant.create", "actorName": "baotou_admin", "outcome": "DENIED"} in (
        log["data"]["auditLog"]["nodes"]
    )


async def test_an_office_admin_cannot_make_anyone_auditor_of_its_own_office(api: Api) -> None:
    before = await _auditor_grants_and_policy_version(api)
    refused = await _grant(
        api, "baotou_admin", "baotou_member", await _office(api, "nmg.baotou"), "AUDITOR"
    )
    assert refused == {"grant": None, "userErrors": [{"field": None, "code": "FORBIDDEN"}]}
    assert await _auditor_grants_and_policy_version(api) == before


async def test_the_superior_offices_admin_appoints_the_auditor(api: Api) -> None:
    baotou = await _office(api, "nmg.baotou")
    before = await api.gql(AUDIT_LOG, {"office": baotou}, user="baotou_member")
    assert before["data"]["auditLog"]["totalCount"] == 0
    granted = await _grant(api, "region_admin", "baotou_member", baotou, "AUDITOR")
    assert granted["userErrors"] == [] and granted["grant"]["role"] == "AUDITOR"
    log = await api.gql(AUDIT_LOG, {"office": baotou}, user="baotou_member")
    assert log["data"]["auditLog"]["totalCount"] > 0


async def test_an_office_admin_cannot_remove_its_auditor_and_the_superior_can(api: Api) -> None:
    granted = await _grant(
        api, "region_admin", "baotou_member", await _office(api, "nmg.baotou"), "AUDITOR"
    )
    grant_id = granted["grant"]["id"]
    before = await _auditor_grants_and_policy_version(api)
    refused = await api.gql(REVOKE, {"input": {"grantId": grant_id}}, user="baotou_admin")
    assert refused["data"]["revokeRole"] == {
        "revokedGrantId": None,
        "userErrors": [{"code": "FORBIDDEN"}],
    }
    assert await _auditor_grants_and_policy_version(api) == before
    revoked = await api.gql(REVOKE, {"input": {"grantId": grant_id}}, user="region_admin")
    assert revoked["data"]["revokeRole"] == {"revokedGrantId": grant_id, "userErrors": []}


async def test_an_unrelated_office_cannot_appoint_an_auditor(api: Api) -> None:
    refused = await _grant(
        api, "qh_province_admin", "qh_dnr_admin", await _office(api, "nmg.baotou"), "AUDITOR"
    )
    assert refused["grant"] is None
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]


async def test_the_superior_auditor_reads_its_subordinates_audit_entries(api: Api) -> None:
    baotou = await _office(api, "nmg.baotou")
    created = await _grant(api, "baotou_admin", "baotou_member", baotou, "OFFICE_ADMIN")
    assert created["userErrors"] == []
    log = await api.gql(AUDIT_LOG, {"office": baotou}, user="region_auditor")
    assert {"action": "role_grant.create", "actorName": "baotou_admin", "outcome": "SUCCESS"} in (
        log["data"]["auditLog"]["nodes"]
    )
    database = api.app.state.graphql.database
    baotou_pk = await office_id(database, "nmg.baotou")
    async with database.session() as session:
        in_baotou = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.office_id == baotou_pk)
        )
    assert log["data"]["auditLog"]["totalCount"] == in_baotou


async def test_a_subordinates_auditor_does_not_read_its_superiors_log(api: Api) -> None:
    baotou, region = await _office(api, "nmg.baotou"), await _office(api, "nmg.region")
    await _grant(api, "region_admin", "baotou_member", baotou, "AUDITOR")
    assert (await api.gql(AUDIT_LOG, {"office": region}, user="baotou_member"))["data"]["auditLog"][
        "totalCount"
    ] == 0
    chifeng = await _office(api, "nmg.chifeng")
    assert (await api.gql(AUDIT_LOG, {"office": chifeng}, user="baotou_member"))["data"][
        "auditLog"
    ]["totalCount"] == 0
    # 赤峰 is the region's subordinate as well: its auditor reads both.
    region_view = await api.gql(AUDIT_LOG, {"office": chifeng}, user="region_auditor")
    assert region_view["data"]["auditLog"]["totalCount"] > 0


async def test_a_superior_admin_cannot_make_itself_auditor_of_a_subordinate(api: Api) -> None:
    before = await _auditor_grants_and_policy_version(api)
    refused = await _grant(
        api, "region_admin", "region_admin", await _office(api, "nmg.baotou"), "AUDITOR"
    )
    assert refused == {
        "grant": None,
        "userErrors": [{"field": ["input", "userId"], "code": "FORBIDDEN"}],
    }
    assert await _auditor_grants_and_policy_version(api) == before
