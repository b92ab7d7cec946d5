"""Queries over targets and rosters; every list starts from the readable scope."""

from __future__ import annotations

from sqlalchemy import Select

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.paging import Children, children
from inspectnet.targets.models import LeadershipPost, Target


def targets_of_offices(actor: Actor, office_ids: list[int]) -> Children:
    """Readable targets covered by each office: rows of (target, office id)."""
    return children(
        readable(actor, Target).where(Target.office_id.in_(office_ids)), Target, Target.office_id
    )


def roster_of(actor: Actor, target_ids: list[int]) -> Children:
    """Readable leadership posts of each target: rows of (post, target id)."""
    return children(
        readable(actor, LeadershipPost).where(LeadershipPost.target_id.in_(target_ids)),
        LeadershipPost,
        LeadershipPost.target_id,
    )


def targets_by_ids(actor: Actor, target_ids: list[int]) -> Select[tuple[Target]]:
    """Readable targets among ``target_ids`` (a per-request loader batches them)."""
    return readable(actor, Target).where(Target.id.in_(target_ids))
