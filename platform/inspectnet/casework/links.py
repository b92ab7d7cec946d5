"""Typed references between casework records: a clue's sources, a finding's evidence.

A link is stored as ``(kind, ref_id)`` and given and shown as the record's global ID. The kinds
are listed once, in ``KINDS``: a record type another domain adds (a petition 来信来电来访,
intake) becomes linkable by one entry here, naming its model and where it may be linked.
A link must name a record the actor may read, of the same inspection.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.authz.checks import get_readable
from inspectnet.casework.models import Activity, Clue, Interview
from inspectnet.errors import ValidationFailed
from inspectnet.ids import parse_global_id
from inspectnet.intake.models import Petition


@dataclass(frozen=True)
class LinkKind:
    """A kind of record a link may name: its stored name, Chinese term, model, and uses."""

    name: str
    label: str
    model: type[Any]
    clue_source: bool  # a clue may come from it (线索来源)
    evidence: bool  # a finding may rest on it (证据材料)

    @property
    def type_name(self) -> str:
        """The GraphQL type (and global ID prefix) of its records: the model's name."""
        return self.model.__name__


# The one list to extend. A requisitioned document (调阅资料) is the record of that method, an
# Activity of kind ``method.document_requisition``: the material the team keeps of it.
KINDS: tuple[LinkKind, ...] = (
    LinkKind("interview", "个别谈话", Interview, clue_source=True, evidence=True),
    LinkKind("activity", "工作记录", Activity, clue_source=True, evidence=True),
    LinkKind("clue", "问题线索", Clue, clue_source=False, evidence=True),
    # A petition (intake) the team may read: its summary, never who sent it (that stays
    # need to know behind the petition's own ``petitioner`` field).
    LinkKind("petition", "来信来电来访", Petition, clue_source=True, evidence=True),
)
BY_NAME = {k.name: k for k in KINDS}
BY_TYPE = {k.type_name: k for k in KINDS}


@dataclass(frozen=True)
class Resolved:
    """A link checked: its kind and the record's id."""

    kind: LinkKind
    ref_id: int


async def resolve_links(
    session: AsyncSession,
    actor: Actor,
    values: Iterable[str],
    *,
    inspection_id: int,
    use: str,
    field: str,
) -> list[Resolved]:
    """Each global ID as a link of ``use`` (``clue_source`` or ``evidence``), in order and
    without repeats; INVALID_ID, LINK_KIND_NOT_ALLOWED, NOT_FOUND or LINK_OTHER_INSPECTION."""
    found: dict[tuple[str, int], Resolved] = {}
    for value in values:
        type_name, pk = parse_global_id(value, field=field)
        kind = BY_TYPE.get(type_name)
        if kind is None or not getattr(kind, use):
            allowed = "、".join(k.label for k in KINDS if getattr(k, use))
            raise ValidationFailed(
                f"只能关联以下记录：{allowed}", code="LINK_KIND_NOT_ALLOWED", field=field
            )
        row = await get_readable(session, actor, kind.model, pk)
        if row.inspection_id != inspection_id:
            raise ValidationFailed(
                "只能关联本次巡视（巡察）的记录", code="LINK_OTHER_INSPECTION", field=field
            )
        found.setdefault((kind.name, pk), Resolved(kind, pk))
    return list(found.values())
