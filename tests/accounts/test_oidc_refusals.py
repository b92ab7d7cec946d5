"""Every refused OpenID Connect callback is audited, in the office concerned when the SSO's
subject names an account, and changes nothing else: no sign-in, no cookie, no token."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import func, select, text

from inspectnet.accounts.models import RefreshToken, SsoLink
from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.db import Database
from inspectnet.http.auth import REFRESH_COOKIE, STATE_COOKIE
from tests.accounts.identity_provider import IdentityProvider, link_subject
from tests.accounts.signing import Signers, audit_actions
from tests.conftest import Api

SUBJECT = "employee-4711"


async def _entries(db: Database, office_code: str | None) -> list[AuditEntry]:
    """The audit entries of an office's chain (None: the platform's), oldest first."""
    async with db.session() as session:
        office = None
        if office_code is not None:
            office = (
                await session.execute(
                    text("SELECT id FROM offices WHERE code = :c"), {"c": office_code}
                )
            ).scalar_one()
        where = AuditEntry.office_id.is_(None) if office is None else AuditEntry.office_id == office
        return list(await session.scalars(select(AuditEntry).where(where).order_by(AuditEntry.id)))


async def _state(db: Database) -> tuple[int, int]:
    async with db.session() as session:
        tokens = await session.scalar(select(func.count()).select_from(RefreshToken))
        links = await session.scalar(select(func.count()).select_from(SsoLink))
    return int(tokens or 0), int(links or 0)


async def _start(sso: httpx.AsyncClient) -> tuple[str, str]:
    location = (await sso.get("/auth/oidc/start")).headers["location"]
    return location, parse_qs(urlsplit(location).query)["state"][0]


async def _refused(sso: httpx.AsyncClient, params: dict[str, str]) -> None:
    back = await sso.get("/auth/oidc/callback", params=params)
    assert back.status_code == 401
    assert back.json()["errors"][0]["extensions"]["code"] == "SSO_SIGN_IN_REFUSED"
    assert sso.cookies.get(REFRESH_COOKIE) is None


def _only_new(before: list[AuditEntry], after: list[AuditEntry]) -> AuditEntry:
    assert len(after) == len(before) + 1, [e.action for e in after[len(before) :]]
    entry = after[-1]
    assert (entry.action, entry.outcome) == ("sign_in.refused", Outcome.DENIED)
    return entry


@pytest.mark.parametrize("tamper", ["query", "missing", "unknown"])
async def test_a_wrong_state_is_audited_on_the_platform_chain(
    api: Api,
    db: Database,
    idp: IdentityProvider,
    sso: httpx.AsyncClient,
    tamper: str,
    signers: Signers,
) -> None:
    # given a linked subject and a flow under way
    await link_subject(api, db, signers, SUBJECT)
    location, state = await _start(sso)
    code = idp.authorize(location, SUBJECT)
    params = {"code": code, "state": state}
    if tamper == "query":
        params["state"] = state[:-2] + ("AA" if not state.endswith("AA") else "BB")
    elif tamper == "missing":
        del params["state"]
    else:  # a state this platform never issued, in both the query and the cookie
        params["state"] = "u" * 43
        sso.cookies.set(STATE_COOKIE, params["state"], domain="testserver.local")
    platform, office = await _entries(db, None), await audit_actions(db, signers.office)
    state_before = await _state(db)
    # when the callback comes back with a state that does not match
    await _refused(sso, params)
    # then it is audited where no office is named, and nothing else changed
    entry = _only_new(platform, await _entries(db, None))
    assert entry.detail["reason"] == "state" and entry.detail["method"] == "oidc"
    assert entry.detail["address"] == "203.0.113.9" and entry.actor_user_id is None
    assert await audit_actions(db, signers.office) == office
    assert await _state(db) == state_before


async def test_a_wrong_nonce_is_audited_in_the_office_of_the_linked_account(
    api: Api, db: Database, idp: IdentityProvider, sso: httpx.AsyncClient, signers: Signers
) -> None:
    await link_subject(api, db, signers, SUBJECT)
    location, state = await _start(sso)
    code = idp.authorize(location, SUBJECT)
    idp.extra_claims = {"nonce": "not-the-nonce-of-this-flow"}  # an ID token from another flow
    before, platform = await _entries(db, signers.office), await _entries(db, None)
    state_before = await _state(db)
    await _refused(sso, {"code": code, "state": state})
    entry = _only_new(before, await _entries(db, signers.office))
    assert entry.detail["reason"] == "nonce" and entry.detail["subject"] == SUBJECT
    assert entry.actor_name == signers.name(signers.member)
    assert await _entries(db, None) == platform
    assert await _state(db) == state_before


async def test_a_replayed_code_is_audited_and_signs_no_one_in(
    api: Api, db: Database, idp: IdentityProvider, sso: httpx.AsyncClient, signers: Signers
) -> None:
    # given a code already exchanged by a completed sign-in
    await link_subject(api, db, signers, SUBJECT)
    location, state = await _start(sso)
    code = idp.authorize(location, SUBJECT)
    assert (await sso.get("/auth/oidc/callback", params={"code": code, "state": state})).is_redirect
    sso.cookies.delete(REFRESH_COOKIE)
    signed_in = await _state(db)
    # when it is presented again with a fresh flow's state
    _, fresh = await _start(sso)
    platform = await _entries(db, None)
    await _refused(sso, {"code": code, "state": fresh})
    # then the SSO refuses it, the refusal is audited and no second sign-in exists
    entry = _only_new(platform, await _entries(db, None))
    assert entry.detail["reason"] == "token"
    assert await _state(db) == signed_in


async def test_an_unknown_subject_is_audited_with_the_subject(
    api: Api, db: Database, idp: IdentityProvider, sso: httpx.AsyncClient, signers: Signers
) -> None:
    await link_subject(api, db, signers, SUBJECT)
    location, state = await _start(sso)
    code = idp.authorize(location, "someone-nobody-linked")
    platform, office = await _entries(db, None), await audit_actions(db, signers.office)
    state_before = await _state(db)
    await _refused(sso, {"code": code, "state": state})
    entry = _only_new(platform, await _entries(db, None))
    assert entry.detail["reason"] == "unlinked"
    assert entry.detail["subject"] == "someone-nobody-linked"
    assert entry.detail["issuer"] == idp.issuer
    assert await audit_actions(db, signers.office) == office
    assert await _state(db) == state_before


async def test_a_subject_linked_to_a_deactivated_account_is_audited_in_its_office(
    api: Api, db: Database, idp: IdentityProvider, sso: httpx.AsyncClient, signers: Signers
) -> None:
    await link_subject(api, db, signers, SUBJECT)
    async with db.transaction() as session:
        await session.execute(
            text("UPDATE user_accounts SET active = false WHERE username = :u"),
            {"u": signers.member},
        )
    location, state = await _start(sso)
    code = idp.authorize(location, SUBJECT)
    before = await _entries(db, signers.office)
    state_before = await _state(db)
    await _refused(sso, {"code": code, "state": state})
    entry = _only_new(before, await _entries(db, signers.office))
    assert entry.detail["reason"] == "inactive" and entry.actor_name == signers.name(signers.member)
    assert await _state(db) == state_before


@pytest.mark.parametrize(
    ("amr", "signed_in"), [(None, False), (["pwd"], False), (["pwd", "otp"], True), (["mfa"], True)]
)
async def test_an_sso_sign_in_needs_the_ssos_second_factor_where_the_role_requires_one(
    api: Api,
    db: Database,
    idp: IdentityProvider,
    sso: httpx.AsyncClient,
    amr: Any,
    signed_in: bool,
    signers: Signers,
) -> None:
    # given the office requires a factor of its members, and the SSO says how one signed in
    await link_subject(api, db, signers, SUBJECT)
    payload = await api.gql(
        "mutation($input: SetSecondFactorRequirementInput!) { setSecondFactorRequirement("
        "input: $input) { userErrors { code } } }",
        {
            "input": {
                "officeId": await _office_gid(db, signers),
                "roleName": "office_member",
                "required": True,
            }
        },
        user=signers.admin,
    )
    assert payload["data"]["setSecondFactorRequirement"]["userErrors"] == []
    if amr is not None:
        idp.extra_claims = {"amr": amr}
    location, state = await _start(sso)
    code = idp.authorize(location, SUBJECT)
    before = await _entries(db, signers.office)
    back = await sso.get("/auth/oidc/callback", params={"code": code, "state": state})
    # then only a multi-factor SSO sign-in (RFC 8176 amr) signs in
    assert back.is_redirect is signed_in
    last = (await _entries(db, signers.office))[len(before) :]
    if signed_in:
        assert [e.action for e in last] == ["sign_in.success"]
    else:
        assert [(e.action, e.detail["reason"]) for e in last] == [
            ("sign_in.refused", "second_factor_required")
        ]
        assert sso.cookies.get(REFRESH_COOKIE) is None


async def _office_gid(db: Database, signers: Signers) -> str:
    from inspectnet.ids import global_id

    async with db.session() as session:
        office = (
            await session.execute(
                text("SELECT id FROM offices WHERE code = :c"), {"c": signers.office}
            )
        ).scalar_one()
    return global_id("Office", office)
