"""The command line as an operator uses it: migrate, load the demo twice, issue a token, explain."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inspectnet.accounts.tokens import verify_token
from inspectnet.cli.main import app
from inspectnet.demo import DEMO_USERS
from inspectnet.ids import global_id
from inspectnet.settings import get_settings
from tests.conftest import mounted_keys_dir

runner = CliRunner()


# On the demo, loaded by the command under test: the operator's walk-through (load, tokens,
# explain) is about the accounts and offices `demo load` makes.
@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("cli") / "demo.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("INSPECTNET_DATABASE_URL", f"sqlite+aiosqlite:///{path}")
        mp.setenv("INSPECTNET_JWT_SECRET", "cli-test-secret-cli-test-secret-cli-test")
        mp.setenv("INSPECTNET_KEYS_DIR", str(mounted_keys_dir()))
        get_settings.cache_clear()
        for args in (["db", "upgrade"], ["demo", "load"]):
            result = runner.invoke(app, args)
            assert result.exit_code == 0, result.output
        yield path
    get_settings.cache_clear()


@pytest.fixture
def env(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("INSPECTNET_DATABASE_URL", f"sqlite+aiosqlite:///{demo_db}")
    monkeypatch.setenv("INSPECTNET_JWT_SECRET", "cli-test-secret-cli-test-secret-cli-test")
    monkeypatch.setenv("INSPECTNET_KEYS_DIR", str(mounted_keys_dir()))
    get_settings.cache_clear()
    yield demo_db
    get_settings.cache_clear()


def _id(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])


def test_the_demo_loads_once_and_a_second_load_adds_nothing(env: Path) -> None:
    result = runner.invoke(app, ["demo", "load"])
    assert result.exit_code == 0 and "(0 new objects)" in result.output
    assert _id(env, "SELECT count(*) FROM offices") == 1 + 12 + 7 + 3 + 2
    assert (
        _id(env, "SELECT count(*) FROM offices WHERE code LIKE 'nmg.%' AND kind = 'LIAISON_BODY'")
        == 12
    )


def test_token_issue_prints_a_token_for_the_user(env: Path) -> None:
    result = runner.invoke(
        app, ["token", "issue", "--user", "nmg.baotou/baotou_admin", "--ttl", "8h"]
    )
    assert result.exit_code == 0
    assert verify_token(get_settings(), result.output.strip()) == "nmg.baotou/baotou_admin"


def test_token_issue_refuses_a_username_without_its_office(env: Path) -> None:
    result = runner.invoke(app, ["token", "issue", "--user", "baotou_admin"])
    assert result.exit_code == 2 and "--user" in result.output


def test_a_bad_ttl_is_refused(env: Path) -> None:
    result = runner.invoke(
        app, ["token", "issue", "--user", "nmg.baotou/baotou_admin", "--ttl", "soon"]
    )
    assert result.exit_code == 2 and "--ttl" in result.output


def test_policy_explain_shows_an_allow_with_its_rows(env: Path) -> None:
    person = _id(
        env,
        "SELECT p.id FROM persons p JOIN offices o ON o.id = p.office_id WHERE o.code = 'nmg.baotou' LIMIT 1",
    )
    baotou = _id(env, "SELECT id FROM offices WHERE code = 'nmg.baotou'")
    result = runner.invoke(
        app,
        [
            "policy",
            "explain",
            "--user",
            "nmg.baotou/baotou_admin",
            "--action",
            "update",
            "--object",
            global_id("Person", person),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("ALLOW user:")
    assert f"via office:{baotou} as self (casbin enforce: allow)" in result.output
    # The console wraps long lines; the row and its role link are compared unwrapped.
    assert "allowed by p, office_admin, *, self, person, *, *, update, allow via g, user:" in (
        " ".join(result.output.split())
    )


def test_policy_explain_shows_a_deny_with_its_rows(env: Path) -> None:
    # The region admin reaches 包头's office as its superior, but a subordinate's people are not its business.
    person = _id(
        env,
        "SELECT p.id FROM persons p JOIN offices o ON o.id = p.office_id WHERE o.code = 'nmg.baotou' LIMIT 1",
    )
    result = runner.invoke(
        app,
        [
            "policy",
            "explain",
            "--user",
            "nmg.region/region_admin",
            "--action",
            "read",
            "--object",
            global_id("Person", person),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("DENY user:")
    assert any("as subordinate (casbin enforce: deny)" in line for line in lines)
    assert any("denied: no row matches" in line for line in lines)


def test_a_deny_row_overrides_the_allow_and_explain_names_both(env: Path) -> None:
    person = _id(
        env,
        "SELECT p.id FROM persons p JOIN offices o ON o.id = p.office_id WHERE o.code = 'nmg.baotou' LIMIT 1",
    )
    baotou = _id(env, "SELECT id FROM offices WHERE code = 'nmg.baotou'")
    user = _id(env, "SELECT id FROM user_accounts WHERE username = 'baotou_member'")
    row = f"p, user:{user}, office:{baotou}, self, person, {person}, *, read, deny"
    added = runner.invoke(app, ["policy", "add", row, "--note", "回避：本人亲属"])
    assert added.exit_code == 0, added.output
    result = runner.invoke(
        app,
        [
            "policy",
            "explain",
            "--user",
            "nmg.baotou/baotou_member",
            "--action",
            "read",
            "--object",
            global_id("Person", person),
        ],
    )
    lines = result.output.splitlines()
    assert lines[0].startswith("DENY user:")
    assert f"    denied by {row}" in lines
    assert any(
        line.startswith("    allowed by p, office_member, *, self, person, *, *, read, allow")
        for line in lines
    )
    listed = runner.invoke(app, ["policy", "list"])
    assert row.removeprefix("p, ") in listed.output


def test_a_user_row_for_every_office_is_refused(env: Path) -> None:
    result = runner.invoke(app, ["policy", "add", "p, user:1, *, self, person, *, read, allow"])
    assert result.exit_code == 2 and "须指明办公室" in result.output


def test_demo_tokens_are_printed_whole_one_per_line(env: Path) -> None:
    result = runner.invoke(app, ["demo", "tokens"], terminal_width=60)
    tokens = [line.strip() for line in result.output.splitlines() if line.startswith("  ")]
    assert len(tokens) == len(DEMO_USERS)
    assert verify_token(get_settings(), tokens[0]) == "nmg.region/region_admin"


def test_policy_explain_of_a_child_row_shows_its_parent(env: Path) -> None:
    record, person = (
        _id(
            env,
            f"SELECT e.{column} FROM employment_records e JOIN offices o ON o.id = e.office_id WHERE o.code = 'nmg.baotou' ORDER BY e.id LIMIT 1",
        )
        for column in ("id", "person_id")
    )
    result = runner.invoke(
        app,
        [
            "policy",
            "explain",
            "--user",
            "nmg.baotou/baotou_admin",
            "--action",
            "read",
            "--object",
            global_id("EmploymentRecord", record),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("ALLOW user:") and lines[0].endswith(f"employment_record:{record}")
    assert f"  and, as part of Person {global_id('Person', person)}:" in lines
    assert any(
        line.startswith("  ALLOW user:") and line.endswith(f"person:{person}") for line in lines
    )
