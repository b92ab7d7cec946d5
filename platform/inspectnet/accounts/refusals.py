"""The one way a sign-in is refused: the answer the client gets, a count, and an audit entry in
the office concerned.

Password sign-in, second factors, refresh and OpenID Connect all refuse through ``refuse``; the
HTTP layer (http/auth.py) only renders a ``Refused`` (its status, code and message), so no
refusal is answered, counted or audited in a second place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts.models import UserAccount
from inspectnet.accounts.refresh import audit
from inspectnet.audit.models import Outcome
from inspectnet.observability.metrics import REGISTRY

# Every sign-in attempt by method and outcome, refused or not: an operator sees a spray of
# made-up names here even where no audit entry could name an office.
SIGN_IN_ATTEMPTS = Counter(
    "inspectnet_sign_in_attempts_total",
    "Sign-in attempts by method (password, oidc) and outcome (success, wrong_password, "
    "wrong_second_factor, locked, unknown_account, change_required, "
    "second_factor_enrolment_required, second_factor_required; for oidc: state, token, "
    "id_token, nonce, unlinked, inactive).",
    ["method", "outcome"],
    registry=REGISTRY,
)


@dataclass(frozen=True)
class Refused:
    """A refusal as the client sees it: HTTP status, stable code and Chinese message.

    Its writes (the count of failures, the lock, the audit entry) are committed, not rolled back.
    """

    code: str
    status: int
    message: str


# One answer for an unknown account, a wrong password, a wrong code and a locked account.
INVALID_CREDENTIALS = Refused("INVALID_CREDENTIALS", 401, "办公室代码、用户名或密码不正确")
# Only after the right password (and factor): saying so reveals nothing to a guesser.
CHANGE_REQUIRED = Refused("PASSWORD_CHANGE_REQUIRED", 403, "密码已由管理员重置，请先修改密码")
SECOND_FACTOR_REQUIRED = Refused("SECOND_FACTOR_REQUIRED", 401, "请输入动态口令或恢复码")
ENROLMENT_REQUIRED = Refused(
    "SECOND_FACTOR_ENROLMENT_REQUIRED",
    403,
    "本办公室要求您的角色使用动态口令登录，请先启用动态口令（/auth/totp/enrol）",
)
FACTOR_KEPT = Refused(
    "SECOND_FACTOR_REQUIRED_BY_OFFICE", 409, "本办公室要求您的角色使用动态口令，不能停用"
)
REFRESH_INVALID = Refused("REFRESH_TOKEN_INVALID", 401, "登录已失效，请重新登录")
# One answer for every refused SSO callback: the reason goes to the audit log and the metric.
SSO_REFUSED = Refused("SSO_SIGN_IN_REFUSED", 401, "统一身份认证登录未能完成，请重新登录")


async def refuse(
    session: AsyncSession,
    answer: Refused,
    *,
    method: str,
    reason: str,
    address: str,
    request_id: str,
    account: UserAccount | None = None,
    office_id: int | None = None,
    action: str = "sign_in.refused",
    detail: dict[str, Any] | None = None,
) -> Refused:
    """Count and audit a refused sign-in, then answer ``answer``.

    The entry goes to the account's office when an account is named, else to ``office_id``
    when the office is known, else to the platform's chain.
    """
    SIGN_IN_ATTEMPTS.labels(method, reason).inc()
    await audit(
        session,
        account,
        action,
        office_id=office_id,
        outcome=Outcome.DENIED,
        request_id=request_id,
        detail={"address": address, "method": method, "reason": reason} | (detail or {}),
    )
    return answer
