"""The schema: every domain's queries and mutations, merged. Assembly only."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import strawberry
from strawberry.extensions import DisableIntrospection
from strawberry.tools import merge_types

from inspectnet.accounts.graphql import AccountsMutation, AccountsQuery
from inspectnet.audit.graphql import AuditQuery
from inspectnet.graphql.context import Info
from inspectnet.graphql.documents import PreparedDocument
from inspectnet.graphql.nodes import resolve_node
from inspectnet.graphql.relay import Node
from inspectnet.network.graphql import NetworkMutation, NetworkQuery
from inspectnet.people.graphql import PeopleMutation
from inspectnet.rules.graphql import RulesMutation, RulesQuery
from inspectnet.targets.graphql import TargetsMutation


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global ID, if the viewer may read it")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(info, id)  # type: ignore[no-any-return]


Query = merge_types("Query", (NodeQuery, AccountsQuery, NetworkQuery, AuditQuery, RulesQuery))
Mutation = merge_types(
    "Mutation",
    (NetworkMutation, PeopleMutation, TargetsMutation, AccountsMutation, RulesMutation),
)
# merge_types takes no description; the merged definitions are ours to describe.
Query.__strawberry_definition__.description = "Reading the network (查询)"  # type: ignore[attr-defined]
Mutation.__strawberry_definition__.description = "Changing the network (变更)"  # type: ignore[attr-defined]


class InspectnetSchema(strawberry.Schema):
    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        """The HTTP endpoint masks and logs errors itself, with the request id."""


@lru_cache(maxsize=2)
def build_schema(*, development: bool = True) -> strawberry.Schema:
    """The schema; introspection is refused unless ``development``.

    The endpoint parses, validates and caches documents itself before signing the caller in
    (documents.py); ``PreparedDocument`` hands its work to strawberry so nothing is done twice.
    ``DisableIntrospection`` only matters to callers that execute the schema directly.
    """
    from inspectnet.accounts.graphql import RoleGrantType, UserAccountType
    from inspectnet.audit.graphql import AuditEntryType
    from inspectnet.network.graphql import OfficeType
    from inspectnet.people.graphql import (
        EmploymentRecordType,
        InterestTieType,
        PersonType,
        PoolMembershipType,
    )
    from inspectnet.targets.graphql import LeadershipPostType, TargetType

    extensions: list[Any] = [PreparedDocument]
    if not development:
        extensions.append(DisableIntrospection)
    return InspectnetSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        types=[
            OfficeType,
            PersonType,
            EmploymentRecordType,
            InterestTieType,
            PoolMembershipType,
            TargetType,
            LeadershipPostType,
            UserAccountType,
            RoleGrantType,
            AuditEntryType,
        ],
    )
