"""What each accounts mutation checks, for ``viewerCan`` on accounts and role grants."""

from __future__ import annotations

from inspectnet.accounts.service import grant_action
from inspectnet.graphql.can import Ability

# What accounts/service.py checks: an auditor's grant is taken away by appoint_auditor.
GRANT_CAN = (
    Ability("revoke", "May revoke it (可撤销)", lambda grant: grant_action(grant.role, "delete")),
)
ACCOUNT_CAN = (
    Ability("update", "May reset its password, link its SSO subject or bind it (可修改)", "update"),
)
