"""Which roles must sign in with a second factor: an office setting with a documented default.

Confidential material (petitions, interviews, clues; a whistleblower's identity is for intake
handlers only, nmg-2016 §36(3), §37(5)) is read by intake handlers and leading-group members,
so by default those roles need a second factor in every office; an office may require it of
other roles too, or lift it (``setSecondFactorRequirement``, table
``second_factor_requirements``: one row per office and role that differs from the default).

The roles an account holds are read from the policy in force: its ``g`` lines gather every
source of roles (office role grants, decision-body seats, inspection-team assignments), so a
role another domain adds is covered by naming it here, nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import Role, SecondFactorRequirement, UserAccount
from inspectnet.authz.actor import office_of_domain, user_subject
from inspectnet.authz.models import PolicyState
from inspectnet.authz.policy import PolicyLine
from inspectnet.authz.store import PolicyStore

# The names the policy's g lines give these roles (inspections/access.py: ``team_<role>`` in
# ``inspection:N``; bodies/models.py: ``<body>_<position>`` in ``office:N``).
INTAKE_HANDLER = "team_intake_handler"  # 信访受理人员: an inspection team's intake of petitions
LEADING_GROUP = ("leading_group_head", "leading_group_deputy", "leading_group_member")  # 领导小组
# The default: roles that require a second factor where an office has not said otherwise.
DEFAULT_ROLES = frozenset({INTAKE_HANDLER, *LEADING_GROUP})

ROLE_NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def known_role_names(lines: Iterable[PolicyLine]) -> frozenset[str]:
    """Role names an office setting may name: the office roles, the default ones, and every
    role the policy in force grants or gives permissions to (the domains' policy files)."""
    office_roles = {role.value for role in Role if role is not Role.PLATFORM_OPERATOR}
    in_policy = set()
    for line in lines:
        name = line.values[1] if line.ptype == "g" else line.values[0]
        if ROLE_NAME.match(name) and name != Role.PLATFORM_OPERATOR.value:
            in_policy.add(name)
    return frozenset(office_roles | DEFAULT_ROLES | in_policy)


def required(role: str, setting: bool | None) -> bool:
    """Whether ``role`` needs a second factor in an office whose own setting is ``setting``."""
    return role in DEFAULT_ROLES if setting is None else setting


async def roles_requiring_factor(
    session: AsyncSession, policy: PolicyStore, account: UserAccount
) -> list[str]:
    """The roles the account holds for which an office requires a second factor.

    A role held in an office answers to that office's setting; one held in another domain
    (an inspection, the platform) answers to the account's home office.
    """
    version = await session.scalar(select(PolicyState.version).where(PolicyState.id == 1))
    snapshot = await policy.current(session, int(version or 0))
    subject = user_subject(account.id)
    held = {
        (line.values[1], office_of_domain(line.values[2]) or account.office_id)
        for line in snapshot.lines
        if line.ptype == "g" and line.values[0] == subject
    }
    if not held:
        return []
    # system scope: signing in; the settings of the offices where the account holds roles
    rows = await session.execute(
        select(
            SecondFactorRequirement.office_id,
            SecondFactorRequirement.role,
            SecondFactorRequirement.required,
        ).where(SecondFactorRequirement.office_id.in_({office for _, office in held}))
    )
    settings = {(office, role): flag for office, role, flag in rows}
    return sorted({role for role, office in held if required(role, settings.get((office, role)))})
