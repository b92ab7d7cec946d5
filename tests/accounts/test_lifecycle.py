"""Closing and reopening an account, and unlinking a single sign-on subject (issue 20: what is
made can be ended), each audited; refused for whoever the door refuses, with nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.accounts import service
from inspectnet.accounts.models import Role, SsoLink, UserAccount
from inspectnet.audit.models import AuditEntry
from inspectnet.ids import global_id
from tests.conftest import Api
from tests.factories import make_office, make_user

DEACTIVATE = """mutation($input: AccountStateInput!) { deactivateAccount(input: $input) {
  account { id active } userErrors { field code } } }"""
REACTIVATE = """mutation($input: AccountStateInput!) { reactivateAccount(input: $input) {
  account { id active } userErrors { field code } } }"""
UNLINK = """mutation($input: UnlinkSsoSubjectInput!) { unlinkSsoSubject(input: $input) {
  account { id } userErrors { field code } } }"""
VIEWER = "{ viewer { username } }"
ISSUER = "https://sso.example.gov.cn"


@pytest.fixture
async def office(api: Api, system: Any) -> dict[str, Any]:
    """An office with two admins and a member; the member's account has an SSO subject."""
    session, root = system
    office = await make_office(session, root)
    admin = await make_user(session, root, office, Role.OFFICE_ADMIN)
    other_admin = await make_user(session, root, office, Role.OFFICE_ADMIN)
    member = await make_user(session, root, office, Role.OFFICE_MEMBER)
    await service.link_sso_subject(
        session, root, user_id=member.id, issuer=ISSUER, subject="sso-member"
    )
    await session.commit()
    await api.reload_policy()
    return {
        "admin": admin.username,
        "admin_id": global_id("UserAccount", admin.id),
        "other_admin": other_admin.username,
        "member": member.username,
        "member_pk": member.id,
        "member_id": global_id("UserAccount", member.id),
    }


async def _active(api: Api, pk: int) -> bool:
    async with api.app.state.graphql.database.session() as session:
        return bool(await session.scalar(select(UserAccount.active).where(UserAccount.id == pk)))


async def _audited(api: Api, action: str, object_id: str) -> int:
    await api.flush_audit()
    async with api.app.state.graphql.database.session() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == action, AuditEntry.object_id == object_id)
            )
            or 0
        )


async def _links(api: Api, pk: int) -> list[str]:
    async with api.app.state.graphql.database.session() as session:
        return list(await session.scalars(select(SsoLink.subject).where(SsoLink.user_id == pk)))


async def test_an_admin_closes_an_account_it_signs_in_no_more_and_reopened_it_does(
    api: Api, office: dict[str, Any]
) -> None:
    gid = {"input": {"userId": office["member_id"]}}
    assert (await api.post(VIEWER, user=office["member"])).status_code == 200

    closed = (await api.gql(DEACTIVATE, gid, user=office["admin"]))["data"]["deactivateAccount"]

    assert closed == {"account": {"id": office["member_id"], "active": False}, "userErrors": []}
    assert await _active(api, office["member_pk"]) is False
    assert (await api.post(VIEWER, user=office["member"])).status_code == 401
    assert await _audited(api, "user_account.deactivate", office["member_id"]) == 1
    again = (await api.gql(DEACTIVATE, gid, user=office["admin"]))["data"]["deactivateAccount"]
    assert again == {
        "account": None,
        "userErrors": [{"field": ["input", "userId"], "code": "ACCOUNT_INACTIVE"}],
    }

    opened = (await api.gql(REACTIVATE, gid, user=office["admin"]))["data"]["reactivateAccount"]

    assert opened == {"account": {"id": office["member_id"], "active": True}, "userErrors": []}
    assert (await api.post(VIEWER, user=office["member"])).status_code == 200
    assert await _audited(api, "user_account.reactivate", office["member_id"]) == 1
    twice = (await api.gql(REACTIVATE, gid, user=office["admin"]))["data"]["reactivateAccount"]
    assert [e["code"] for e in twice["userErrors"]] == ["ACCOUNT_ACTIVE"]


async def test_no_admin_closes_its_own_account_and_a_member_closes_none(
    api: Api, office: dict[str, Any]
) -> None:
    own = await api.gql(DEACTIVATE, {"input": {"userId": office["admin_id"]}}, user=office["admin"])
    assert own["data"]["deactivateAccount"]["userErrors"] == [
        {"field": ["input", "userId"], "code": "OWN_ACCOUNT"}
    ]
    # The member reads no account through the door: the admin's is hidden.
    hidden = await api.gql(
        DEACTIVATE, {"input": {"userId": office["admin_id"]}}, user=office["member"]
    )
    assert [e["code"] for e in hidden["data"]["deactivateAccount"]["userErrors"]] == ["NOT_FOUND"]
    # Nothing changed: both can still sign in, and no closing was recorded.
    assert (await api.post(VIEWER, user=office["admin"])).status_code == 200
    assert (await api.post(VIEWER, user=office["member"])).status_code == 200
    assert await _audited(api, "user_account.deactivate", office["admin_id"]) == 0


async def test_an_admin_unlinks_the_sso_subject_and_a_member_cannot(
    api: Api, office: dict[str, Any]
) -> None:
    unlink = {"input": {"userId": office["member_id"], "subject": "sso-member"}}
    refused = (await api.gql(UNLINK, unlink, user=office["member"]))["data"]["unlinkSsoSubject"]
    assert refused["account"] is None
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]
    assert await _links(api, office["member_pk"]) == ["sso-member"]

    done = (await api.gql(UNLINK, unlink, user=office["other_admin"]))["data"]["unlinkSsoSubject"]

    assert done == {"account": {"id": office["member_id"]}, "userErrors": []}
    assert await _links(api, office["member_pk"]) == []
    assert await _audited(api, "sso_link.delete", office["member_id"]) == 1
    again = (await api.gql(UNLINK, unlink, user=office["admin"]))["data"]["unlinkSsoSubject"]
    assert again["userErrors"] == [
        {"field": ["input", "subject"], "code": "SSO_SUBJECT_NOT_LINKED"}
    ]
