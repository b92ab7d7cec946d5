"""Use cases on disclosures (公开, nmg-2016 §35, qh-zrzyt §23): draft from the records, edit,
approve (by whom the ruleset names), publish after scanning for protected names, withdraw.

Every step changes the state by one conditional UPDATE, so of two concurrent approvals or
publications exactly one wins and the other gets CONFLICT.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import body_action, get_readable, require, require_body, require_in
from inspectnet.concurrency import TransitionRefused, expect_version, transition
from inspectnet.disclosure import drafting, names, repository
from inspectnet.disclosure.models import Disclosure, DisclosureApproval, DisclosureState
from inspectnet.errors import Conflict, RuleViolation
from inspectnet.ids import global_id_of
from inspectnet.inspections.models import STAGES, Inspection, Stage
from inspectnet.network.models import Office
from inspectnet.rules.format import (
    Conduct,
    DisciplineOffenceRule,
    DisclosurePointRule,
    DisclosureStage,
    Ruleset,
)
from inspectnet.rules.registry import get_ruleset
from inspectnet.targets.models import Target

# Who approves when the ruleset names no body (neither seed does): the office's admin.
OFFICE_ADMIN = "office_admin"
STATE_ZH = {
    DisclosureState.DRAFT: "草拟",
    DisclosureState.APPROVED: "已审批",
    DisclosureState.PUBLISHED: "已公开",
    DisclosureState.WITHDRAWN: "已撤回",
}


async def _ruleset(session: AsyncSession, office_id: int) -> tuple[Office, Ruleset]:
    # system scope: the office a readable row belongs to binds it to its ruleset
    office = await session.get(Office, office_id)
    assert office is not None  # the foreign key holds it
    return office, get_ruleset(office.ruleset_id)


def point_of(ruleset: Ruleset, stage: DisclosureStage) -> DisclosurePointRule:
    """The ruleset's disclosure point for ``stage``; refused when the ruleset discloses none."""
    found = next((r for r in ruleset.of_type(DisclosurePointRule) if r.params.stage is stage), None)
    if found is None:
        raise RuleViolation(
            f"规则集 {ruleset.id} 未规定公开该环节（{drafting.TITLE_ZH[stage]}）",
            code="DISCLOSURE_POINT_NOT_IN_RULESET",
            field="stage",
        )
    return found


def _secrecy_rule(ruleset: Ruleset) -> DisciplineOffenceRule | None:
    rules = ruleset.of_type(DisciplineOffenceRule)
    return next((r for r in rules if r.params.conduct is Conduct.LEAK_SECRETS), None)


async def draft_disclosure(
    session: AsyncSession, actor: Actor, *, inspection_id: int, stage: DisclosureStage
) -> Disclosure:
    """Draft a disclosure of one stage of an inspection from its records."""
    inspection = await get_readable(session, actor, Inspection, inspection_id)
    await require_in(
        session, actor, "create", Disclosure, inspection.office_id, inspection.target_id
    )
    office, ruleset = await _ruleset(session, inspection.office_id)
    rule = point_of(ruleset, stage)
    needed = drafting.NEEDS[stage]
    if STAGES.index(inspection.stage) < STAGES.index(needed):
        raise Conflict(
            f"巡视巡察尚未到达可公开{drafting.TITLE_ZH[stage]}的阶段（{rule.article}）",
            code="DISCLOSURE_TOO_EARLY",
            field="stage",
        )
    target = await get_readable(session, actor, Target, inspection.target_id)
    title, body = drafting.draft_text(
        rule,
        office_name=office.name,
        target_name=target.name,
        inspection=inspection,
        entered_at=await repository.stage_reached_at(session, actor, inspection.id, Stage.ON_SITE),
        fed_back_at=await repository.stage_reached_at(
            session, actor, inspection.id, Stage.FED_BACK
        ),
    )
    disclosure = Disclosure(
        office_id=inspection.office_id,
        inspection_id=inspection.id,
        target_id=inspection.target_id,
        stage=stage,
        rule_id=rule.id,
        article=rule.article,
        approver=rule.params.approved_by.value if rule.params.approved_by else OFFICE_ADMIN,
        title=title,
        body=body,
        state=DisclosureState.DRAFT,
    )
    session.add(disclosure)
    await session.flush()
    await record(
        session,
        actor,
        "disclosure.draft",
        office_id=disclosure.office_id,
        object_id=global_id_of(disclosure),
        detail={"stage": stage.value, "rule": rule.id},
    )
    return disclosure


def _require_state(disclosure: Disclosure, wanted: DisclosureState, *, code: str) -> None:
    if disclosure.state is not wanted:
        raise Conflict(
            f"公开事项当前为“{STATE_ZH[disclosure.state]}”，须为“{STATE_ZH[wanted]}”",
            code=code,
            field="disclosureId",
        )


async def _move(
    disclosure: Disclosure, session: AsyncSession, to: DisclosureState, **values: object
) -> None:
    try:
        await transition(
            session,
            Disclosure,
            disclosure.id,
            from_states=(disclosure.state,),
            to_state=to,
            values=values,
        )
    except TransitionRefused:
        raise Conflict(
            "公开事项已被他人处理，请刷新后重试", code="CONFLICT", field="disclosureId"
        ) from None
    await session.refresh(disclosure)


