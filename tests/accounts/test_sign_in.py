"""Sign-in: a missing, expired or forged token is HTTP 401 with a GraphQL error body."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from inspectnet import clock
from inspectnet.accounts.tokens import issue_token, verify_token
from inspectnet.errors import Unauthenticated
from tests.accounts.signing import Signers
from tests.conftest import Api, make_settings

VIEWER = "{ viewer { username } }"


async def _status(api: Api, authorization: str | None) -> tuple[int, dict]:  # type: ignore[type-arg]
    headers = {"authorization": authorization} if authorization is not None else {}
    response = await api.client.post("/graphql", json={"query": VIEWER}, headers=headers)
    return response.status_code, response.json()


async def test_a_valid_token_signs_the_user_in(api: Api, signers: Signers) -> None:
    status, body = await _status(api, f"Bearer {api.token(signers.name(signers.member))}")
    assert (status, body["data"]) == (200, {"viewer": {"username": signers.member}})
    assert "errors" not in body


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "UNAUTHENTICATED"),
        ("Basic dXNlcjpwdw==", "UNAUTHENTICATED"),
        ("Bearer not-a-jwt", "UNAUTHENTICATED"),
    ],
)
async def test_missing_or_malformed_tokens_are_401(api: Api, header: str | None, code: str) -> None:
    status, body = await _status(api, header)
    assert status == 401
    assert body["errors"][0]["extensions"]["code"] == code
    assert "data" not in body


async def test_an_expired_token_is_401(api: Api, signers: Signers) -> None:
    token = api.token(signers.name(signers.member), ttl=timedelta(minutes=5))
    with clock.frozen(clock.now() + timedelta(minutes=6)):
        status, body = await _status(api, f"Bearer {token}")
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "TOKEN_EXPIRED"


async def test_a_token_signed_with_another_key_is_401(api: Api, signers: Signers) -> None:
    forged = jwt.encode(
        {
            "sub": signers.name(signers.admin),
            "exp": 4_102_444_800,
            "iss": "inspectnet",
            "aud": "inspectnet",
        },
        "some-other-secret-some-other-secret!!",
        algorithm="HS256",
    )
    status, body = await _status(api, f"Bearer {forged}")
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_token_for_an_unknown_user_is_401(api: Api) -> None:
    status, _ = await _status(api, f"Bearer {api.token('nobody')}")
    assert status == 401


def _signed(api: Api, signers: Signers, **claims: object) -> str:
    """A token signed with the real key, carrying exactly these claims over sane defaults
    (``signers``' member as the subject)."""
    base = {
        "sub": signers.name(signers.member),
        "iss": "inspectnet",
        "aud": "inspectnet",
        "exp": int(clock.now().timestamp()) + 600,
    }
    body = {k: v for k, v in (base | claims).items() if v is not _ABSENT}
    return jwt.encode(body, api.settings.jwt_secret, algorithm="HS256")


_ABSENT = object()


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": "soon"},
        {"exp": "4102444800"},
        {"exp": None},
        {"exp": [4_102_444_800]},
        {"exp": {"at": 1}},
        {"exp": True},
        {"nbf": "now"},
        {"nbf": [0]},
        {"nbf": False},
        {"iat": "yesterday"},
        {"iat": {"t": 0}},
        {"sub": 12},
        {"sub": ["nmg.baotou/baotou_member"]},
        {"sub": None},
        {"sub": ""},
    ],
    ids=repr,
)
async def test_a_signed_token_with_a_malformed_claim_is_401_not_500(
    api: Api, signers: Signers, claims: dict[str, object]
) -> None:
    status, body = await _status(api, f"Bearer {_signed(api, signers, **claims)}")
    assert status == 401
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "data" not in body


async def test_numeric_claims_far_in_the_future_or_past_are_judged_not_crashed(
    api: Api, signers: Signers
) -> None:
    far = await _status(api, f"Bearer {_signed(api, signers, exp=10**400)}")
    assert far[0] == 200 and far[1]["data"] == {"viewer": {"username": signers.member}}
    not_yet = await _status(api, f"Bearer {_signed(api, signers, nbf=10**400)}")
    assert not_yet[0] == 401
    assert not_yet[1]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    long_expired = await _status(api, f"Bearer {_signed(api, signers, exp=-(10**400))}")
    assert long_expired[0] == 401
    assert long_expired[1]["errors"][0]["extensions"]["code"] == "TOKEN_EXPIRED"
    fractional = await _status(api, f"Bearer {_signed(api, signers, exp=4102444800.5, iat=1.5)}")
    assert fractional[0] == 200


@pytest.mark.parametrize(
    "subject",
    [
        "{member}",  # a bare username names no office
        "{other}/{member}",  # the right name in another office
        "/{member}",
        "{office}/",
        "{office}/{member}/x",
    ],
)
async def test_a_token_must_name_the_account_as_officecode_slash_username(
    api: Api, signers: Signers, subject: str
) -> None:
    sub = subject.format(member=signers.member, other=signers.other, office=signers.office)
    status, body = await _status(api, f"Bearer {_signed(api, signers, sub=sub)}")
    assert status == 401
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.fixture
def sso_key(tmp_path: Path) -> Iterator[tuple[rsa.RSAPrivateKey, str]]:
    """An RSA key and the URL of a JWKS document naming it, served on loopback like an SSO's."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk |= {"kid": "sso-1", "use": "sig", "alg": "RS256"}
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [jwk]}))
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield key, f"http://127.0.0.1:{server.server_port}/jwks.json"
    finally:
        server.shutdown()
        server.server_close()


def test_rs256_tokens_are_checked_against_the_sso_jwks(
    sso_key: tuple[rsa.RSAPrivateKey, str],
) -> None:
    key, url = sso_key
    settings = make_settings(
        "sqlite+aiosqlite:///:memory:", jwt_algorithm="RS256", jwt_jwks_url=url
    )
    claims = {
        "sub": "qh_dnr_admin",
        "iss": "inspectnet",
        "aud": "inspectnet",
        "exp": int(clock.now().timestamp()) + 600,
    }
    good = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "sso-1"})
    assert verify_token(settings, good) == "qh_dnr_admin"
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(Unauthenticated):
        verify_token(
            settings, jwt.encode(claims, other, algorithm="RS256", headers={"kid": "sso-1"})
        )
    with pytest.raises(Unauthenticated):  # HS256 tokens are not accepted when RS256 is configured
        verify_token(
            settings,
            issue_token(make_settings("sqlite+aiosqlite:///:memory:"), "x", timedelta(hours=1)),
        )
