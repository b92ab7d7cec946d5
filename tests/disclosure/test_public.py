"""The public endpoint (公开, nmg-2016 §35): a published disclosure is read without sign-in, as
JSON, text, HTML and DOCX; nothing unpublished is; the office works it over GraphQL."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from sqlalchemy import select

from inspectnet.authz.actor import Actor
from inspectnet.db import Database
from inspectnet.disclosure import names
from inspectnet.disclosure.models import Disclosure, DisclosureState
from inspectnet.ids import global_id
from inspectnet.settings import Settings
from tests.conftest import Api
from tests.disclosure.factories import PROTECTED, SOURCE, make_disclosure, make_inspected_office
from tests.http.apps import serve

STEP = """mutation($input: DisclosureStepInput!) { %s(input: $input) {
  disclosure { state version publishedAt publicUrl approval { decidedAs article } }
  userErrors { field code message } } }"""
DRAFT = """mutation($input: DraftDisclosureInput!) { draftDisclosure(input: $input) {
  disclosure { id state approver viewerCan { update approve publish } }
  userErrors { field code } } }"""
LIST = """query($id: ID!) { node(id: $id) { ... on Inspection {
  disclosures(first: 10, filter: {state: PUBLISHED}) { totalCount nodes { title } } } } }"""


async def _world(db: Database, api: Api) -> Any:
    async with db.transaction() as session:
        root = Actor.system(api.app.state.graphql.policy.compiled, name="test")
        world = await make_inspected_office(session, root, target_name="某某旗委领导班子")
    await api.reload_policy()
    return world


async def test_the_office_publishes_and_the_public_reads_it_without_signing_in(
    api: Api, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(names, "SOURCES", [SOURCE])
    world = await _world(db, api)
    monkeypatch.setitem(PROTECTED, world.inspection.id, ["张三丰"])
    inspection = global_id("Inspection", world.inspection.id)
    drafted = await api.gql(
        DRAFT, {"input": {"inspectionId": inspection, "stage": "FEEDBACK"}}, user=world.staff.admin
    )
    made = drafted["data"]["draftDisclosure"]["disclosure"]
    assert made["state"] == "DRAFT" and made["approver"] == "office_admin"
    assert made["viewerCan"] == {"update": True, "approve": True, "publish": True}
    gid = made["id"]
    # a member reads it, may do nothing with it, and is refused when trying
    hint = await api.gql(
        "query($id: ID!) { disclosure(id: $id) { viewerCan { update approve publish } } }",
        {"id": gid},
        user=world.staff.member,
    )
    assert hint["data"]["disclosure"]["viewerCan"] == {
        "update": False,
        "approve": False,
        "publish": False,
    }
    denied = await api.gql(
        STEP % "approveDisclosure", {"input": {"disclosureId": gid}}, user=world.staff.member
    )
    assert [e["code"] for e in denied["data"]["approveDisclosure"]["userErrors"]] == ["FORBIDDEN"]
    # not approved: refused, with its article
    early = await api.gql(
        STEP % "publishDisclosure", {"input": {"disclosureId": gid}}, user=world.staff.admin
    )
    assert early["data"]["publishDisclosure"]["userErrors"] == [
        {
            "field": ["input", "disclosureId"],
            "code": "DISCLOSURE_NOT_APPROVED",
            "message": "公开事项未经审批，不能公开（nmg-2016 §35）",
        }
    ]
    approved = await api.gql(
        STEP % "approveDisclosure", {"input": {"disclosureId": gid}}, user=world.staff.admin
    )
    assert approved["data"]["approveDisclosure"]["disclosure"]["approval"] == {
        "decidedAs": "office_admin",
        "article": "nmg-2016 §35",
    }
    published = await api.gql(
        STEP % "publishDisclosure",
        {"input": {"disclosureId": gid, "version": 2}},
        user=world.staff.admin,
    )
    out = published["data"]["publishDisclosure"]
    assert out["userErrors"] == [] and out["disclosure"]["state"] == "PUBLISHED"
    assert out["disclosure"]["publicUrl"] == f"/public/disclosures/{gid}.json"

    # the public, signed in as nobody
    one = await api.client.get(f"/public/disclosures/{gid}.json")
    assert one.status_code == 200
    assert one.json()["target"] == "某某旗委领导班子" and one.json()["article"] == "nmg-2016 §35"
    index = (await api.client.get("/public/disclosures/index.json")).json()
    assert gid in [entry["id"] for entry in index]
    text = await api.client.get(f"/public/disclosures/{gid}.txt")
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.text.startswith(one.json()["title"] + "\n\n")
    page = await api.client.get(f"/public/disclosures/{gid}.html")
    assert f"<h1>{one.json()['title']}</h1>" in page.text
    word = docx.Document(
        io.BytesIO((await api.client.get(f"/public/disclosures/{gid}.docx")).content)
    )
    assert word.paragraphs[0].text == one.json()["title"]
    listed = await api.gql(LIST, {"id": inspection}, user=world.staff.member)
    assert listed["data"]["node"]["disclosures"]["totalCount"] == 1


async def test_what_is_not_published_is_not_at_the_public_endpoint(
    api: Api, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(names, "SOURCES", [SOURCE])
    async with db.transaction() as session:
        root = Actor.system(api.app.state.graphql.policy.compiled, name="test")
        world = await make_inspected_office(session, root)
        approved = await make_disclosure(session, root, world.inspection, approved=True)
        draft = await make_disclosure(session, root, world.inspection)
    await api.reload_policy()
    monkeypatch.setitem(PROTECTED, world.inspection.id, ["第一轮巡察"])
    gid = global_id("Disclosure", approved.id)

    refused = await api.gql(
        STEP % "publishDisclosure", {"input": {"disclosureId": gid}}, user=world.staff.admin
    )

    assert [e["code"] for e in refused["data"]["publishDisclosure"]["userErrors"]] == [
        "DISCLOSURE_NAME_PROTECTED"
    ]
    async with db.session() as session:
        states = set(
            await session.scalars(
                select(Disclosure.state).where(Disclosure.inspection_id == world.inspection.id)
            )
        )
    assert states == {DisclosureState.APPROVED, DisclosureState.DRAFT}
    for pk in (approved.id, draft.id):
        for ext in ("json", "txt"):
            answer = await api.client.get(
                f"/public/disclosures/{global_id('Disclosure', pk)}.{ext}"
            )
            assert (answer.status_code, answer.json()["code"]) == (404, "NOT_FOUND")
    assert (await api.client.get("/public/disclosures/nonsense.json")).status_code == 404
    index = (await api.client.get("/public/disclosures/index.json")).json()
    assert gid not in [entry["id"] for entry in index]


async def test_public_reads_are_rate_limited_per_address_with_retry_after(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(names, "SOURCES", [SOURCE])
    async with serve(db, settings, published_rate_per_address=3) as api:
        async with db.transaction() as session:
            root = Actor.system(api.app.state.graphql.policy.compiled, name="test")
            world = await make_inspected_office(session, root)
            shown = await make_disclosure(session, root, world.inspection, published=True)
        url = f"/public/disclosures/{global_id('Disclosure', shown.id)}.json"
        statuses = [(await api.client.get(url)).status_code for _ in range(3)]
        assert statuses == [200] * 3
        refused = await api.client.get(url)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert refused.json() == {"code": "RATE_LIMITED", "message": "请求过于频繁，请稍后再试"}
        # an unknown name spends the same bucket: nobody probes names faster than the limit
        assert (await api.client.get("/public/disclosures/nonsense.json")).status_code == 429
        # the reads have buckets of their own: the public calls (intake) are not spent
        assert await api.app.state.public.take("127.0.0.1", None) is None
        # another address still reads
        assert await api.app.state.published.take("10.1.2.3", None) is None
