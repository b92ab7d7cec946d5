"""Queries over casework; every list starts from the readable scope."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.casework.models import (
    Activity,
    Clue,
    ClueSource,
    ClueState,
    Finding,
    FindingEvidence,
    FixProposal,
    Interview,
    Interviewer,
)
from inspectnet.paging import Children, children


def interviews_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable interviews of each inspection: rows of (interview, inspection id)."""
    return children(
        readable(actor, Interview).where(Interview.inspection_id.in_(inspection_ids)),
        Interview,
        Interview.inspection_id,
    )


def interviewers_of(actor: Actor, interview_ids: list[int]) -> Children:
    """Readable interviewers of each interview: rows of (interviewer, interview id)."""
    return children(
        readable(actor, Interviewer).where(Interviewer.interview_id.in_(interview_ids)),
        Interviewer,
        Interviewer.interview_id,
    )


def activities_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable records of other methods of each inspection: rows of (activity, inspection id)."""
    return children(
        readable(actor, Activity).where(Activity.inspection_id.in_(inspection_ids)),
        Activity,
        Activity.inspection_id,
    )


def clues_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable clues of each inspection: rows of (clue, inspection id)."""
    return children(
        readable(actor, Clue).where(Clue.inspection_id.in_(inspection_ids)),
        Clue,
        Clue.inspection_id,
    )


def merged_into(actor: Actor, clue_ids: list[int]) -> Children:
    """Readable clues merged into each clue: rows of (clue, kept clue id)."""
    return children(
        readable(actor, Clue).where(Clue.merged_into_id.in_(clue_ids)), Clue, Clue.merged_into_id
    )


def sources_of(actor: Actor, clue_ids: list[int]) -> Children:
    """Readable source links of each clue: rows of (link, clue id)."""
    return children(
        readable(actor, ClueSource).where(ClueSource.clue_id.in_(clue_ids)),
        ClueSource,
        ClueSource.clue_id,
    )


def findings_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable findings of each inspection: rows of (finding, inspection id)."""
    return children(
        readable(actor, Finding).where(Finding.inspection_id.in_(inspection_ids)),
        Finding,
        Finding.inspection_id,
    )


def evidence_of(actor: Actor, finding_ids: list[int]) -> Children:
    """Readable evidence links of each finding: rows of (link, finding id)."""
    return children(
        readable(actor, FindingEvidence).where(FindingEvidence.finding_id.in_(finding_ids)),
        FindingEvidence,
        FindingEvidence.finding_id,
    )


def proposals_of(actor: Actor, inspection_ids: list[int]) -> Children:
    """Readable fix-while-inspecting proposals of each inspection: (proposal, inspection id)."""
    return children(
        readable(actor, FixProposal).where(FixProposal.inspection_id.in_(inspection_ids)),
        FixProposal,
        FixProposal.inspection_id,
    )


async def open_clues_of_office(
    session: AsyncSession, actor: Actor, office_id: int, except_id: int
) -> Sequence[Clue]:
    """The office's open clues the actor may read, but one."""
    rows = await session.scalars(
        readable(actor, Clue)
        .where(Clue.office_id == office_id, Clue.state == ClueState.OPEN, Clue.id != except_id)
        .order_by(Clue.id)
    )
    return list(rows)
