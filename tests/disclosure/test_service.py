"""Disclosure (公开, nmg-2016 §35, qh-zrzyt §23): drafted from the records, approved, then
published only without a protected name in it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from inspectnet.disclosure import names, public
from inspectnet.disclosure.models import Disclosure, DisclosureApproval, DisclosureState
from inspectnet.disclosure.service import (
    approve_disclosure,
    draft_disclosure,
    publish_disclosure,
    update_disclosure,
    withdraw_disclosure,
)
from inspectnet.errors import Conflict, NotFound, RuleViolation
from inspectnet.ids import global_id
from inspectnet.inspections.models import Stage
from inspectnet.rules.format import DisclosureStage
from tests.disclosure.factories import (
    PROTECTED,
    SOURCE,
    make_disclosure,
    make_inspected_office,
)


async def _count(session: Any, model: type[Any]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_draft_is_written_from_the_records_under_the_rulesets_point(system: Any) -> None:
    session, root = system
    world = await make_inspected_office(session, root, target_name="某某旗委领导班子")

    draft = await make_disclosure(session, root, world.inspection, DisclosureStage.FEEDBACK)

    assert (draft.state, draft.rule_id, draft.article, draft.approver) == (
        DisclosureState.DRAFT,
        "disclosure.feedback",
        "nmg-2016 §35",
        "office_admin",
    )
    assert "2026年11月25日" in draft.body and "某某旗委领导班子" in draft.body
    assert draft.body.endswith("依据：nmg-2016 §35。公开渠道：门户网站、新闻媒体。")


async def test_a_stage_not_reached_or_not_in_the_ruleset_is_refused(system: Any) -> None:
    session, root = system
    early = await make_inspected_office(session, root, Stage.ON_SITE)
    qh = await make_inspected_office(session, root, Stage.TEAM_FORMED, ruleset_id="qh-zrzyt")
    before = await _count(session, Disclosure)

    with pytest.raises(Conflict) as too_early:
        await draft_disclosure(
            session, root, inspection_id=early.inspection.id, stage=DisclosureStage.FEEDBACK
        )
    # qh-zrzyt discloses the entry (§13) and rectification (§23), not the feedback
    with pytest.raises(RuleViolation) as no_point:
        await draft_disclosure(
            session, root, inspection_id=qh.inspection.id, stage=DisclosureStage.FEEDBACK
        )

    assert (too_early.value.code, too_early.value.field) == ("DISCLOSURE_TOO_EARLY", "stage")
    assert no_point.value.code == "DISCLOSURE_POINT_NOT_IN_RULESET"
    assert await _count(session, Disclosure) == before


async def test_an_unapproved_disclosure_is_not_published(system: Any) -> None:
    session, root = system
    world = await make_inspected_office(session, root)
    draft = await make_disclosure(session, root, world.inspection)

    with pytest.raises(RuleViolation) as refused:
        await publish_disclosure(session, root, disclosure_id=draft.id)

    assert (refused.value.code, refused.value.article) == (
        "DISCLOSURE_NOT_APPROVED",
        "nmg-2016 §35",
    )
    await session.refresh(draft)
    assert (draft.state, draft.published_at) == (DisclosureState.DRAFT, None)


async def test_a_text_naming_a_protected_person_is_refused_however_it_is_spaced(
    system: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    session, root = system
    monkeypatch.setattr(names, "SOURCES", [SOURCE])
    world = await make_inspected_office(session, root)
    monkeypatch.setitem(PROTECTED, world.inspection.id, ["张三丰"])
    named = await make_disclosure(session, root, world.inspection)
    # a full-width space and a line break inside the name do not hide it
    await update_disclosure(
        session,
        root,
        disclosure_id=named.id,
        body=named.body + "\n群众张　三\n丰反映的问题已整改。",
    )
    named = await approve_disclosure(session, root, disclosure_id=named.id)
    clean = await make_disclosure(session, root, world.inspection, approved=True)

    with pytest.raises(RuleViolation) as refused:
        await publish_disclosure(session, root, disclosure_id=named.id)
    published = await publish_disclosure(session, root, disclosure_id=clean.id)

    assert (refused.value.code, refused.value.field, refused.value.article) == (
        "DISCLOSURE_NAME_PROTECTED",
        "body",
        "nmg-2016 §36(3)",
    )
    assert "张三丰" not in refused.value.message  # the publisher is not told whom it names
    await session.refresh(named)
    assert (named.state, named.published_at) == (DisclosureState.APPROVED, None)
    assert published.state is DisclosureState.PUBLISHED


async def test_approval_is_a_recorded_decision_and_freezes_the_text(system: Any) -> None:
    session, root = system
    world = await make_inspected_office(session, root)
    draft = await make_disclosure(session, root, world.inspection)

    approved = await approve_disclosure(session, root, disclosure_id=draft.id)

    decision = await session.scalar(
        select(DisclosureApproval).where(DisclosureApproval.disclosure_id == draft.id)
    )
    assert (decision.decided_as, decision.article, decision.actor_name) == (
        "office_admin",
        "nmg-2016 §35",
        "test",
    )
    with pytest.raises(Conflict) as refused:
        await update_disclosure(session, root, disclosure_id=approved.id, body="改动已审批的文本")
    assert refused.value.code == "DISCLOSURE_NOT_DRAFT"
    await session.refresh(approved)
    assert approved.body == draft.body


def test_names_match_after_nfkc_case_folding_and_whitespace_removal() -> None:
    assert names.appears(["ＬＩ　Ｍｉｎｇ"], "citizen li ming wrote")
    assert names.appears(["王 五"], "王\t五")
    assert not names.appears(["王五"], "王六")
    assert not names.appears(["王"], "王六")  # a single character is not scanned


async def test_a_withdrawn_publication_leaves_the_public_list_and_is_kept(system: Any) -> None:
    session, root = system
    world = await make_inspected_office(session, root)
    published = await make_disclosure(session, root, world.inspection, published=True)

    withdrawn = await withdraw_disclosure(session, root, disclosure_id=published.id)
    with pytest.raises(Conflict) as again:
        await withdraw_disclosure(session, root, disclosure_id=published.id)

    assert (withdrawn.state, withdrawn.withdrawn_at is not None) == (
        DisclosureState.WITHDRAWN,
        True,
    )
    assert again.value.code == "DISCLOSURE_WITHDRAWN"
    with pytest.raises(NotFound):
        await public.serve(session, f"{global_id('Disclosure', published.id)}.json")
