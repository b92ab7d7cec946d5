"""Use cases on offices and the network's lines."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.changes import policy_changed
from inspectnet.authz.checks import get_readable, require
from inspectnet.authz.platform import require_platform
from inspectnet.authz.resources import type_of
from inspectnet.errors import Conflict, NotFound, ValidationFailed
from inspectnet.ids import global_id, global_id_of
from inspectnet.network import graph, repository
from inspectnet.network.models import (
    LinkKind,
    Office,
    OfficeKind,
    OfficeLink,
    OfficeLinkProposal,
    ProposalState,
)
from inspectnet.network.retirement import expect_in_service, refuse_if_open
from inspectnet.rules.registry import registry as rulesets

_CODE = re.compile(r"^[a-z0-9][a-z0-9.\-]{1,63}$")
REASON_LENGTH = 500


async def create_office(
    session: AsyncSession,
    actor: Actor,
    *,
    code: str,
    name: str,
    kind: OfficeKind,
    region_code: str,
    ruleset_id: str,
    superior_id: int | None,
) -> Office:
    """Create an office, linked under ``superior_id`` on the leadership line."""
    inputs = validation.Inputs()
    name = inputs.text(Office.name, name)
    region_code = inputs.text(Office.region_code, region_code)
    if not _CODE.match(code):
        inputs.add(
            ValidationFailed(
                "代码只能包含小写字母、数字、点和连字符", code="INVALID_CODE", field="code"
            )
        )
    if ruleset_id not in rulesets():
        inputs.add(
            ValidationFailed(
                f"未知的规则集 {ruleset_id}", code="RULESET_UNKNOWN", field="rulesetId"
            )
        )
    inputs.done()
    superior = None
    if superior_id is not None:
        superior = await get_readable(session, actor, Office, superior_id)
        await require(session, actor, "create", superior)
        expect_in_service(superior, "superiorId")
    else:
        # A new region's top office is the platform's to create (no office is above it): the
        # door decides in the platform domain, where no office role reaches.
        require_platform(actor, "create_region", type_of(Office))
    if await repository.office_by_code(session, code) is not None:
        # Say only that it is taken: naming the office (or tenant) using it would reveal it.
        raise Conflict("该代码已被使用，请换一个", code="CODE_TAKEN", field="code")
    office = Office(code=code, name=name, kind=kind, region_code=region_code, ruleset_id=ruleset_id)
    session.add(office)
    await session.flush()
    if superior is not None:
        await _add_link(session, actor, LinkKind.LEADERSHIP, superior.id, office.id)
    await record(
        session, actor, "office.create", office_id=office.id, object_id=global_id_of(office)
    )
    return office


async def update_office(
    session: AsyncSession,
    actor: Actor,
    office_id: int,
    *,
    name: str | None,
    region_code: str | None,
) -> Office:
    """Rename an office or correct its region code."""
    office = await get_readable(session, actor, Office, office_id)
    await require(session, actor, "update", office)
    expect_in_service(office)
    inputs = validation.Inputs()
    new_name = inputs.text(Office.name, name) if name is not None else office.name
    new_region = (
        inputs.text(Office.region_code, region_code)
        if region_code is not None
        else office.region_code
    )
    inputs.done()
    office.name, office.region_code = new_name, new_region
    await session.flush()
    await record(
        session, actor, "office.update", office_id=office.id, object_id=global_id_of(office)
    )
    return office


async def retire_office(
    session: AsyncSession, actor: Actor, *, office_id: int, reason: str
) -> Office:
    """Retire an office made by mistake or whose work has ended: refused while it has open
    work (network.retirement); it leaves the lists, keeps every row it owns and stays readable
    for history. An office above it on the leadership line decides (a region's top office,
    with none above it, is the platform's); audited in the office and in each one above."""
    reason = validation.required(reason, "reason")
    if len(reason) > REASON_LENGTH:
        raise ValidationFailed(f"理由不能超过{REASON_LENGTH}个字", code="TOO_LONG", field="reason")
    office = await get_readable(session, actor, Office, office_id)
    await require(session, actor, "retire", office)
    expect_in_service(office)
    await refuse_if_open(session, office.id)
    office.archived_at = clock.now()
    await session.flush()
    above = await repository.superior_ids(session, office.id)
    for where in (office.id, *above):
        await record(
            session,
            actor,
            "office.retire",
            office_id=where,
            object_id=global_id_of(office),
            detail={"reason": reason},
        )
    return office


async def link_offices(
    session: AsyncSession, actor: Actor, *, kind: LinkKind, superior_id: int, subordinate_id: int
) -> OfficeLink:
    """Link two offices directly: the actor needs authority over both ends (a common superior)."""
    superior = await get_readable(session, actor, Office, superior_id)
    subordinate = await get_readable(session, actor, Office, subordinate_id)
    await require(session, actor, "link", superior)
    await require(session, actor, "link", subordinate)
    expect_in_service(superior, "superiorId")
    expect_in_service(subordinate, "subordinateId")
    link = await _add_link(session, actor, kind, superior.id, subordinate.id)
    await _audit(session, actor, "office.link", link)
    return link


async def propose_link(
    session: AsyncSession,
    actor: Actor,
    *,
    kind: LinkKind,
    superior_id: int,
    subordinate_id: int,
    proposer_id: int,
) -> OfficeLinkProposal:
    """Propose a link on behalf of one end; the other end's admin accepts or refuses it."""
    if proposer_id not in (superior_id, subordinate_id):
        raise ValidationFailed(
            "提出申请的机构须是联系的一端", code="PROPOSER_NOT_AN_END", field="proposerId"
        )
    if superior_id == subordinate_id:
        raise Conflict("这条联系会在网络中形成环路", code="LINK_CYCLE", field="subordinateId")
    superior = await get_readable(session, actor, Office, superior_id)
    subordinate = await get_readable(session, actor, Office, subordinate_id)
    proposer, addressee = (
        (superior, subordinate) if proposer_id == superior.id else (subordinate, superior)
    )
    await require(session, actor, repository.PROPOSE, proposer)
    expect_in_service(superior, "superiorId")
    expect_in_service(subordinate, "subordinateId")
    await _check_linkable(session, kind, superior.id, subordinate.id)
    if await repository.pending_proposal(session, kind, superior.id, subordinate.id):
        raise Conflict("这条联系已有待答复的申请", code="PROPOSAL_EXISTS", field="subordinateId")
    proposal = OfficeLinkProposal(
        kind=kind,
        superior_id=superior.id,
        subordinate_id=subordinate.id,
        office_id=addressee.id,
        proposer_office_id=proposer.id,
        state=ProposalState.PROPOSED,
        proposed_by=actor.username,
    )
    session.add(proposal)
    await session.flush()
    await _audit(session, actor, "office.link.propose", proposal)
    return proposal


async def accept_link(
    session: AsyncSession, actor: Actor, proposal_id: int
) -> tuple[OfficeLinkProposal, OfficeLink]:
    """Accept a proposal addressed to the actor's office: the link is made then and there."""
    proposal = await _open_proposal(session, actor, proposal_id, "answer")
    link = await _add_link(
        session, actor, proposal.kind, proposal.superior_id, proposal.subordinate_id
    )
    _decide(proposal, actor, ProposalState.ACCEPTED)
    await session.flush()
    await _audit(session, actor, "office.link.accept", proposal)
    return proposal, link


async def refuse_link(
    session: AsyncSession, actor: Actor, proposal_id: int, *, reason: str
) -> OfficeLinkProposal:
    """Refuse a proposal addressed to the actor's office, saying why."""
    reason = validation.required(reason, "reason")
    proposal = await _open_proposal(session, actor, proposal_id, "answer")
    _decide(proposal, actor, ProposalState.REFUSED, reason)
    await session.flush()
    await _audit(session, actor, "office.link.refuse", proposal, reason=reason)
    return proposal


async def withdraw_link(
    session: AsyncSession, actor: Actor, proposal_id: int
) -> OfficeLinkProposal:
    """Withdraw a proposal the actor's office made, before it is answered."""
    proposal = await _open_proposal(session, actor, proposal_id, repository.PROPOSE)
    _decide(proposal, actor, ProposalState.WITHDRAWN)
    await session.flush()
    await _audit(session, actor, "office.link.withdraw", proposal)
    return proposal


async def unlink_offices(
    session: AsyncSession, actor: Actor, *, kind: LinkKind, superior_id: int, subordinate_id: int
) -> OfficeLink:
    """Remove a link: the superior end's admin or a common superior's may; the subordinate may not."""
    superior = await get_readable(session, actor, Office, superior_id)
    subordinate = await get_readable(session, actor, Office, subordinate_id)
    await require(session, actor, "unlink", superior)
    await graph.lock_line(session, kind)
    link = await repository.find_link(session, kind, superior.id, subordinate.id)
    if link is None:
        raise NotFound("两个办公室之间没有这条联系", code="LINK_NOT_FOUND", field="subordinateId")
    await session.delete(link)
    await session.flush()
    await graph.recompute_line(session, kind)
    await policy_changed(session, actor)
    await _audit(session, actor, "office.unlink", link)
    return link


async def _check_linkable(
    session: AsyncSession, kind: LinkKind, superior_id: int, subordinate_id: int
) -> None:
    if await repository.find_link(session, kind, superior_id, subordinate_id) is not None:
        raise Conflict("两个办公室之间已有这条联系", code="LINK_EXISTS", field="subordinateId")
    if superior_id == subordinate_id or await graph.reaches(
        session, kind, subordinate_id, superior_id
    ):
        raise Conflict("这条联系会在网络中形成环路", code="LINK_CYCLE", field="subordinateId")


async def _add_link(
    session: AsyncSession, actor: Actor, kind: LinkKind, superior_id: int, subordinate_id: int
) -> OfficeLink:
    """The one way a link is written: under the line's lock, checked for loops, closure kept."""
    await graph.lock_line(session, kind)
    await _check_linkable(session, kind, superior_id, subordinate_id)
    link = OfficeLink(kind=kind, superior_id=superior_id, subordinate_id=subordinate_id)
    session.add(link)
    await session.flush()
    await graph.add_link(session, kind, superior_id, subordinate_id)
    # Links are permissions: every replica reloads the network before it decides again.
    await policy_changed(session, actor)
    return link


async def _open_proposal(
    session: AsyncSession, actor: Actor, proposal_id: int, action: str
) -> OfficeLinkProposal:
    """A proposal the actor sees, still open, with ``action`` allowed on its side of it."""
    proposal = await session.scalar(
        repository.proposals(actor).where(OfficeLinkProposal.id == proposal_id)
    )
    if proposal is None:
        raise NotFound(field="proposalId")
    if action == repository.PROPOSE:
        proposer = await get_readable(session, actor, Office, proposal.proposer_office_id)
        await require(session, actor, action, proposer)
    else:
        await require(session, actor, action, proposal)
    # Under the line's lock, re-read the row: a concurrent answer or withdrawal may have won.
    await graph.lock_line(session, proposal.kind)
    await session.refresh(proposal, with_for_update=True)
    if proposal.state is not ProposalState.PROPOSED:
        raise Conflict("这份申请已答复或已撤回", code="PROPOSAL_CLOSED", field="proposalId")
    return proposal


def _decide(
    proposal: OfficeLinkProposal, actor: Actor, state: ProposalState, reason: str | None = None
) -> None:
    proposal.state = state
    proposal.decided_by = actor.username
    proposal.decided_at = clock.now()
    proposal.reason = reason


async def _audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    subject: OfficeLink | OfficeLinkProposal,
    **extra: str,
) -> None:
    """One row for each end, so each office's auditor sees what concerns its links."""
    detail = {
        "kind": subject.kind.value,
        "superior": global_id("Office", subject.superior_id),
        "subordinate": global_id("Office", subject.subordinate_id),
        **extra,
    }
    object_id = global_id_of(subject)
    for office_id in (subject.superior_id, subject.subordinate_id):
        await record(
            session, actor, action, office_id=office_id, object_id=object_id, detail=detail
        )
