"""Fuzzing the whole schema with hypothesis-graphql: queries and mutations as a demo office's
administrator, through the real app. No 5xx, and no error that is not one of ours.

400 examples, in CI too, unless ``INSPECTNET_FUZZ_EXAMPLES`` says otherwise (a deep run:
``INSPECTNET_FUZZ_EXAMPLES=5000 .venv/bin/pytest tests/graphql/test_fuzz.py``). 2,000 in CI
took over twenty minutes once the schema held every domain: the whole suite has ten. SQLite
only.
Fuzzed mutations change the test's own database, which is rolled back at the end.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from datetime import UTC, date
from typing import Any

import graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspectnet.db import Database
from inspectnet.schema import build_schema
from inspectnet.settings import Settings
from tests.conftest import Api
from tests.http.apps import COST_KEYS, serve
from tests.support import services_required

try:
    from hypothesis_graphql import nodes
    from hypothesis_graphql import strategies as gql
except ImportError:  # the dev extra provides it; CI must not skip the fuzzing silently
    if services_required():
        raise
    pytest.skip("hypothesis-graphql is not installed", allow_module_level=True)

EXAMPLES = int(os.environ.get("INSPECTNET_FUZZ_EXAMPLES", "400"))
SCHEMA = build_schema(development=True)._schema
CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
# What an unmasked Python, driver or SQL error would show.
LEAKS = re.compile(
    r"Traceback|Error\(|object has no attribute|sqlalchemy|sqlite3|asyncpg|psycopg|"
    r"IntegrityError|NoneType|KeyError|File \"",
    re.IGNORECASE,
)
USER = "baotou_admin"
# Everything in the demo network, read as the region's administrator, so that fuzzed IDs name
# real objects (readable or not by the fuzzing user) as often as garbage.
HARVEST = """{
  viewer { account { id } person { id } roles { nodes { id } } }
  offices(first: 30) { nodes { id
    people(first: 5) { nodes { id employment(first: 3) { nodes { id } } ties(first: 3) { nodes { id } }
                               pools(first: 3) { nodes { id } } } }
    targets(first: 5) { nodes { id roster(first: 3) { nodes { id person { id } } } } }
    roleGrants(first: 10) { nodes { id account { id } } }
  } }
}"""


def _harvest_ids(value: Any, found: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if (key == "id" or key.endswith("Id")) and isinstance(item, str):
                found.add(item)
            else:
                _harvest_ids(item, found)
    elif isinstance(value, list):
        for item in value:
            _harvest_ids(item, found)
    return found


def _string(value: str) -> graphql.StringValueNode:
    return graphql.StringValueNode(value=value)


def strategy(ids: list[str]) -> st.SearchStrategy[str]:
    """Queries and mutations over the whole schema, with IDs and page sizes that mean something."""
    scalars = {
        "ID": st.one_of(st.sampled_from(ids), st.text(max_size=12)).map(_string),
        # mostly sensible page sizes and depths, sometimes out of range, sometimes anything
        "Int": st.one_of(
            *[st.integers(0, 5)] * 4, st.integers(0, 100), st.integers(-(2**31), 2**31 - 1)
        ).map(nodes.Int),
        # mostly plausible dates, sometimes any year the type can hold (9999 overflowed)
        "Date": st.one_of(*[st.dates(date(2020, 1, 1), date(2030, 12, 31))] * 3, st.dates()).map(
            lambda d: _string(d.isoformat())
        ),
        # aware and naive (what a browser's datetime-local sends), any year
        "DateTime": st.datetimes(timezones=st.one_of(st.just(UTC), st.none())).map(
            lambda d: _string(d.isoformat())
        ),
        "JSON": st.sampled_from(["{}", "[]", "1"]).map(_string),
    }
    return st.one_of(
        gql.queries(SCHEMA, custom_scalars=scalars),
        gql.mutations(SCHEMA, custom_scalars=scalars),
    )


@pytest.fixture
async def fuzzed(
    db: Database, settings: Settings
) -> AsyncIterator[tuple[Api, st.SearchStrategy[str]]]:
    # A budget no fuzzing run can exhaust: the cost limits per request still apply.
    async with serve(
        db, settings, graphql_cost_budget=10**9, graphql_cost_restore_rate=10**9
    ) as api:
        harvest = await api.gql(HARVEST, user="region_admin")
        assert "errors" not in harvest, harvest
        ids = sorted(_harvest_ids(harvest["data"], set()))
        assert len(ids) > 20
        yield api, strategy(ids)


def check(response: Any, query: str) -> None:
    assert response.status_code < 500, (query, response.text)
    body = response.json()
    assert set(body["extensions"]["cost"]) == COST_KEYS, body
    for error in body.get("errors", []):
        code = error.get("extensions", {}).get("code", "")
        assert CODE.match(code), (query, error)
        assert code != "INTERNAL_SERVER_ERROR", (query, error)
        assert not LEAKS.search(error["message"]), (query, error)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
async def test_fuzzed_operations_never_fail_the_server(
    fuzzed: tuple[Api, st.SearchStrategy[str]], data: st.DataObject
) -> None:
    api, operations = fuzzed
    query = data.draw(operations, label="operation")
    response = await api.post(query, user=USER)
    check(response, query)
