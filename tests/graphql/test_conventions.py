"""The API's conventions, checked on the live schema (CONVENTIONS.md, "API").

Each test lists every offender at once, so one run shows all the work left.
"""

from __future__ import annotations

import re

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
    get_nullable_type,
    is_list_type,
)

from inspectnet.codes import CODES
from inspectnet.db import Database
from inspectnet.graphql.can import ABILITIES
from inspectnet.ids import parse_global_id
from inspectnet.network.models import Office
from inspectnet.paging import MAX_PAGE_SIZE
from inspectnet.schema import build_schema
from inspectnet.settings import Settings
from tests.conftest import Api
from tests.http.apps import post, refused, sign_up, signed_up

SCHEMA = build_schema(development=True)._schema
CJK = re.compile(r"[\u4e00-\u9fff]")
PLUMBING = {"PageInfo", "Viewer", "UserError", "Query", "Mutation", "Subscription"}
# Value objects without an identity of their own may be exempted here, by decision.
EXEMPT_FROM_NODE: set[str] = {
    "CalendarYear",  # the State Council's schedule for a year, known by its `year` field
    "Petitioner",  # need-to-know fields of one Petition, read only through it (intake)
    "OfficeLink",  # an edge, known by (kind, superior, subordinate); nothing refetches it
    # the door's answers about the node it hangs on (ViewerCan, FilingViewerCan, …), not
    # objects of their own: every one is made by graphql.can
    *(f"{name}ViewerCan" for name in ("", *ABILITIES)),
    "Rule",  # loaded from rules/data/*.yaml, a string id shared across rulesets, no row
    "Ruleset",  # loaded from rules/data/*.yaml, a string id (nmg-2016), no row
    "WarningThresholds",  # two numbers inside a Ruleset
    "Deadline",  # computed from a rule and a start event, never stored
    "CalendarDiff",  # what one calendar load changed, returned once in its payload
    "SearchResults",  # one search's page of hits, computed per query
    "SearchHit",  # a found node with its rank and cursor: the node itself is the Node
    "TeamDraw",  # one draw from the pools, computed per request and returned in its payload
    "DrawnCandidate",  # a person in a draw: the person is the Node
    "ExcludedCandidate",  # a person a draw left out, with the conflicts that say why
    "UnfilledPosition",  # a place a draw left empty, computed per request with its reason
    "RecusalConflict",  # computed by the recusal engine from the records it names
    "SiteClock",  # computed from an inspection's entry and departure on the working-day calendar
    # casework's typed links: the record each names is the Node (casework/links.py)
    "ClueSource",
    "FindingEvidence",
    "Interviewer",  # a team member on an interview, with their signature: the account is the Node
    # a rule's typed parameters (RuleParams) and their parts: values inside a Rule
    "DeadlineWarning",
    *(
        f"{kind}Params"
        for kind in (
            "Deadline",
            "Category",
            "Mode",
            "ReportKind",
            "TeamRole",
            "TeamSize",
            "FilingDuty",
            "TransferRoute",
            "RecusalGround",
            "DisclosurePoint",
            "PlanApproval",
            "Stage",
            "Decision",
            "Attendance",
            "RectificationReport",
            "DisciplineOffence",
            "Approval",
            "HandlingOutcome",
            "WorkMethod",
            "Expertise",
        )
    ),
    "DisclosureApproval",  # the recorded approval inside its Disclosure, never read on its own
    "TransferOpinion",  # the opinion on a transfer's answer inside its Transfer (qh-zrzyt §22)
    "RectificationThresholds",  # an office's current warning thresholds, one value per office
    "FieldChange",  # one difference between two filing versions, computed, never stored
    # the status of a filing the viewer may not read: an id would offer node(id) to its content
    "OversightItem",
    "InboxCount",  # an aggregate (status, count) of an inbox, never a row
    "Rollup",  # a subordinate's aggregates, never a row
    "Statistic",  # one aggregate inside a Rollup
    "CaseworkSearchHit",  # one hit of a search, pointing at its node
    "StaffPerformanceType",  # a staff member's aggregates drawn from the ledger, never a row
}
# Kind, state and outcome fields that are not enums, each with its reason.
NOT_AN_ENUM: dict[str, str] = {
    "Report.kind": "a rule id (report.*), the same concept in every ruleset",
    "CreateReportInput.kind": "a rule id (report.*), the same concept in every ruleset",
    "ReportFilter.kind": "a rule id (report.*), the same concept in every ruleset",
    "Transfer.outcome": "a rule id (handling.*), the same concept in every ruleset",
    "ReportTransferInput.outcome": "a rule id (handling.*), the same concept in every ruleset",
    "LedgerEntry.kind": "debt: the ledger source's kind, one per line of ledger/sources.py",
    "LedgerEntryFilter.kind": "debt: the ledger source's kind, one per line of ledger/sources.py",
    "LedgerEntry.category": "a rule id (category.*), the same concept in every ruleset",
    "LedgerEntry.state": "debt: the record's state in its own domain's enum, copied as text",
    "LedgerEntryFilter.state": "debt: the record's state in its own domain's enum, copied as text",
}
CATEGORY_FIELD = re.compile(
    r"^(kind|state|status|role|outcome|category|pool)$|(Kind|Status|State)$"
)


