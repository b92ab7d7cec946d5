"""The wall never hides what the application may show: every reader of two sibling offices
(and of the office above them) gets the same answers, list and node queries alike, from the
app connected as the application's role (the wall standing) and as the owner (``readable``
alone)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from inspectnet.authz import wall
from inspectnet.db import Database, make_engine
from inspectnet.ids import global_id_of
from tests.rls.conftest import Client, Walled

pytestmark = pytest.mark.usefixtures("frozen_clock")

OFFICES = """
query { offices(first: 50) { totalCount nodes { id code
  inspectorComplaints(first: 20) { totalCount nodes { id } }
  inspections(first: 20) { totalCount nodes { id } } } } }
"""

INSPECTION = """
query ($id: ID!) { node(id: $id) { id ... on Inspection {
  petitions(first: 20) { totalCount nodes { id summary petitioner { __typename } replies { totalCount nodes { id } } materials { totalCount nodes { id } } } }
  giftRefusals(first: 20) { totalCount nodes { id } }
  interviews(first: 20) { totalCount nodes { id interviewers { totalCount nodes { __typename } } } }
  activities(first: 20) { totalCount nodes { id } }
  clues(first: 20) { totalCount nodes { id summary sources { totalCount nodes { __typename } } } }
  findings(first: 20) { totalCount nodes { id evidence { totalCount nodes { __typename } } } }
  fixProposals(first: 20) { totalCount nodes { id } }
  reports(first: 20) { totalCount nodes { id } }
  midTermReport { id }
} } }
"""

NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"


def _node_types(repo_root: Path) -> set[str]:
    sdl = (repo_root / "schema" / "schema.graphql").read_text("utf-8")
    return set(re.findall(r"^type (\w+) implements [^{]*\bNode\b", sdl, re.MULTILINE))


async def _every_covered_id(walled: Walled, node_types: set[str]) -> list[str]:
    """The global id of every row of every Node table the wall covers (read as the owner)."""
    database = Database(make_engine(walled.owner_settings))
    found: list[str] = []
    try:
        async with database.transaction() as session:
            for model in wall.covered_models():
                if model.__name__ not in node_types:
                    continue
                rows = await session.scalars(
                    text(f"SELECT id FROM {model.__tablename__} ORDER BY id")
                )
                found += [global_id_of(model(id=pk)) for pk in rows]
    finally:
        await database.dispose()
    return found


async def _answers(api: Client, user: str, ids: list[str]) -> dict[str, Any]:
    offices = await api.gql(OFFICES, user=user)
    answers: dict[str, Any] = {"offices": offices}
    inspections = sorted(
        i["id"] for o in offices["offices"]["nodes"] for i in o["inspections"]["nodes"]
    )
    for inspection in inspections:
        answers[inspection] = await api.gql(INSPECTION, {"id": inspection}, user=user)
    for start in range(0, len(ids), 100):
        chunk = ids[start : start + 100]
        answers[f"nodes {start}"] = await api.gql(NODES, {"ids": chunk}, user=user)
    return answers


def _count_rows(answer: Any) -> int:
    """How many objects an answer holds (to show a comparison is not of empty answers)."""
    if isinstance(answer, dict):
        return ("id" in answer) + sum(_count_rows(v) for v in answer.values())
    if isinstance(answer, list):
        return sum(_count_rows(v) for v in answer)
    return 0


async def test_every_reader_gets_the_same_answers_with_the_wall(
    walled: Walled, walled_api: Client, open_api: Client, repo_root: Path
) -> None:
    ids = await _every_covered_id(walled, _node_types(repo_root))
    assert len(ids) >= 20  # the world holds rows of the covered Node tables, in both offices
    seen: dict[str, int] = {}
    for user in walled.readers():
        behind = await _answers(walled_api, user, ids)
        alone = await _answers(open_api, user, ids)
        assert behind == alone, user
        seen[user] = _count_rows(behind)
    # Readers see different, non-trivial amounts: the comparison is of real answers.
    sibling = walled.offices[0]
    assert seen[sibling.leader] > seen[sibling.recused]
    assert seen[walled.top] > 0 and seen[sibling.handler] > 0


async def test_the_walled_app_meets_the_wall(walled: Walled) -> None:
    """The application's role is held: with the wall on and an empty envelope it reads no
    petition, while the owner reads them all; the superuser-free roles are what was asked."""
    database = Database(make_engine(walled.settings))
    try:
        async with database.transaction() as session:
            role = (
                await session.execute(
                    text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
                )
            ).one()
            assert tuple(role) == (False, False)
            assert await session.scalar(text("SELECT count(*) FROM petitions")) > 0  # wall off
            await session.execute(text("SELECT set_config('inspectnet.wall', 'on', true)"))
            assert await session.scalar(text("SELECT count(*) FROM petitions")) == 0
    finally:
        await database.dispose()
