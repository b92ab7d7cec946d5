"""TOTP second factor: enrolment, sign-in with a code, no code twice, recovery codes once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pyotp
import pytest
from sqlalchemy import func, select

from inspectnet import clock
from inspectnet.accounts import totp
from inspectnet.accounts.models import RecoveryCode, TotpFactor
from inspectnet.db import Database
from inspectnet.ids import global_id
from tests.accounts.signing import (
    PASSWORD,
    Signers,
    audit_actions,
    browser,
    credential,
    refresh_cookie,
    set_password,
    sign_in,
)
from tests.conftest import Api, office_id


def _account(signers: Signers) -> dict[str, str]:
    """What a browser sends to sign in as ``signers``' member."""
    return {"officeCode": signers.office, "username": signers.member, "password": PASSWORD}


async def _enrolled(client: httpx.AsyncClient, signers: Signers) -> tuple[str, list[str]]:
    """Enrol and confirm a factor: its secret and the recovery codes."""
    enrol = await client.post("/auth/totp/enrol", json=_account(signers))
    assert enrol.status_code == 200, enrol.text
    secret = enrol.json()["secret"]
    assert enrol.json()["otpauthUri"].startswith(f"otpauth://totp/inspectnet:{signers.office}")
    confirm = await client.post(
        "/auth/totp/confirm", json=_account(signers) | {"code": pyotp.TOTP(secret).at(clock.now())}
    )
    assert confirm.status_code == 200, confirm.text
    assert confirm.headers["cache-control"] == "no-store"
    return secret, confirm.json()["recoveryCodes"]


async def _sign_in(client: httpx.AsyncClient, signers: Signers, **extra: Any) -> httpx.Response:
    return await client.post("/auth/sign-in", json=_account(signers) | extra)


async def test_sign_in_with_totp_and_a_code_is_never_accepted_twice(
    api: Api, db: Database, signers: Signers
) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        secret, codes = await _enrolled(client, signers)
        assert len(codes) == 10 and len(set(codes)) == 10
        # the password alone no longer signs in
        alone = await _sign_in(client, signers)
        assert alone.status_code == 401
        assert alone.json()["errors"][0]["extensions"]["code"] == "SECOND_FACTOR_REQUIRED"
        assert refresh_cookie(client) is None
        # the next step's code signs in (the confirming code's step is used up)
        later = clock.now() + timedelta(seconds=30)
        with clock.frozen(later):
            code = pyotp.TOTP(secret).at(later)
            assert (await _sign_in(client, signers, totpCode=code)).status_code == 200
            # the same code again, still within its window: refused like a wrong password
            replayed = await _sign_in(client, signers, totpCode=code)
            assert replayed.status_code == 401
            assert replayed.json()["errors"][0]["extensions"]["code"] == "INVALID_CREDENTIALS"
        assert (await credential(db, user_id)).failed_count == 1
        with clock.frozen(later + timedelta(seconds=30)):
            fresh = pyotp.TOTP(secret).at(later + timedelta(seconds=30))
            assert (await _sign_in(client, signers, totpCode=fresh)).status_code == 200
    actions = await audit_actions(db, signers.office)
    assert actions[-6:] == [
        "factor.totp.enrol",
        "factor.totp.enable",
        "sign_in.refused",
        "sign_in.success",
        "sign_in.failure",
        "sign_in.success",
    ]


async def test_a_code_an_earlier_step_made_is_refused_after_a_later_one(
    api: Api, db: Database, signers: Signers
) -> None:
    await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        secret, _ = await _enrolled(client, signers)
        later = clock.now() + timedelta(seconds=60)
        with clock.frozen(later):
            totp_ = pyotp.TOTP(secret)
            assert (await _sign_in(client, signers, totpCode=totp_.at(later))).status_code == 200
            earlier = totp_.at(later - timedelta(seconds=30))  # still inside the drift window
            assert (await _sign_in(client, signers, totpCode=earlier)).status_code == 401


