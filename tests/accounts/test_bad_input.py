"""Issue 19's bad input, re-checked end to end: an unknown user, a wrong password and a locked
account answer alike (status, headers, body, one argon2 verification each); a TOTP code used
again within its window is refused, audited with why, and signs no one in."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from inspectnet import clock
from inspectnet.accounts import passwords
from inspectnet.accounts.models import RefreshToken
from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.db import Database
from tests.accounts.conftest import CHEAP
from tests.accounts.signing import (
    PASSWORD,
    Signers,
    audit_actions,
    browser,
    credential,
    set_password,
    sign_in,
)
from tests.conftest import Api

WRONG = "wrong horse battery staple"


async def _families(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(RefreshToken)) or 0)


async def test_unknown_wrong_and_locked_answer_alike_with_one_verification_each(
    api: Api, db: Database, monkeypatch: pytest.MonkeyPatch, signers: Signers
) -> None:
    # given a locked account and one that is not, and a record of every argon2 verification
    until = clock.now() + timedelta(minutes=10)
    locked_id = await set_password(db, signers.office, signers.member, locked_until=until)
    await set_password(db, signers.office, signers.admin)
    verified: list[str] = []
    dummy = passwords._dummy_hash()

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            verified.append("dummy" if hash == dummy else "account")
            return super().verify(hash, password)

    monkeypatch.setattr(passwords, "_HASHER", Counting(**CHEAP))
    before = await audit_actions(db, signers.office)
    async with browser(api) as client:
        # when an unknown user, a wrong password and the locked account's right password come
        unknown = await sign_in(client, signers, username="nobody_here")
        wrong = await sign_in(client, signers, username=signers.admin, password=WRONG)
        locked = await sign_in(client, signers)
    answers = [unknown, wrong, locked]
    # then status, the headers a client sees and the body are the same
    assert {r.status_code for r in answers} == {401}
    assert len({r.content for r in answers}) == 1
    assert len({tuple(sorted(k for k in r.headers if k != "date")) for r in answers}) == 1
    assert locked.json()["errors"][0]["extensions"]["code"] == "INVALID_CREDENTIALS"
    # and each cost one argon2 verification (the timing class), the unknown one on a dummy hash
    assert verified == ["dummy", "account", "account"]
    # and the lock neither moved nor counted the attempt; only the refusals were audited
    held = await credential(db, locked_id)
    assert (held.locked_until, held.failed_count) == (until, 0)
    assert (await audit_actions(db, signers.office))[len(before) :] == [
        "sign_in.failure",
        "sign_in.refused",
    ]
    assert await _families(db) == 0


async def test_a_totp_code_reused_in_its_window_is_refused_and_audited(
    api: Api, db: Database, signers: Signers
) -> None:
    # given an account with a factor, signed in once with a code
    await set_password(db, signers.office, signers.member)
    account = {"officeCode": signers.office, "username": signers.member, "password": PASSWORD}
    async with browser(api) as client:
        secret = (await client.post("/auth/totp/enrol", json=account)).json()["secret"]
        first = pyotp.TOTP(secret).at(clock.now())
        await client.post("/auth/totp/confirm", json=account | {"code": first})
        later = clock.now() + timedelta(seconds=30)
        with clock.frozen(later):
            code = pyotp.TOTP(secret).at(later)
            assert (
                await client.post("/auth/sign-in", json=account | {"totpCode": code})
            ).status_code == 200
            families = await _families(db)
            # when the same code comes again within its 30-second step
            replayed = await client.post("/auth/sign-in", json=account | {"totpCode": code})
    # then it is refused like a wrong password, audited with its reason, and signs no one in
    assert replayed.status_code == 401
    assert replayed.json()["errors"][0]["extensions"]["code"] == "INVALID_CREDENTIALS"
    assert await _families(db) == families
    async with db.session() as session:
        entry = await session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert entry is not None
    assert (entry.action, entry.outcome) == ("sign_in.failure", Outcome.DENIED)
    assert entry.detail["reason"] == "replayed_totp_code"
    assert entry.detail["failures"] == 1
    assert entry.actor_name == signers.name(signers.member)