def own_types() -> list[GraphQLNamedType]:
    return [
        t
        for name, t in sorted(SCHEMA.type_map.items())
        if not name.startswith("__") and name not in ("String", "Int", "Float", "Boolean", "ID")
    ]


def is_connection(type_: GraphQLNamedType) -> bool:
    return isinstance(type_, GraphQLObjectType) and {"edges", "pageInfo", "totalCount"} <= set(
        type_.fields
    )


def is_edge(type_: GraphQLNamedType) -> bool:
    # an edge may carry facts of the relation besides its node (OfficeTreeEdge.depth, parent)
    return isinstance(type_, GraphQLObjectType) and {"cursor", "node"} <= set(type_.fields)


def is_payload(type_: GraphQLNamedType) -> bool:
    return isinstance(type_, GraphQLObjectType) and type_.name.endswith("Payload")


def objects() -> list[GraphQLObjectType]:
    return [t for t in own_types() if isinstance(t, GraphQLObjectType)]


def test_every_object_is_a_node_with_an_opaque_id() -> None:
    node = SCHEMA.get_type("Node")
    offenders = [
        t.name
        for t in objects()
        if not (is_connection(t) or is_edge(t) or is_payload(t))
        and t.name not in PLUMBING | EXEMPT_FROM_NODE
        and node not in t.interfaces
    ]
    assert offenders == [], f"object types that do not implement Node: {offenders}"


def test_node_ids_are_non_null_ids() -> None:
    node = SCHEMA.get_type("Node")
    assert isinstance(node, GraphQLInterfaceType)
    assert str(node.fields["id"].type) == "ID!"


# Lists of nodes that are not lists to page through, by decision.
NOT_A_LIST = {
    "Query.nodes",  # the objects of ids the client names, at most 100, in its order
    # computed per viewer: the office's open clues naming the same person (casework/duplicates.py)
    "Clue.possibleDuplicates",
    # who of the team attended one meeting (组务会): a few accounts of one team, never paged
    "TeamMeeting.attendees",
}


def test_every_list_of_nodes_is_a_connection() -> None:
    node = SCHEMA.get_type("Node")
    offenders = []
    for type_ in objects():
        if is_connection(type_) or is_edge(type_):
            continue
        for name, field in type_.fields.items():
            if f"{type_.name}.{name}" in NOT_A_LIST:
                continue
            item = get_named_type(field.type)
            if is_list_type(get_nullable_type(field.type)) and (
                item is node or (isinstance(item, GraphQLObjectType) and node in item.interfaces)
            ):
                offenders.append(f"{type_.name}.{name}")
    assert offenders == [], f"lists of nodes that are not connections: {offenders}"


def test_every_connection_pages_with_first_last_after_before() -> None:
    offenders = []
    for type_ in objects():
        for name, field in type_.fields.items():
            if not is_connection(get_named_type(field.type)):
                continue
            args = {a: str(field.args[a].type) for a in field.args}
            wanted = {"first": "Int", "last": "Int", "after": "String", "before": "String"}
            if any(args.get(a) != t for a, t in wanted.items()):
                offenders.append(f"{type_.name}.{name}{args}")
    assert offenders == [], f"connections without first/last/after/before: {offenders}"


def test_every_connection_has_a_typed_filter_and_order_by() -> None:
    offenders = []
    for type_ in objects():
        for name, field in type_.fields.items():
            connection = get_named_type(field.type)
            if not is_connection(connection):
                continue
            item = get_named_type(connection.fields["nodes"].type).name  # type: ignore[attr-defined]
            filter_, order = field.args.get("filter"), field.args.get("orderBy")
            order_type = order and get_named_type(order.type)
            if (
                filter_ is None
                or str(filter_.type) != f"{item}Filter"
                or order_type is None
                or order_type.name != f"{item}Order"
                or "ID" not in get_named_type(order_type.fields["field"].type).values  # type: ignore[union-attr,attr-defined]
            ):
                offenders.append(f"{type_.name}.{name}")
    assert offenders == [], f"connections without filter: XFilter and orderBy: XOrder: {offenders}"


