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
from inspectnet.casework.graphql_fieldwork import FieldworkMutation
from inspectnet.casework.graphql_findings import (
    FindingFilter,
    FindingMutation,
    FindingOrder,
    FindingType,
)
from inspectnet.casework.graphql_followup import (
    FixProposalFilter,
    FixProposalOrder,
    FixProposalType,
    FollowUpMutation,
    MidTermReportType,
    mid_term_report_of,
)
from inspectnet.casework.graphql_interviews import (
    ActivityFilter,
    ActivityOrder,
    ActivityType,
    InterviewFilter,
    InterviewOrder,
    InterviewType,
)
from inspectnet.graphql.fields import connection_field
from inspectnet.graphql.parts import SchemaPart, TypeField


@strawberry.type
class CaseworkMutation(FieldworkMutation, ClueMutation, FindingMutation, FollowUpMutation):
    """Casework's mutations, one class per record kind."""


SCHEMA = SchemaPart(
    mutation=CaseworkMutation,
    types=(
        InterviewType,
        ActivityType,
        ClueType,
        FindingType,
        FixProposalType,
        MidTermReportType,
    ),
    fields=(
        TypeField("Clue", "merged", MERGED_FIELD),
        TypeField(
            "Inspection",
            "fixProposals",
            connection_field(
                repository.proposals_of,
                FixProposalType,
                description="Fix-while-inspecting proposals to the target; the target's users "
                "read them too (边巡边改)",
                filter=FixProposalFilter,
                order=FixProposalOrder,
            ),
        ),
        TypeField(
            "Inspection",
            "midTermReport",
            strawberry.field(
                resolver=mid_term_report_of,
                description="The mid-term report to the leading group, null if none yet or "
                "hidden (巡察中期汇报)",
            ),
        ),
        TypeField(
            "Inspection",
            "interviews",
            connection_field(
                repository.interviews_of,
                InterviewType,
                description="Individual interviews, team only (个别谈话)",
                filter=InterviewFilter,
                order=InterviewOrder,
            ),
        ),
        TypeField(
            "Inspection",
            "activities",
            connection_field(
                repository.activities_of,
                ActivityType,
                description="Records of the other working methods, team only (工作记录)",
                filter=ActivityFilter,
                order=ActivityOrder,
            ),
        ),
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
