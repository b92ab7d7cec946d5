"""Browser sign-in over HTTP: passwords, refresh by cookie with rotation, sign-out, lockout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from inspectnet import clock
from inspectnet.accounts import passwords
from inspectnet.accounts.refresh import REFRESH_REFUSED
from inspectnet.accounts.refusals import SIGN_IN_ATTEMPTS
from inspectnet.db import Database
from inspectnet.http.auth import REFRESH_COOKIE
from tests.accounts.conftest import CHEAP
from tests.accounts.signing import (
    PASSWORD,
    Signers,
    audit_actions,
    browser,
    credential,
    live_tokens,
    refresh_cookie,
    set_password,
    sign_in,
)
from tests.conftest import Api

VIEWER = {"query": "{ viewer { username } }"}


async def _viewer(api: Api, access_token: str) -> int:
    response = await api.client.post(
        "/graphql", json=VIEWER, headers={"authorization": f"Bearer {access_token}"}
    )
    return response.status_code


async def test_sign_in_refresh_by_cookie_and_sign_out(
    api: Api, db: Database, signers: Signers
) -> None:
    # given an account with a password
    user_id = await set_password(db, signers.office, signers.member)
    before = await audit_actions(db, signers.office)
    async with browser(api) as client:
        # when it signs in over HTTP
        signed = await sign_in(client, signers)
        assert signed.status_code == 200, signed.text
        body = signed.json()
        assert body["account"] == signers.name(signers.member)
        assert (body["tokenType"], body["expiresIn"]) == ("Bearer", 900)
        assert signed.headers["cache-control"] == "no-store"
        cookie = signed.headers["set-cookie"]
        # then the refresh token is a Secure, HttpOnly, SameSite=Strict host cookie
        assert cookie.startswith(f"{REFRESH_COOKIE}=")
        lowered = cookie.lower()
        assert "httponly" in lowered and "secure" in lowered and "samesite=strict" in lowered
        assert "path=/" in lowered and "domain" not in lowered
        assert refresh_cookie(client) is not None
        assert "refresh" not in body  # never in the body, where script could read it
        # and the access token signs the user in to /graphql
        response = await api.client.post(
            "/graphql", json=VIEWER, headers={"authorization": f"Bearer {body['accessToken']}"}
        )
        assert response.json()["data"] == {"viewer": {"username": signers.member}}

        # when it refreshes by cookie
        first = refresh_cookie(client)
        refreshed = await client.post("/auth/refresh")
        assert refreshed.status_code == 200, refreshed.text
        second = refresh_cookie(client)
        # then the cookie was rotated and a new access token works
        assert second is not None and second != first
        assert await _viewer(api, refreshed.json()["accessToken"]) == 200

        # when it signs out
        out = await client.post("/auth/sign-out")
        assert out.status_code == 204
        assert refresh_cookie(client) is None  # the cookie is cleared
        assert await live_tokens(db, user_id) == 0

        # then the token it held is refused
        client.cookies.set(REFRESH_COOKIE, second, domain="testserver.local")
        again = await client.post("/auth/refresh")
        assert again.status_code == 401
        assert again.json()["errors"][0]["extensions"]["code"] == "REFRESH_TOKEN_INVALID"
    after = await audit_actions(db, signers.office)
    assert after[len(before) :] == [
        "sign_in.success",
        "refresh_token.revoke",
        "refresh_token.refused",
    ]


async def test_the_old_refresh_token_is_refused_and_reusing_it_revokes_the_family(
    api: Api, db: Database, signers: Signers
) -> None:
    # given a sign-in whose token was rotated once
    user_id = await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        await sign_in(client, signers)
        old = refresh_cookie(client)
        assert (await client.post("/auth/refresh")).status_code == 200
        current = refresh_cookie(client)
        assert await live_tokens(db, user_id) == 2  # the rotated one is kept to detect reuse

    # when someone presents the rotated (old) token
    async with browser(api) as thief:
        thief.cookies.set(REFRESH_COOKIE, old or "", domain="testserver.local")
        refused = await thief.post("/auth/refresh")
        # then it is refused, and its cookie cleared
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["extensions"]["code"] == "REFRESH_TOKEN_INVALID"
        assert "set-cookie" in refused.headers

    # and the whole family is revoked: the legitimate current token no longer works either
    assert await live_tokens(db, user_id) == 0
    async with browser(api) as owner:
        owner.cookies.set(REFRESH_COOKIE, current or "", domain="testserver.local")
        assert (await owner.post("/auth/refresh")).status_code == 401
    assert (await audit_actions(db, signers.office))[-2:] == [
        "refresh_token.revoke_family",
        "refresh_token.refused",
    ]


async def test_another_sign_in_survives_a_family_revocation_but_not_sign_out_everywhere(
    api: Api, db: Database, signers: Signers
) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    async with browser(api) as laptop, browser(api) as phone:
        await sign_in(laptop, signers)
        await sign_in(phone, signers)
        assert (await laptop.post("/auth/sign-out")).status_code == 204
        # the phone's sign-in is another family: untouched
        assert (await phone.post("/auth/refresh")).status_code == 200
        await sign_in(laptop, signers)
        everywhere = await phone.post("/auth/sign-out-everywhere")
        assert everywhere.status_code == 204
        assert await live_tokens(db, user_id) == 0
        assert (await laptop.post("/auth/refresh")).status_code == 401
    assert (await audit_actions(db, signers.office))[-2:] == [
        "refresh_token.revoke_all",
        "refresh_token.refused",
    ]


async def test_a_refresh_after_the_family_expires_is_refused(
    api: Api, db: Database, signers: Signers
) -> None:
    await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        await sign_in(client, signers)
        later = clock.now() + timedelta(hours=api.settings.refresh_token_ttl_hours, seconds=1)
        with clock.frozen(later):
            response = await client.post("/auth/refresh")
        assert response.status_code == 401


@pytest.mark.parametrize("cookie", ["", "not-a-token", "x" * 43, "a" * 5000])
async def test_a_malformed_or_unknown_refresh_token_is_refused_and_not_audited(
    api: Api, db: Database, cookie: str, signers: Signers
) -> None:
    before = await audit_actions(db, signers.office)
    counted = sum(REFRESH_REFUSED.labels(r)._value.get() for r in ("malformed", "unknown"))
    async with browser(api) as client:
        if cookie:
            client.cookies.set(REFRESH_COOKIE, cookie, domain="testserver.local")
        response = await client.post("/auth/refresh")
    assert response.status_code == 401
    assert response.json() == {
        "errors": [
            {"message": "登录已失效，请重新登录", "extensions": {"code": "REFRESH_TOKEN_INVALID"}}
        ]
    }
    assert await audit_actions(db, signers.office) == before
    assert sum(REFRESH_REFUSED.labels(r)._value.get() for r in ("malformed", "unknown")) == (
        counted + 1
    )


async def test_unknown_user_wrong_password_and_locked_account_answer_alike(
    api: Api, db: Database, monkeypatch: pytest.MonkeyPatch, signers: Signers
) -> None:
    # given an account with a password, and a record of every argon2 verification
    await set_password(db, signers.office, signers.member)
    verified: list[bool] = []
    dummy = passwords._dummy_hash()  # made with the cheap parameters too

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            verified.append(hash == dummy)
            return super().verify(hash, password)

    monkeypatch.setattr(passwords, "_HASHER", Counting(**CHEAP))
    before = await audit_actions(db, signers.office)
    other_before = await audit_actions(db, signers.other)
    unknown_before = SIGN_IN_ATTEMPTS.labels("password", "unknown_account")._value.get()
    async with browser(api) as client:
        unknown = await sign_in(client, signers, username="nobody_here")
        other_office = await sign_in(client, signers, office_code=signers.other)
        wrong = await sign_in(client, signers, password="wrong horse battery staple")
    # then the answers are identical, status, headers that matter and body alike
    answers = [unknown, other_office, wrong]
    assert {r.status_code for r in answers} == {401}
    assert len({r.content for r in answers}) == 1
    assert unknown.json()["errors"][0]["extensions"]["code"] == "INVALID_CREDENTIALS"
    assert all("set-cookie" not in r.headers for r in answers)
    # and each ran argon2 once: against a dummy hash where there is no account (timing class)
    assert verified == [True, True, False]
    # unknown accounts are counted, not audited; the wrong password is audited in its office
    assert SIGN_IN_ATTEMPTS.labels("password", "unknown_account")._value.get() == unknown_before + 2
    assert (await audit_actions(db, signers.office))[len(before) :] == ["sign_in.failure"]
    assert await audit_actions(db, signers.other) == other_before


async def test_wrong_passwords_lock_the_account_after_the_configured_count(
    api: Api, db: Database, signers: Signers
) -> None:
    # given an account with a password and the default threshold (5)
    user_id = await set_password(db, signers.office, signers.member)
    threshold = api.settings.signin_lockout_threshold
    before = await audit_actions(db, signers.office)
    async with browser(api) as client:
        # when wrong passwords reach the threshold
        for _ in range(threshold):
            assert (
                await sign_in(client, signers, password="wrong horse battery staple")
            ).status_code == 401
        locked = await credential(db, user_id)
        assert locked.locked_until == clock.now() + timedelta(
            minutes=api.settings.signin_lockout_minutes
        )
        # then even the right password is refused, with the same answer as a wrong one
        right = await sign_in(client, signers)
        wrong = await sign_in(client, signers, password="wrong horse battery staple")
        unknown = await sign_in(client, signers, username="nobody_here")
        assert right.status_code == wrong.status_code == unknown.status_code == 401
        assert right.content == wrong.content == unknown.content
        assert refresh_cookie(client) is None
        assert await live_tokens(db, user_id) == 0
        # and once the lock has run out, the right password signs in and clears the count
        later = clock.now() + timedelta(minutes=api.settings.signin_lockout_minutes, seconds=1)
        with clock.frozen(later):
            assert (await sign_in(client, signers)).status_code == 200
    cleared = await credential(db, user_id)
    assert (cleared.failed_count, cleared.locked_until) == (0, None)
    assert (await audit_actions(db, signers.office))[len(before) :] == [
        *["sign_in.failure"] * threshold,
        "sign_in.lockout",
        "sign_in.refused",
        "sign_in.refused",
        "sign_in.success",
    ]


async def test_a_right_password_resets_the_count_of_wrong_ones(
    api: Api, db: Database, signers: Signers
) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        for _ in range(api.settings.signin_lockout_threshold - 1):
            await sign_in(client, signers, password="wrong horse battery staple")
        assert (await sign_in(client, signers)).status_code == 200
        assert (await credential(db, user_id)).failed_count == 0
        await sign_in(client, signers, password="wrong horse battery staple")
        assert (await credential(db, user_id)).locked_until is None


async def test_sign_in_attempts_are_rate_limited_per_account_whether_or_not_it_exists(
    api: Api, db: Database, signers: Signers
) -> None:
    await set_password(db, signers.office, signers.member)
    limit = api.settings.signin_rate_per_account
    async with browser(api) as client:
        for name in (signers.member, "nobody_here"):
            for _ in range(limit):
                assert (
                    await sign_in(client, signers, username=name, password="x")
                ).status_code == 401
            limited = await sign_in(client, signers, username=name)
            assert limited.status_code == 429
            assert limited.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
            assert int(limited.headers["retry-after"]) >= 1
    # the real account's count went up by the attempts that ran only (lockout cut in at 5)
    assert (await audit_actions(db, signers.office)).count("sign_in.lockout") == 1


async def test_sign_in_attempts_are_rate_limited_per_address(
    api: Api, db: Database, signers: Signers
) -> None:
    limit = api.settings.signin_rate_per_address
    async with browser(api) as client:
        for index in range(limit):
            response = await sign_in(client, signers, username=f"user{index}", password="x")
            assert response.status_code == 401
        assert (await sign_in(client, signers, username="fresh_name")).status_code == 429


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({"graphql-require-preflight": ""}, 400, "CSRF_PREFLIGHT_REQUIRED"),
        ({"sec-fetch-site": "cross-site"}, 403, "CROSS_SITE_REFUSED"),
        ({"sec-fetch-site": "none"}, 403, "CROSS_SITE_REFUSED"),
        ({"origin": "https://evil.example"}, 403, "CROSS_SITE_REFUSED"),
    ],
)
async def test_refresh_refuses_cross_site_requests_and_changes_nothing(
    api: Api, db: Database, headers: dict[str, str], status: int, code: str, signers: Signers
) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        await sign_in(client, signers)
        held = refresh_cookie(client)
        response = await client.post("/auth/refresh", headers=headers)
        assert (response.status_code, response.json()["errors"][0]["extensions"]["code"]) == (
            status,
            code,
        )
        assert refresh_cookie(client) == held  # not rotated, not cleared
        assert await live_tokens(db, user_id) == 1
        # the same request from the same site is served
        same = await client.post(
            "/auth/refresh",
            headers={"sec-fetch-site": "same-origin", "origin": "https://testserver"},
        )
        assert same.status_code == 200


async def test_refresh_accepts_a_listed_origin(api: Api, db: Database, signers: Signers) -> None:
    await set_password(db, signers.office, signers.member)
    api.app.state.auth.settings = api.settings.model_copy(
        update={"cors_origins": ["https://app.example.org"]}
    )
    async with browser(api) as client:
        await sign_in(client, signers)
        ok = await client.post("/auth/refresh", headers={"origin": "https://app.example.org"})
        assert ok.status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("not json", 400, "BAD_REQUEST"),
        ("[]", 400, "BAD_REQUEST"),
        ('{"officeCode": "nmg.baotou", "username": "baotou_member"}', 400, "VALIDATION"),
        ('{"officeCode": 1, "username": "u", "password": "p"}', 400, "VALIDATION"),
    ],
)
async def test_a_malformed_sign_in_is_400(api: Api, body: str, status: int, code: str) -> None:
    async with browser(api) as client:
        response = await client.post(
            "/auth/sign-in", content=body, headers={"content-type": "application/json"}
        )
    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"]["code"] == code


async def test_a_form_post_is_refused(api: Api) -> None:
    async with browser(api) as client:
        response = await client.post(
            "/auth/sign-in",
            content="officeCode=nmg.baotou&username=baotou_member&password=x",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 415


async def test_an_account_without_a_password_cannot_sign_in(
    api: Api, db: Database, signers: Signers
) -> None:
    async with browser(api) as client:
        response = await sign_in(client, signers, username=signers.admin)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_CREDENTIALS"


async def test_an_inactive_account_cannot_sign_in_or_refresh(
    api: Api, db: Database, signers: Signers
) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        await sign_in(client, signers)
        async with db.transaction() as session:
            from sqlalchemy import text

            await session.execute(
                text("UPDATE user_accounts SET active = false WHERE id = :i"), {"i": user_id}
            )
        assert (await client.post("/auth/refresh")).status_code == 401
        assert await live_tokens(db, user_id) == 0
        assert (await sign_in(client, signers)).status_code == 401


async def test_passwords_are_stored_as_argon2id_with_rfc_9106_parameters(
    db: Database, monkeypatch: pytest.MonkeyPatch, signers: Signers
) -> None:
    monkeypatch.setattr(passwords, "_HASHER", passwords.PRODUCTION_HASHER)
    user_id = await set_password(db, signers.office, signers.member)
    stored = (await credential(db, user_id)).password_hash
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in stored
