"""Online intake: a public endpoint bound to an inspection on site, receipts shown once,
read and add with the code only, one answer for every wrong code, rate limits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection, Stage
from inspectnet.intake.models import Petition, PetitionMaterial
from tests.conftest import Api
from tests.factories import make_intake_team
from tests.inspections.factories import move_to

SUBMIT = "/public/intake/petitions"
RECEIPT = "/public/intake/receipt"
MATERIAL = "/public/intake/material"
READ = """query($id: ID!) { node(id: $id) { ... on Inspection { petitions(first: 5) {
  nodes { id channel summary petitioner { name } materials(first: 5) { nodes { text } } } } } } }"""
REPLY = """mutation($input: ReplyToPetitionInput!) { replyToPetition(input: $input) {
  userErrors { code } } }"""


async def _count(api: Api, model: type) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def _petition(team: Any, **extra: Any) -> dict[str, Any]:
    return {
        "announcement": global_id("Inspection", team.inspection.id),
        "subject": "TARGET_LEADERSHIP",
        "summary": "反映局长公车私用",
        **extra,
    }


async def test_a_petition_from_the_public_endpoint_gets_a_receipt_for_the_teams_reply(
    api: Api, system: Any
) -> None:
    session, root = system
    team = await make_intake_team(session, root)
    await session.commit()
    await api.reload_policy()

    sent = await api.client.post(SUBMIT, json=_petition(team, petitionerName="李举报"))
    assert sent.status_code == 200, sent.text
    code = sent.json()["receiptCode"]
    lookup, secret = code.split("-")
    assert len(secret) == 26 and sent.headers["cache-control"] == "no-store"
    async with api.app.state.graphql.database.session() as reader:
        stored = (await reader.execute(select(Petition))).scalars().all()
    mine = [p for p in stored if p.receipt_lookup == lookup]
    assert len(mine) == 1 and secret not in (mine[0].receipt_digest or "")

    team_view = await api.gql(
        READ, {"id": global_id("Inspection", team.inspection.id)}, user=team.handler
    )
    node = team_view["data"]["node"]["petitions"]["nodes"][0]
    assert (node["channel"], node["petitioner"]) == ("ONLINE", {"name": "李举报"})
    replied = await api.gql(
        REPLY, {"input": {"petitionId": node["id"], "body": "已核实，正在处理"}}, user=team.leader
    )
    assert replied["data"]["replyToPetition"]["userErrors"] == []

    read = await api.client.post(RECEIPT, json={"code": code.lower()})
    assert read.status_code == 200
    assert read.json()["state"] == "ANSWERED"
    assert [r["body"] for r in read.json()["replies"]] == ["已核实，正在处理"]
    added = await api.client.post(MATERIAL, json={"code": code, "text": "补充：车牌号蒙B12345"})
    assert [m["text"] for m in added.json()["materials"]] == ["补充：车牌号蒙B12345"]
    # The answer holds the team's replies and the petition's state, nothing about the team.
    assert set(read.json()) == {"state", "receivedOn", "replies", "materials"}
    again = await api.gql(
        READ, {"id": global_id("Inspection", team.inspection.id)}, user=team.member
    )
    assert again["data"]["node"]["petitions"]["nodes"][0]["materials"]["nodes"] == [
        {"text": "补充：车牌号蒙B12345"}
    ]


async def test_a_wrong_code_gets_one_answer_whether_or_not_its_id_exists(
    api: Api, system: Any
) -> None:
    session, root = system
    team = await make_intake_team(session, root)
    await session.commit()
    await api.reload_policy()
    code = (await api.client.post(SUBMIT, json=_petition(team))).json()["receiptCode"]
    lookup, secret = code.split("-")
    before = await _count(api, PetitionMaterial)

    answers = []
    for guess in (f"{lookup}-{'A' * 26}", f"{'B' * 13}-{secret}", "not a code", ""):
        found = await api.client.post(MATERIAL, json={"code": guess, "text": "x"})
        answers.append((found.status_code, found.json()))
    wrong = {"code": "RECEIPT_INVALID", "message": "回执码无效", "field": "code"}
    assert answers[:3] == [(404, wrong)] * 3
    assert answers[3][1]["code"] == "REQUIRED" or answers[3] == (404, wrong)
    assert await _count(api, PetitionMaterial) == before


async def test_intake_is_open_only_while_the_inspection_is_on_site(api: Api, system: Any) -> None:
    session, root = system
    team = await make_intake_team(session, root, stage=Stage.NOTIFIED)
    await session.commit()
    await api.reload_policy()
    before = await _count(api, Petition)

    early = await api.client.post(SUBMIT, json=_petition(team))
    assert (early.status_code, early.json()["code"]) == (409, "INTAKE_CLOSED")
    unknown = await api.client.post(SUBMIT, json=_petition(team, announcement="bm9wZQ"))
    assert (unknown.status_code, unknown.json()["code"]) == (404, "INTAKE_NOT_FOUND")
    target = global_id("Target", team.target.id)
    other = await api.client.post(SUBMIT, json=_petition(team, announcement=target))
    assert (other.status_code, other.json()["code"]) == (404, "INTAKE_NOT_FOUND")
    assert await _count(api, Petition) == before

    async with api.app.state.graphql.database.transaction() as later:
        inspection = await later.get(Inspection, team.inspection.id)
        await move_to(later, root, inspection, Stage.ON_SITE)
    opened = await api.client.post(SUBMIT, json=_petition(team))
    code = opened.json()["receiptCode"]
    invalid = await api.client.post(SUBMIT, json=_petition(team, subject="SOMEONE", summary=" "))
    assert (invalid.status_code, invalid.json()["code"]) == (400, "INVALID_CODE")

    async with api.app.state.graphql.database.transaction() as later:
        inspection = await later.get(Inspection, team.inspection.id)
        await move_to(later, root, inspection, Stage.LEFT_SITE)
    closed = await api.client.post(SUBMIT, json=_petition(team))
    assert (closed.status_code, closed.json()["code"]) == (409, "INTAKE_CLOSED")
    late = await api.client.post(MATERIAL, json={"code": code, "text": "迟到的材料"})
    assert (late.status_code, late.json()["code"]) == (409, "INTAKE_CLOSED")
    still = await api.client.post(RECEIPT, json={"code": code})
    assert still.status_code == 200 and still.json()["state"] == "RECEIVED"
    assert await _count(api, Petition) == before + 1


async def test_calls_are_limited_per_address_and_per_announcement(api: Api, system: Any) -> None:
    session, root = system
    team = await make_intake_team(session, root)
    await session.commit()
    await api.reload_policy()
    limit = api.settings.public_rate_per_address
    statuses = [
        (await api.client.post(RECEIPT, json={"code": f"AAAA-{n}"})).status_code
        for n in range(limit + 1)
    ]
    assert statuses == [404] * limit + [429]
    refused = await api.client.post(SUBMIT, json=_petition(team))
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert refused.json()["code"] == "RATE_LIMITED"

    # Another address still reaches the announcement until the announcement's bucket is empty.
    limits = api.app.state.public
    announcement = f"announcement:{global_id('Inspection', team.inspection.id)}"
    taken = [
        await limits.take(f"10.0.{n // 250}.{n % 250}", announcement)
        for n in range(api.settings.public_rate_per_scope)
    ]
    assert taken == [None] * api.settings.public_rate_per_scope
    assert await limits.take("10.9.9.9", announcement) is not None
    assert await limits.take("10.9.9.9", "announcement:another") is None
