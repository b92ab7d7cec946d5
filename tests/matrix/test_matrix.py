"""The generated authorization matrix (issue 17): every role of the world asks every path the
schema has, and every answer is held to the table in tests/matrix/expectations.py."""

from __future__ import annotations

import time

from inspectnet.db import Database
from tests.conftest import Api, Backend
from tests.matrix.conftest import SUMMARY
from tests.matrix.engine import catalogue, node_types, own_rows
from tests.matrix.expectations import NOT_SEEDED, READ, ROLES
from tests.matrix.run import Matrix, report, unknown_types
from tests.matrix.scan import hidden_and_missing, leaks
from tests.matrix.world import World


def test_the_table_names_every_node_type_and_object_type_of_the_schema(matrix_api: Api) -> None:
    schema = matrix_api.app.state.graphql.schema._schema
    assert unknown_types(schema) == []
    # Nor does it keep a type the schema has lost.
    types = set(node_types(schema))
    assert {k for k in READ if "." not in k} == types
    assert all(set(readers) <= set(ROLES) for readers in READ.values() if readers != NOT_SEEDED)


async def _matrix(api: Api, world: World, db: Database) -> Matrix:
    assert set(world.users) == set(ROLES)
    schema = api.app.state.graphql.schema._schema
    async with db.session() as session:
        cat = await catalogue(session, world, node_types(schema))
        own = await own_rows(session, world.users)
    for name, readers in READ.items():
        if "." in name:
            continue
        # The world holds a row of every type the table judges, and none of those it does not.
        assert bool(cat.world(name)) == (readers != NOT_SEEDED), name
    return Matrix(api, world.users, cat, own)


async def test_every_role_reads_on_every_path_exactly_what_the_table_allows(
    matrix_api: Api, world: World, db: Database, backend: Backend
) -> None:
    """node(id:) and nodes(ids:) of every Node type, every object-reaching field of every Node
    type and every root field: one world, every role, every answer judged."""
    matrix = await _matrix(matrix_api, world, db)
    started = time.monotonic()
    await matrix.run(ROLES, matrix.node_asks() + matrix.field_asks() + matrix.root_asks())
    found = leaks(matrix.out)  # every answer the matrix received, for the world's markers
    line = (
        f"authorization matrix [{backend.name}]: {len(matrix.out.cases)} (role, path) cases "
        f"checked in {time.monotonic() - started:.1f}s, {len(matrix.out.violations)} "
        f"violations, {len(found)} leaks"
    )
    print(f"\n{line}")
    SUMMARY.append(line)
    assert len(matrix.out.cases) >= 2000
    assert matrix.out.violations == [], report(matrix.out)
    assert found == []


async def test_a_hidden_row_and_a_missing_one_answer_alike_for_every_node_type(
    matrix_api: Api, world: World, db: Database
) -> None:
    matrix = await _matrix(matrix_api, world, db)
    cases, differences = await hidden_and_missing(matrix, list(ROLES))
    SUMMARY.append(f"hidden and missing compared: {cases} cases, {len(differences)} differ")
    assert cases > 500
    assert differences == []
