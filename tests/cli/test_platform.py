"""``inspectnet platform grant-operator`` / ``revoke-operator``: audited, by id or office/name."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inspectnet.cli.main import app
from inspectnet.settings import get_settings
from tests.conftest import mounted_keys_dir

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "platform.db"
    monkeypatch.setenv("INSPECTNET_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("INSPECTNET_JWT_SECRET", "cli-test-secret-cli-test-secret-cli-test")
    monkeypatch.setenv("INSPECTNET_KEYS_DIR", str(mounted_keys_dir()))
    get_settings.cache_clear()
    for args in (["db", "upgrade"], ["demo", "load"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    yield path
    get_settings.cache_clear()


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _user_id(db: Path, username: str) -> int:
    [(found,)] = _rows(db, f"SELECT id FROM user_accounts WHERE username = '{username}'")
    return int(found)  # type: ignore[call-overload]


def test_grant_operator_by_office_and_username_is_stored_and_audited(env: Path) -> None:
    result = runner.invoke(app, ["platform", "grant-operator", "--user", "qh.dnr/qh_dnr_admin"])
    assert result.exit_code == 0, result.output
    assert "qh_dnr_admin" in result.output
    user = _user_id(env, "qh_dnr_admin")
    assert _rows(env, "SELECT user_id, role FROM platform_grants") == [(user, "platform_operator")]
    [(actor, detail)] = _rows(
        env, "SELECT actor_name, detail FROM audit_entries WHERE action = 'platform_grant.create'"
    )
    assert actor == "platform"
    assert json.loads(str(detail))["role"] == "platform_operator"


def test_grant_operator_by_account_id_then_revoke(env: Path) -> None:
    user = _user_id(env, "region_admin")
    assert runner.invoke(app, ["platform", "grant-operator", "--user", str(user)]).exit_code == 0
    again = runner.invoke(app, ["platform", "grant-operator", "--user", str(user)])
    assert again.exit_code == 1 and "ROLE_ALREADY_GRANTED" in again.output
    revoked = runner.invoke(
        app, ["platform", "revoke-operator", "--user", "nmg.region/region_admin"]
    )
    assert revoked.exit_code == 0, revoked.output
    assert _rows(env, "SELECT count(*) FROM platform_grants") == [(0,)]
    actions = _rows(
        env,
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
        ("qh.dnr/region_admin", "ACCOUNT_NOT_FOUND"),  # the username exists, in another office
        ("nobody.office/nobody", "ACCOUNT_NOT_FOUND"),
        ("999999", "ACCOUNT_NOT_FOUND"),
        ("region_admin", "INVALID_ACCOUNT_REF"),
    ],
)
def test_an_unknown_account_is_refused_and_nothing_is_granted(
    env: Path, ref: str, code: str
) -> None:
    result = runner.invoke(app, ["platform", "grant-operator", "--user", ref])
    assert result.exit_code == 1
    assert code in result.output
    assert _rows(env, "SELECT count(*) FROM platform_grants") == [(0,)]
