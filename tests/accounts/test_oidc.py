"""OpenID Connect sign-in against a small identity provider served on loopback in the test."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from inspectnet.accounts.models import RefreshToken
from inspectnet.app import create_app
from inspectnet.db import Database
from inspectnet.http.auth import REFRESH_COOKIE, STATE_COOKIE
from inspectnet.ids import global_id
from tests.accounts.signing import CSRF, audit_actions
from tests.conftest import Api

CLIENT_ID, CLIENT_SECRET = "inspectnet-web", "client-secret-for-the-test-idp"
REDIRECT = "https://testserver/auth/oidc/callback"
LINK = (
    "mutation($input: LinkSsoSubjectInput!) { linkSsoSubject(input: $input) "
    "{ account { username } userErrors { field code message } } }"
)


class IdentityProvider:
    """Discovery, JWKS and a token endpoint that checks the client, the code and PKCE."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "idp-1"})
        self.codes: dict[str, dict[str, Any]] = {}
        self.extra_claims: dict[str, Any] = {}  # what a test makes the next ID tokens say
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"

    def authorize(self, url: str, subject: str) -> str:
        """What the SSO does when the person signs in there: a code for this request."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert query["client_id"] == CLIENT_ID and query["redirect_uri"] == REDIRECT
        assert query["response_type"] == "code" and query["code_challenge_method"] == "S256"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "challenge": query["code_challenge"],
            "nonce": query["nonce"],
            "sub": subject,
        }
        return code

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, status: int, body: dict[str, Any]) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:
                if self.path == "/.well-known/openid-configuration":
                    self._json(
                        200,
                        {
                            "issuer": idp.issuer,
                            "authorization_endpoint": f"{idp.issuer}/authorize",
                            "token_endpoint": f"{idp.issuer}/token",
                            "jwks_uri": f"{idp.issuer}/jwks",
                        },
                    )
                elif self.path == "/jwks":
                    self._json(200, {"keys": [idp.key.as_dict(private=False)]})
                else:
                    self._json(404, {})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if self.headers.get("authorization") != f"Basic {basic}":
                    return self._json(401, {"error": "invalid_client"})
                grant = idp.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                    .rstrip(b"=")
                    .decode()
                )
                if grant is None or challenge != grant["challenge"]:
                    return self._json(400, {"error": "invalid_grant"})
                now = int(time.time())
                id_token = jwt.encode(
                    {"alg": "RS256", "kid": "idp-1"},
                    {
                        "iss": idp.issuer,
                        "aud": CLIENT_ID,
                        "sub": grant["sub"],
                        "nonce": grant["nonce"],
                        "iat": now,
                        "exp": now + 36_000,  # the SSO's long lifetime; the platform ignores it
                    }
                    | idp.extra_claims,
                    idp.key,
                )
                return self._json(
                    200,
                    {
                        "access_token": "sso-access",
                        "token_type": "Bearer",
                        "expires_in": 36_000,
                        "id_token": id_token,
                    },
                )

        return Handler


@pytest.fixture
def idp() -> Iterator[IdentityProvider]:
    provider = IdentityProvider()
    thread = threading.Thread(target=provider.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        provider.server.shutdown()
        provider.server.server_close()


@pytest.fixture
async def sso(api: Api, db: Database, idp: IdentityProvider) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on an app configured for the loopback identity provider."""
    settings = api.settings.model_copy(
        update={
            "oidc_issuer": idp.issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": CLIENT_SECRET,
            "oidc_redirect_uri": REDIRECT,
            "oidc_after_sign_in": "/signed-in",
        }
    )
    app = create_app(settings, database=db)
    api.app = app  # the GraphQL calls below go to the same app
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50000))
    async with httpx.AsyncClient(
        transport=transport, base_url="https://testserver", headers=CSRF
    ) as client:
        api.client = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        await api.reload_policy()
        yield client
        await api.client.aclose()


async def _link(api: Api, db: Database, subject: str, user: str = "baotou_admin") -> Any:
    async with db.session() as session:
        from sqlalchemy import text

        user_id = (
            await session.execute(
                text(
                    "SELECT u.id FROM user_accounts u JOIN offices o ON o.id = u.office_id "
                    "WHERE o.code = 'nmg.baotou' AND u.username = 'baotou_member'"
                )
            )
        ).scalar_one()
    return (
        await api.gql(
            LINK,
            {"input": {"userId": global_id("UserAccount", user_id), "subject": subject}},
            user=user,
        )
    )["data"]["linkSsoSubject"]


async def _families(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(RefreshToken)) or 0)


async def test_an_sso_sign_in_maps_to_the_linked_account(
    api: Api, db: Database, idp: IdentityProvider, sso: httpx.AsyncClient
) -> None:
    # given an office admin linked the SSO subject to a member's account
    linked = await _link(api, db, "employee-4711")
    assert linked == {"account": {"username": "baotou_member"}, "userErrors": []}
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
    assert body["account"] == "nmg.baotou/baotou_member"
    assert body["expiresIn"] == api.settings.access_token_ttl_seconds  # not the SSO's 36000
    viewer = await api.client.post(
        "/graphql",
        json={"query": "{ viewer { username } }"},
        headers={"authorization": f"Bearer {body['accessToken']}"},
    )
    assert viewer.json()["data"] == {"viewer": {"username": "baotou_member"}}
    actions = await audit_actions(db, "nmg.baotou")
    assert "sso_link.create" in actions and actions[-1] == "sign_in.success"


@pytest.mark.parametrize("tamper", ["query", "cookie", "missing"])
async def test_a_callback_with_a_tampered_state_is_refused(
    api: Api, db: Database, idp: IdentityProvider, sso: httpx.AsyncClient, tamper: str
) -> None:
    await _link(api, db, "employee-4711")
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
    api: Api, db: Database, idp: IdentityProvider, sso: httpx.AsyncClient
) -> None:
    await _link(api, db, "employee-4711")
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
    api: Api, db: Database, idp: IdentityProvider, sso: httpx.AsyncClient
) -> None:
    await _link(api, db, "employee-4711")
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
        ("baotou_member", "employee-1", "NOT_FOUND"),
        ("chifeng_admin", "employee-1", "NOT_FOUND"),
        ("baotou_admin", "", "INVALID_SUBJECT"),
    ],
)
async def test_only_an_office_admin_links_a_subject(
    api: Api, db: Database, sso: httpx.AsyncClient, user: str, subject: str, code: str
) -> None:
    payload = await _link(api, db, subject, user=user)
    assert payload["account"] is None and payload["userErrors"][0]["code"] == code


async def test_a_subject_links_one_account_only(
    api: Api, db: Database, sso: httpx.AsyncClient
) -> None:
    await _link(api, db, "employee-4711")
    again = await _link(api, db, "employee-4711")
    assert again["userErrors"][0]["code"] == "SSO_SUBJECT_LINKED"


async def test_without_configuration_the_routes_are_404(api: Api) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=api.app), base_url="https://testserver"
    ) as client:
        assert (await client.get("/auth/oidc/start")).status_code == 404
