"""Queries over targets and rosters; every list starts from the readable scope."""

from __future__ import annotations

from sqlalchemy import Select

from inspectnet.authz.actor import Actor
from inspectnet.authz.scopes import readable
from inspectnet.targets.models import LeadershipPost, Target


def targets_of_offices(actor: Actor, office_ids: list[int]) -> Select[tuple[Target, int]]:
    """Readable targets covered by each office: rows of (target, office id)."""
    return (
        readable(actor, Target)
        .add_columns(Target.office_id.label("parent_id"))
        .where(Target.office_id.in_(office_ids))
    )


def roster_of(actor: Actor, target_ids: list[int]) -> Select[tuple[LeadershipPost, int]]:
    """Readable leadership posts of each target: rows of (post, target id)."""
    return (
        readable(actor, LeadershipPost)
        .add_columns(LeadershipPost.target_id.label("parent_id"))
        .where(LeadershipPost.target_id.in_(target_ids))
    )
