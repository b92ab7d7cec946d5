"""The assembly: the strawberry schema built from the registered domains' parts. Nothing else."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import strawberry
from strawberry.extensions import DisableIntrospection
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from inspectnet import domains
from inspectnet.graphql.context import Info
from inspectnet.graphql.nodes import resolve_node, resolve_nodes
from inspectnet.graphql.parts import (
    DownloadRoute,
    PublicRoute,
    PublishedFile,
    SchemaPart,
    TypeField,
)
from inspectnet.graphql.relay import Node
from inspectnet.graphql.scalars import SCALAR_MAP
from inspectnet.graphql.search import SearchResults, SearchType, search
from inspectnet.http.documents import PreparedDocument
from inspectnet.paging import DEFAULT_PAGE_SIZE


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global ID, if the viewer may read it")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)  # type: ignore[no-any-return]

    @strawberry.field(
        description=(
            "Objects by global ID, at most 100, in the order asked; null in place of one the "
            "viewer may not read or that does not exist (批量读取)"
        )
    )
    # Nullable like node(id): a refusal stays on its own field. Were it non-null, it would null
    # the whole answer and end the request while sibling fields still run on its session.
    def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None] | None:
        return resolve_nodes(info, ids)  # type: ignore[return-value]

    @strawberry.field(
        description=(
            "Offices, targets and persons the viewer can read whose name matches the query in "
            "Chinese, full pinyin or initials (包头, baotou, bt), best match first (搜索)"
        )
    )
    def search(
        self,
        info: Info,
        query: str,
        types: list[SearchType] | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> SearchResults | None:  # nullable, as nodes: a refusal stays on its own field
        return search(info, query, types, first, after)  # type: ignore[return-value]


class InspectnetSchema(strawberry.Schema):
    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        """The HTTP endpoint masks and logs errors itself, with the request id."""


def parts() -> list[SchemaPart]:
    """Every registered domain's contribution, in registration order."""
    return [part for d in domains.installed() if (part := d.schema_part()) is not None]


def download_routes() -> list[DownloadRoute]:
    """The files the registered domains serve by GET beside the API."""
    return [route for part in parts() for route in part.downloads]


def public_routes() -> list[PublicRoute]:
    """The calls the registered domains answer without sign-in."""
    return [route for part in parts() for route in part.public]


def published_files() -> list[PublishedFile]:
    """The files the registered domains publish to everyone by GET, without sign-in."""
    return [route for part in parts() for route in part.published]


def _graphql_name(cls: type) -> str:
    return str(cls.__strawberry_definition__.name)  # type: ignore[attr-defined]


def attach(fields: list[TypeField], types: list[type]) -> None:
    """Put each domain's fields on the types other domains own (once per process)."""
    by_name = {_graphql_name(t): t for t in types}
    for extra in fields:
        owner = by_name.get(extra.on)
        if owner is None:
            raise LookupError(f"field {extra.on}.{extra.name}: no registered type {extra.on}")
        definition = owner.__strawberry_definition__  # type: ignore[attr-defined]
        existing = {f.python_name for f in definition.fields}
        if extra.name in existing:
            continue
        extra.field.python_name = extra.name
        extra.field.origin = owner
        definition.fields.append(extra.field)


def _merged(name: str, description: str, roots: list[type]) -> type | None:
    if not roots:
        return None
    merged = merge_types(name, tuple(roots))
    # merge_types takes no description; the merged definitions are ours to describe.
    merged.__strawberry_definition__.description = description  # type: ignore[attr-defined]
    return merged


@lru_cache(maxsize=2)
def build_schema(*, development: bool = True) -> strawberry.Schema:
    """The schema; introspection is refused unless ``development``.

    The endpoint parses, validates and caches documents itself before signing the caller in
    (http/documents.py); ``PreparedDocument`` hands its work to strawberry so nothing is done
    twice. ``DisableIntrospection`` only matters to callers that execute the schema directly.
    """
    found = parts()
    types = [t for part in found for t in part.types]
    attach([f for part in found for f in part.fields], types)
    extensions: list[Any] = [PreparedDocument]
    if not development:
        extensions.append(DisableIntrospection)
    return InspectnetSchema(
        query=_merged(
            "Query", "Reading the network (查询)", [NodeQuery, *(p.query for p in found if p.query)]
        ),
        mutation=_merged(
            "Mutation", "Changing the network (变更)", [p.mutation for p in found if p.mutation]
        ),
        subscription=_merged(
            "Subscription",
            "Live updates (订阅)",
            [p.subscription for p in found if p.subscription],
        ),
        extensions=extensions,
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        types=types,
    )


def export_sdl() -> str:
    """The schema as SDL, as checked in at ``schema/schema.graphql``."""
    return build_schema(development=True).as_str() + "\n"
