"""``inspectnet platform grant-operator`` / ``revoke-operator``: audited, by id or office/name."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from inspectnet.authz.actor import Actor
from inspectnet.cli.main import app
from inspectnet.settings import get_settings
from tests.conftest import make_settings, mounted_keys_dir
from tests.factories import build_in, make_office, make_user

runner = CliRunner()


@dataclass(frozen=True)
class Accounts:
    """Two offices' admins, by office code and username, in the command's database."""

    path: Path
    office: str
    admin: str
    other: str
    other_admin: str


async def _two_admins(session: AsyncSession, actor: Actor) -> tuple[str, str, str, str]:
    office, other = await make_office(session, actor), await make_office(session, actor)
    admin = await make_user(session, actor, office)
    other_admin = await make_user(session, actor, other)
    return office.code, admin.username, other.code, other_admin.username


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Accounts]:
    path = tmp_path / "platform.db"
    url = f"sqlite+aiosqlite:///{path}"
    monkeypatch.setenv("INSPECTNET_DATABASE_URL", url)
    monkeypatch.setenv("INSPECTNET_JWT_SECRET", "cli-test-secret-cli-test-secret-cli-test")
    monkeypatch.setenv("INSPECTNET_KEYS_DIR", str(mounted_keys_dir()))
    get_settings.cache_clear()
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    built = asyncio.run(build_in(make_settings(url), _two_admins))
    yield Accounts(path, *built)
    get_settings.cache_clear()


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _user_id(db: Path, username: str) -> int:
    [(found,)] = _rows(db, f"SELECT id FROM user_accounts WHERE username = '{username}'")
    return int(found)  # type: ignore[call-overload]


def test_grant_operator_by_office_and_username_is_stored_and_audited(env: Accounts) -> None:
    ref = f"{env.other}/{env.other_admin}"
    result = runner.invoke(app, ["platform", "grant-operator", "--user", ref])
    assert result.exit_code == 0, result.output
    assert env.other_admin in result.output
    user = _user_id(env.path, env.other_admin)
    assert _rows(env.path, "SELECT user_id, role FROM platform_grants") == [
        (user, "platform_operator")
    ]
    [(actor, detail)] = _rows(
        env.path,
        "SELECT actor_name, detail FROM audit_entries WHERE action = 'platform_grant.create'",
    )
    assert actor == "platform"
    assert json.loads(str(detail))["role"] == "platform_operator"


def test_grant_operator_by_account_id_then_revoke(env: Accounts) -> None:
    user = _user_id(env.path, env.admin)
    assert runner.invoke(app, ["platform", "grant-operator", "--user", str(user)]).exit_code == 0
    again = runner.invoke(app, ["platform", "grant-operator", "--user", str(user)])
    assert again.exit_code == 1 and "ROLE_ALREADY_GRANTED" in again.output
    revoked = runner.invoke(
        app, ["platform", "revoke-operator", "--user", f"{env.office}/{env.admin}"]
    )
    assert revoked.exit_code == 0, revoked.output
    assert _rows(env.path, "SELECT count(*) FROM platform_grants") == [(0,)]
    actions = _rows(
        env.path,
        "SELECT action, outcome FROM audit_entries WHERE action LIKE 'platform_grant.%' ORDER BY id",
    )
    # The refused second grant is audited, as the API audits a refused mutation.
    assert actions == [
        ("platform_grant.create", "SUCCESS"),
        ("platform_grant.create", "FAILED"),
        ("platform_grant.delete", "SUCCESS"),
    ]


@pytest.mark.parametrize(
    ("ref", "code"),
    [
        ("{other}/{admin}", "ACCOUNT_NOT_FOUND"),  # the username exists, in another office
        ("nobody.office/nobody", "ACCOUNT_NOT_FOUND"),
        ("999999", "ACCOUNT_NOT_FOUND"),
        ("{admin}", "INVALID_ACCOUNT_REF"),
    ],
)
def test_an_unknown_account_is_refused_and_nothing_is_granted(
    env: Accounts, ref: str, code: str
) -> None:
    ref = ref.format(other=env.other, admin=env.admin)
    result = runner.invoke(app, ["platform", "grant-operator", "--user", ref])
    assert result.exit_code == 1
    assert code in result.output
    assert _rows(env.path, "SELECT count(*) FROM platform_grants") == [(0,)]
