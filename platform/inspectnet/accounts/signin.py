"""From a bearer token to the request's Actor."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.names import parse_sign_in_name
from inspectnet.accounts.repository import account_for_sign_in
from inspectnet.accounts.tokens import verify_token
from inspectnet.authz.actor import Actor, user_subject
from inspectnet.authz.store import PolicyStore
from inspectnet.errors import Unauthenticated
from inspectnet.observability.logs import bind
from inspectnet.settings import Settings


async def actor_for_token(
    session: AsyncSession,
    settings: Settings,
    policy: PolicyStore,
    authorization: str | None,
    request_id: str,
) -> Actor:
    """The Actor an ``Authorization: Bearer …`` header names, or UNAUTHENTICATED.

    One statement, unless the policy changed elsewhere since this process last loaded it.
    """
    if not authorization:
        raise Unauthenticated("请提供登录凭证（Authorization: Bearer）", code="UNAUTHENTICATED")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("登录凭证格式应为 Bearer 令牌", code="UNAUTHENTICATED")
    name = parse_sign_in_name(verify_token(settings, token.strip()))
    if name is None:
        raise Unauthenticated("登录凭证应以 办公室代码/用户名 指明账号", code="UNAUTHENTICATED")
    account, version = await account_for_sign_in(session, *name)
    if account is None:
        raise Unauthenticated("账号不存在或已停用", code="UNAUTHENTICATED")
    bind(user=account.username, office=account.office_id)
    snapshot = await policy.current(session, version)
    return Actor(
        username=account.username,
        policy=snapshot.compiled,
        scope_cache=snapshot.scopes_of(user_subject(account.id)),
        network=snapshot.network,
        user_id=account.id,
        person_id=account.person_id,
        home_office_id=account.office_id,
        request_id=request_id,
    )
