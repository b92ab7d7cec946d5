"""20261203_0270: a person's expertise enum values become the ``expertise.*`` rule ids of their
office's ruleset, and go back on downgrade."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy.ext.asyncio import create_async_engine

from tests.people.factories import expertise_fields
from tests.reliability.conftest import PG, drop_pg_database, new_pg_database

REVISION = (
    Path(__file__).resolve().parents[2]
    / "migrations"
    / "versions"
    / "20261203_0270_expertise_rule_ids.py"
)


def revision() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rev_20261203_0270", REVISION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_enum_value_lands_on_a_field_of_the_office_s_ruleset_where_it_has_one() -> None:
    module = revision()
    assert module.revision == "20261203_0270"
    qh, nmg = set(expertise_fields("qh-zrzyt")), set(expertise_fields("nmg-2016"))
    assert {v: module.upgraded("qh-zrzyt", [v]) for v in module.ENUM} == {
        v: [f"expertise.{v.lower()}"] for v in module.ENUM
    }
    assert {field for v in module.ENUM for field in module.upgraded("qh-zrzyt", [v])} == qh
    # nmg-2016 §11(4) names two fields: the two qh-zrzyt fields it has none for are kept as they
    # are (the draw does not count them), every other value lands on one of its two.
    kept = {"expertise.finance_audit", "expertise.natural_resources"}
    landed = {field for v in module.ENUM for field in module.upgraded("nmg-2016", [v])}
    assert landed - kept == nmg
    assert module.upgraded("nmg-2016", ["DISCIPLINE", "PERSONNEL", "POLICY_LAW"]) == [
        "expertise.party_affairs",
        "expertise.policy_law",
    ]


def _convert_and_back(connection: sa.Connection) -> None:
    module = revision()
    meta = sa.MetaData()
    offices = sa.Table(
        "offices",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ruleset_id", sa.String),
    )
    persons = sa.Table(
        "persons",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("office_id", sa.Integer),
        sa.Column("expertise", sa.JSON),
    )
    before = {
        1: (1, ["FINANCE_AUDIT", "NATURAL_RESOURCES"]),
        2: (2, ["DISCIPLINE", "POLICY_LAW"]),
        3: (2, ["FINANCE_AUDIT"]),
        4: (1, []),
    }
    meta.create_all(connection)
    connection.execute(
        offices.insert(),
        [{"id": 1, "ruleset_id": "qh-zrzyt"}, {"id": 2, "ruleset_id": "nmg-2016"}],
    )
    connection.execute(
        persons.insert(),
        [{"id": pk, "office_id": o, "expertise": e} for pk, (o, e) in before.items()],
    )

    def stored() -> dict[int, list[str]]:
        return dict(connection.execute(sa.select(persons.c.id, persons.c.expertise)).all())

    context = MigrationContext.configure(connection)
    with Operations.context(context):
        module.upgrade()
    assert stored() == {
        1: ["expertise.finance_audit", "expertise.natural_resources"],
        2: ["expertise.party_affairs", "expertise.policy_law"],
        3: ["expertise.finance_audit"],
        4: [],
    }
    with Operations.context(context):
        module.downgrade()
    # Back to the enum; nmg's party affairs comes back as PARTY_BUILDING (the docstring says
    # which of the three it was is not restored).
    assert stored() == {
        1: ["FINANCE_AUDIT", "NATURAL_RESOURCES"],
        2: ["PARTY_BUILDING", "POLICY_LAW"],
        3: ["FINANCE_AUDIT"],
        4: [],
    }


def test_upgrade_converts_each_person_by_office_and_downgrade_converts_back() -> None:
    engine = sa.create_engine("sqlite://")
    with engine.begin() as connection:
        _convert_and_back(connection)
    engine.dispose()


async def test_the_same_conversion_on_postgresql() -> None:
    name = await new_pg_database("inspectnet_expertise")
    engine = create_async_engine(f"{PG}/{name}")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_convert_and_back)
    finally:
        await engine.dispose()
        await drop_pg_database(name)
