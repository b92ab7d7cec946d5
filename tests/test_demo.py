"""The demo ``make run`` shows: the region's round with an inspection at each stage (loaded in
each test's transaction over the shared database's demo network), and the new roles' accounts
reading what their roles give.

Only this file and the ``demo load`` CLI test read the demo; every other test builds its own
rows with factories.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet import demo_work
from inspectnet.casework.models import Clue, Finding
from inspectnet.db import Database
from inspectnet.demo import DEMO_USERS
from inspectnet.demo_work import REGION, ROUND
from inspectnet.disclosure.models import Disclosure
from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection, Stage
from inspectnet.intake.models import Channel, Petition
from inspectnet.network.models import Office
from inspectnet.rectification.models import RectificationItem
from inspectnet.reports.models import Report
from inspectnet.targets.models import Target
from inspectnet.transfers.models import Transfer
from tests.conftest import Api

STAGES = {
    "乌海市委领导班子": Stage.TEAM_FORMED,
    "包头市委领导班子": Stage.ON_SITE,
    "赤峰市委领导班子": Stage.REPORTED,
    "通辽市委领导班子": Stage.FED_BACK,
    "鄂尔多斯市委领导班子": Stage.ARCHIVED,
}


@pytest.fixture(autouse=True)
async def demo_round(system: Any, api: Api) -> None:
    """The round, as ``make run`` loads it after the network."""
    session, actor = system
    assert await demo_work.load(session, actor) > 0
    await session.commit()
    await api.reload_policy()


READ = "query($id: ID!) { node(id: $id) { ... on Inspection { stage } } }"
PETITIONER = "query($id: ID!) { node(id: $id) { ... on Petition { petitioner { name } } } }"


async def _round(db: Database) -> dict[str, Inspection]:
    async with db.session() as session:
        rows = await session.execute(
            select(Target.name, Inspection)
            .join(Inspection, Inspection.target_id == Target.id)
            .join(Office, Office.id == Inspection.office_id)
            .where(Office.code == REGION, Inspection.name == ROUND)
        )
        return {name: inspection for name, inspection in rows.all()}


async def test_the_demo_round_has_an_inspection_at_each_stage_with_its_records(
    db: Database,
) -> None:
    found = await _round(db)
    assert {name: row.stage for name, row in found.items()} == STAGES
    ids = {row.id for row in found.values()}

    async def count(model: type) -> int:
        async with db.session() as session:
            statement = select(func.count()).select_from(model)
            return int(await session.scalar(statement.where(model.inspection_id.in_(ids))) or 0)

    # Petitions on the site; a clue and a finding on each site visited; a report of each
    # reported one; an item a problem of the two fed back; one transfer and one disclosure.
    assert [
        await count(m)
        for m in (Petition, Clue, Finding, Report, RectificationItem, Transfer, Disclosure)
    ] == [2, 4, 4, 3, 4, 1, 1]


async def test_the_new_roles_sign_in_and_read_what_their_roles_give(api: Api, db: Database) -> None:
    found = await _round(db)
    usernames = {user.username for user in DEMO_USERS}
    assert {"team_leader", "team_member", "intake_handler", "tongliao_side"} <= usernames
    for name in ("包头市委领导班子", "通辽市委领导班子"):
        gid = global_id("Inspection", found[name].id)
        answer = await api.gql(READ, {"id": gid}, user="team_leader")
        assert answer["data"]["node"]["stage"] == STAGES[name].name
    # The target-side account reads its own organisation's inspection, and no other.
    for name, seen in (("通辽市委领导班子", True), ("包头市委领导班子", False)):
        gid = global_id("Inspection", found[name].id)
        answer = await api.gql(READ, {"id": gid}, user="tongliao_side")
        assert (answer["data"]["node"] is not None) is seen, name
    # Only the intake handler learns who petitioned (须知悉).
    async with db.session() as session:
        named = await session.scalar(
            select(Petition.id).where(
                Petition.inspection_id == found["包头市委领导班子"].id,
                Petition.channel == Channel.LETTER,
            )
        )
    gid = global_id("Petition", int(named or 0))
    names = [
        (await api.gql(PETITIONER, {"id": gid}, user=user))["data"]["node"]["petitioner"]
        for user in ("intake_handler", "team_member")
    ]
    assert names == [{"name": "赵某"}, None]
    # The region's admin reads every one of its round.
    for inspection in found.values():
        gid = global_id("Inspection", inspection.id)
        answer = await api.gql(READ, {"id": gid}, user="region_admin")
        assert answer["data"]["node"]["stage"] == inspection.stage.name