async def update_disclosure(
    session: AsyncSession,
    actor: Actor,
    *,
    disclosure_id: int,
    title: str | None = None,
    body: str | None = None,
    version: int | None = None,
) -> Disclosure:
    """Edit a draft's title or text (an approved text is what was approved: never edited)."""
    disclosure = await get_readable(session, actor, Disclosure, disclosure_id)
    await require(session, actor, "update", disclosure)
    expect_version(disclosure, version)
    _require_state(disclosure, DisclosureState.DRAFT, code="DISCLOSURE_NOT_DRAFT")
    inputs = validation.Inputs()
    new_title = disclosure.title if title is None else inputs.text(Disclosure.title, title)
    new_body = disclosure.body if body is None else inputs.text(Disclosure.body, body)
    inputs.done()
    disclosure.title, disclosure.body = new_title, new_body
    await session.flush()
    await record(
        session,
        actor,
        "disclosure.update",
        office_id=disclosure.office_id,
        object_id=global_id_of(disclosure),
    )
    return disclosure


def approve_action(disclosure: Disclosure) -> str:
    """The door's action approving it: ``approve_as_<body>`` when the ruleset names a body."""
    if disclosure.approver == OFFICE_ADMIN:
        return "approve"
    return body_action("approve", disclosure.approver)


async def approve_disclosure(
    session: AsyncSession, actor: Actor, *, disclosure_id: int, version: int | None = None
) -> Disclosure:
    """Approve a draft: a recorded decision by the body the ruleset names, else the admin."""
    disclosure = await get_readable(session, actor, Disclosure, disclosure_id)
    body = disclosure.approver
    if body == OFFICE_ADMIN:
        await require(session, actor, "approve", disclosure)
    else:
        await require_body(session, actor, body, disclosure.office_id, "approve", Disclosure)
    expect_version(disclosure, version)
    _require_state(disclosure, DisclosureState.DRAFT, code="DISCLOSURE_NOT_DRAFT")
    await _move(disclosure, session, DisclosureState.APPROVED)
    session.add(
        DisclosureApproval(
            office_id=disclosure.office_id,
            disclosure_id=disclosure.id,
            target_id=disclosure.target_id,
            user_id=actor.user_id,
            actor_name=actor.username,
            decided_as=body,
            rule_id=disclosure.rule_id,
            article=disclosure.article,
        )
    )
    await session.flush()
    await record(
        session,
        actor,
        "disclosure.approve",
        office_id=disclosure.office_id,
        object_id=global_id_of(disclosure),
        detail={"as": body, "rule": disclosure.rule_id},
    )
    return disclosure


async def publish_disclosure(
    session: AsyncSession, actor: Actor, *, disclosure_id: int, version: int | None = None
) -> Disclosure:
    """Publish an approved disclosure, unless its text names a protected person."""
    disclosure = await get_readable(session, actor, Disclosure, disclosure_id)
    await require(session, actor, "publish", disclosure)
    expect_version(disclosure, version)
    if disclosure.state is DisclosureState.DRAFT:
        raise RuleViolation(
            f"公开事项未经审批，不能公开（{disclosure.article}）",
            code="DISCLOSURE_NOT_APPROVED",
            field="disclosureId",
            rule_id=disclosure.rule_id,
            article=disclosure.article,
        )
    _require_state(disclosure, DisclosureState.APPROVED, code="DISCLOSURE_STATE_INVALID")
    protected = await names.protected_names(session, disclosure.office_id, disclosure.inspection_id)
    if names.appears(protected, disclosure.title, disclosure.body):
        _, ruleset = await _ruleset(session, disclosure.office_id)
        secrecy = _secrecy_rule(ruleset)
        cited = f"（{secrecy.article}）" if secrecy is not None else ""
        # Which name matched is not said: the publisher may not be one who may read it.
        raise RuleViolation(
            "公开文本含有受保护人员（信访举报人或问题线索涉及人员）的姓名，不能公开" + cited,
            code="DISCLOSURE_NAME_PROTECTED",
            field="body",
            rule_id=None if secrecy is None else secrecy.id,
            article=None if secrecy is None else secrecy.article,
        )
    await _move(disclosure, session, DisclosureState.PUBLISHED, published_at=clock.now())
    await record(
        session,
        actor,
        "disclosure.publish",
        office_id=disclosure.office_id,
        object_id=global_id_of(disclosure),
    )
    return disclosure


async def withdraw_disclosure(
    session: AsyncSession, actor: Actor, *, disclosure_id: int, version: int | None = None
) -> Disclosure:
    """Withdraw a disclosure (a draft, or a publication taken off the public list); kept."""
    disclosure = await get_readable(session, actor, Disclosure, disclosure_id)
    await require(session, actor, "update", disclosure)
    expect_version(disclosure, version)
    if disclosure.state is DisclosureState.WITHDRAWN:
        raise Conflict("公开事项已撤回", code="DISCLOSURE_WITHDRAWN", field="disclosureId")
    await _move(disclosure, session, DisclosureState.WITHDRAWN, withdrawn_at=clock.now())
    await record(
        session,
        actor,
        "disclosure.withdraw",
        office_id=disclosure.office_id,
        object_id=global_id_of(disclosure),
    )
    return disclosure
