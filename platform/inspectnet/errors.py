"""Typed domain errors, declared once.

Every refusal the platform makes carries a stable English ``code`` (what clients switch on),
a Chinese ``message`` (what officials read) and, where it is about one input, the ``field``.
Rule-based refusals also carry the rule id and article they enforce.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar


class DomainError(Exception):
    """An expected refusal: shown to the client as it is, never masked."""

    default_code: ClassVar[str] = "DOMAIN_ERROR"
    default_message: ClassVar[str] = "操作未能完成"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        field: str | None = None,
        rule_id: str | None = None,
        article: str | None = None,
    ) -> None:
        self.code = code or self.default_code
        self.message = message or self.default_message
        self.field = field
        self.rule_id = rule_id
        self.article = article
        self._parts: tuple[DomainError, ...] = ()
        super().__init__(f"{self.code}: {self.message}")

    @property
    def errors(self) -> tuple[DomainError, ...]:
        """The single refusals this one stands for: itself, or each bad field of an input."""
        return self._parts or (self,)

    def extensions(self) -> dict[str, str]:
        """The error's machine-readable part, as put in GraphQL ``extensions``."""
        ext = {"code": self.code}
        if self.field:
            ext["field"] = self.field
        if self.rule_id:
            ext["rule"] = self.rule_id
        if self.article:
            ext["article"] = self.article
        return ext


class Unauthenticated(DomainError):
    default_code = "UNAUTHENTICATED"
    default_message = "未登录或登录凭证无效"


class Forbidden(DomainError):
    default_code = "FORBIDDEN"
    default_message = "无权执行此操作"


class NotFound(DomainError):
    default_code = "NOT_FOUND"
    default_message = "对象不存在或无权查看"


class ValidationFailed(DomainError):
    default_code = "VALIDATION"
    default_message = "输入不符合要求"

    @classmethod
    def of(cls, problems: Sequence[ValidationFailed]) -> ValidationFailed:
        """One refusal for every bad field of an input: the problem itself when there is one,
        else a VALIDATION error carrying them all (``errors``), each with its code and field."""
        if not problems:
            raise ValueError("ValidationFailed.of needs at least one problem")
        if len(problems) == 1:
            return problems[0]
        parts = tuple(part for problem in problems for part in problem.errors)
        # The message lists every part too, for callers that show one line (the CLI, logs).
        listed = "；".join(f"{p.field}：{p.message}" if p.field else p.message for p in parts)
        combined = cls(f"输入有{len(parts)}处错误：{listed}", code=cls.default_code)
        combined._parts = parts
        return combined


class Conflict(DomainError):
    default_code = "CONFLICT"
    default_message = "与现有数据冲突"


class RuleViolation(DomainError):
    """A refusal that enforces an article of a ruleset (e.g. ``PLAN_NOT_APPROVED (qh-zrzyt §3)``)."""

    default_code = "RULE_VIOLATION"
    default_message = "违反规定"
