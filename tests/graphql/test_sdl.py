"""The checked-in SDL is the live schema: regenerate with `make schema` when this fails."""

from __future__ import annotations

from pathlib import Path

from inspectnet.schema import export_sdl


def test_schema_graphql_is_current(repo_root: Path) -> None:
    checked_in = (repo_root / "schema" / "schema.graphql").read_text(encoding="utf-8")
    assert checked_in == export_sdl(), "schema/schema.graphql is stale: run `make schema`"
