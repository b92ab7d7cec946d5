"""A small OpenID Connect identity provider served on loopback, and a browser on an app
configured for it (the fixtures ``idp`` and ``sso`` live in conftest.py)."""

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
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import text

from inspectnet.app import create_app
from inspectnet.db import Database
from inspectnet.ids import global_id
from tests.accounts.signing import CSRF, Signers
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


def serve_idp() -> Iterator[IdentityProvider]:
    provider = IdentityProvider()
    thread = threading.Thread(target=provider.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        provider.server.shutdown()
        provider.server.server_close()


async def sso_browser(
    api: Api, db: Database, idp: IdentityProvider
) -> AsyncIterator[httpx.AsyncClient]:
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


async def link_subject(
    api: Api, db: Database, signers: Signers, subject: str, user: str | None = None
) -> Any:
    """``user`` (``signers``' admin unless told) links ``subject`` to ``signers``' member."""
    async with db.session() as session:
        user_id = (
            await session.execute(
                text(
                    "SELECT u.id FROM user_accounts u JOIN offices o ON o.id = u.office_id "
                    "WHERE o.code = :c AND u.username = :u"
                ),
                {"c": signers.office, "u": signers.member},
            )
        ).scalar_one()
    return (
        await api.gql(
            LINK,
            {"input": {"userId": global_id("UserAccount", user_id), "subject": subject}},
            user=user or signers.admin,
        )
    )["data"]["linkSsoSubject"]
