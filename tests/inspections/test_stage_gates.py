"""The stage machine's guard table: a bare move to a stage whose workflow lives elsewhere is
refused with a code and the stage rule's article until that workflow's record exists — the
bodies' confirmation of the team, the report, the hearing, the feedback, the handover — and
nothing is written; once recorded, the move goes through."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.errors import RuleViolation
from inspectnet.ids import global_id
from inspectnet.inspections import stages
from inspectnet.inspections.models import Inspection, InspectionTransition, Stage
from tests.conftest import Api
from tests.factories import make_office, make_staff, make_target
from tests.inspections.factories import (
    feed_back,
    hear,
    make_inspection,
    move_to,
    prepare_stage,
)

ADVANCE = """mutation($input: AdvanceInspectionInput!) { advanceInspection(input: $input) {
  inspection { stage } userErrors { field code message } } }"""


async def _steps(session: Any, inspection: Inspection) -> int:
    statement = select(func.count()).select_from(InspectionTransition)
    found = await session.scalar(
        statement.where(InspectionTransition.inspection_id == inspection.id)
    )
    return int(found or 0)


async def _refused(
    session: Any, root: Any, inspection: Inspection, stage: Stage, code: str, article: str
) -> None:
    before = (inspection.stage, await _steps(session, inspection))
    with pytest.raises(RuleViolation) as refused:
        await stages.advance_inspection(session, root, inspection_id=inspection.id, stage=stage)
    assert (refused.value.code, refused.value.article, refused.value.field) == (
        code,
        article,
        "stage",
    )
    assert article in refused.value.message
    await session.refresh(inspection)
    assert (inspection.stage, await _steps(session, inspection)) == before


async def test_every_stage_owned_by_another_workflow_waits_for_its_record(system: Any) -> None:
    session, root = system
    office = await make_office(session, root)  # nmg-2016
    inspection = await make_inspection(session, root, (await make_target(session, root, office)).id)

    await _refused(
        session, root, inspection, Stage.TEAM_FORMED, "TEAM_NOT_CONFIRMED", "nmg-2016 §6(7)"
    )
    inspection = await move_to(session, root, inspection, Stage.LEFT_SITE)

    await _refused(session, root, inspection, Stage.REPORTED, "REPORT_NOT_DRAFTED", "nmg-2016 §26")
    await prepare_stage(session, root, inspection, Stage.REPORTED)
    await stages.advance_inspection(
        session, root, inspection_id=inspection.id, stage=Stage.REPORTED
    )

    await _refused(session, root, inspection, Stage.HEARD, "HEARING_NOT_RECORDED", "nmg-2016 §27")
    await hear(session, root, inspection)
    await session.refresh(inspection)
    assert inspection.stage is Stage.HEARD

    await _refused(
        session, root, inspection, Stage.FED_BACK, "FEEDBACK_NOT_DELIVERED", "nmg-2016 §29"
    )
    await feed_back(session, root, inspection)
    await session.refresh(inspection)
    assert inspection.stage is Stage.FED_BACK

    await _refused(
        session, root, inspection, Stage.ARCHIVED, "MATERIALS_NOT_HANDED_OVER", "nmg-2016 §9"
    )
    await prepare_stage(session, root, inspection, Stage.ARCHIVED)
    moved = await stages.advance_inspection(
        session, root, inspection_id=inspection.id, stage=Stage.ARCHIVED
    )
    assert moved.stage is Stage.ARCHIVED


async def test_the_office_cannot_declare_a_hearing_over_graphql(api: Api, system: Any) -> None:
    session, root = system
    office = await make_office(session, root)
    staff = await make_staff(session, root, office)
    inspection = await make_inspection(session, root, (await make_target(session, root, office)).id)
    inspection = await move_to(session, root, inspection, Stage.LEFT_SITE)
    await prepare_stage(session, root, inspection, Stage.REPORTED)
    await stages.advance_inspection(
        session, root, inspection_id=inspection.id, stage=Stage.REPORTED
    )
    await session.commit()
    await api.reload_policy()
    gid = global_id("Inspection", inspection.id)

    refused = await api.gql(
        ADVANCE, {"input": {"inspectionId": gid, "stage": "HEARD"}}, user=staff.admin
    )
    payload = refused["data"]["advanceInspection"]
    assert payload["inspection"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "stage"], "HEARING_NOT_RECORDED")
    ]
    assert "nmg-2016 §27" in payload["userErrors"][0]["message"]
    async with api.app.state.graphql.database.session() as later:
        stored = await later.get(Inspection, inspection.id)
        assert stored is not None and stored.stage is Stage.REPORTED
