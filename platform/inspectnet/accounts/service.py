"""Use cases on accounts and role grants. A grant changes the policy: the request reloads it."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet import clock, validation
from inspectnet.accounts import repository, requirements
from inspectnet.accounts.models import (
    BreakGlassGrant,
    PasswordCredential,
    Role,
    RoleGrant,
    SecondFactorRequirement,
    SsoLink,
    TargetBinding,
    UserAccount,
)
from inspectnet.accounts.passwords import check_new_password, hash_password
from inspectnet.accounts.refresh import revoke_all
from inspectnet.audit.service import record
from inspectnet.authz.actor import Actor
from inspectnet.authz.changes import policy_changed
from inspectnet.authz.checks import get_readable, require, require_in
from inspectnet.authz.resources import model_of_type
from inspectnet.errors import Conflict, Forbidden, ValidationFailed
from inspectnet.ids import global_id, global_id_of
from inspectnet.network.models import Office
from inspectnet.notifications.models import NotificationKind
from inspectnet.notifications.service import notify
from inspectnet.people.models import Person

_USERNAME = re.compile(r"^[a-z][a-z0-9_.\-]{2,63}$")


def grant_action(role: Role, action: str) -> str:
    """The policy action for giving or taking ``role``.

    An office's auditors watch its admins, so no office appoints or removes its own: that is
    ``appoint_auditor``, which base.csv gives an admin only for subordinate offices (the superior
    office audits the auditors) and the system everywhere.
    """
    return "appoint_auditor" if role is Role.AUDITOR else action


async def create_account(
    session: AsyncSession, actor: Actor, *, person_id: int, username: str
) -> UserAccount:
    """Open a sign-in account for a person, in the office that keeps the person's record."""
    person = await get_readable(session, actor, Person, person_id)
    await require_in(session, actor, "create", UserAccount, person.office_id)
    if not _USERNAME.match(username):
        raise ValidationFailed(
            "用户名须以小写字母开头，由3至64位小写字母、数字、点、下划线或连字符组成",
            code="INVALID_USERNAME",
            field="username",
        )
    # Usernames are per office (signing in names the office too), so another office's
    # accounts are neither consulted nor revealed.
    if await repository.account_by_username(session, person.office_id, username) is not None:
        raise Conflict(f"本办公室已有用户名 {username}", code="USERNAME_TAKEN", field="username")
    account = UserAccount(office_id=person.office_id, person_id=person.id, username=username)
    session.add(account)
    await session.flush()
    await record(
        session,
        actor,
        "user_account.create",
        office_id=person.office_id,
        object_id=global_id_of(account),
    )
    return account


async def grant_role(
    session: AsyncSession, actor: Actor, *, user_id: int, office_id: int, role: Role
) -> RoleGrant:
    """Give an account a role in an office."""
    if role is Role.PLATFORM_OPERATOR:  # a platform role, granted by the platform (authz.platform)
        raise ValidationFailed("平台角色不能在机构内授予", code="NOT_AN_OFFICE_ROLE", field="role")
    office = await get_readable(session, actor, Office, office_id)
    await require_in(session, actor, grant_action(role, "create"), RoleGrant, office.id)
    account = await get_readable(session, actor, UserAccount, user_id)
    if role is Role.AUDITOR and account.id == actor.user_id:
        # Not even in a subordinate office: an auditor is always someone else's appointment.
        raise Forbidden("不能任命自己为审计员", code=Forbidden.default_code, field="userId")
    if await repository.find_grant(session, account.id, office.id, role) is not None:
        raise Conflict("该账号已有此角色", code="ROLE_ALREADY_GRANTED", field="role")
    grant = RoleGrant(user_id=account.id, office_id=office.id, role=role)
    session.add(grant)
    await session.flush()
    await record(
        session,
        actor,
        "role_grant.create",
        office_id=office.id,
        object_id=global_id_of(grant),
        detail={"user": global_id_of(account), "role": role.value},
    )
    await policy_changed(session, actor)
    return grant


async def revoke_role(session: AsyncSession, actor: Actor, *, grant_id: int) -> RoleGrant:
    """Take a role away; the account loses what it gave at once."""
    grant = await get_readable(session, actor, RoleGrant, grant_id)
    await require(session, actor, grant_action(grant.role, "delete"), grant)
    await session.delete(grant)
    await session.flush()
    await record(
        session,
        actor,
        "role_grant.delete",
        office_id=grant.office_id,
        object_id=global_id_of(grant),
        detail={"user_id": grant.user_id, "role": grant.role.value},
    )
    await policy_changed(session, actor)
    return grant


