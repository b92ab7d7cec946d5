"""Bearer tokens: HS256 with the configured secret, or RS256 checked against an SSO's JWKS."""

from __future__ import annotations

import math
from datetime import timedelta
from functools import lru_cache
from typing import Any

import jwt

from inspectnet import clock
from inspectnet.errors import Unauthenticated
from inspectnet.settings import Settings


def issue_token(settings: Settings, subject: str, ttl: timedelta) -> str:
    """A signed HS256 token naming ``subject``, an account's ``officecode/username``
    (``inspectnet token issue``)."""
    if settings.jwt_algorithm != "HS256":
        raise Unauthenticated("配置为RS256时由统一身份认证签发令牌", code="TOKEN_ISSUER_EXTERNAL")
    issued = clock.now()
    claims = {
        "sub": subject,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(issued.timestamp()),
        "nbf": int(issued.timestamp()),
        "exp": int((issued + ttl).timestamp()),
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(url, cache_keys=True, lifespan=300)


def verify_token(settings: Settings, token: str) -> str:
    """The subject (``officecode/username``) a valid token names; UNAUTHENTICATED for a missing,
    expired, forged or malformed one."""
    try:
        if settings.jwt_algorithm == "RS256":
            assert settings.jwt_jwks_url is not None  # settings validation guarantees it
            key: Any = _jwks_client(settings.jwt_jwks_url).get_signing_key_from_jwt(token).key
        else:
            key = settings.jwt_secret
        claims = jwt.decode(
            token,
            key,
            algorithms=[settings.jwt_algorithm],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            # PyJWT reads the system time; the injectable clock decides instead (below).
            options={
                "require": ["exp", "sub"],
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
            },
        )
    except (jwt.PyJWTError, ValueError):
        raise Unauthenticated("登录凭证无效", code="UNAUTHENTICATED") from None
    # PyJWT checks no claim it was told not to verify, so their types are checked here: a
    # signed token may still carry "exp": "soon" or "sub": [1], and that is a bad token, not a 500.
    exp = _instant(claims, "exp")
    nbf = _instant(claims, "nbf")
    _instant(claims, "iat")
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject:
        raise _invalid()
    now = clock.now().timestamp()
    if exp is None or exp <= now:
        raise Unauthenticated("登录凭证已过期", code="TOKEN_EXPIRED")
    if nbf is not None and nbf > now + 30:
        raise Unauthenticated("登录凭证尚未生效", code="UNAUTHENTICATED")
    return subject


def _invalid() -> Unauthenticated:
    return Unauthenticated("登录凭证无效", code="UNAUTHENTICATED")


def _instant(claims: dict[str, Any], name: str) -> int | float | None:
    """A NumericDate claim (RFC 7519 §2): a finite JSON number, or absent.

    Kept as the number it is: a huge integer compares fine but does not fit a float.
    """
    if name not in claims:
        return None
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _invalid()
    if isinstance(value, float) and not math.isfinite(value):
        raise _invalid()
    return value
