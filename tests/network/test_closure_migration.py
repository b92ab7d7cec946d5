"""The closure revision fills ``office_reach`` from the links it finds, and refuses a loop."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import text

from inspectnet import migrate
from inspectnet.network.graph import closure_of
from tests.conftest import BACKENDS, _in_thread
from tests.network.conftest import empty_database

REVISION = "20261201_0001"
_FILE = Path(__file__).resolve().parents[2] / "migrations/versions/20261201_0001_network_closure.py"


def _previous() -> str:
    spec = importlib.util.spec_from_file_location("closure_revision", _FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.down_revision)


async def _offices_and_links(engine, links: list[tuple[str, int, int]]) -> list[int]:  # type: ignore[no-untyped-def]
    async with engine.begin() as connection:
        ids = []
        for n in range(5):
            await connection.execute(
                text(
                    "INSERT INTO offices (code, name, kind, region_code, ruleset_id, created_at,"
                    " updated_at) VALUES (:c, :c, 'PATROL_OFFICE', '150000', 'nmg-2016',"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"c": f"m.o{n}"},
            )
            ids.append(
                await connection.scalar(
                    text("SELECT id FROM offices WHERE code = :c"), {"c": f"m.o{n}"}
                )
            )
        for kind, a, b in links:
            await connection.execute(
                text(
                    "INSERT INTO office_links (kind, superior_id, subordinate_id, created_at,"
                    " updated_at) VALUES (:k, :a, :b, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"k": kind, "a": ids[a], "b": ids[b]},
            )
    return ids


@pytest.mark.parametrize("name", BACKENDS)
async def test_upgrade_fills_the_closure_with_shortest_depths(name: str, tmp_path: Path) -> None:
    async with empty_database(name, tmp_path, _previous()) as db:
        # A diamond with a shortcut on one line, a chain on the other.
        shape = [
            ("LEADERSHIP", 0, 1), ("LEADERSHIP", 0, 2), ("LEADERSHIP", 1, 3),
            ("LEADERSHIP", 2, 3), ("LEADERSHIP", 3, 4), ("LEADERSHIP", 0, 4),
            ("GUIDANCE", 4, 3), ("GUIDANCE", 3, 2),
        ]  # fmt: skip
        ids = await _offices_and_links(db.engine, shape)
        _in_thread(migrate.upgrade, db.settings, REVISION)
        async with db.engine.connect() as connection:
            rows = (
                await connection.execute(
                    text("SELECT kind, ancestor_id, descendant_id, depth FROM office_reach")
                )
            ).all()
        for kind in ("LEADERSHIP", "GUIDANCE"):
            stored = {(a, d): depth for k, a, d, depth in rows if k == kind}
            expected = closure_of((ids[a], ids[b]) for k, a, b in shape if k == kind)
            assert stored == expected, kind
        assert {(a, d): depth for k, a, d, depth in rows if k == "LEADERSHIP"}[
            (ids[0], ids[4])
        ] == 1


@pytest.mark.parametrize("name", BACKENDS)
async def test_upgrade_refuses_a_loop_left_by_the_old_race(name: str, tmp_path: Path) -> None:
    async with empty_database(name, tmp_path, _previous()) as db:
        await _offices_and_links(db.engine, [("GUIDANCE", 1, 2), ("GUIDANCE", 2, 1)])
        with pytest.raises(RuntimeError, match="loop on the GUIDANCE line"):
            _in_thread(migrate.upgrade, db.settings, REVISION)
