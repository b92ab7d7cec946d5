"""``viewerCan``: what the viewer may do with an object, asked of the same door as ``require``.

A node type adds ``viewer_can: ViewerCan = viewer_can_field("Inspection")``; the answer is
``authz.checks.can`` for each action on the row read through ``readable`` (a hidden row: all
false), so a frontend shows exactly the buttons whose mutations would pass the check.
"""

from __future__ import annotations

from typing import Any

import strawberry

from inspectnet.authz.checks import can
from inspectnet.authz.scopes import readable
from inspectnet.graphql.context import Info
from inspectnet.graphql.nodes import node_entry
from inspectnet.graphql.relay import by_id_loader


@strawberry.type(name="ViewerCan", description="What the viewer may do with it (当前用户权限)")
class ViewerCan:
    update: bool = strawberry.field(description="May change it (可修改)")
    delete: bool = strawberry.field(description="May delete it (可删除)")


async def viewer_can(info: Info, type_name: str, pk: int) -> ViewerCan:
    """The door's answers for the row ``pk`` of node type ``type_name``."""
    entry = node_entry(type_name)
    if entry is None:
        raise LookupError(f"no node type registered as {type_name!r}")
    model, _convert = entry
    ctx = info.context
    load = by_id_loader(
        info, f"link.{type_name}", lambda ids: readable(ctx.actor, model).where(model.id.in_(ids))
    )
    row = await load(pk)
    if row is None:
        return ViewerCan(update=False, delete=False)
    return ViewerCan(
        update=await can(ctx.session, ctx.actor, "update", row),
        delete=await can(ctx.session, ctx.actor, "delete", row),
    )


def viewer_can_field(type_name: str, *, key: str = "pk") -> Any:
    """A ``viewerCan`` field for a node type whose private ``key`` holds the row's id."""

    async def resolve(root: Any, info: Info) -> ViewerCan:
        return await viewer_can(info, type_name, getattr(root, key))

    return strawberry.field(
        resolver=resolve, description="What the viewer may do with it (当前用户权限)"
    )
