"""GraphQL of casework: its mutations, its types, and its lists on the Inspection type."""

from __future__ import annotations

import strawberry

from inspectnet.casework import repository
from inspectnet.casework.graphql_clues import (
    MERGED_FIELD,
    ClueFilter,
    ClueMutation,
    ClueOrder,
    ClueType,
)
from inspectnet.casework.graphql_findings import (
    FindingFilter,
    FindingMutation,
    FindingOrder,
    FindingType,
)
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.parts import SchemaPart, TypeField


@strawberry.type
class CaseworkMutation(ClueMutation, FindingMutation):
    """Casework's mutations, one class per record kind."""


SCHEMA = SchemaPart(
    mutation=CaseworkMutation,
    types=(ClueType, FindingType),
    fields=(
        TypeField("Clue", "merged", MERGED_FIELD),
        TypeField(
            "Inspection",
            "clues",
            connection_field(
                repository.clues_of,
                ClueType,
                description="Problem clues, team only (问题线索)",
                filter=ClueFilter,
                order=ClueOrder,
            ),
        ),
        TypeField(
            "Inspection",
            "findings",
            connection_field(
                repository.findings_of,
                FindingType,
                description="Findings, team only (问题)",
                filter=FindingFilter,
                order=FindingOrder,
            ),
        ),
    ),
)
