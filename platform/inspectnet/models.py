"""Every domain's models imported in one place, so mappers and Alembic see them all."""

from inspectnet.accounts.models import RoleGrant, UserAccount
from inspectnet.audit.models import AuditEntry
from inspectnet.authz.models import PolicyRule, PolicyState
from inspectnet.db import Base
from inspectnet.network.models import Office, OfficeLink
from inspectnet.notifications.models import Notification
from inspectnet.people.models import EmploymentRecord, InterestTie, Person, PoolMembership
from inspectnet.rules.models import CalendarYear
from inspectnet.targets.models import LeadershipPost, Target

__all__ = [
    "AuditEntry",
    "Base",
    "CalendarYear",
    "EmploymentRecord",
    "InterestTie",
    "LeadershipPost",
    "Notification",
    "Office",
    "OfficeLink",
    "Person",
    "PolicyRule",
    "PolicyState",
    "PoolMembership",
    "RoleGrant",
    "Target",
    "UserAccount",
]
