"""Who reads what: the declarative table the generated matrix checks every answer against.

Roles are relations to the world's one inspection (tests/matrix/world.py): ``READ[type]`` is
the set of roles that read that type's rows of the inspection (or, for an office-level type, of
its office). Every other role is refused them, as every role is refused the rows of offices it
holds nothing in. A redacted field is its own entry (``Petition.petitioner``: the petitioner's
identity, to the team's intake handlers only, nmg-2016 §37(5), qh-zrzyt §32(5)).

Types the world holds no row of (after-site, filings, bodies: built by other factories in
offices of their own) are ``NOT_SEEDED``: only their refusal to every role is checked.
"""

from __future__ import annotations

ROLES: dict[str, str] = {
    "team_member": "组员 of the inspection's team, an office member",
    "intake_handler": "信访受理人员 of the team (reads the petitioner)",
    "recused_member": "a team member recused from the target (回避, nmg-2016 §12, qh §27)",
    "former_member": "a member whose term on the team has ended (一次一授权)",
    "office_staff": "工作人员 of the inspection's office, not on the team",
    "office_admin": "办公室管理员 of the inspection's office",
    "superior_staff": "工作人员 of the office above",
    "superior_admin": "办公室管理员 of the office above",
    "superior_auditor": "审计员 of the office above",
    "sibling_staff": "工作人员 of an office beside it under the same superior",
    "sibling_admin": "办公室管理员 of that sibling office",
    "target_user": "an account of the inspected organisation (被巡视巡察单位)",
    "transfer_receiver": "the admin of an office the inspection was shared with (移交)",
    "auditor": "审计员 of the inspection's office",
    "stranger": "the admin of an unrelated office",
    "platform_operator": "平台运维, holding no office role",
}

NOT_SEEDED = frozenset({"__not_seeded__"})

TEAM = frozenset({"team_member", "intake_handler"})
# Everyone of the office who is not kept off the target: the team, its past members, staff.
OFFICE = TEAM | {"former_member", "office_staff", "office_admin"}
# The office's own records (people, the office): the recused member is still of the office.
OFFICE_PEOPLE = OFFICE | {"recused_member"}
SUPERIOR = frozenset({"superior_staff", "superior_admin"})
ADMINS = frozenset({"office_admin", "superior_admin"})

