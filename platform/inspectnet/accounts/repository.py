"""Queries over accounts and role grants."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import (
    PasswordCredential,
    RefreshToken,
    Role,
    RoleGrant,
    SecondFactorRequirement,
    UserAccount,
)
from inspectnet.authz.actor import Actor
from inspectnet.authz.models import PolicyState
from inspectnet.authz.scopes import readable
from inspectnet.network.models import Office
from inspectnet.paging import Children, children


async def account_for_sign_in(
    session: AsyncSession, office_code: str, username: str
) -> tuple[UserAccount | None, int]:
    """The active account a token names (unscoped: nobody is signed in yet) and the policy
    version, in one statement."""
    found = (
        await session.execute(
            _sign_in_statement(), {"office_code": office_code, "username": username}
        )
    ).one()
    return found[1], int(found[0])


@lru_cache(maxsize=1)
def _sign_in_statement() -> Select[tuple[int, UserAccount]]:
    """Built once: every request signs in with it, and a statement made afresh costs its
    construction and its cache key each time (more than the query on SQLite)."""
    version = select(PolicyState.version).where(PolicyState.id == 1).scalar_subquery()
    # system scope: signing in, before there is an actor to scope by
    office = select(Office.id).where(Office.code == bindparam("office_code")).scalar_subquery()
    # system scope: likewise, the account the token names
    return (
        select(version, UserAccount)
        .select_from(PolicyState)
        .outerjoin(
            UserAccount,
            (UserAccount.office_id == office)
            & (UserAccount.username == bindparam("username"))
            & UserAccount.active.is_(True),
        )
        .where(PolicyState.id == 1)
    )


async def account_by_username(
    session: AsyncSession, office_id: int, username: str
) -> UserAccount | None:
    """The account of that name in one office: usernames are unique per office only."""
    # system scope: a name's uniqueness in the office the caller may already create accounts in
    return await session.scalar(
        select(UserAccount).where(
            UserAccount.office_id == office_id, UserAccount.username == username
        )
    )


async def account_by_sign_in_name(
    session: AsyncSession, office_code: str, username: str
) -> UserAccount | None:
    """The account ``office_code/username`` names, active or not (unscoped: for the CLI)."""
    # system scope: the operator's command line names the account
    return await session.scalar(
        select(UserAccount)
        .join(Office, Office.id == UserAccount.office_id)
        .where(Office.code == office_code, UserAccount.username == username)
    )


def grants_of_offices(actor: Actor, office_ids: list[int]) -> Children:
    """Readable role grants in each office: rows of (grant, office id)."""
    return children(
        readable(actor, RoleGrant).where(RoleGrant.office_id.in_(office_ids)),
        RoleGrant,
        RoleGrant.office_id,
    )


def grants_of_users(user_ids: list[int]) -> Children:
    """Each account's own role grants: rows of (grant, user id).

    Not narrowed by ``readable()``: only ``Viewer.roles`` uses it, for the signed-in account's
    own grants, and everyone may read their own roles.
    """
    return children(
        # system scope: Viewer.roles lists the signed-in account's own grants, which everyone reads
        select(RoleGrant).where(RoleGrant.user_id.in_(user_ids)),
        RoleGrant,
        RoleGrant.user_id,
    )


async def find_grant(
    session: AsyncSession, user_id: int, office_id: int, role: str
) -> RoleGrant | None:
    return await session.scalar(
        # system scope: a duplicate grant is looked for after the grant itself passed require()
        select(RoleGrant).where(
            RoleGrant.user_id == user_id, RoleGrant.office_id == office_id, RoleGrant.role == role
        )
    )


async def password_sign_in(
    session: AsyncSession, office_code: str, username: str
) -> tuple[UserAccount, PasswordCredential | None] | None:
    """The active account ``office_code/username`` names and its password, if it has one."""
    # system scope: signing in, before there is an actor to scope by
    found = (
        await session.execute(
            select(UserAccount, PasswordCredential)
            .join(Office, Office.id == UserAccount.office_id)
            .outerjoin(PasswordCredential, PasswordCredential.user_id == UserAccount.id)
            .where(
                Office.code == office_code,
                UserAccount.username == username,
                UserAccount.active.is_(True),
            )
        )
    ).first()
    return None if found is None else (found[0], found[1])


async def office_code_of(session: AsyncSession, office_id: int) -> str:
    """An office's code, which names its accounts in tokens."""
    # system scope: an account's office code names it in tokens, read while signing in (no actor yet)
    return str(await session.scalar(select(Office.code).where(Office.id == office_id)))


async def refresh_token_by_digest(session: AsyncSession, digest: str) -> RefreshToken | None:
    """The refresh token with that digest, whatever its state."""
    return await session.scalar(select(RefreshToken).where(RefreshToken.digest == digest))


async def account_by_id(session: AsyncSession, user_id: int) -> UserAccount | None:
    """An account by id (unscoped: the holder of a refresh token is who it names)."""
    # system scope: a refresh token names its account; nobody is signed in yet
    return await session.get(UserAccount, user_id)


async def second_factor_required(session: AsyncSession, user_id: int) -> bool:
    """Whether an office requires a second factor of a role the account holds there."""
    # system scope: signing in; the account's own grants against the offices' settings
    found = await session.scalar(
        select(SecondFactorRequirement.id)
        .join(
            RoleGrant,
            (RoleGrant.office_id == SecondFactorRequirement.office_id)
            & (RoleGrant.role == SecondFactorRequirement.role),
        )
        .where(RoleGrant.user_id == user_id)
        .limit(1)
    )
    return found is not None


async def find_requirement(
    session: AsyncSession, office_id: int, role: str
) -> SecondFactorRequirement | None:
    return await session.scalar(
        select(SecondFactorRequirement).where(
            SecondFactorRequirement.office_id == office_id, SecondFactorRequirement.role == role
        )
    )


async def own_account(session: AsyncSession, actor: Actor) -> UserAccount | None:
    """The signed-in account itself: every account may read its own record."""
    if actor.user_id is None:
        return None
    # system scope: the viewer's own account, which no role is needed to see
    return await session.get(UserAccount, actor.user_id)


async def office_admins(session: AsyncSession, office_id: int) -> list[int]:
    """The accounts holding office_admin in an office: its leaders to be told of an emergency."""
    rows = await session.scalars(
        # system scope: who must be told, whatever the acting account may read
        select(RoleGrant.user_id)
        .where(RoleGrant.office_id == office_id, RoleGrant.role == Role.OFFICE_ADMIN)
        .order_by(RoleGrant.user_id)
    )
    return list(rows)