def test_every_connection_type_has_edges_page_info_and_total_count() -> None:
    offenders = []
    for type_ in objects():
        if not type_.name.endswith("Connection"):
            continue
        shape = {name: str(field.type) for name, field in type_.fields.items()}
        edge = type_.name.removesuffix("Connection") + "Edge"
        if (
            shape.get("pageInfo") != "PageInfo!"
            or shape.get("totalCount") != "Int!"
            or shape.get("edges") != f"[{edge}!]!"
        ):
            offenders.append(f"{type_.name}: {shape}")
    assert offenders == [], f"connections without edges, pageInfo and totalCount: {offenders}"


def test_every_mutation_takes_one_input_and_returns_a_payload_with_user_errors() -> None:
    assert SCHEMA.mutation_type is not None
    offenders = []
    for name, field in SCHEMA.mutation_type.fields.items():
        payload = get_named_type(field.type)
        input_ok = (
            list(field.args) == ["input"]
            and isinstance(field.args["input"].type, GraphQLNonNull)
            and isinstance(get_named_type(field.args["input"].type), GraphQLInputObjectType)
        )
        errors = (
            payload.fields.get("userErrors") if isinstance(payload, GraphQLObjectType) else None
        )
        payload_ok = (
            isinstance(field.type, GraphQLNonNull)
            and isinstance(payload, GraphQLObjectType)
            and payload.name.endswith("Payload")
            and errors is not None
            and str(errors.type) == "[UserError!]!"
            and len(payload.fields) >= 2  # the changed object (or its id) beside userErrors
        )
        if not (input_ok and payload_ok):
            offenders.append(name)
    assert offenders == [], f"mutations not of the form f(input: X!): XPayload!: {offenders}"


def test_user_errors_have_field_code_and_message() -> None:
    user_error = SCHEMA.get_type("UserError")
    assert isinstance(user_error, GraphQLObjectType)
    assert {n: str(f.type) for n, f in user_error.fields.items()} == {
        "field": "[String!]",
        "code": "ErrorCode!",
        "message": "String!",
    }
    codes = SCHEMA.get_type("ErrorCode")
    assert isinstance(codes, GraphQLEnumType)
    assert set(codes.values) == set(CODES)


def test_states_and_categories_are_enums() -> None:
    offenders = []
    for type_ in own_types():
        if not isinstance(type_, (GraphQLObjectType, GraphQLInputObjectType)):
            continue
        for name, field in type_.fields.items():
            if f"{type_.name}.{name}" in NOT_AN_ENUM:
                continue
            if CATEGORY_FIELD.search(name) and not isinstance(
                get_named_type(field.type), GraphQLEnumType
            ):
                offenders.append(f"{type_.name}.{name}")
    assert offenders == [], f"state or category fields that are not enums: {offenders}"


