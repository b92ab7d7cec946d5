"""Migration 20261203_0260 backfills the casework search index with exactly the rows the ORM
keeps (inspectnet/grams.py): down to the revision before it and up again, on SQLite and
PostgreSQL, with an archived clue and a withdrawn finding (no grams) among the records."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import migrate
from inspectnet.authz.actor import Actor
from inspectnet.casework import clues, findings
from inspectnet.db import Database, make_engine
from inspectnet.grams import CaseworkSearchGram
from inspectnet.settings import Settings
from tests.casework.factories import make_clue, make_interview, make_team
from tests.conftest import _in_thread
from tests.factories import build_in
from tests.intake.factories import make_petition
from tests.reliability.conftest import LiveDatabase

BEFORE = "20261203_0210"


async def _casework(session: AsyncSession, system: Actor) -> None:
    team = await make_team(session, system)
    kept = await make_clue(session, system, team.inspection, person_name="王建国")
    merged = await make_clue(session, system, team.inspection, person_name="王建国")
    await clues.merge_clues(session, system, clue_id=merged.id, into_id=kept.id)
    await make_interview(session, system, team, record="谈话对象反映孙丽违规报销")
    await make_petition(session, system, team.inspection, petitioner_name="钱多多")
    for facts in ("经查，王强违规发放补贴", "经查，李明违规"):
        finding = await findings.create_finding(
            session,
            system,
            inspection_id=team.inspection.id,
            category="category.other",
            title="违规发放津贴补贴",
            facts=facts,
        )
    await findings.withdraw_finding(session, system, finding_id=finding.id, reason="查无实据")


async def _index(settings: Settings) -> list[tuple[Any, ...]]:
    database = Database(make_engine(settings))
    try:
        async with database.transaction() as session:
            g = CaseworkSearchGram
            # system scope: the test reads the whole index
            rows = await session.execute(
                select(g.inspection_id, g.gram, g.kind, g.record_id, g.office_id).order_by(
                    g.kind, g.record_id, g.gram
                )
            )
            return [tuple(row) for row in rows]
    finally:
        await database.dispose()


async def _round_trip(live: LiveDatabase) -> None:
    # Given casework written through the ORM, which keeps the index
    await build_in(live.settings, _casework)
    kept = await _index(live.settings)
    assert {row[2] for row in kept} == {"clue", "interview", "petition", "finding"}

    # When the index's revision is taken down and up again (its backfill refills the table)
    _in_thread(migrate.downgrade, live.settings, BEFORE)
    _in_thread(migrate.upgrade, live.settings)

    # Then the table holds exactly the rows the ORM had written
    assert await _index(live.settings) == kept


async def test_the_backfill_rebuilds_the_index_the_orm_keeps_on_sqlite(
    migrated_sqlite: LiveDatabase,
) -> None:
    await _round_trip(migrated_sqlite)


async def test_the_backfill_rebuilds_the_index_the_orm_keeps_on_postgresql(
    migrated_pg: LiveDatabase,
) -> None:
    await _round_trip(migrated_pg)
