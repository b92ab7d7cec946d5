"""Why a user may or may not act on an object: every path, the rows behind it, and Casbin's word."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import user_subject
from inspectnet.authz.compiled import Explanation
from inspectnet.authz.policy import build_reference_enforcer
from inspectnet.authz.resources import parent_action, parent_of, target_of, type_of
from inspectnet.authz.sources import (
    OFFICE,
    RECIPIENT,
    SHARED,
    domain_of,
    recipient_of,
    root_of,
    scope_values,
)
from inspectnet.authz.store import PolicyStore


@dataclass(frozen=True)
class PathExplanation:
    """One (office or inspection, relation) through which the request was weighed."""

    office_id: int  # the root: an office, or for scope "inspection" an inspection
    relation: str
    explanation: Explanation
    casbin_allows: bool
    scope: str = "office"


@dataclass(frozen=True)
class AccessExplanation:
    request: tuple[str, str, str, str]  # subject, type, object id, action
    allowed: bool  # by the object's own paths and, for a child row, by its parent's too
    paths: list[PathExplanation]
    # For a child row (resources.parent_of): the parent's explanation for each action the
    # child's action needs of it (read, and update for a change).
    parent: list[tuple[Any, AccessExplanation]] = field(default_factory=list)


async def explain_access(
    session: AsyncSession, store: PolicyStore, user_id: int, action: str, obj: Any
) -> AccessExplanation:
    """Weigh ``action`` on ``obj`` for the user along every path, by both engines."""
    snapshot = store.snapshot
    compiled = snapshot.compiled
    enforcer = build_reference_enforcer(snapshot.lines, store.model_path)
    subject, typ, oid = user_subject(user_id), type_of(type(obj)), str(obj.id)
    tgt = target_of(obj)
    paths = []
    for scope, value in scope_values(obj).items():
        roots = {r for r in (root_of(scope, d) for d in compiled.domains_of(subject)) if r}
        for root, relations in sorted(snapshot.network.relations_to(scope, value, roots).items()):
            for relation in sorted(relations):
                request = (subject, domain_of(scope, root), relation, typ, oid, tgt, action)
                paths.append(
                    PathExplanation(
                        office_id=root,
                        relation=relation,
                        explanation=compiled.explain(*request),
                        casbin_allows=bool(enforcer.enforce(*request)),
                        scope=scope,
                    )
                )
    # 移交: an office of the user's the object was shared with (authz/shares.py); and the
    # office it is addressed to, if the user's.
    offices = {r for r in (root_of(OFFICE, d) for d in compiled.domains_of(subject)) if r}
    per_object = [
        (o, SHARED) for o in sorted(offices) if obj.id in snapshot.network.shared_with(o, typ)
    ]
    recipient = recipient_of(obj)
    if recipient is not None and recipient in offices:
        per_object.append((recipient, RECIPIENT))
    for office, relation in per_object:
        request = (subject, domain_of(OFFICE, office), relation, typ, oid, tgt, action)
        paths.append(
            PathExplanation(
                office_id=office,
                relation=relation,
                explanation=compiled.explain(*request),
                casbin_allows=bool(enforcer.enforce(*request)),
            )
        )
    allowed = any(p.explanation.allowed for p in paths)
    parent: list[tuple[Any, AccessExplanation]] = []
    declared = parent_of(type(obj))
    if declared is not None:
        column, parent_model = declared
        found = await session.get(parent_model, getattr(obj, column))
        if found is not None:
            for needed in dict.fromkeys(("read", parent_action(action))):
                parent.append((found, await explain_access(session, store, user_id, needed, found)))
        allowed = allowed and found is not None and all(e.allowed for _, e in parent)
    return AccessExplanation((subject, typ, oid, action), allowed, paths, parent)
