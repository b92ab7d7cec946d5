"""Discipline records (nmg-2016 §36–38, §41): recorded under the article breached, with the
evidence and the referral; read by the office's admin and leadership and the office above,
never by its members, the team or the target side."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.authz.actor import Actor
from inspectnet.db import Database
from inspectnet.discipline.models import DisciplineRecord, RecordSource
from inspectnet.discipline.service import record_breach
from inspectnet.errors import RuleViolation
from inspectnet.ids import global_id
from inspectnet.rules.format import Conduct, OffenderParty
from tests.conftest import Api
from tests.discipline.factories import make_discipline_record, make_discipline_world

READ = """query($id: ID!) { disciplineRecord(id: $id) { article conduct referredTo
  viewerCan { update archive } } }"""
REFER = """mutation($input: RecordDisciplineReferralInput!) { recordDisciplineReferral(
  input: $input) { record { referredTo referredOn version } userErrors { field code } } }"""
ARCHIVE = """mutation($input: ArchiveDisciplineRecordInput!) { archiveDisciplineRecord(
  input: $input) { record { archivedAt } userErrors { code } } }"""


async def test_a_breach_is_recorded_under_the_article_it_breaches(system: Any) -> None:
    session, root = system
    world = await make_discipline_world(session, root)

    entry = await make_discipline_record(
        session, root, world.inspection, "discipline.staff.leak_secrets"
    )

    assert (entry.article, entry.party, entry.conduct, entry.source) == (
        "nmg-2016 §36(3)",
        OffenderParty.STAFF,
        Conduct.LEAK_SECRETS,
        RecordSource.OBSERVED,  # a complaint's record comes only by upholding it (test_complaints)
    )
    assert (entry.target_id, entry.referred_to, entry.complaint_id) == (
        world.inspection.target_id,
        None,
        None,
    )


async def test_a_rule_not_of_the_offices_ruleset_is_refused_and_nothing_written(
    system: Any,
) -> None:
    session, root = system
    world = await make_discipline_world(session, root)
    before = int(await session.scalar(select(func.count()).select_from(DisciplineRecord)) or 0)

    for rule_id in ("discipline.staff.accepted_hospitality", "stage.archived", "nonsense"):
        with pytest.raises(RuleViolation) as refused:
            await record_breach(
                session,
                root,
                inspection_id=world.inspection.id,
                rule_id=rule_id,
                respondent="某某",
                facts="接受宴请",
                evidence="照片",
            )
        assert (refused.value.code, refused.value.field) == ("DISCIPLINE_RULE_UNKNOWN", "ruleId")

    assert await session.scalar(select(func.count()).select_from(DisciplineRecord)) == before


def test_the_record_is_outside_the_inspections_scope_and_not_target_side() -> None:
    assert not hasattr(DisciplineRecord, "__authz_inspection_column__")
    assert not getattr(DisciplineRecord, "__authz_target_side__", False)


async def test_who_reads_and_who_refers_over_graphql(api: Api, db: Database) -> None:
    async with db.transaction() as session:
        root = Actor.system(api.app.state.graphql.policy.compiled, name="test")
        world = await make_discipline_world(session, root)
        entry = await make_discipline_record(session, root, world.inspection)
    await api.reload_policy()
    gid = global_id("DisciplineRecord", entry.id)

    seen = {}
    for user in (
        world.staff.admin,
        world.group_member,
        world.top_admin,
        world.staff.member,
        world.leader,
    ):
        answer = await api.gql(READ, {"id": gid}, user=user)
        seen[user] = (answer.get("data") or {}).get("disciplineRecord")
    assert seen[world.staff.admin] == {
        "article": "nmg-2016 §37(2)",
        "conduct": "REFUSING_DOCUMENTS",
        "referredTo": None,
        "viewerCan": {"update": True, "archive": True},
    }
    assert seen[world.group_member]["viewerCan"] == {"update": False, "archive": False}
    assert seen[world.top_admin]["viewerCan"] == {"update": False, "archive": False}
    assert (seen[world.staff.member], seen[world.leader]) == (None, None)

    refer = {"recordId": gid, "referredTo": "驻厅纪检监察组", "referredOn": "2026-11-24"}
    denied = await api.gql(REFER, {"input": refer}, user=world.group_member)
    assert [e["code"] for e in denied["data"]["recordDisciplineReferral"]["userErrors"]] == [
        "FORBIDDEN"
    ]
    future = await api.gql(
        REFER, {"input": {**refer, "referredOn": "2026-12-31"}}, user=world.staff.admin
    )
    assert future["data"]["recordDisciplineReferral"]["userErrors"] == [
        {"field": ["input", "referredOn"], "code": "DATE_IN_FUTURE"}
    ]
    async with db.session() as session:
        assert (
            await session.scalar(
                select(DisciplineRecord.referred_to).where(DisciplineRecord.id == entry.id)
            )
            is None
        )
    done = await api.gql(REFER, {"input": {**refer, "version": 1}}, user=world.staff.admin)
    assert done["data"]["recordDisciplineReferral"] == {
        "record": {"referredTo": "驻厅纪检监察组", "referredOn": "2026-11-24", "version": 2},
        "userErrors": [],
    }
    archived = await api.gql(ARCHIVE, {"input": {"recordId": gid}}, user=world.staff.admin)
    assert archived["data"]["archiveDisciplineRecord"]["record"]["archivedAt"] is not None
    listed = await api.gql(
        """query($id: ID!) { node(id: $id) { ... on Office { disciplineRecords(first: 5,
        filter: {archived: null, referred: true}) { totalCount } } } }""",
        {"id": global_id("Office", entry.office_id)},
        user=world.top_admin,
    )
    assert listed["data"]["node"]["disciplineRecords"]["totalCount"] == 1
