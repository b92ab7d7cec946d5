"""What accounts plug into other domains' registries (domains.extensions).

- ``OPEN_WORK``: an office where an active account still signs in, or holds a role, is not
  retired (network.retirement): its accounts are deactivated or their roles revoked first.
"""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select

from inspectnet.accounts.models import RoleGrant, UserAccount
from inspectnet.network.retirement import OpenWork


def _active_accounts(office_id: int) -> Select[tuple[int]]:
    # system scope: the roles held in an office are counted whatever the actor reads of them
    roles_there = select(RoleGrant.user_id).where(RoleGrant.office_id == office_id)
    # system scope: an office's active accounts are counted whatever the actor reads of them
    return (
        select(func.count())
        .select_from(UserAccount)
        .where(
            UserAccount.active.is_(True),
            or_(UserAccount.office_id == office_id, UserAccount.id.in_(roles_there)),
        )
    )


OPEN_WORK = (
    OpenWork(
        code="OFFICE_HAS_ACTIVE_ACCOUNTS",
        message="该机构仍有在用的账户或角色，请先停用账户或撤销角色",
        count=_active_accounts,
    ),
)
