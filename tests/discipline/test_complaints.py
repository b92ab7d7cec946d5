"""A complaint about an inspector (nmg-2016 §41, qh-zrzyt §33) that the office upholds becomes a
discipline record citing it: a link to the complaint, not a copy of it; once only, under a staff
offence, by whoever may record breaches; refused otherwise with nothing written."""

from __future__ import annotations

from sqlalchemy import func, select

from inspectnet.authz.actor import Actor
from inspectnet.db import Database
from inspectnet.discipline.models import DisciplineRecord
from inspectnet.ids import global_id
from inspectnet.intake import conduct
from tests.conftest import Api
from tests.discipline.factories import make_discipline_world

UPHOLD = """mutation($input: UpholdInspectorComplaintInput!) { upholdInspectorComplaint(
  input: $input) { record { id source article facts complaint { id summary } }
  userErrors { field code message } } }"""
READ = """query($id: ID!) { disciplineRecord(id: $id) { source complaint { id } } }"""


async def _records(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count(DisciplineRecord.id))) or 0)


async def test_an_upheld_complaint_becomes_a_record_that_cites_it(api: Api, db: Database) -> None:
    async with db.transaction() as session:
        root = Actor.system(api.app.state.graphql.policy.compiled, name="test")
        world = await make_discipline_world(session, root)
        complaint = await conduct.file_complaint(
            session, root, inspection_id=world.inspection.id, summary="巡视组某成员向外透露谈话内容"
        )
    await api.reload_policy()
    cid = global_id("InspectorComplaint", complaint.id)
    uphold = {
        "complaintId": cid,
        "ruleId": "discipline.staff.leak_secrets",
        "respondent": "巡视组成员王某",
        "facts": "经核实，王某于谈话后向被巡视单位人员透露谈话人姓名",
        "evidence": "核实谈话笔录两份",
    }
    before = await _records(db)

    # the leading group's member reads the complaint but does not record breaches
    denied = await api.gql(UPHOLD, {"input": uphold}, user=world.group_member)
    assert [e["code"] for e in denied["data"]["upholdInspectorComplaint"]["userErrors"]] == [
        "FORBIDDEN"
    ]
    # a complaint about an inspector proves a staff offence, not the inspected side's
    wrong = await api.gql(
        UPHOLD,
        {"input": {**uphold, "ruleId": "discipline.inspected.concealment"}},
        user=world.staff.admin,
    )
    assert wrong["data"]["upholdInspectorComplaint"]["userErrors"] == [
        {
            "field": ["input", "ruleId"],
            "code": "DISCIPLINE_RULE_NOT_STAFF",
            "message": "对巡视巡察工作人员的反映，须按工作人员违纪情形认定",
        }
    ]
    assert await _records(db) == before

    done = await api.gql(UPHOLD, {"input": uphold}, user=world.staff.admin)
    out = done["data"]["upholdInspectorComplaint"]
    assert out["userErrors"] == []
    assert out["record"]["source"] == "COMPLAINT"
    assert out["record"]["article"] == "nmg-2016 §36(3)"
    # linked, not copied: the record holds what was established, the complaint its own text
    assert out["record"]["complaint"] == {"id": cid, "summary": "巡视组某成员向外透露谈话内容"}
    assert out["record"]["facts"] == uphold["facts"]
    async with db.session() as session:
        row = await session.scalar(
            select(DisciplineRecord).where(DisciplineRecord.complaint_id == complaint.id)
        )
    assert row is not None and global_id("DisciplineRecord", row.id) == out["record"]["id"]

    # upheld once
    again = await api.gql(UPHOLD, {"input": uphold}, user=world.staff.admin)
    assert [
        (e["field"], e["code"]) for e in again["data"]["upholdInspectorComplaint"]["userErrors"]
    ] == [(["input", "complaintId"], "COMPLAINT_ALREADY_UPHELD")]
    assert await _records(db) == before + 1

    # the office above reads the record; the complaint stays behind its own door
    above = await api.gql(READ, {"id": out["record"]["id"]}, user=world.top_admin)
    assert above["data"]["disciplineRecord"] == {"source": "COMPLAINT", "complaint": None}


async def test_a_complaint_one_cannot_read_is_not_found(api: Api, db: Database) -> None:
    async with db.transaction() as session:
        root = Actor.system(api.app.state.graphql.policy.compiled, name="test")
        world = await make_discipline_world(session, root)
        other = await make_discipline_world(session, root)
        complaint = await conduct.file_complaint(
            session, root, inspection_id=other.inspection.id, summary="另一单位的反映"
        )
    await api.reload_policy()
    before = await _records(db)
    refused = await api.gql(
        UPHOLD,
        {
            "input": {
                "complaintId": global_id("InspectorComplaint", complaint.id),
                "ruleId": "discipline.staff.leak_secrets",
                "respondent": "某某",
                "facts": "事实",
                "evidence": "证据",
            }
        },
        user=world.staff.admin,
    )
    assert [
        (e["field"], e["code"]) for e in refused["data"]["upholdInspectorComplaint"]["userErrors"]
    ] == [(["input", "complaintId"], "NOT_FOUND")]
    assert await _records(db) == before
