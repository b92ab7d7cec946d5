"""Password rules, changing one's password, and an admin's reset that forces a change."""

from __future__ import annotations

import pytest

from inspectnet.accounts import passwords
from inspectnet.db import Database
from inspectnet.errors import ValidationFailed
from inspectnet.ids import global_id
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

RESET = (
    "mutation($input: ResetPasswordInput!) { resetPassword(input: $input) "
    "{ account { username } userErrors { field code message } } }"
)
TEMPORARY = "tuesday-plum-glacier-41"
NEW = "violet lantern over quiet harbour"


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short", "PASSWORD_TOO_SHORT"),
        ("x" * 11, "PASSWORD_TOO_SHORT"),
        ("ab" * 65, "PASSWORD_TOO_LONG"),
        ("password1234", "PASSWORD_TOO_COMMON"),
        ("PassWord1234", "PASSWORD_TOO_COMMON"),  # compared case-insensitively
        ("qwertyuiop", "PASSWORD_TOO_SHORT"),
        ("woaini520woaini", "PASSWORD_CONTAINS_NAME"),
        ("abababababababab", "PASSWORD_TOO_COMMON"),  # two characters repeated
        ("baotou_member-rocks!", "PASSWORD_CONTAINS_NAME"),
    ],
)
def test_password_rules(password: str, code: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        passwords.check_new_password(password, min_length=12, names=("baotou_member", "woaini520"))
    assert (refused.value.code, refused.value.field) == (code, "newPassword")


def test_a_good_password_passes_and_the_list_is_shipped() -> None:
    passwords.check_new_password(NEW, min_length=12, names=("baotou_member", "nmg.baotou"))
    assert len(passwords.common_passwords()) > 200
    assert "123456789" in passwords.common_passwords()


async def test_changing_ones_password_ends_every_other_sign_in(
    api: Api, db: Database, signers: Signers
) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    async with browser(api) as other, browser(api) as client:
        await sign_in(other, signers)
        response = await client.post(
            "/auth/password",
            json={
                "officeCode": signers.office,
                "username": signers.member,
                "password": PASSWORD,
                "newPassword": NEW,
            },
        )
        assert response.status_code == 200, response.text
        assert refresh_cookie(client) is not None
        assert await live_tokens(db, user_id) == 1  # the new sign-in only
        assert (await other.post("/auth/refresh")).status_code == 401
        assert (await sign_in(client, signers)).status_code == 401
        assert (await sign_in(client, signers, password=NEW)).status_code == 200
    assert "password.change" in await audit_actions(db, signers.office)


async def test_a_weak_new_password_is_refused_and_nothing_changes(
    api: Api, db: Database, signers: Signers
) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    before = (await credential(db, user_id)).password_hash
    async with browser(api) as client:
        response = await client.post(
            "/auth/password",
            json={
                "officeCode": signers.office,
                "username": signers.member,
                "password": PASSWORD,
                "newPassword": "password1234",
            },
        )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {
        "code": "PASSWORD_TOO_COMMON",
        "field": "newPassword",
    }
    assert (await credential(db, user_id)).password_hash == before


async def test_changing_with_a_wrong_current_password_counts_as_a_failure(
    api: Api, db: Database, signers: Signers
) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        response = await client.post(
            "/auth/password",
            json={
                "officeCode": signers.office,
                "username": signers.member,
                "password": "not the password",
                "newPassword": NEW,
            },
        )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_CREDENTIALS"
    assert (await credential(db, user_id)).failed_count == 1


async def test_an_admin_reset_forces_a_change_at_next_sign_in(
    api: Api, db: Database, signers: Signers
) -> None:
    # given a member signed in somewhere
    user_id = await set_password(db, signers.office, signers.member)
    async with browser(api) as member:
        await sign_in(member, signers)
        # when the office's admin resets the password
        payload = (
            await api.gql(
                RESET,
                {
                    "input": {
                        "userId": global_id("UserAccount", user_id),
                        "temporaryPassword": TEMPORARY,
                    }
                },
                user=signers.admin,
            )
        )["data"]["resetPassword"]
        assert payload == {"account": {"username": signers.member}, "userErrors": []}
        # then the old sign-in is over, and the temporary password only allows a change
        assert (await member.post("/auth/refresh")).status_code == 401
        assert (await sign_in(member, signers)).status_code == 401
        forced = await sign_in(member, signers, password=TEMPORARY)
        assert forced.status_code == 403
        assert forced.json()["errors"][0]["extensions"]["code"] == "PASSWORD_CHANGE_REQUIRED"
        assert refresh_cookie(member) is None
        changed = await member.post(
            "/auth/password",
            json={
                "officeCode": signers.office,
                "username": signers.member,
                "password": TEMPORARY,
                "newPassword": NEW,
            },
        )
        assert changed.status_code == 200
        assert (await credential(db, user_id)).must_change is False
        assert (await sign_in(member, signers, password=NEW)).status_code == 200
    assert [
        a
        for a in await audit_actions(db, signers.office)
        if a.startswith(("password.", "sign_in."))
    ][-5:] == [
        "password.reset",
        "sign_in.failure",
        "sign_in.refused",
        "password.change",
        "sign_in.success",
    ]


async def test_a_reset_unlocks_a_locked_account(api: Api, db: Database, signers: Signers) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        for _ in range(api.settings.signin_lockout_threshold):
            await sign_in(client, signers, password="wrong wrong wrong")
    assert (await credential(db, user_id)).locked_until is not None
    await api.gql(
        RESET,
        {"input": {"userId": global_id("UserAccount", user_id), "temporaryPassword": TEMPORARY}},
        user=signers.admin,
    )
    found = await credential(db, user_id)
    assert (found.locked_until, found.failed_count, found.must_change) == (None, 0, True)


@pytest.mark.parametrize(
    ("user", "target", "code"),
    [
        ("member", "admin", "NOT_FOUND"),  # a member sees no accounts
        ("admin", "admin", "FORBIDDEN"),  # nor an admin their own
        ("other_admin", "member", "NOT_FOUND"),  # another office's account is hidden
    ],
)
async def test_a_reset_is_refused_and_changes_nothing(
    api: Api, db: Database, user: str, target: str, code: str, signers: Signers
) -> None:
    user_id = await set_password(db, signers.office, getattr(signers, target))
    before = await credential(db, user_id)
    payload = (
        await api.gql(
            RESET,
            {
                "input": {
                    "userId": global_id("UserAccount", user_id),
                    "temporaryPassword": TEMPORARY,
                }
            },
            user=getattr(signers, user),
        )
    )["data"]["resetPassword"]
    assert payload["account"] is None
    assert payload["userErrors"][0]["code"] == code
    after = await credential(db, user_id)
    assert (after.password_hash, after.must_change) == (before.password_hash, False)


async def test_a_weak_temporary_password_is_refused(
    api: Api, db: Database, signers: Signers
) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    payload = (
        await api.gql(
            RESET,
            {
                "input": {
                    "userId": global_id("UserAccount", user_id),
                    "temporaryPassword": "123456789",
                }
            },
            user=signers.admin,
        )
    )["data"]["resetPassword"]
    assert payload["userErrors"] == [
        {
            "field": ["input", "temporaryPassword"],
            "code": "PASSWORD_TOO_SHORT",
            "message": "密码至少12个字符",
        }
    ]
    assert (await credential(db, user_id)).must_change is False