def test_every_type_and_field_is_described_with_the_chinese_term() -> None:
    gaps: list[str] = []
    for type_ in own_types():
        if not type_.description:
            gaps.append(f"type {type_.name}: no description")
        elif not (
            CJK.search(type_.description)
            or isinstance(type_, GraphQLScalarType)
            or is_connection(type_)
            or is_edge(type_)
            or type_.name in ("Query", "Mutation")
        ):
            gaps.append(f"type {type_.name}: no Chinese term in {type_.description!r}")
        if isinstance(type_, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            gaps += [
                f"field {type_.name}.{name}: no description"
                for name, field in type_.fields.items()
                if not field.description
            ]
    assert gaps == [], f"{len(gaps)} description gaps:\n" + "\n".join(gaps)


@pytest.fixture
async def home(db: Database, settings: Settings) -> Office:
    """The office of the test's own whose ``ADMIN`` the live checks sign in as."""
    return await sign_up(db, settings)


@pytest.fixture
async def api(api: Api, home: Office) -> Api:
    await api.reload_policy()  # the accounts were granted after the app loaded its policy
    return signed_up(api)


async def test_global_ids_are_opaque_and_resolve_through_node(api: Api, home: Office) -> None:
    listing = await post(api, {"query": "{ offices(first: 3) { nodes { id name } } }"})
    offices = listing.json()["data"]["offices"]["nodes"]
    assert [o["name"] for o in offices] == [home.name]  # the one office its admin reads
    for office in offices:
        assert parse_global_id(office["id"])[0] == "Office"
        assert not office["id"].isdigit()
        found = await post(
            api,
            {
                "query": "query($id: ID!) { node(id: $id) { id ... on Office { name } } }",
                "variables": {"id": office["id"]},
            },
        )
        assert found.json()["data"]["node"] == office


@pytest.mark.parametrize(
    "query",
    [
        "{ offices(first: %d) { totalCount } }",
        "{ offices(last: %d) { totalCount } }",
        "{ offices(first: 1) { nodes { subordinates(first: %d) { totalCount } } } }",
        "{ offices(first: 1) { nodes { targets(last: %d) { totalCount } } } }",
    ],
)
async def test_a_page_over_100_is_refused_and_100_is_served(api: Api, query: str) -> None:
    refused(await post(api, {"query": query % (MAX_PAGE_SIZE + 1)}), 200, "PAGE_SIZE_OUT_OF_RANGE")
    served = await post(api, {"query": query % MAX_PAGE_SIZE})
    assert served.status_code == 200 and "errors" not in served.json(), served.text


def test_every_enum_value_has_a_chinese_label() -> None:
    offenders = [
        f"{type_.name}.{name}"
        for type_ in own_types()
        if isinstance(type_, GraphQLEnumType) and not type_.name.startswith("__")
        for name, value in type_.values.items()
        if not (value.description and CJK.search(value.description))
    ]
    assert offenders == [], f"enum values without a Chinese label: {offenders}"


def test_date_and_datetime_state_their_time_zone_rule() -> None:
    date_type, datetime_type = SCHEMA.get_type("Date"), SCHEMA.get_type("DateTime")
    assert date_type is not None and "Asia/Shanghai" in (date_type.description or "")
    assert datetime_type is not None and "Asia/Shanghai" in (datetime_type.description or "")
    assert "without one (2026-11-30T20:00:00) is read as Beijing time" in (
        datetime_type.description or ""
    )


# Output fields that end in `Id` but name no node, each with its reason.
NOT_A_LINK: dict[str, str] = {
    "AuditEntry.requestId": "the HTTP request's id, not an object",
    "Deadline.rulesetId": "a ruleset file's string id (Ruleset is not a node)",
    "Deadline.ruleId": "a rule's string id, the same concept in every ruleset",
    "RevokeRolePayload.revokedGrantId": "the grant no longer exists: only its id is left",
    "EndSharePayload.endedShareId": "the share no longer exists: only its id is left",
    "UnbindTargetAccountPayload.unboundBindingId": "the binding no longer exists: only its id is left",
    "DissolveDecisionBodyPayload.dissolvedBodyId": "the body no longer exists: only its id is left",
    "UnseatBodyMemberPayload.unseatedMemberId": "the seat no longer exists: only its id is left",
    "Notification.officeId": "delivered by subscription too, which has no session for links",
    "Notification.subjectId": "delivered by subscription too: the client reads it by node(id)",
    "Filing.ruleId": "a rule's string id, the same concept in every ruleset",
    "FilingWarningSetting.ruleId": "a rule's string id, the same concept in every ruleset",
    "OversightItem.ruleId": "a rule's string id, the same concept in every ruleset",
    "InspectionTransition.ruleId": "a rule's string id, the same concept in every ruleset",
    "RecusalConflict.ruleId": "a rule's string id, the same concept in every ruleset",
    "UnfilledPosition.ruleId": "a rule's string id, the same concept in every ruleset",
    "TeamConfirmation.ruleId": "a rule's string id, the same concept in every ruleset",
    "Disclosure.ruleId": "a rule's string id, the same concept in every ruleset",
    "Feedback.ruleId": "a rule's string id, the same concept in every ruleset",
    "Hearing.ruleId": "a rule's string id, the same concept in every ruleset",
    "PostSiteDecision.ruleId": "a rule's string id, the same concept in every ruleset",
    "RectificationDuty.ruleId": "a rule's string id, the same concept in every ruleset",
    "DisciplineRecord.ruleId": "a rule's string id, the same concept in every ruleset",
    "InspectionArchive.ruleId": "a rule's string id, the same concept in every ruleset",
    "CaseworkSearchHit.recordId": "the hit's node id, given also when its type is not a node",
    "LedgerEntry.recordId": "the register line's record, of one of several types",
    "RecusalCase.ruleId": "a rule's string id, the same concept in every ruleset",
    "TransferOpinion.ruleId": "a rule's string id, the same concept in every ruleset",
}


def test_no_output_field_holds_another_nodes_id() -> None:
    offenders = [
        f"{type_.name}.{name}"
        for type_ in objects()
        for name in type_.fields
        if name.endswith("Id") and f"{type_.name}.{name}" not in NOT_A_LINK
    ]
    assert offenders == [], f"raw ids where the linked object belongs: {offenders}"


def test_every_node_has_created_at_and_updated_at() -> None:
    node = SCHEMA.get_type("Node")
    offenders = [
        t.name
        for t in objects()
        if node in t.interfaces
        and not (
            str(t.fields.get("createdAt") and t.fields["createdAt"].type) == "DateTime!"
            and str(t.fields.get("updatedAt") and t.fields["updatedAt"].type) == "DateTime!"
        )
    ]
    assert offenders == [], f"nodes without createdAt and updatedAt: {offenders}"


# Known debt: a filing's frozen snapshot (and the compare of two) is typed per filing subject
# once the subjects are modelled beyond plans (issue 20).
JSON_DEBT = {"Filing.snapshot", "FieldChange.before", "FieldChange.after"}


def test_no_field_is_untyped_json() -> None:
    offenders = [
        f"{type_.name}.{name}"
        for type_ in objects()
        for name, field in type_.fields.items()
        if get_named_type(field.type).name == "JSON" and f"{type_.name}.{name}" not in JSON_DEBT
    ]
    assert offenders == [], f"untyped JSON fields: {offenders}"


# Each mutation that makes something, and the mutations that change and end what it made
# (archive where deleting would lose evidence), or why there are none yet.
MADE_AND_UNDONE: dict[str, tuple[str, ...] | str] = {
    "createOffice": ("updateOffice", "retireOffice"),
    "createPerson": ("updatePerson", "archivePerson"),
    "addEmploymentRecord": ("updateEmploymentRecord", "removePersonRecord"),
    "addInterestTie": ("updateInterestTie", "removePersonRecord"),
    "addToPool": ("updatePoolMembership", "removePersonRecord"),
    # A training or a rotation is a fact recorded, not corrected: a mistake is removed.
    "addTrainingRecord": ("removePersonRecord",),
    "addRotationRecord": ("removePersonRecord",),
    "createTarget": ("updateTarget", "archiveTarget"),
    "addLeadershipPost": ("updateLeadershipPost", "removeLeadershipPost"),
    "createUserAccount": ("resetPassword", "deactivateAccount", "reactivateAccount"),
    "linkSsoSubject": ("unlinkSsoSubject",),
    "grantRole": ("revokeRole",),
    "linkOffices": ("unlinkOffices",),
    "proposeOfficeLink": ("withdrawOfficeLink", "acceptOfficeLink", "refuseOfficeLink"),
    "sendNotice": "a notice sent is not recalled; each recipient marks it read",
    "loadCalendarYear": ("unloadCalendarYear",),
    "createDecisionBody": ("renameDecisionBody", "dissolveDecisionBody"),
    "seatBodyMember": ("unseatBodyMember",),
    "createPlan": ("setPlanItem", "retirePlan"),
    "createInboxDownload": "a download link is single-use and expires by itself",
    "createInspection": ("advanceInspection",),
    "addPreparationItem": ("answerPreparationItem", "withdrawPreparationItem"),
    "shareObject": ("endShare",),
    "bindTargetAccount": ("unbindTargetAccount",),
    "breakGlass": "a break-glass grant ends by itself within hours (accounts/service.py)",
    "createClue": ("updateClue", "closeClue", "mergeClue"),
    "addClueSources": "a source stays part of the clue's record; the clue itself is closed or merged",
    "createFinding": ("updateFinding", "withdrawFinding"),
    "addFindingEvidence": "evidence stays part of the finding's working paper (底稿)",
    "proposeFix": ("answerFixProposal", "closeFixProposal"),
    "createReport": "a report changes by reviseReport (a new version) and is made final by approveReport; withdrawing one is not built yet (issue 14)",
    "addRectificationItem": ("removeRectificationItem",),
}
MAKES = re.compile(r"^(create|add|grant|link|propose|send|load|share|bind|break|seat)[A-Z]")


def test_what_a_mutation_makes_can_be_changed_and_ended() -> None:
    mutation = SCHEMA.mutation_type
    assert mutation is not None
    names = set(mutation.fields)
    unlisted = sorted(n for n in names if MAKES.match(n) and n not in MADE_AND_UNDONE)
    assert unlisted == [], f"mutations that make something, not in MADE_AND_UNDONE: {unlisted}"
    missing = {
        made: [m for m in undone if m not in names]
        for made, undone in MADE_AND_UNDONE.items()
        if isinstance(undone, tuple)
    }
    assert {k: v for k, v in missing.items() if v} == {}
