"""A finding withdrawn (撤销): by the team's leader, with the reason, audited; refused while a
report's current version places it; afterwards no report takes it and the ledger's figures do
not count it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from inspectnet.accounts.models import Role
from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.casework.models import Finding
from inspectnet.ids import global_id
from inspectnet.ledger import service as ledger
from tests.casework.conftest import arrange
from tests.casework.factories import Team, make_finding
from tests.conftest import Api
from tests.factories import make_user
from tests.reports.factories import make_report

WITHDRAW = """mutation($input: WithdrawFindingInput!) { withdrawFinding(input: $input) {
  finding { archived withdrawnReason viewerCan { update withdraw } }
  userErrors { field code message } } }"""
REVISE = """mutation($input: ReviseReportInput!) { reviseReport(input: $input) {
  report { currentVersion } userErrors { field code } } }"""
CREATE_REPORT = """mutation($input: CreateReportInput!) { createReport(input: $input) {
  report { id } userErrors { field code } } }"""
PERFORMANCE = """query($id: ID!) { node(id: $id) { ... on Office {
  staffPerformance { findings clues score } } } }"""


async def _row(api: Api, pk: int) -> Finding:
    async with api.app.state.graphql.database.session() as session:
        row = await session.get(Finding, pk)
        assert row is not None
        return row


def _codes(answer: dict[str, Any]) -> list[str]:
    return [e["code"] for e in answer["data"]["withdrawFinding"]["userErrors"]]


async def test_a_finding_in_a_report_is_withdrawn_only_once_the_report_leaves_it_out(
    api: Api, team: Team
) -> None:
    # Given a ready finding placed in a report
    async def build(session: Any, system: Any) -> tuple[Finding, str]:
        finding = await make_finding(session, system, team.inspection, ready=True)
        report = await make_report(session, system, team.inspection, findings=[finding])
        return finding, global_id("Report", report.id)

    finding, report = await arrange(api, build)
    gid = global_id("Finding", finding.id)
    ask = {"input": {"findingId": gid, "reason": "经核实与事实不符"}}

    # When the member, or the leader without a reason, or while the report carries it
    member = await api.gql(WITHDRAW, ask, user=team.member.username)
    blank = await api.gql(
        WITHDRAW, {"input": {"findingId": gid, "reason": " "}}, user=team.leader.username
    )
    placed = await api.gql(WITHDRAW, ask, user=team.leader.username)

    # Then each is refused and the finding is unchanged
    assert _codes(member) == ["FORBIDDEN"]
    assert _codes(blank) == ["REQUIRED"]
    assert _codes(placed) == ["FINDING_IN_REPORT"]
    assert "关于巡察情况的报告" in placed["data"]["withdrawFinding"]["userErrors"][0]["message"]
    row = await _row(api, finding.id)
    assert (row.archived_at, row.withdrawn_reason, row.version) == (None, None, finding.version)

    # When the report is revised without it, the leader withdraws it
    revised = await api.gql(
        REVISE, {"input": {"reportId": report, "findingIds": []}}, user=team.leader.username
    )
    assert revised["data"]["reviseReport"]["userErrors"] == []
    done = await api.gql(WITHDRAW, ask, user=team.leader.username)

    # Then it is withdrawn with its reason and audited; a second withdrawal is a conflict
    assert done["data"]["withdrawFinding"] == {
        "finding": {
            "archived": True,
            "withdrawnReason": "经核实与事实不符",
            "viewerCan": {"update": True, "withdraw": True},
        },
        "userErrors": [],
    }
    row = await _row(api, finding.id)
    assert row.archived_at is not None and row.withdrawn_by == team.leader.id
    await api.flush_audit()
    async with api.app.state.graphql.database.session() as session:
        audited = (
            await session.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == "finding.withdraw",
                    AuditEntry.object_id == gid,
                    AuditEntry.outcome == Outcome.SUCCESS,
                )
            )
        ).all()
    assert [(a.actor_user_id, a.detail) for a in audited] == [
        (team.leader.id, {"reason": "经核实与事实不符"})
    ]
    again = await api.gql(WITHDRAW, ask, user=team.leader.username)
    assert _codes(again) == ["FINDING_WITHDRAWN"]

    # … and no report takes it again
    refused = await api.gql(
        CREATE_REPORT,
        {
            "input": {
                "inspectionId": global_id("Inspection", team.inspection.id),
                "kind": "report.inspection",
                "title": "关于巡察情况的报告（二）",
                "findingIds": [gid],
            }
        },
        user=team.leader.username,
    )
    assert [e["code"] for e in refused["data"]["createReport"]["userErrors"]] == [
        "FINDING_WITHDRAWN"
    ]


async def test_a_withdrawn_finding_no_longer_counts_in_the_ledgers_figures(
    api: Api, team: Team
) -> None:
    # Given two ready findings of the team, one of them withdrawn, and the ledger compiled
    async def build(session: Any, system: Any) -> tuple[str, str]:
        await make_finding(session, system, team.inspection, ready=True)  # kept
        dropped = await make_finding(session, system, team.inspection, ready=True)
        admin = await make_user(session, system, team.office, Role.OFFICE_ADMIN)
        return global_id("Finding", dropped.id), admin.username

    dropped, admin = await arrange(api, build)
    withdrawn = await api.gql(
        WITHDRAW,
        {"input": {"findingId": dropped, "reason": "重复登记"}},
        user=team.leader.username,
    )
    assert withdrawn["data"]["withdrawFinding"]["userErrors"] == []
    await arrange(api, lambda s, system: ledger.compile_ledger(s, system, office_id=team.office.id))

    # When the office reads its staff's figures
    got = await api.gql(PERFORMANCE, {"id": global_id("Office", team.office.id)}, user=admin)

    # Then each member counts the one finding still standing (3 points: docs/ledger.md) and
    # the two clues the factory gave the findings as evidence (1 point each)
    assert got["data"]["node"]["staffPerformance"] == [
        {"findings": 1, "clues": 2, "score": 5},
        {"findings": 1, "clues": 2, "score": 5},
    ]