async def test_a_recovery_code_signs_in_once(api: Api, db: Database, signers: Signers) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        _, codes = await _enrolled(client, signers)
        assert (await _sign_in(client, signers, recoveryCode=codes[0].upper())).status_code == 200
        again = await _sign_in(client, signers, recoveryCode=codes[0])
        assert again.status_code == 401
        assert (await _sign_in(client, signers, recoveryCode="00000-00000")).status_code == 401
    async with db.session() as session:
        used = await session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_not(None))
        )
        digests = list(await session.scalars(select(RecoveryCode.digest)))
    assert used == 1
    assert not any(code.replace("-", "") in d for code in codes for d in digests)
    assert "factor.recovery_code.use" in await audit_actions(db, signers.office)


async def test_wrong_codes_count_towards_the_lockout(
    api: Api, db: Database, signers: Signers
) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        secret, _ = await _enrolled(client, signers)
        for _ in range(api.settings.signin_lockout_threshold):
            assert (await _sign_in(client, signers, totpCode="000000")).status_code in (401,)
        assert (await credential(db, user_id)).locked_until is not None
        later = clock.now() + timedelta(seconds=30)
        with clock.frozen(later):
            good = await _sign_in(client, signers, totpCode=pyotp.TOTP(secret).at(later))
        assert good.status_code == 401  # locked: even the right code


async def test_a_wrong_first_code_confirms_nothing(
    api: Api, db: Database, signers: Signers
) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        assert (await client.post("/auth/totp/enrol", json=_account(signers))).status_code == 200
        wrong = await client.post("/auth/totp/confirm", json=_account(signers) | {"code": "12345"})
        assert wrong.status_code == 400
        assert wrong.json()["errors"][0]["extensions"] == {
            "code": "TOTP_CODE_INVALID",
            "field": "code",
        }
        # an unconfirmed factor is not asked for at sign-in
        assert (await _sign_in(client, signers)).status_code == 200
    async with db.session() as session:
        factor = await session.get(TotpFactor, user_id)
        assert factor is not None and factor.confirmed_at is None
        assert await session.scalar(select(func.count()).select_from(RecoveryCode)) == 0


async def test_enrolling_twice_is_refused_once_confirmed(
    api: Api, db: Database, signers: Signers
) -> None:
    await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        await _enrolled(client, signers)
        again = await client.post("/auth/totp/enrol", json=_account(signers))
        assert again.status_code == 409
        assert again.json()["errors"][0]["extensions"]["code"] == "TOTP_ALREADY_ENABLED"
        confirm = await client.post(
            "/auth/totp/confirm", json=_account(signers) | {"code": "123456"}
        )
        assert confirm.status_code == 409  # the recovery codes are shown once only


async def test_enrolment_needs_the_password(api: Api, db: Database, signers: Signers) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        refused = await client.post(
            "/auth/totp/enrol", json=_account(signers) | {"password": "not the password"}
        )
    assert refused.status_code == 401
    async with db.session() as session:
        assert await session.get(TotpFactor, user_id) is None


async def test_disabling_needs_a_code_and_is_audited(
    api: Api, db: Database, signers: Signers
) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        secret, _ = await _enrolled(client, signers)
        without = await client.post("/auth/totp/disable", json=_account(signers))
        assert without.status_code == 401
        later = clock.now() + timedelta(seconds=30)
        with clock.frozen(later):
            off = await client.post(
                "/auth/totp/disable",
                json=_account(signers) | {"totpCode": pyotp.TOTP(secret).at(later)},
            )
        assert off.status_code == 204
        assert (await _sign_in(client, signers)).status_code == 200
    async with db.session() as session:
        assert await session.get(TotpFactor, user_id) is None
    assert "factor.totp.disable" in await audit_actions(db, signers.office)


async def test_the_secret_is_encrypted_and_bound_to_its_account(
    api: Api, db: Database, signers: Signers
) -> None:
    user_id = await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        secret, _ = await _enrolled(client, signers)
    async with db.session() as session:
        factor = await session.get(TotpFactor, user_id)
    assert factor is not None and secret not in factor.secret_ciphertext
    assert totp.open_secret(factor) == secret
    moved = TotpFactor(
        user_id=user_id + 1,
        secret_ciphertext=factor.secret_ciphertext,
        key_version=factor.key_version,
    )
    with pytest.raises(ValueError):
        totp.open_secret(moved)


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "１２３４５６"])
def test_malformed_codes_match_no_step(code: str) -> None:
    secret = totp.new_secret()
    assert totp.matching_step(secret, code, clock.now()) is None


