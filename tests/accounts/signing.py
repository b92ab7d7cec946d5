"""Helpers for browser sign-in tests: accounts to sign in as, their passwords, an HTTPS client
with cookies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import func, select, text

from inspectnet.accounts.models import PasswordCredential, RefreshToken
from inspectnet.accounts.passwords import hash_password
from inspectnet.audit.models import AuditEntry
from inspectnet.db import Database
from inspectnet.http.auth import REFRESH_COOKIE
from tests.conftest import Api

PASSWORD = "correct horse battery staple"
CSRF = {"graphql-require-preflight": "1"}


@dataclass(frozen=True)
class Signers:
    """Accounts to sign in as: a member and an admin of ``office``, an admin of ``other``
    (an office beside it, under the same superior). Codes and usernames, as a browser sends them."""

    office: str
    member: str
    admin: str
    other: str
    other_admin: str

    def name(self, username: str) -> str:
        """``officecode/username`` of an account of ``office``."""
        return f"{self.office}/{username}"


async def set_password(
    db: Database, office_code: str, username: str, password: str = PASSWORD, **state: Any
) -> int:
    """Give an account a password (as an admin's reset would, minus the forced change)."""
    async with db.transaction() as session:
        user_id = (
            await session.execute(
                text(
                    "SELECT u.id FROM user_accounts u JOIN offices o ON o.id = u.office_id "
                    "WHERE o.code = :c AND u.username = :u"
                ),
                {"c": office_code, "u": username},
            )
        ).scalar_one()
        session.add(
            PasswordCredential(user_id=user_id, password_hash=hash_password(password), **state)
        )
    return int(user_id)


@asynccontextmanager
async def browser(api: Api, **headers: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client on https (the refresh cookie is Secure) sending the CSRF header by default."""
    transport = httpx.ASGITransport(app=api.app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(
        transport=transport, base_url="https://testserver", headers=CSRF | headers
    ) as client:
        yield client


async def sign_in(
    client: httpx.AsyncClient,
    signers: Signers,
    office_code: str | None = None,
    username: str | None = None,
    password: str = PASSWORD,
) -> httpx.Response:
    """Sign in by password over HTTP, as ``signers``' member unless told otherwise."""
    return await client.post(
        "/auth/sign-in",
        json={
            "officeCode": office_code or signers.office,
            "username": username or signers.member,
            "password": password,
        },
    )


def refresh_cookie(client: httpx.AsyncClient) -> str | None:
    return client.cookies.get(REFRESH_COOKIE)


async def audit_actions(db: Database, office_code: str) -> list[str]:
    """The actions of the audit entries in an office's chain, oldest first."""
    async with db.session() as session:
        office = (
            await session.execute(
                text("SELECT id FROM offices WHERE code = :c"), {"c": office_code}
            )
        ).scalar_one()
        rows = await session.scalars(
            select(AuditEntry.action).where(AuditEntry.office_id == office).order_by(AuditEntry.id)
        )
        return list(rows)


async def live_tokens(db: Database, user_id: int) -> int:
    async with db.session() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(RefreshToken)
                .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            )
            or 0
        )


async def credential(db: Database, user_id: int) -> PasswordCredential:
    async with db.session() as session:
        found = await session.get(PasswordCredential, user_id)
        assert found is not None
        return found
