"""Reference operations (schema/operations): valid against the schema, registered in the
persisted-query manifest, and each served in the same number of statements at any page size."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from graphql import parse, validate

from inspectnet.accounts.models import Role
from inspectnet.graphql.operations import MANIFEST, documents, manifest
from inspectnet.http.persisted import load_manifest
from inspectnet.ids import global_id
from inspectnet.network import service as network
from inspectnet.network.models import LinkKind
from inspectnet.schema import build_schema
from inspectnet.targets import service as targets
from tests.conftest import Api
from tests.factories import make_network, make_office, make_person, make_user
from tests.sqlcount import count_statements

SCHEMA = build_schema(development=True)._schema


def test_the_manifest_registers_exactly_the_reference_operations() -> None:
    assert json.loads(MANIFEST.read_text("utf-8")) == manifest(), (
        "schema/persisted-query-manifest.json is stale: run python -c 'from "
        "inspectnet.graphql.operations import write_manifest; write_manifest()'"
    )
    registered = load_manifest(MANIFEST)
    assert sorted(registered.values()) == sorted(documents().values())


@pytest.mark.parametrize("name", sorted(documents()))
def test_each_reference_operation_is_valid_against_the_schema(name: str) -> None:
    assert [e.message for e in validate(SCHEMA, parse(documents()[name]))] == []


async def _world(system: Any) -> dict[str, Any]:
    session, actor = system
    offices = await make_network(session, actor, 30, fanout=5)
    root = offices[0]
    target = await targets.create_target(
        session, actor, office_id=root.id, name="某局党组", region_code="150000"
    )
    for n in range(30):
        person = await make_person(session, actor, root)
        await targets.add_leadership_post(
            session,
            actor,
            target_id=target.id,
            person_id=person.id,
            post=f"职务{n}",
            started_on=date(2024, 1, 1),
            ended_on=None,
        )
    for _ in range(30):
        lower = await make_office(session, actor)
        await network.propose_link(
            session,
            actor,
            kind=LinkKind.GUIDANCE,
            superior_id=root.id,
            subordinate_id=lower.id,
            proposer_id=lower.id,
        )
    world = {
        "admin": (await make_user(session, actor, root)).username,
        "auditor": (await make_user(session, actor, root, role=Role.AUDITOR)).username,
        "office": global_id("Office", root.id),
        "target": global_id("Target", target.id),
    }
    await session.commit()
    return world


CASES = {
    "OfficeTree.graphql": ("admin", lambda w, n: {"id": w["office"], "first": n}),
    "LinkInbox.graphql": ("admin", lambda w, n: {"first": n}),
    "TargetDetail.graphql": ("admin", lambda w, n: {"id": w["target"], "first": n}),
    "AuditLog.graphql": ("auditor", lambda w, n: {"office": w["office"], "last": n}),
}


def test_every_reference_operation_has_a_statement_count_case() -> None:
    assert sorted(CASES) == sorted(documents())


@pytest.mark.parametrize("name", sorted(CASES))
async def test_statements_stay_constant_across_page_sizes(api: Api, system: Any, name: str) -> None:
    world = await _world(system)
    await api.reload_policy()
    user, variables = CASES[name]
    engine = api.app.state.graphql.database.sync_engine
    counts = []
    for size in (2, 25):
        with count_statements(engine) as statements:
            result = await api.gql(documents()[name], variables(world, size), user=world[user])
        assert "errors" not in result, result
        counts.append(statements.count)
        assert _items(result["data"]) == size, result  # a full page: the data is really there
    assert counts[0] == counts[1], counts


def _items(data: dict[str, Any]) -> int:
    """How many items the operation's one connection served."""
    root = next(iter(data.values()))
    for key in ("subordinates", "roster"):
        if key in root:
            root = root[key]
    return len(root.get("edges") or root.get("nodes") or [])