async def reset_password(
    session: AsyncSession,
    actor: Actor,
    *,
    user_id: int,
    temporary_password: str,
    min_length: int,
) -> UserAccount:
    """An admin sets a temporary password: the account must change it at its next sign-in,
    and every sign-in it has now ends."""
    account = await get_readable(session, actor, UserAccount, user_id)
    await require(session, actor, "update", account)
    if account.id == actor.user_id:
        # One's own password is changed knowing the current one (POST /auth/password), so a
        # borrowed admin session cannot take over the admin's account.
        raise Forbidden(
            "不能重置自己的密码，请使用修改密码", code=Forbidden.default_code, field="userId"
        )
    office_code = await repository.office_code_of(session, account.office_id)
    check_new_password(
        temporary_password,
        min_length=min_length,
        names=(account.username, office_code),
        field="temporaryPassword",
    )
    hashed = await asyncio.to_thread(hash_password, temporary_password)
    credential = await session.get(PasswordCredential, account.id)
    if credential is None:
        credential = PasswordCredential(user_id=account.id, password_hash=hashed)
        session.add(credential)
    credential.password_hash = hashed
    credential.must_change = True
    credential.failed_count, credential.locked_until = 0, None
    credential.changed_at = clock.now()
    revoked = await revoke_all(session, account.id, "password_reset")
    await session.flush()
    await record(
        session,
        actor,
        "password.reset",
        office_id=account.office_id,
        object_id=global_id_of(account),
        detail={"revoked": revoked},
    )
    return account


async def link_sso_subject(
    session: AsyncSession, actor: Actor, *, user_id: int, issuer: str | None, subject: str
) -> SsoLink:
    """Link a single sign-on subject to an account: the only way an SSO sign-in names one."""
    account = await get_readable(session, actor, UserAccount, user_id)
    await require(session, actor, "update", account)
    if issuer is None:
        raise Conflict("未配置统一身份认证", code="SSO_NOT_CONFIGURED", field="subject")
    subject = subject.strip()
    if not subject or len(subject) > 255 or not subject.isprintable():
        raise ValidationFailed(
            "统一身份认证的用户标识应为1至255个可打印字符", code="INVALID_SUBJECT", field="subject"
        )
    # system scope: a subject names one account across the platform, whichever office holds it
    taken = await session.scalar(
        select(SsoLink.id).where(SsoLink.issuer == issuer, SsoLink.subject == subject)
    )
    if taken is not None:
        raise Conflict("该统一身份认证用户已关联账号", code="SSO_SUBJECT_LINKED", field="subject")
    link = SsoLink(user_id=account.id, issuer=issuer, subject=subject)
    session.add(link)
    await session.flush()
    await record(
        session,
        actor,
        "sso_link.create",
        office_id=account.office_id,
        object_id=global_id_of(account),
        detail={"issuer": issuer, "subject": subject},
    )
    return link


async def set_second_factor_requirement(
    session: AsyncSession, actor: Actor, *, office_id: int, role: str, required: bool
) -> Office:
    """An office's setting: whether holders of ``role`` there must sign in with a second factor
    (by default intake handlers and leading-group members must, ``requirements.DEFAULT_ROLES``)."""
    if role == Role.PLATFORM_OPERATOR.value:
        raise ValidationFailed("平台角色不能在机构内设置", code="NOT_AN_OFFICE_ROLE", field="role")
    known = requirements.known_role_names(actor.policy.lines)
    if role not in known:
        raise ValidationFailed(f"未知的角色 {role[:40]}", code="UNKNOWN_ROLE", field="role")
    office = await get_readable(session, actor, Office, office_id)
    await require(session, actor, "update", office)
    found = await repository.find_requirement(session, office.id, role)
    if requirements.required(role, found.required if found else None) == required:
        return office  # already so: nothing changed, nothing to audit
    if found is not None:  # the setting returns to the default
        await session.delete(found)
    else:
        session.add(SecondFactorRequirement(office_id=office.id, role=role, required=required))
    await session.flush()
    await record(
        session,
        actor,
        "second_factor_requirement.set",
        office_id=office.id,
        object_id=global_id_of(office),
        detail={"role": role, "required": required},
    )
    return office


