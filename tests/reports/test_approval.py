"""A report's approval (审定): a recorded decision of the body the ruleset names (qh-zrzyt §17:
报厅党组; nmg-2016 §27: the leading group), through ``require_body``; final while its current
version is the approved one; the feedback waits for an approved inspection report."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from inspectnet.accounts.models import Role
from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.authz.store import PolicyStore
from inspectnet.bodies.models import BodyKind
from inspectnet.errors import RuleViolation
from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection, Stage
from inspectnet.rectification import feedback as feedbacks
from inspectnet.reports import approval
from inspectnet.reports import service as reports
from inspectnet.reports.models import Report
from tests.bodies.factories import make_body
from tests.casework.conftest import arrange
from tests.casework.factories import Team
from tests.conftest import Api
from tests.factories import make_user
from tests.filings.factories import actor_of
from tests.rectification.factories import (
    QH,
    QH_ATTENDEES,
    hear_and_consent,
    make_reported_inspection,
)
from tests.reports.factories import make_report

APPROVE = """mutation($input: ApproveReportInput!) { approveReport(input: $input) {
  report { approved approvedVersion } userErrors { field code message } } }"""
REVISE = """mutation($input: ReviseReportInput!) { reviseReport(input: $input) {
  report { approved approvedVersion currentVersion } userErrors { field code } } }"""
CAN = """query($id: ID!) { node(id: $id) { ... on Report { viewerCan { approve } } } }"""
TODAY = date(2026, 11, 25)


async def _row(api: Api, pk: int) -> Report:
    async with api.app.state.graphql.database.session() as session:
        row = await session.get(Report, pk)
        assert row is not None
        return row


def _codes(answer: dict[str, Any]) -> list[str]:
    assert "errors" not in answer, answer
    return [e["code"] for e in answer["data"]["approveReport"]["userErrors"]]


async def test_the_party_group_approves_the_report_and_a_revision_reopens_it(
    api: Api, team: Team
) -> None:
    # Given a qh-zrzyt team's report, the office's party group and leading group seated
    async def build(session: Any, system: Any) -> dict[str, Any]:
        report = await make_report(session, system, team.inspection)
        party = await make_body(session, system, team.office, BodyKind.PARTY_GROUP)
        group = await make_body(session, system, team.office, BodyKind.LEADING_GROUP)
        admin = await make_user(session, system, team.office, Role.OFFICE_ADMIN)
        return {
            "report": report.id,
            "party": party.members[0].username,
            "group": group.members[0].username,
            "admin": admin.username,
        }

    made = await arrange(api, build)
    report = global_id("Report", made["report"])
    ask = {"input": {"reportId": report}}

    # When the team's leader, the leading group's member or the office admin approves it
    leader = await api.gql(APPROVE, ask, user=team.leader.username)
    group = await api.gql(APPROVE, ask, user=made["group"])
    admin = await api.gql(APPROVE, ask, user=made["admin"])

    # Then each is refused (the admin does not even read it: reports are the team's) and the
    # report stays unapproved
    assert (_codes(leader), _codes(group), _codes(admin)) == (
        ["FORBIDDEN"],
        ["FORBIDDEN"],
        ["NOT_FOUND"],
    )
    row = await _row(api, made["report"])
    assert (row.approver, row.approved_version, row.approved_at) == ("party_group", None, None)
    can = {
        user: (await api.gql(CAN, {"id": report}, user=user))["data"]["node"]["viewerCan"]
        for user in (team.leader.username, made["group"], made["party"])
    }
    assert can == {
        team.leader.username: {"approve": False},
        made["group"]: {"approve": False},
        made["party"]: {"approve": True},
    }

    # When the party group's member approves it
    approved = await api.gql(APPROVE, ask, user=made["party"])

    # Then its version 1 is final, the decision recorded and audited with the article
    assert approved["data"]["approveReport"] == {
        "report": {"approved": True, "approvedVersion": 1},
        "userErrors": [],
    }
    await api.flush_audit()
    async with api.app.state.graphql.database.session() as session:
        audited = (
            await session.scalars(
                select(AuditEntry.detail).where(
                    AuditEntry.action == "report.approve",
                    AuditEntry.outcome == Outcome.SUCCESS,
                    AuditEntry.office_id == team.office.id,
                )
            )
        ).all()
    assert audited == [{"version": 1, "body": "party_group", "article": "qh-zrzyt §17"}]
    assert _codes(await api.gql(APPROVE, ask, user=made["party"])) == ["REPORT_ALREADY_APPROVED"]

    # When the team revises it, the new version is not approved until approved again
    revised = await api.gql(REVISE, {"input": {"reportId": report}}, user=team.leader.username)
    assert revised["data"]["reviseReport"]["report"] == {
        "approved": False,
        "approvedVersion": 1,
        "currentVersion": 2,
    }
    again = await api.gql(APPROVE, ask, user=made["party"])
    assert again["data"]["approveReport"]["report"] == {"approved": True, "approvedVersion": 2}


async def test_the_feedback_waits_for_the_approved_inspection_report(
    system: Any, policy: PolicyStore
) -> None:
    # Given a qh-zrzyt inspection heard and consented, its inspection report not approved
    session, root = system
    case = await make_reported_inspection(session, root, ruleset_id=QH, approved_report=False)
    await hear_and_consent(session, root, case)
    admin = await actor_of(session, policy, case.admin)
    feed = {
        "inspection_id": case.inspection.id,
        "to_leadership_on": TODAY,
        "to_principal_on": TODAY,
        "signed_on": TODAY,
        "principal_name": "张书记",
        "problems": ["问题一"],
        "parties": QH_ATTENDEES,
    }
    drafted = await reports.create_report(
        session, root, inspection_id=case.inspection.id, kind="report.inspection", title="报告"
    )

    # When the admin feeds back, then it is refused with the article and nothing moves
    with pytest.raises(RuleViolation) as refused:
        await feedbacks.deliver_feedback(session, admin, **feed)
    assert (refused.value.code, refused.value.article) == ("REPORT_NOT_APPROVED", "qh-zrzyt §17")
    assert "指导进一步修改巡察报告并报厅党组" in refused.value.message
    assert (await session.get(Inspection, case.inspection.id)).stage is Stage.HEARD

    # When the party group approves the report, the feedback goes through
    party = await actor_of(session, policy, case.results_member)
    await approval.approve_report(session, party, report_id=drafted.id)
    await feedbacks.deliver_feedback(session, admin, **feed)
    assert (await session.get(Inspection, case.inspection.id)).stage is Stage.FED_BACK
