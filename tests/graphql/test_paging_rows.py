"""The row dimension: a page costs what the page costs, not what its parent holds.

The statement-count tests cannot see a page that numbers every row of its parent before
cutting twenty: such a page still returns twenty-one rows. Here the same page is read under a
parent holding 100 rows and one holding 10,000, and the work is measured where it happens:
objects built from fetched rows, rows PostgreSQL's executed plan read (and that it sorted
nothing), and SQLite's virtual-machine steps.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import insert, select, text

from inspectnet.accounts import service as accounts
from inspectnet.accounts.models import Role
from inspectnet.clock import now
from inspectnet.ids import global_id
from inspectnet.network.models import Office
from inspectnet.people.models import EmploymentRecord, Person
from tests.conftest import Api
from tests.factories import make_network, make_office, make_user
from tests.sqlcount import count_statements, plan, plan_nodes, rows_read, sqlite_steps

PAGE = 20

ONE_PARENT = """query($id: ID!, $first: Int!) { office(id: $id) {
  people(first: $first) { pageInfo { hasNextPage endCursor } edges { node { name } } }
} }"""

ONE_PARENT_COUNTED = """query($id: ID!, $first: Int!) { office(id: $id) {
  people(first: $first) { totalCount edges { node { name } } }
} }"""

MANY_PARENTS = """query($id: ID!, $first: Int!) { office(id: $id) {
  subordinates(depth: 1, first: 10) { nodes {
    code people(first: $first) { pageInfo { hasNextPage } nodes { name } }
  } }
} }"""


async def _fill(session: Any, rows: dict[Office, int]) -> None:
    """Persons under each office, in one executemany (the factories go one by one).

    The offices' rows are interleaved, as rows written over time are: a parent's rows are
    spread over the whole table, not stored in one run.
    """
    at = now()
    owners = [office.id for office, count in rows.items() for _ in range(count)]
    random.Random(21).shuffle(owners)
    await session.execute(
        insert(Person),
        [
            {
                "office_id": owner,
                "name": f"干部{owner}-{n}",
                "unit": "测试单位",
                "rank": "正处级",
                "home_region_code": "150100",
                "expertise": [],
                "created_at": at,
                "updated_at": at,
            }
            for n, owner in enumerate(owners)
        ],
    )


@dataclass
class Work:
    answer: dict[str, Any]
    statements: int
    # Objects of the listed model built from fetched rows.
    loaded: int
    # PostgreSQL: rows its plan read from persons; SQLite: hundreds of VM instructions.
    effort: int
    sorted: bool


async def _work(
    api: Api, query: str, variables: dict[str, Any], user: str, model: type[Any] = Person
) -> Work:
    table = model.__tablename__
    connection = api.app.state.graphql.database.bind
    engine = connection.sync_engine
    postgres = engine.dialect.name == "postgresql"
    if postgres:
        with count_statements(engine) as seen:
            answer = await api.gql(query, variables, user=user)
        sql, params = seen.only(f"FROM {table}", "LIMIT")
        executed = await plan(connection, sql, params)
        effort = rows_read(executed, table)
        has_sort = any("Sort" in node["Node Type"] for node in plan_nodes(executed))
    else:
        async with sqlite_steps(connection) as steps:
            with count_statements(engine) as seen:
                answer = await api.gql(query, variables, user=user)
        effort, has_sort = steps[0], False
    assert "errors" not in answer, answer
    return Work(answer["data"], seen.count, seen.loaded[model.__name__], effort, has_sort)


async def _arrange(
    api: Api, system: Any, careers: dict[str, int] | None = None
) -> tuple[str, dict[str, Office]]:
    """Two networks: under ``even``, 100 and 100 persons; under ``skewed``, 100 and 10,000."""
    session, actor = system
    offices: dict[str, Office] = {}
    for name in ("even", "skewed"):
        offices[name] = await make_office(session, actor)
        offices[f"{name}.small"] = await make_office(session, actor, superior=offices[name])
        offices[f"{name}.big"] = await make_office(session, actor, superior=offices[name])
    admin = await make_user(session, actor, offices["even"])
    # Persons are readable in the reader's own offices only: hold the role in each.
    for office in list(offices.values())[1:]:
        await accounts.grant_role(
            session, actor, user_id=admin.id, office_id=office.id, role=Role.OFFICE_ADMIN
        )
    await _fill(
        session,
        {
            offices["even.small"]: 100,
            offices["even.big"]: 100,
            offices["skewed.small"]: 100,
            offices["skewed.big"]: 10_000,
        },
    )
    for name, total in (careers or {}).items():
        await _careers(session, offices[name], total)
        # A reader of that one office: its scope is then ``office_id IN (one id)``, which
        # SQLite without statistics rates as selective as ``person_id = ?``.
        await make_user(session, actor, offices[name], username=f"{admin.username}.{name}")
    if session.get_bind().dialect.name == "postgresql":
        # A real table has statistics; without them the planner guesses at 10,000 rows.
        await session.execute(text("ANALYZE persons"))
        await session.execute(text("ANALYZE employment_records"))
    await session.commit()
    await api.reload_policy()
    return admin.username, offices


async def test_a_page_costs_the_same_under_100_and_under_10000_rows(api: Api, system) -> None:  # type: ignore[no-untyped-def]
    admin, offices = await _arrange(api, system)
    small = await _work(
        api,
        ONE_PARENT,
        {"id": global_id("Office", offices["skewed.small"].id), "first": PAGE},
        user=admin,
    )
    big = await _work(
        api,
        ONE_PARENT,
        {"id": global_id("Office", offices["skewed.big"].id), "first": PAGE},
        user=admin,
    )
    for work in (small, big):
        assert len(work.answer["office"]["people"]["edges"]) == PAGE
        assert work.answer["office"]["people"]["pageInfo"]["hasNextPage"] is True
        # The page and the one row that tells whether there is a next page.
        assert work.loaded == PAGE + 1
        assert work.sorted is False
    assert big.statements == small.statements
    if api.app.state.graphql.database.bind.sync_engine.dialect.name == "postgresql":
        # The index range up to LIMIT; where a parent holds nearly every row the planner may
        # walk the primary key instead and skip the few others' rows it meets.
        assert PAGE + 1 <= small.effort <= 2 * (PAGE + 1), small.effort
        assert PAGE + 1 <= big.effort <= 2 * (PAGE + 1), big.effort
    else:
        assert big.effort <= small.effort * 1.25 + 10, (small.effort, big.effort)


async def test_sibling_pages_cost_the_same_whatever_one_sibling_holds(api: Api, system) -> None:  # type: ignore[no-untyped-def]
    admin, offices = await _arrange(api, system)
    even = await _work(
        api,
        MANY_PARENTS,
        {"id": global_id("Office", offices["even"].id), "first": PAGE},
        user=admin,
    )
    skewed = await _work(
        api,
        MANY_PARENTS,
        {"id": global_id("Office", offices["skewed"].id), "first": PAGE},
        user=admin,
    )
    for work in (even, skewed):
        pages = [node["people"] for node in work.answer["office"]["subordinates"]["nodes"]]
        assert [len(page["nodes"]) for page in pages] == [PAGE, PAGE]
        assert [page["pageInfo"]["hasNextPage"] for page in pages] == [True, True]
        assert work.loaded == 2 * (PAGE + 1)
        assert work.sorted is False
    assert skewed.statements == even.statements
    if api.app.state.graphql.database.bind.sync_engine.dialect.name == "postgresql":
        # Each parent's index range read up to LIMIT, then each row fetched by primary key.
        assert even.effort == skewed.effort == 2 * 2 * (PAGE + 1), (even.effort, skewed.effort)
    else:
        assert skewed.effort <= even.effort * 1.25 + 10, (even.effort, skewed.effort)


async def test_total_count_is_exact_and_costs_one_statement_only_when_asked(
    api: Api, system
) -> None:  # type: ignore[no-untyped-def]
    admin, offices = await _arrange(api, system)
    variables = {"id": global_id("Office", offices["skewed.big"].id), "first": PAGE}
    engine = api.app.state.graphql.database.bind.sync_engine
    with count_statements(engine) as without:
        await api.gql(ONE_PARENT, variables, user=admin)
    with count_statements(engine) as counted:
        answer = await api.gql(ONE_PARENT_COUNTED, variables, user=admin)
    assert answer["data"]["office"]["people"]["totalCount"] == 10_000
    assert not any("count(" in sql.lower() for sql in without.sql)
    assert counted.count == without.count + 1
    count_sql, _ = counted.only("count(")
    assert "LIMIT" not in count_sql


CAREERS = """query($id: ID!) { office(id: $id) {
  people(first: 2) { nodes { employment(first: 3) { pageInfo { hasNextPage } nodes { post } } } }
} }"""


async def _careers(session: Any, office: Office, total: int) -> None:
    """``total`` careers in ``office``: four for each of its first two persons, the rest spread
    over the others, interleaved."""
    persons = (
        (
            await session.execute(
                select(Person.id).where(Person.office_id == office.id).order_by(Person.id)
            )
        )
        .scalars()
        .all()
    )
    rng = random.Random(9)
    holders = [persons[0]] * 4 + [persons[1]] * 4
    holders += rng.choices(persons[2:], k=total - len(holders))
    rng.shuffle(holders)
    at = now()
    await session.execute(
        insert(EmploymentRecord),
        [
            {
                "office_id": office.id,
                "person_id": holder,
                "organisation": "测试单位",
                "post": f"职务{n}",
                "started_on": date(2020, 1, 1),
                "created_at": at,
                "updated_at": at,
            }
            for n, holder in enumerate(holders)
        ],
    )


async def test_a_persons_careers_cost_the_same_whatever_the_office_holds(api: Api, system) -> None:  # type: ignore[no-untyped-def]
    # The readable scope narrows careers by office: the page must still be read off
    # (person_id, id), not off every career of the office.
    admin, offices = await _arrange(
        api, system, careers={"skewed.small": 100, "skewed.big": 10_000}
    )
    works = [
        await _work(
            api,
            CAREERS,
            {"id": global_id("Office", offices[name].id)},
            user=f"{admin}.{name}",
            model=EmploymentRecord,
        )
        for name in ("skewed.small", "skewed.big")
    ]
    for work in works:
        pages = [p["employment"] for p in work.answer["office"]["people"]["nodes"]]
        assert [len(page["nodes"]) for page in pages] == [3, 3]
        assert [page["pageInfo"]["hasNextPage"] for page in pages] == [True, True]
        # Each person's three careers and the one telling there are more.
        assert work.loaded == 2 * 4
        assert work.sorted is False
    small, big = works
    if api.app.state.graphql.database.bind.sync_engine.dialect.name == "postgresql":
        assert small.effort == big.effort == 2 * 2 * 4, (small.effort, big.effort)
    else:
        assert big.effort <= small.effort * 1.25 + 10, (small.effort, big.effort)


SUPERIORS = """query($id: ID!) { office(id: $id) {
  subordinates(depth: 3, first: 100) { nodes { superiors(first: 5) { nodes { code } } } }
} }"""


async def _superiors_steps(api: Api, root: Office, username: str) -> tuple[int, int]:
    """SQLite steps of one request paging the superiors of every office below ``root``."""
    connection = api.app.state.graphql.database.bind
    async with sqlite_steps(connection) as steps:
        answer = await api.gql(SUPERIORS, {"id": global_id("Office", root.id)}, user=username)
    nodes = answer["data"]["office"]["subordinates"]["nodes"]
    assert all(len(node["superiors"]["nodes"]) == 1 for node in nodes)
    return steps[0], len(nodes)


async def test_sibling_pages_on_sqlite_cost_each_parent_the_same_at_13_and_120_offices(
    api: Api, system
) -> None:  # type: ignore[no-untyped-def]
    # SQLite may put a small table outside the parents in an inner join and then run the
    # correlated page subquery once per (row, parent) pair: cost grew with offices × parents.
    if api.app.state.graphql.database.bind.sync_engine.dialect.name != "sqlite":
        pytest.skip("SQLite's join order; PostgreSQL pages through LATERAL")
    session, actor = system
    small, big = await make_network(session, actor, 13), await make_network(session, actor, 120)
    admins = [await make_user(session, actor, network[0]) for network in (small, big)]
    # With statistics, as a database in use has them, SQLite rated offices the smaller table.
    await session.execute(text("ANALYZE"))
    await session.commit()
    await api.reload_policy()
    small_steps, small_parents = await _superiors_steps(api, small[0], admins[0].username)
    big_steps, big_parents = await _superiors_steps(api, big[0], admins[1].username)
    assert (small_parents, big_parents) == (12, 100)
    # Per parent, the same work whatever the network's size (the walk itself is shared). The
    # slack (+8 steps a parent, was +5) is the office set readable() binds: SQLite builds its
    # IN-table again for each correlated page, so it grows with the viewer's offices (known
    # cost, to remove by binding the set once per statement).
    assert big_steps / big_parents <= 3 * small_steps / small_parents + 8, (small_steps, big_steps)


BY_NAME_PAGE = """query($id: ID!, $first: Int!, $after: String) { office(id: $id) {
  people(first: $first, after: $after, orderBy: {field: NAME, direction: DESC}) {
    pageInfo { hasNextPage endCursor } edges { node { name } }
  }
} }"""


async def test_a_page_in_name_order_costs_the_same_under_100_and_10000_rows(
    api: Api, system
) -> None:  # type: ignore[no-untyped-def]
    admin, offices = await _arrange(api, system)
    works = []
    for name in ("skewed.small", "skewed.big"):
        variables = {"id": global_id("Office", offices[name].id), "first": PAGE}
        first = await _work(api, BY_NAME_PAGE, variables, user=admin)
        after = first.answer["office"]["people"]["pageInfo"]["endCursor"]
        second = await _work(api, BY_NAME_PAGE, {**variables, "after": after}, user=admin)
        names = [
            e["node"]["name"]
            for page in (first, second)
            for e in page.answer["office"]["people"]["edges"]
        ]
        assert names == sorted(names, reverse=True) and len(set(names)) == 2 * PAGE
        works += [first, second]
    for work in works:
        assert work.loaded == PAGE + 1
        assert work.sorted is False  # read off (office_id, name, id), in order
    small, big = works[1], works[3]
    assert big.statements == small.statements
    if api.app.state.graphql.database.bind.sync_engine.dialect.name == "postgresql":
        assert PAGE + 1 <= big.effort <= 2 * (PAGE + 1), big.effort
    else:
        assert big.effort <= small.effort * 1.25 + 10, (small.effort, big.effort)