async def bind_to_target(
    session: AsyncSession, actor: Actor, *, user_id: int, target_id: int
) -> TargetBinding:
    """Make an account a target-side user of one inspected organisation."""
    target = await get_readable(session, actor, model_of_type("target"), target_id)
    await require_in(session, actor, "create", TargetBinding, target.office_id)
    account = await get_readable(session, actor, UserAccount, user_id)
    await require(session, actor, "update", account)
    # system scope: an account is bound to one target at most, whoever bound it
    if await session.scalar(select(TargetBinding.id).where(TargetBinding.user_id == account.id)):
        raise Conflict("该账号已绑定巡视对象", code="ALREADY_BOUND", field="userId")
    binding = TargetBinding(office_id=target.office_id, user_id=account.id, target_id=target.id)
    session.add(binding)
    await session.flush()
    await record(
        session,
        actor,
        "target_binding.create",
        office_id=target.office_id,
        object_id=global_id_of(binding),
        detail={"user": global_id_of(account), "target": global_id_of(target)},
    )
    await policy_changed(session, actor)
    return binding


async def unbind_from_target(session: AsyncSession, actor: Actor, *, binding_id: int) -> int:
    """End an account's binding to its inspected organisation: from the next policy snapshot
    on it holds no ``target_user`` role and reads nothing of the target."""
    binding = await get_readable(session, actor, TargetBinding, binding_id)
    await require(session, actor, "delete", binding)
    detail = {
        "user": global_id("UserAccount", binding.user_id),
        "target": global_id("Target", binding.target_id),
    }
    office_id, gid = binding.office_id, global_id_of(binding)
    await session.delete(binding)
    await session.flush()
    await record(
        session, actor, "target_binding.delete", office_id=office_id, object_id=gid, detail=detail
    )
    await policy_changed(session, actor)
    return binding_id


# 紧急授权 (break-glass). The seeds set no number for it: these are the platform's defaults,
# documented in CONVENTIONS.md (Authorization).
BREAK_GLASS_REASON_MIN = 20
BREAK_GLASS_MAX_HOURS = 8


async def break_glass(
    session: AsyncSession, actor: Actor, *, office_id: int, role: Role, hours: int, reason: str
) -> BreakGlassGrant:
    """Take a role in an office for a few hours, saying why; audited and announced to its admins."""
    office = await get_readable(session, actor, Office, office_id)
    await require_in(session, actor, "create", BreakGlassGrant, office.id)
    inputs = validation.Inputs()
    text = reason.strip()
    if len(text) < BREAK_GLASS_REASON_MIN:
        inputs.add(
            ValidationFailed(
                f"紧急授权须写明理由，至少{BREAK_GLASS_REASON_MIN}个字",
                code="REASON_TOO_SHORT",
                field="reason",
            )
        )
    else:
        text = inputs.text(BreakGlassGrant.reason, text)
    if not 1 <= hours <= BREAK_GLASS_MAX_HOURS:
        inputs.add(
            ValidationFailed(
                f"紧急授权时长须为1至{BREAK_GLASS_MAX_HOURS}小时",
                code="HOURS_INVALID",
                field="hours",
            )
        )
    if role is not Role.OFFICE_MEMBER and role is not Role.OFFICE_ADMIN:
        inputs.add(ValidationFailed("紧急授权只能授予工作角色", code="ROLE_INVALID", field="role"))
    inputs.done()
    if actor.user_id is None:
        raise Forbidden("紧急授权须由具体账号申请", code=Forbidden.default_code)
    now = clock.now()
    grant = BreakGlassGrant(
        office_id=office.id,
        user_id=actor.user_id,
        role=role,
        reason=text,
        valid_from=now,
        valid_until=now + timedelta(hours=hours),
    )
    session.add(grant)
    await session.flush()
    await record(
        session,
        actor,
        "break_glass.create",
        office_id=office.id,
        object_id=global_id_of(grant),
        detail={"role": role.value, "hours": hours, "reason": text},
    )
    admins = await repository.office_admins(session, office.id)
    await notify(
        session,
        actor,
        recipients=[a for a in admins if a != actor.user_id],
        kind=NotificationKind.BREAK_GLASS,
        subject_id=global_id_of(grant),
        office_id=office.id,
        title=f"{actor.username} 紧急授权 {role.value} {hours} 小时",
    )
    await policy_changed(session, actor)
    return grant
