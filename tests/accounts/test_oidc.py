"""OpenID Connect sign-in against a small identity provider served on loopback in the test."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import func, select

from inspectnet.accounts.models import RefreshToken
from inspectnet.db import Database
from inspectnet.http.auth import REFRESH_COOKIE, STATE_COOKIE
from tests.accounts.identity_provider import IdentityProvider, link_subject
from tests.accounts.signing import Signers, audit_actions
from tests.conftest import Api


async def _families(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(RefreshToken)) or 0)


async def test_an_sso_sign_in_maps_to_the_linked_account(
    api: Api, db: Database, idp: IdentityProvider, sso: httpx.AsyncClient, signers: Signers
) -> None:
    # given an office admin linked the SSO subject to a member's account
    linked = await link_subject(api, db, signers, "employee-4711")
    assert linked == {"account": {"username": signers.member}, "userErrors": []}
    # when the browser starts the flow, signs in at the SSO, and comes back
    started = await sso.get("/auth/oidc/start")
    assert started.status_code == 302
    location = started.headers["location"]
    assert location.startswith(f"{idp.issuer}/authorize?")
    assert "code_challenge=" in location and "nonce=" in location
    assert sso.cookies.get(STATE_COOKIE) is not None
    code = idp.authorize(location, "employee-4711")
    state = parse_qs(urlsplit(location).query)["state"][0]
    back = await sso.get("/auth/oidc/callback", params={"code": code, "state": state})
    # then it lands signed in (refresh cookie, no token in any URL)
    assert back.status_code == 303, back.text
    assert back.headers["location"] == "/signed-in"
    assert sso.cookies.get(REFRESH_COOKIE) is not None
    refreshed = await sso.post("/auth/refresh")
    assert refreshed.status_code == 200
    body = refreshed.json()
    assert body["account"] == signers.name(signers.member)
    assert body["expiresIn"] == api.settings.access_token_ttl_seconds  # not the SSO's 36000
    viewer = await api.client.post(
        "/graphql",
        json={"query": "{ viewer { username } }"},
        headers={"authorization": f"Bearer {body['accessToken']}"},
    )
    assert viewer.json()["data"] == {"viewer": {"username": signers.member}}
    actions = await audit_actions(db, signers.office)
    assert "sso_link.create" in actions and actions[-1] == "sign_in.success"


@pytest.mark.parametrize("tamper", ["query", "cookie", "missing"])
async def test_a_callback_with_a_tampered_state_is_refused(
    api: Api,
    db: Database,
    idp: IdentityProvider,
    sso: httpx.AsyncClient,
    tamper: str,
    signers: Signers,
) -> None:
    await link_subject(api, db, signers, "employee-4711")
    started = await sso.get("/auth/oidc/start")
    location = started.headers["location"]
    code = idp.authorize(location, "employee-4711")
    state = parse_qs(urlsplit(location).query)["state"][0]
    before = await _families(db)
    params = {"code": code, "state": state}
    if tamper == "query":
        params["state"] = state[:-2] + ("AA" if not state.endswith("AA") else "BB")
    elif tamper == "cookie":
        sso.cookies.set(STATE_COOKIE, "x" * 43, domain="testserver.local")
    else:
        del params["state"]
    back = await sso.get("/auth/oidc/callback", params=params)
    assert back.status_code == 401
    assert back.json()["errors"][0]["extensions"]["code"] == "SSO_SIGN_IN_REFUSED"
    assert sso.cookies.get(REFRESH_COOKIE) is None
    assert await _families(db) == before


async def test_a_state_is_used_once_and_an_unlinked_subject_signs_no_one_in(
    api: Api, db: Database, idp: IdentityProvider, sso: httpx.AsyncClient, signers: Signers
) -> None:
    await link_subject(api, db, signers, "employee-4711")
    started = await sso.get("/auth/oidc/start")
    location = started.headers["location"]
    state = parse_qs(urlsplit(location).query)["state"][0]
    code = idp.authorize(location, "someone-else")
    refused = await sso.get("/auth/oidc/callback", params={"code": code, "state": state})
    assert refused.status_code == 401
    # the same state again (with a fresh code for the linked subject): used up
    sso.cookies.set(STATE_COOKIE, state, domain="testserver.local")
    again = idp.authorize(location, "employee-4711")
    replay = await sso.get("/auth/oidc/callback", params={"code": again, "state": state})
    assert replay.status_code == 401
    assert await _families(db) == 0


async def test_a_wrong_pkce_verifier_or_code_is_refused(
    api: Api, db: Database, idp: IdentityProvider, sso: httpx.AsyncClient, signers: Signers
) -> None:
    await link_subject(api, db, signers, "employee-4711")
    started = await sso.get("/auth/oidc/start")
    location = started.headers["location"]
    state = parse_qs(urlsplit(location).query)["state"][0]
    code = idp.authorize(location, "employee-4711")
    idp.codes[code]["challenge"] = "not-the-challenge"  # as if the code was stolen and replayed
    back = await sso.get("/auth/oidc/callback", params={"code": code, "state": state})
    assert back.status_code == 401
    assert await _families(db) == 0


@pytest.mark.parametrize(
    ("user", "subject", "code"),
    [
        ("member", "employee-1", "NOT_FOUND"),
        ("other_admin", "employee-1", "NOT_FOUND"),
        ("admin", "", "INVALID_SUBJECT"),
    ],
)
async def test_only_an_office_admin_links_a_subject(
    api: Api,
    db: Database,
    sso: httpx.AsyncClient,
    user: str,
    subject: str,
    code: str,
    signers: Signers,
) -> None:
    payload = await link_subject(api, db, signers, subject, user=getattr(signers, user))
    assert payload["account"] is None and payload["userErrors"][0]["code"] == code


async def test_a_subject_links_one_account_only(
    api: Api, db: Database, sso: httpx.AsyncClient, signers: Signers
) -> None:
    await link_subject(api, db, signers, "employee-4711")
    again = await link_subject(api, db, signers, "employee-4711")
    assert again["userErrors"][0]["code"] == "SSO_SUBJECT_LINKED"


async def test_without_configuration_the_routes_are_404(api: Api) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=api.app), base_url="https://testserver"
    ) as client:
        assert (await client.get("/auth/oidc/start")).status_code == 404
