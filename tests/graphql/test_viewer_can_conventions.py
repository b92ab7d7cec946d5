"""Every node type whose domain changes or ends rows by a mutation answers ``viewerCan``
(issue 20: permission hints on every type with mutations), from the one door."""

from __future__ import annotations

import re

from graphql import GraphQLObjectType

from inspectnet import domains
from inspectnet.graphql.nodes import node_entry
from inspectnet.schema import build_schema

SCHEMA = build_schema(development=True)._schema
# A mutation that acts on an existing row: what a screen offers as a button on it.
ACTS_ON_A_ROW = re.compile(
    r"^(update|archive|remove|decide|revoke|withdraw|accept|refuse|mark|override|set|end)[A-Z]"
)
# Node types of such domains no mutation acts on, by decision.
EXEMPT: dict[str, str] = {
    "FilingDecision": "one decision stands (qh-zrzyt §3): it is never changed or withdrawn",
    "BreakGlassGrant": "an emergency grant ends by its own clock; nothing changes it",
    "InspectionTransition": "a recorded step of an inspection's life: never changed or withdrawn",
    "TargetBinding": "a binding is made once by bindTargetAccount; no mutation changes it yet",
    "PetitionReply": "a reply sent to a petitioner is a record: never changed or withdrawn",
    "PetitionMaterial": "material the petitioner added with the receipt: never changed",
    # after the site (rectification/): records of what happened, never changed or withdrawn
    "Hearing": "the hearing held (nmg-2016 §27, qh-zrzyt §17) is a record, never changed",
    "PostSiteDecision": "a body's decision stands; one a matter per inspection",
    "Feedback": "what the target was told, and when it signed, is a record",
    "FeedbackParty": "who attended or was told is part of the feedback's record",
    "FedBackProblem": "the problems fed back are part of the feedback's record",
    "RectificationCheck": "a closure or reopening is a recorded check, never changed",
    "InspectorComplaint": "a complaint filed with the leading group (nmg-2016 §41): a record",
    "GiftRefusal": "a declared refusal (qh-zrzyt §28): a record, never changed",
    "PetitionAttachment": "an evidence file as handed in: never changed",
    "MaterialHandover": "a recorded hand-over of the team's materials (qh-zrzyt §27): final",
    "TeamConfirmation": "a body's recorded confirmation (qh-zrzyt §6(3), §9): a new team is "
    "confirmed anew, the record never changed; confirmTeam acts on Inspection",
    "TeamMeeting": "a recorded meeting of the team (组务会, nmg-2016 §10): never changed",
    "InspectionArchive": "an archive record is signed once; archiveInspection acts on Inspection",
    "ArchiveItem": "an archived material with its checksum: never changed",
}


def _domain_of(type_name: str) -> str | None:
    entry = node_entry(type_name)
    return None if entry is None else entry[0].__module__.split(".")[1]


def _acting_domains() -> set[str]:
    found: set[str] = set()
    for domain in domains.installed():
        part = domain.schema_part()
        if part is None or part.mutation is None:
            continue
        names = [
            f.graphql_name or f.python_name for f in part.mutation.__strawberry_definition__.fields
        ]
        camel = [re.sub(r"_([a-z])", lambda m: m.group(1).upper(), n) for n in names]
        if any(ACTS_ON_A_ROW.match(n) for n in camel):
            found.add(domain.name)
    return found


def test_every_node_type_of_a_domain_that_acts_on_rows_has_viewer_can() -> None:
    node = SCHEMA.get_type("Node")
    acting = _acting_domains()
    assert {"people", "targets", "network", "accounts", "planning", "filings"} <= acting
    missing = sorted(
        t.name
        for t in SCHEMA.type_map.values()
        if isinstance(t, GraphQLObjectType)
        and node in t.interfaces
        and _domain_of(t.name) in acting
        and "viewerCan" not in t.fields
        and t.name not in EXEMPT
    )
    assert missing == []


def test_an_exemption_names_a_type_that_still_needs_it() -> None:
    stale = sorted(n for n in EXEMPT if "viewerCan" in SCHEMA.type_map[n].fields)  # type: ignore[union-attr]
    assert stale == []
