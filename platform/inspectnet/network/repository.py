"""Queries over offices, links and link proposals; every one starts from the actor's scope."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable, readable_filter
from inspectnet.network.graph import Direction, reach_ids
from inspectnet.network.models import (
    LinkKind,
    Office,
    OfficeLink,
    OfficeLinkProposal,
    OfficeReach,
    ProposalState,
)
from inspectnet.paging import Children, children

# What an admin may do for its office with proposals: propose (and withdraw) a link.
PROPOSE = "propose_link"


def offices(actor: Actor) -> Select[tuple[Office]]:
    """Every office the actor can see."""
    return readable(actor, Office)


def related_offices(
    actor: Actor, parent_ids: list[int], kind: LinkKind, direction: Direction, depth: int
) -> Children:
    """Readable offices within ``depth`` links of each parent (one closure lookup)."""
    pairs = reach_ids(parent_ids, kind, direction, max_depth=depth).subquery()
    query = (
        select(Office)
        .join(pairs, Office.id == pairs.c.office_id)
        .where(readable_filter(actor, Office))
    )
    return children(query, Office, pairs.c.root_id)


async def find_link(
    session: AsyncSession, kind: LinkKind, superior_id: int, subordinate_id: int
) -> OfficeLink | None:
    return await session.scalar(
        select(OfficeLink).where(
            OfficeLink.kind == kind,
            OfficeLink.superior_id == superior_id,
            OfficeLink.subordinate_id == subordinate_id,
        )
    )


async def office_by_code(session: AsyncSession, code: str) -> Office | None:
    """Unscoped lookup by code: for uniqueness checks and the demo loader only."""
    # system scope: uniqueness of a code is checked across every office
    return await session.scalar(select(Office).where(Office.code == code))


async def superior_ids(session: AsyncSession, office_id: int) -> list[int]:
    """The offices directly above ``office_id`` on the leadership line (unscoped: for the audit
    rows of a change they are told of)."""
    # system scope: the offices an office's retirement is recorded in, after require()
    found = await session.scalars(
        select(OfficeLink.superior_id)
        .where(OfficeLink.kind == LinkKind.LEADERSHIP, OfficeLink.subordinate_id == office_id)
        .order_by(OfficeLink.superior_id)
    )
    return list(found)


def proposals_filter(
    actor: Actor, *, incoming: bool = True, outgoing: bool = True
) -> ColumnElement[bool]:
    """Proposals addressed to offices the actor answers for, or made by ones it proposes for."""
    sides: list[ColumnElement[bool]] = []
    if incoming:
        sides.append(readable_filter(actor, OfficeLinkProposal))
    if outgoing:
        mine = select(Office.id).where(readable_filter(actor, Office, PROPOSE))
        sides.append(OfficeLinkProposal.proposer_office_id.in_(mine))
    return or_(*sides)


def proposals(
    actor: Actor, *, incoming: bool = True, outgoing: bool = True
) -> Select[tuple[OfficeLinkProposal]]:
    """The link proposals the actor sees, on either side."""
    return select(OfficeLinkProposal).where(
        proposals_filter(actor, incoming=incoming, outgoing=outgoing)
    )


async def pending_proposal(
    session: AsyncSession, kind: LinkKind, superior_id: int, subordinate_id: int
) -> OfficeLinkProposal | None:
    """An open proposal for the same link, from either end (unscoped: for duplicates only)."""

    return await session.scalar(
        # system scope: a duplicate proposal is looked for from either end, after require()
        select(OfficeLinkProposal).where(
            OfficeLinkProposal.kind == kind,
            OfficeLinkProposal.superior_id == superior_id,
            OfficeLinkProposal.subordinate_id == subordinate_id,
            OfficeLinkProposal.state == ProposalState.PROPOSED,
        )
    )


def places_in_subtrees(
    kind: LinkKind, roots: list[int], offices: list[int]
) -> Select[tuple[int, int, int, int]]:
    """``(root, office, depth, parent)`` for offices below roots on a line (one lookup).

    ``parent`` is the office's superior on the shortest path from the root (the lowest id when
    two paths are equally short), so a page of a subtree renders as a tree.
    """
    below, via = aliased(OfficeReach), aliased(OfficeReach)
    return (
        select(
            below.ancestor_id, below.descendant_id, below.depth, func.min(OfficeLink.superior_id)
        )
        .join(
            OfficeLink,
            and_(OfficeLink.subordinate_id == below.descendant_id, OfficeLink.kind == kind),
        )
        .outerjoin(
            via,
            and_(
                via.kind == kind,
                via.ancestor_id == below.ancestor_id,
                via.descendant_id == OfficeLink.superior_id,
            ),
        )
        .where(
            below.kind == kind,
            below.ancestor_id.in_(roots),
            below.descendant_id.in_(offices),
            or_(OfficeLink.superior_id == below.ancestor_id, via.depth == below.depth - 1),
        )
        .group_by(below.ancestor_id, below.descendant_id, below.depth)
    )