READ: dict[str, frozenset[str]] = {
    # Casework: the team's own, during its mission (nmg-2016 §36(3), qh-zrzyt §27, §29).
    "Activity": TEAM,
    "Clue": TEAM,
    "Finding": TEAM,
    "Interview": TEAM,
    "Report": TEAM,
    "ReportVersion": TEAM,
    # 立行立改: the proposal goes to the inspected organisation, which must act on it.
    "FixProposal": TEAM | {"target_user"},
    # Petitions: the team and the office's admin; the petitioner: intake handlers only.
    "Petition": TEAM | {"office_admin"},
    "PetitionAttachment": TEAM | {"office_admin"},
    "PetitionMaterial": TEAM | {"office_admin"},
    "PetitionReply": TEAM | {"office_admin"},
    "Petition.petitioner": frozenset({"intake_handler"}),
    # Conduct of the team itself: its office's admin, never the team.
    "InspectorComplaint": frozenset({"office_admin"}),
    "GiftRefusal": frozenset({"office_admin"}),
    "RecusalCase": frozenset({"office_admin"}),
    "DisciplineRecord": ADMINS,
    # The inspection and its workflow: the office, not a recused member; the notice is served
    # on the target, the inspection is shared with the receiver.
    "Inspection": OFFICE | {"target_user", "transfer_receiver"},
    "InspectionNotice": OFFICE | {"target_user"},
    "InspectionTransition": OFFICE,
    "InstructionRequest": OFFICE,
    "PreparationItem": OFFICE,
    "SiteMethodUse": OFFICE,
    "TeamAssignment": OFFICE,
    # The bodies' confirmation of the team is the office's record; 组务会 is the team's own.
    "TeamConfirmation": OFFICE,
    "TeamMeeting": TEAM,
    # The target and its roster: the office and the superior's roll-ups (nmg-2016 §2); the
    # recusal is keyed to the target, so the recused member loses them.
    "Target": OFFICE | SUPERIOR,
    "LeadershipPost": OFFICE | SUPERIOR,
    # The office's people: its own staff only.
    "Person": OFFICE_PEOPLE,
    "EmploymentRecord": OFFICE_PEOPLE,
    "InterestTie": OFFICE_PEOPLE,
    "PoolMembership": OFFICE_PEOPLE,
    "TrainingRecord": OFFICE_PEOPLE,
    "RotationRecord": OFFICE_PEOPLE,
    "Office": OFFICE_PEOPLE | SUPERIOR | {"auditor", "superior_auditor"},
    # Accounts and roles: the office's admin, and the superior's (it appoints auditors).
    "UserAccount": ADMINS,
    "RoleGrant": ADMINS,
    "BreakGlassGrant": ADMINS,
    "TargetBinding": frozenset({"office_admin"}),
    # The audit log: the office's auditor and the superior's, nothing it audits.
    "AuditEntry": frozenset({"auditor", "superior_auditor"}),
    # A notification is its addressee's alone (the world's is the team member's).
    "Notification": frozenset({"team_member"}),
    # Not in the world: refused to every role in the offices they are in.
    "ArchiveItem": NOT_SEEDED,
    "BodyMember": NOT_SEEDED,
    "DecisionBody": NOT_SEEDED,
    "Disclosure": NOT_SEEDED,
    "FedBackProblem": NOT_SEEDED,
    "Feedback": NOT_SEEDED,
    "FeedbackParty": NOT_SEEDED,
    "Filing": NOT_SEEDED,
    "FilingDecision": NOT_SEEDED,
    "FilingWarningSetting": NOT_SEEDED,
    "Hearing": NOT_SEEDED,
    "InspectionArchive": NOT_SEEDED,
    "LedgerEntry": NOT_SEEDED,
    "MaterialHandover": NOT_SEEDED,
    "MidTermReport": NOT_SEEDED,
    "OfficeLinkProposal": NOT_SEEDED,
    "OpinionRequest": NOT_SEEDED,
    "Plan": NOT_SEEDED,
    "PlanItem": NOT_SEEDED,
    "PostSiteDecision": NOT_SEEDED,
    "RectificationCheck": NOT_SEEDED,
    "RectificationDuty": NOT_SEEDED,
    "RectificationItem": NOT_SEEDED,
    "RectificationPlan": NOT_SEEDED,
    "RectificationReport": NOT_SEEDED,
    "Share": NOT_SEEDED,
    "Transfer": NOT_SEEDED,
}

# Object types that are not Node: what governs who may see one. ``parent``: a part of the
# object it hangs from (seen by whoever reads that); a READ key: that entry's readers only.
# Connections, edges, viewer permissions and rule parameters are structural (their suffix).
STRUCTURAL_SUFFIXES = ("Connection", "Edge", "ViewerCan", "Params")
VALUE_TYPES: dict[str, str] = {
    "Petitioner": "Petition.petitioner",
    "ClueSource": "parent",
    "FindingEvidence": "parent",
    "Interviewer": "parent",
    "DisclosureApproval": "parent",
    "Deadline": "parent",
    "DeadlineWarning": "parent",
    "FieldChange": "parent",
    "InboxCount": "parent",
    "OversightItem": "parent",
    "PageInfo": "parent",
    "Rollup": "parent",
    "Rule": "parent",
    "Ruleset": "parent",
    "SearchHit": "parent",
    "CaseworkSearchHit": "parent",
    "SearchResults": "parent",
    "SiteClock": "parent",
    "StaffPerformanceType": "parent",
    "TransferOpinion": "parent",
    "Statistic": "parent",
    "Viewer": "parent",
    "ViewerCan": "parent",
    "WarningThresholds": "parent",
    "Query": "parent",
}


def reads(role: str, key: str) -> bool:
    """Whether ``role`` reads the world's rows of ``key`` (a type or a redacted field)."""
    return role in READ[key]
