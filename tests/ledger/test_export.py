"""The results ledger 台账 (nmg-2016 §33, qh-zrzyt §35): compiled from the findings, clues and
transfers of an office, listed with filters, and exported as XLSX whose user text cannot run
as a formula."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from inspectnet.casework import findings
from inspectnet.ids import global_id
from inspectnet.transfers import service
from tests.casework.conftest import arrange
from tests.conftest import Api
from tests.transfers.factories import TransferSetting, make_transfer, make_transfer_setting

COMPILE = """mutation($input: CompileLedgerInput!) { compileLedger(input: $input) {
  written office { id } userErrors { field code } } }"""
LEDGER = """query($id: ID!, $filter: LedgerEntryFilter) { node(id: $id) { ... on Office {
  ledger(first: 10, filter: $filter) { totalCount nodes { kind kindLabel title category state
    recordId } } } } }"""
HOSTILE = '=HYPERLINK("http://example.invalid","点击")'


async def _answered(session: Any, system: Any) -> tuple[TransferSetting, int]:
    setting = await make_transfer_setting(session, system)
    made = await make_transfer(session, system, setting)
    await service.sign_transfer(session, system, transfer_id=made.id)
    await service.report_handling(
        session, system, transfer_id=made.id, outcome="handling.case_filed", report="已立案"
    )
    await findings.create_finding(
        session,
        system,
        inspection_id=setting.team.inspection.id,
        category="category.other",
        title=HOSTILE,
    )
    return setting, made.id


async def test_the_ledger_lists_the_transferred_clue_and_everything_else_and_exports_it(
    api: Api,
) -> None:
    setting, transfer_pk = await arrange(api, _answered)
    office = global_id("Office", setting.team.office.id)
    admin = setting.admin.username

    # when the office's admin brings its ledger up to date
    compiled = await api.gql(COMPILE, {"input": {"officeId": office}}, user=admin)
    assert compiled["data"]["compileLedger"] == {
        "written": 5,  # two clues, two findings, one transfer
        "office": {"id": office},
        "userErrors": [],
    }
    again = await api.gql(COMPILE, {"input": {"officeId": office}}, user=admin)
    assert again["data"]["compileLedger"]["written"] == 0  # nothing changed since

    # then it lists them all, and a filter narrows them to the transfer
    listed = (await api.gql(LEDGER, {"id": office}, user=admin))["data"]["node"]["ledger"]
    assert listed["totalCount"] == 5
    assert sorted(n["kind"] for n in listed["nodes"]) == [
        "clue",
        "clue",
        "finding",
        "finding",
        "transfer",
    ]
    transfers = await api.gql(LEDGER, {"id": office, "filter": {"kind": "transfer"}}, user=admin)
    assert transfers["data"]["node"]["ledger"] == {
        "totalCount": 1,
        "nodes": [
            {
                "kind": "transfer",
                "kindLabel": "移交",
                "title": f"移交{setting.receiver.name}",
                "category": "transfer.discipline",
                "state": "reported",
                "recordId": global_id("Transfer", transfer_pk),
            }
        ],
    }
    # a clue's line names no person (casework stays the team's)
    clue_titles = {n["title"] for n in listed["nodes"] if n["kind"] == "clue"}
    assert clue_titles == {"问题线索"}

    # and exports an XLSX the test reads back
    bearer = {"authorization": f"Bearer {api.token(admin)}"}
    got = await api.client.get(f"/ledger/{office}", headers=bearer)
    assert got.status_code == 200
    sheet = load_workbook(BytesIO(got.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "序号",
        "类别",
        "巡视巡察对象",
        "事项",
        "问题类别或移交渠道",
        "状态",
        "登记日期",
        "标识",
    )
    assert len(rows) == 6
    assert sorted(r[1] for r in rows[1:]) == sorted(
        ["问题线索", "问题线索", "问题", "问题", "移交"]
    )
    assert {r[2] for r in rows[1:]} == {setting.team.target.name}
    hostile = next(c for c in sheet["D"] if c.value == HOSTILE)
    assert (hostile.data_type, hostile.quotePrefix) == ("s", True)  # text, never a formula

    # the receiving office reads none of the sender's ledger
    other = {"authorization": f"Bearer {api.token(setting.receiver_admin.username)}"}
    refused = await api.client.get(f"/ledger/{office}", headers=other)
    assert (refused.status_code, refused.json()["code"]) == (404, "NOT_FOUND")
