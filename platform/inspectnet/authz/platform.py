"""The platform domain: roles held over the whole platform, not in any office (平台运维).

Shared reference data (the statutory calendar) belongs to no tenant, so no office's role may
change it. A platform role is a ``g, user:N, <role>, platform`` row built from
``platform_grants``; policies/base.csv says what each role may do there. An office admin's
grants live in ``office:N`` domains and never reach this one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.audit.service import record
from inspectnet.authz.actor import PLATFORM_DOMAIN, Actor, Denial
from inspectnet.authz.changes import policy_changed
from inspectnet.authz.models import PlatformGrant
from inspectnet.authz.resources import model_of_type
from inspectnet.authz.sources import SELF
from inspectnet.authz.store import PLATFORM_OPERATOR, PLATFORM_ROLES
from inspectnet.errors import Conflict, Forbidden, NotFound, ValidationFailed
from inspectnet.ids import global_id_of
from inspectnet.observability.metrics import AUTHZ_DECISIONS

ANY_OBJECT = "*"


def allowed_on_platform(actor: Actor, action: str, typ: str, oid: str = ANY_OBJECT) -> bool:
    """Whether the actor's platform roles allow ``action`` on ``typ`` (the system always may)."""
    if actor.is_system:
        return True
    return actor.policy.decide(actor.subject, PLATFORM_DOMAIN, SELF, typ, oid, "", action)


def require_platform(actor: Actor, action: str, typ: str, oid: str = ANY_OBJECT) -> None:
    """Refuse (FORBIDDEN, remembered for the audit log) unless a platform role allows it."""
    if allowed_on_platform(actor, action, typ, oid):
        AUTHZ_DECISIONS.labels(action, "allowed").inc()
        return
    # Platform data is visible to every office, so the refusal says so rather than NOT_FOUND.
    object_id = None if oid == ANY_OBJECT else f"{typ}:{oid}"
    actor.denials.append(Denial(action, typ, object_id, None, Forbidden.default_code))
    raise Forbidden("只有平台运维人员可以执行此操作", code=Forbidden.default_code)


async def find_account(session: AsyncSession, ref: str) -> Any:
    """An account by id (``17``) or as ``officecode/username`` (the home office's code)."""
    UserAccount, Office = model_of_type("user_account"), model_of_type("office")
    text = ref.strip()
    if text.isdigit():
        account = await session.get(UserAccount, int(text))
        found = [account] if account is not None else []
    else:
        code, slash, name = text.partition("/")
        if not slash or not code or not name:
            raise ValidationFailed(
                "账号应写作账号编号或“机构代码/用户名”", code="INVALID_ACCOUNT_REF", field="user"
            )
        query = (
            select(UserAccount)
            .join(Office, Office.id == UserAccount.office_id)
            # Usernames may be stored bare or already qualified by the office code.
            .where(
                Office.code == code, or_(UserAccount.username == name, UserAccount.username == text)
            )
        )
        found = list((await session.scalars(query)).all())
    if len(found) != 1:
        raise NotFound(f"账号 {text} 不存在", code="ACCOUNT_NOT_FOUND", field="user")
    return found[0]


async def grant_platform_role(
    session: AsyncSession, actor: Actor, *, user_id: int, role: str = PLATFORM_OPERATOR
) -> PlatformGrant:
    """Give an account a platform role (audited; the policy reloads after the commit)."""
    require_platform(actor, "create", PlatformGrant.__authz_type__)
    _platform_role(role)
    account = await session.get(model_of_type("user_account"), user_id)
    if account is None:
        raise NotFound(f"账号 {user_id} 不存在", code="ACCOUNT_NOT_FOUND", field="user")
    existing = await session.scalar(
        select(PlatformGrant).where(PlatformGrant.user_id == user_id, PlatformGrant.role == role)
    )
    if existing is not None:
        raise Conflict("该账号已有此平台角色", code="ROLE_ALREADY_GRANTED", field="role")
    grant = PlatformGrant(user_id=user_id, role=role)
    session.add(grant)
    await session.flush()
    await record(
        session,
        actor,
        "platform_grant.create",
        object_id=global_id_of(grant),
        detail={"user": global_id_of(account), "role": str(role)},
    )
    await policy_changed(session, actor)
    return grant


async def revoke_platform_role(
    session: AsyncSession, actor: Actor, *, user_id: int, role: str = PLATFORM_OPERATOR
) -> PlatformGrant:
    """Take a platform role away (audited); the account loses it at the next reload."""
    require_platform(actor, "delete", PlatformGrant.__authz_type__)
    _platform_role(role)
    grant = await session.scalar(
        select(PlatformGrant).where(PlatformGrant.user_id == user_id, PlatformGrant.role == role)
    )
    if grant is None:
        raise NotFound("该账号没有此平台角色", code="ROLE_NOT_GRANTED", field="role")
    await session.delete(grant)
    await session.flush()
    await record(
        session,
        actor,
        "platform_grant.delete",
        object_id=global_id_of(grant),
        detail={"user_id": user_id, "role": str(role)},
    )
    await policy_changed(session, actor)
    return grant


def _platform_role(role: str) -> None:
    if role not in PLATFORM_ROLES:
        raise ValidationFailed(f"{role} 不是平台角色", code="NOT_A_PLATFORM_ROLE", field="role")