def test_the_current_and_adjacent_steps_match() -> None:
    secret = totp.new_secret()
    now = clock.now()
    step = pyotp.TOTP(secret).timecode(now)
    for offset in (-1, 0, 1):
        code = pyotp.TOTP(secret).generate_otp(step + offset)
        assert totp.matching_step(secret, code, now) == step + offset
    far = pyotp.TOTP(secret).generate_otp(step + 2)
    window = {pyotp.TOTP(secret).generate_otp(step + o) for o in (-1, 0, 1)}
    if far not in window:  # six digits collide about once in 300,000 secrets
        assert totp.matching_step(secret, far, now) is None


async def test_changing_the_password_asks_for_the_second_factor(
    api: Api, db: Database, signers: Signers
) -> None:
    await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        secret, _ = await _enrolled(client, signers)
        change = _account(signers) | {"newPassword": "violet lantern over quiet harbour"}
        without = await client.post("/auth/password", json=change)
        assert without.status_code == 401
        assert without.json()["errors"][0]["extensions"]["code"] == "SECOND_FACTOR_REQUIRED"
        assert refresh_cookie(client) is None
        later = clock.now() + timedelta(seconds=30)
        with clock.frozen(later):
            ok = await client.post(
                "/auth/password", json=change | {"totpCode": pyotp.TOTP(secret).at(later)}
            )
        assert ok.status_code == 200


async def test_sign_in_with_only_a_password_still_works_without_a_factor(
    api: Api, db: Database, signers: Signers
) -> None:
    await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        assert (await sign_in(client, signers)).status_code == 200


SET_REQUIREMENT = (
    "mutation($input: SetSecondFactorRequirementInput!) { setSecondFactorRequirement("
    "input: $input) { office { id } userErrors { field code message } } }"
)


async def _require(
    api: Api, db: Database, signers: Signers, role: str, required: bool, user: str
) -> Any:
    office = await office_id(db, signers.office)
    return (
        await api.gql(
            SET_REQUIREMENT,
            {
                "input": {
                    "officeId": global_id("Office", office),
                    "role": role,
                    "required": required,
                }
            },
            user=user,
        )
    )["data"]["setSecondFactorRequirement"]


async def test_an_office_can_require_a_second_factor_of_a_role(
    api: Api, db: Database, signers: Signers
) -> None:
    # given the office requires a factor of its members
    await set_password(db, signers.office, signers.member)
    payload = await _require(api, db, signers, "OFFICE_MEMBER", True, signers.admin)
    assert payload["userErrors"] == []
    async with browser(api) as client:
        # then a member without one cannot sign in, only enrol
        refused = await _sign_in(client, signers)
        assert refused.status_code == 403
        assert (
            refused.json()["errors"][0]["extensions"]["code"] == "SECOND_FACTOR_ENROLMENT_REQUIRED"
        )
        assert refresh_cookie(client) is None
        secret, _ = await _enrolled(client, signers)
        later = clock.now() + timedelta(seconds=30)
        with clock.frozen(later):
            assert (
                await _sign_in(client, signers, totpCode=pyotp.TOTP(secret).at(later))
            ).status_code == 200
    # and when the office lifts the requirement, password-only accounts sign in again
    await _require(api, db, signers, "OFFICE_MEMBER", False, signers.admin)
    actions = await audit_actions(db, signers.office)
    assert actions.count("second_factor_requirement.set") == 2


async def test_a_requirement_for_another_role_asks_nothing(
    api: Api, db: Database, signers: Signers
) -> None:
    await set_password(db, signers.office, signers.member)
    await _require(api, db, signers, "AUDITOR", True, signers.admin)
    async with browser(api) as client:
        assert (await _sign_in(client, signers)).status_code == 200


@pytest.mark.parametrize(("user", "code"), [("member", "FORBIDDEN"), ("other_admin", "NOT_FOUND")])
async def test_only_the_offices_admin_sets_the_requirement(
    api: Api, db: Database, user: str, code: str, signers: Signers
) -> None:
    payload = await _require(api, db, signers, "OFFICE_MEMBER", True, getattr(signers, user))
    assert payload["office"] is None and payload["userErrors"][0]["code"] == code
    await set_password(db, signers.office, signers.member)
    async with browser(api) as client:
        assert (await _sign_in(client, signers)).status_code == 200  # nothing changed
