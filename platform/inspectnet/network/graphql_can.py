"""What each network mutation checks, for ``viewerCan`` on offices and link proposals."""

from __future__ import annotations

from inspectnet.graphql.can import Ability
from inspectnet.network.models import Office
from inspectnet.network.repository import PROPOSE

# updateOffice and setSecondFactorRequirement update the office (network/accounts services);
# retireOffice retires it (an office above it decides).
OFFICE_CAN = (
    Ability("update", "May change it and its settings (可修改)", "update"),
    Ability("retire", "May retire it (可撤销)", "retire"),
)

# The addressed office answers; the proposing office withdraws (network/service.py).
PROPOSAL_CAN = (
    Ability("accept", "May accept it (可同意)", "answer"),
    Ability("refuse", "May refuse it (可拒绝)", "answer"),
    Ability("withdraw", "May withdraw it (可撤回)", PROPOSE, on=("proposer_office_id", Office)),
)
