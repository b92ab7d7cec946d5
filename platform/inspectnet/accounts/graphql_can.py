"""What each accounts mutation checks, for ``viewerCan`` on accounts and role grants."""

from __future__ import annotations

from inspectnet.accounts.service import grant_action
from inspectnet.graphql.can import Ability

# What accounts/service.py checks: an auditor's grant is taken away by appoint_auditor.
GRANT_CAN = (
    Ability("revoke", "May revoke it (可撤销)", lambda grant: grant_action(grant.role, "delete")),
)
# Closing and reopening are the door's update too; whether the account is open already, or is
# the viewer's own, is the mutation's answer (a conflict), not the door's.
ACCOUNT_CAN = (
    Ability(
        "update",
        "May reset its password, link or unlink its SSO subject or bind it (可修改)",
        "update",
    ),
    Ability("deactivate", "May close it (可停用)", "update"),
    Ability("reactivate", "May reopen it (可启用)", "update"),
)
