"""``INSPECTNET_RULESETS_DIR``: a third region's measures from a file alone; a broken file stops
start-up naming itself, instead of breaking rules for every region at the first request."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from inspectnet.app import create_app
from inspectnet.cli.rules import rules_app
from inspectnet.db import Database
from inspectnet.ids import global_id
from inspectnet.rules.registry import DATA_DIR, configure, registry
from inspectnet.settings import ConfigurationError, Settings, load_settings
from tests.conftest import Api
from tests.factories import make_office, make_user

FIXTURES = Path(__file__).parent / "fixtures"
BUILT_IN = ("nmg-2016", "qh-zrzyt")

DEADLINE = """query($office: ID!, $start: DateTime) {
  deadline(officeId: $office, ruleId: "deadline.rectification_report", startedAt: $start) {
    rulesetId article dueOn } }"""


@pytest.fixture(autouse=True)
def built_in_rulesets_after() -> Iterator[None]:
    """The process-wide registry is put back to the built-in rulesets after each test."""
    yield
    configure(None)


@pytest.fixture
def third_region(tmp_path: Path) -> Path:
    directory = tmp_path / "rulesets"
    directory.mkdir()
    shutil.copy(FIXTURES / "region-45.yaml", directory / "test-region.yaml")
    (directory / "README.txt").write_text("not a ruleset: ignored", "utf-8")
    return directory


def _broken(tmp_path: Path) -> Path:
    directory = tmp_path / "broken"
    directory.mkdir()
    shutil.copy(FIXTURES / "region-45.yaml", directory / "test-region.yaml")
    shutil.copy(FIXTURES / "bad-ruleset.yaml", directory / "bad-ruleset.yaml")
    return directory


@pytest.fixture
async def third_region_api(
    db: Database, settings: Settings, third_region: Path
) -> AsyncIterator[Api]:
    configured = settings.model_copy(update={"rulesets_dir": third_region})
    app = create_app(configured, database=db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        api = Api(client, configured, app)
        await api.reload_policy()
        yield api


async def test_an_office_uses_a_third_ruleset_from_the_directory(
    third_region_api: Api, system: Any
) -> None:
    assert registry().ids() == (*BUILT_IN, "test-region")
    session, actor = system
    office = await make_office(session, actor, ruleset_id="test-region")
    admin = await make_user(session, actor, office)
    await session.commit()
    await third_region_api.reload_policy()
    result = await third_region_api.gql(
        DEADLINE,
        {"office": global_id("Office", office.id), "start": "2026-11-01T02:00:00Z"},
        user=admin.username,
    )
    # 45 calendar days from the feedback (test-region §21), not qh-zrzyt's 2 months.
    assert result["data"]["deadline"] == {
        "rulesetId": "test-region",
        "article": "test-region §21",
        "dueOn": "2026-12-16",
    }
    listed = await third_region_api.gql("{ rulesets { id } }", user=admin.username)
    assert [r["id"] for r in listed["data"]["rulesets"]] == [*BUILT_IN, "test-region"]


def test_a_broken_file_stops_start_up_naming_file_rule_and_field(
    tmp_path: Path, settings: Settings
) -> None:
    before = registry()
    with pytest.raises(ConfigurationError) as caught:
        create_app(settings.model_copy(update={"rulesets_dir": _broken(tmp_path)}))
    message = str(caught.value.code)
    assert "\n" not in message
    assert message.startswith("configuration error: INSPECTNET_RULESETS_DIR: ")
    for part in ("bad-ruleset.yaml", "deadline.rectification_report", "params.amount"):
        assert part in message
    assert registry() is before  # nothing was put in force
    assert "test-region" not in registry()


def test_an_unparsable_file_is_one_line_too(tmp_path: Path) -> None:
    directory = tmp_path / "yaml"
    directory.mkdir()
    (directory / "half.yaml").write_text("id: half\nrules: [\n  - {id: x\n", "utf-8")
    with pytest.raises(ConfigurationError) as caught:
        configure(directory)
    message = str(caught.value.code)
    assert "half.yaml" in message and "\n" not in message


def test_a_file_may_not_redefine_a_built_in_ruleset(tmp_path: Path) -> None:
    directory = tmp_path / "clash"
    directory.mkdir()
    shutil.copy(DATA_DIR / "qh-zrzyt.yaml", directory / "my-qh.yaml")
    with pytest.raises(ConfigurationError) as caught:
        configure(directory)
    message = str(caught.value.code)
    assert "my-qh.yaml" in message
    assert "qh-zrzyt 是内置规则集" in message
    assert registry().ids() == BUILT_IN


def test_the_setting_must_name_a_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECTNET_RULESETS_DIR", str(tmp_path / "missing"))
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    assert "INSPECTNET_RULESETS_DIR" in str(caught.value.code)


def test_rules_list_shows_the_directorys_rulesets(
    third_region: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INSPECTNET_RULESETS_DIR", str(third_region))
    result = CliRunner().invoke(rules_app, ["list", "--ruleset", "test-region"])
    assert result.exit_code == 0, result.output
    assert "test-region §21" in result.output


def test_serve_refuses_to_start_on_a_broken_file(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    env = os.environ | {
        "INSPECTNET_DATABASE_URL": url,
        "INSPECTNET_JWT_SECRET": "serve-test-secret-serve-test-secret-serve",
        "INSPECTNET_RULESETS_DIR": str(_broken(tmp_path)),
    }
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = str(s.getsockname()[1])
    result = subprocess.run(
        [sys.executable, "-m", "inspectnet.cli", "serve", "--port", port],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("configuration error: INSPECTNET_RULESETS_DIR: ")
    assert "bad-ruleset.yaml" in line and "params.amount" in line
