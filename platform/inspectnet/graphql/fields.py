"""Field factories for the kit: one way to declare a connection of a parent's children.

Written without postponed annotations on purpose: the resolver's annotations are built from
the arguments at run time, and strawberry reads them as they are.
"""

from collections.abc import Callable
from typing import Any

import strawberry

from inspectnet.authz.actor import Actor
from inspectnet.graphql.context import Info
from inspectnet.graphql.lists import list_args
from inspectnet.graphql.relay import Connection, connection
from inspectnet.paging import Children


def connection_field(
    children_of: Callable[[Actor, list[Any]], Children],
    to_type: Any,
    *,
    description: str,
    filter: Any,
    order: Any,
    parent_key: str = "pk",
) -> Any:
    """A connection field listing, for each parent, ``children_of(actor, parent_ids)``.

    The repository function itself keys the request's loaders, so two fields share a batch
    exactly when they list the same children, and no hand-written key can be mistyped.
    ``filter`` is the type's filter input and ``order`` its ``order_input(…)``: every
    connection takes both (CONVENTIONS.md, "API").
    """

    filter_type = filter

    def resolve(
        root: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: Any = None,
        order_by: Any = None,
    ) -> Any:
        actor = info.context.actor
        return connection(
            info,
            key=children_of,  # type: ignore[arg-type]
            parent_id=getattr(root, parent_key),
            query=lambda ids: children_of(actor, ids),
            convert=to_type.from_row,
            first=first,
            after=after,
            last=last,
            before=before,
            # The filter's defaults hold when none is given (archived rows stay out of lists).
            **list_args(filter if filter is not None else filter_type(), order_by),
        )

    resolve.__annotations__["filter"] = filter | None
    resolve.__annotations__["order_by"] = order | None
    resolve.__annotations__["return"] = Connection[to_type]  # type: ignore[valid-type]
    return strawberry.field(resolver=resolve, description=description)
