"""Casework in the inspection's archive (archive/sources.py SOURCES): interviews, other
methods' records, clues, findings and fix proposals.

Nobody outside the team reads casework while it is under way, the office's own staff neither;
the records go to the office with the archive once every team grant ends (qh-zrzyt §27). So
they are read here in system scope for the one inspection being archived: the archivist is the
office admin, whom the door has just allowed to create its archive.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import UserAccount
from inspectnet.archive.sources import Member, as_json
from inspectnet.authz.actor import Actor
from inspectnet.casework.links import BY_NAME
from inspectnet.casework.models import (
    Activity,
    Clue,
    ClueSource,
    Finding,
    FindingEvidence,
    FixProposal,
    Interview,
    Interviewer,
)
from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection


def _where(inspection: Inspection) -> dict[str, int]:
    return {"office_id": inspection.office_id, "inspection_id": inspection.id}


def _link(kind: str, ref_id: int) -> str:
    """A stored link as the global ID it is given and shown as (casework/links.py)."""
    return global_id(BY_NAME[kind].type_name, ref_id)


async def _rows(session: AsyncSession, model: Any, inspection: Inspection) -> list[Any]:
    # system scope: the archive of this inspection takes its casework (qh-zrzyt §27)
    found = await session.scalars(select(model).filter_by(**_where(inspection)).order_by(model.id))
    return list(found)


async def interviews(session: AsyncSession, actor: Actor, inspection: Inspection) -> list[Member]:
    """Each interview, its record, who held it and who signed (个别谈话)."""
    held = await session.execute(
        # system scope: the interviewers of the interviews archived here, by account name
        select(Interviewer.interview_id, UserAccount.username, Interviewer.signed_at)
        .join(UserAccount, UserAccount.id == Interviewer.user_id)
        .where(
            Interviewer.office_id == inspection.office_id,
            Interviewer.inspection_id == inspection.id,
        )
        .order_by(Interviewer.id)
    )
    by_interview: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for interview_id, username, signed_at in held:
        by_interview[interview_id].append({"account": username, "signedAt": signed_at})
    listed = [
        {
            "id": global_id("Interview", i.id),
            "scheduledAt": i.scheduled_at,
            "interviewee": {
                "name": i.interviewee_name,
                "post": i.interviewee_post,
                "unit": i.interviewee_unit,
            },
            "state": i.state,
            "record": i.record,
            "intervieweeSignedAt": i.interviewee_signed_at,
            "interviewers": by_interview[i.id],
            "withdrawn": i.archived_at is not None,
        }
        for i in await _rows(session, Interview, inspection)
    ]
    return [Member("casework/interviews.json", as_json(listed))]


async def activities(session: AsyncSession, actor: Actor, inspection: Inspection) -> list[Member]:
    """The records of the other working methods (调阅资料, 座谈会 …)."""
    listed = [
        {
            "id": global_id("Activity", a.id),
            "method": a.method,
            "heldOn": a.held_on,
            "subject": a.subject,
            "material": a.material,
            "withdrawn": a.archived_at is not None,
        }
        for a in await _rows(session, Activity, inspection)
    ]
    return [Member("casework/activities.json", as_json(listed))]


async def clues(session: AsyncSession, actor: Actor, inspection: Inspection) -> list[Member]:
    """Each problem clue, its person, assessment, state and sources (问题线索)."""
    sources: dict[int, list[str]] = defaultdict(list)
    for link in await _rows(session, ClueSource, inspection):
        sources[link.clue_id].append(_link(link.kind, link.ref_id))
    listed = [
        {
            "id": global_id("Clue", c.id),
            "person": {"name": c.person_name, "post": c.person_post},
            "category": c.category,
            "summary": c.summary,
            "assessment": c.assessment,
            "state": c.state,
            "mergedInto": None if c.merged_into_id is None else global_id("Clue", c.merged_into_id),
            "sources": sources[c.id],
            "withdrawn": c.archived_at is not None,
        }
        for c in await _rows(session, Clue, inspection)
    ]
    return [Member("casework/clues.json", as_json(listed))]


async def findings(session: AsyncSession, actor: Actor, inspection: Inspection) -> list[Member]:
    """Each finding, its facts, basis and evidence (发现的问题)."""
    evidence: dict[int, list[str]] = defaultdict(list)
    for link in await _rows(session, FindingEvidence, inspection):
        evidence[link.finding_id].append(_link(link.kind, link.ref_id))
    listed = [
        {
            "id": global_id("Finding", f.id),
            "category": f.category,
            "title": f.title,
            "facts": f.facts,
            "basis": f.basis,
            "readyAt": f.ready_at,
            "evidence": evidence[f.id],
            "withdrawn": f.archived_at is not None,
        }
        for f in await _rows(session, Finding, inspection)
    ]
    return [Member("casework/findings.json", as_json(listed))]


async def fix_proposals(
    session: AsyncSession, actor: Actor, inspection: Inspection
) -> list[Member]:
    """Each fix proposal sent during the inspection and its answer (边巡边改, nmg-2016 §23, qh-zrzyt §15)."""
    listed = [
        {
            "id": global_id("FixProposal", p.id),
            "finding": None if p.finding_id is None else global_id("Finding", p.finding_id),
            "problem": p.problem,
            "proposal": p.proposal,
            "state": p.state,
            "answer": p.answer,
            "answeredAt": p.answered_at,
        }
        for p in await _rows(session, FixProposal, inspection)
    ]
    return [Member("casework/fix_proposals.json", as_json(listed))]
