"""GraphiQL works offline: the page names no outside host and every asset comes from the app."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from inspectnet.db import Database
from inspectnet.graphql.graphiql import ASSETS, STATIC_DIR
from inspectnet.settings import Settings
from tests.conftest import Api
from tests.http.apps import serve

ASSET_REFERENCE = re.compile(r'(?:src|href)="([^"]+)"')


async def _page(api: Api) -> str:
    response = await api.client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


async def test_the_page_names_no_outside_host(api: Api) -> None:
    page = await _page(api)
    assert re.search(r"https?:", page) is None
    assert "//" not in page.replace("://", "")  # no protocol-relative URL either
    response = await api.client.get("/graphql", headers={"accept": "text/html"})
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "http" not in policy


async def test_every_asset_the_page_names_is_served_with_its_type(api: Api) -> None:
    named = ASSET_REFERENCE.findall(await _page(api))
    assert sorted(named) == sorted(f"/graphiql/static/{name}" for name in ASSETS)
    for path in named:
        response = await api.client.get(path)
        assert response.status_code == 200, path
        name = path.rsplit("/", 1)[1]
        assert response.headers["content-type"] == ASSETS[name], path
        assert response.content == (STATIC_DIR / name).read_bytes()
        expected = "text/css" if name.endswith(".css") else "text/javascript"
        assert response.headers["content-type"].startswith(expected)


@pytest.mark.parametrize(
    "path",
    [
        "/graphiql/static/LICENSE.react",
        "/graphiql/static/unknown.js",
        "/graphiql/static/..%2F..%2Fsettings.py",
        "/graphiql/static/graphiql.min.js.map",
    ],
)
async def test_nothing_else_is_served_from_the_assets(api: Api, path: str) -> None:
    assert (await api.client.get(path)).status_code == 404


def test_every_asset_and_licence_is_package_data(repo_root: Path) -> None:
    config = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["inspectnet"]
    package = STATIC_DIR.parents[1]
    for path in STATIC_DIR.iterdir():
        relative = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


def test_the_assets_ship_with_their_licences() -> None:
    for licence in ("react", "react-dom", "graphiql", "plugin-explorer"):
        assert "MIT License" in (STATIC_DIR / f"LICENSE.{licence}").read_text()


@pytest.fixture
async def production(db: Database, settings: Settings) -> AsyncIterator[Api]:
    async with serve(db, settings, development=False) as api:
        yield api


async def test_the_assets_are_not_served_in_production(production: Api) -> None:
    for name in ASSETS:
        assert (await production.client.get(f"/graphiql/static/{name}")).status_code == 404
