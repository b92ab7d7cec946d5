"""The typed parameters of each rule kind: what a ruleset file may say under a rule's ``params``.

Unknown fields are refused: a misspelt parameter must not silently fall back to a default.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from inspectnet.rules.calendar import PeriodUnit
from inspectnet.rules.vocabulary import (
    ApprovalMatter,
    Attendee,
    Conduct,
    DecisionBody,
    DecisionMatter,
    DisclosureStage,
    Event,
    FilingMode,
    FilingSubject,
    InspectionStage,
    MethodRecord,
    OffenderParty,
    PoolKind,
    Receiver,
    Recipient,
    RectificationReportKind,
    RecusalGround,
    ReportRecipient,
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class WarningThresholds(_Model):
    """三色预警: yellow when at most ``yellow_days`` are left, red at most ``red_days``."""

    yellow_days: int = Field(default=20, ge=1, le=366)
    red_days: int = Field(default=10, ge=0, le=366)

    @model_validator(mode="after")
    def _red_before_yellow(self) -> WarningThresholds:
        if self.red_days >= self.yellow_days:
            raise ValueError("red_days must be less than yellow_days")
        return self


# --- parameters, one model per kind --------------------------------------------------------


class DeadlineParams(_Model):
    """A period from a start event within which an end event is due."""

    start_event: Event
    end_event: Event
    unit: PeriodUnit
    amount: int = Field(ge=1, le=3660, description="the period; the upper bound of a window")
    min_amount: int | None = Field(
        default=None, ge=1, description="lower bound of a window such as 20～40个工作日"
    )
    warning: WarningThresholds | None = Field(
        default=None, description="overrides the ruleset's thresholds for this deadline"
    )

    @model_validator(mode="after")
    def _consistent(self) -> DeadlineParams:
        if self.start_event == self.end_event:
            raise ValueError("start_event and end_event must differ")
        if self.min_amount is not None and self.min_amount > self.amount:
            raise ValueError("min_amount must not exceed amount")
        return self


class CategoryParams(_Model):
    position: int = Field(ge=1, description="order in the article's list")
    catch_all: bool = Field(default=False, description="the 'other problems' category")


class WorkMethodParams(_Model):
    position: int = Field(ge=1, description="order in the article's list")
    record: MethodRecord = Field(description="the record the team keeps of work by this method")


class HandlingOutcomeParams(_Model):
    position: int = Field(ge=1, description="order in the article's list")


class ExpertiseParams(_Model):
    """A field of expertise the pools draw on; the draw ranks members by the fields they add."""

    position: int = Field(ge=1, description="order in the article's list")


class ModeParams(_Model):
    revisit: bool = Field(default=False, description="回头看: re-inspects an inspected target")


class ReportKindParams(_Model):
    required: bool = Field(description="produced after every inspection, or only on condition")
    condition_zh: str | None = Field(default=None, description="when it is produced, if not always")
    working_papers_required: bool = Field(
        default=False, description="every problem in it needs a working paper (底稿)"
    )

    @model_validator(mode="after")
    def _condition_when_optional(self) -> ReportKindParams:
        if not self.required and not self.condition_zh:
            raise ValueError("condition_zh is required when required is false")
        return self


class TeamRoleParams(_Model):
    max_per_team: int | None = Field(default=None, ge=1)
    from_pool: PoolKind | None = None
    levels_zh: tuple[str, ...] = Field(default=(), description="rank required, e.g. 副厅级、处级")


class TeamSizeParams(_Model):
    min_members: int = Field(ge=1)
    max_members: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> TeamSizeParams:
        if self.min_members > self.max_members:
            raise ValueError("min_members must not exceed max_members")
        return self


class FilingDutyParams(_Model):
    mode: FilingMode
    recipient: Recipient
    recipient_zh: str = Field(min_length=1, description="the recipient as the article names it")
    required_before: Event | None = Field(
        default=None, description="an approval that must be granted before this event"
    )
    periodic: bool = Field(default=False, description="filed periodically (定期报送)")
    subjects: tuple[FilingSubject, ...] = Field(
        default=(), description="what may be filed under this duty (none: not yet modelled)"
    )
    filer_kinds: tuple[str, ...] = Field(
        default=(), description="office kinds the duty binds (none: every office of the ruleset)"
    )
    decided_by: DecisionBody | None = Field(
        default=None,
        description="the body of the office filed to that approves (none: for record, its "
        "office acknowledges)",
    )

    @model_validator(mode="after")
    def _approval_names_its_body(self) -> FilingDutyParams:
        # "the body the ruleset names decides": an approval without a named body would leave
        # the decision to whoever administers the office filed to.
        if (self.mode is FilingMode.APPROVAL) != (self.decided_by is not None):
            raise ValueError(
                "an approval names the body that decides it (decided_by); a record none"
            )
        return self


class TransferRouteParams(_Model):
    receivers: tuple[Receiver, ...] = Field(min_length=1)
    receivers_zh: str = Field(min_length=1)
    matters_zh: str | None = Field(default=None, description="what goes this way")
    decided_by: DecisionBody
    during_inspection: bool = Field(default=False, description="a transfer while still on site")


class PlanApprovalParams(_Model):
    # The plan kinds of planning.models.PlanKind (rules import no domain).
    plan_kinds: tuple[Literal["term", "annual", "round"], ...] = Field(min_length=1)
    decided_by: DecisionBody = Field(description="the body of the office that approves its plans")


class RecusalGroundParams(_Model):
    ground: RecusalGround


class StageParams(_Model):
    stage: InspectionStage = Field(description="the stage this rule lets an inspection enter")


class DisclosurePointParams(_Model):
    stage: DisclosureStage
    channels_zh: tuple[str, ...] = Field(min_length=1)
    approved_by: DecisionBody | None = Field(
        default=None,
        description="the body of the office that approves publication (none: the seeds name "
        "no approver, so the office's admin approves; docs/disclosure.md)",
    )


class DecisionParams(_Model):
    """A step after the site and the body that takes it (a ``require_body`` check)."""

    matter: DecisionMatter
    decided_by: DecisionBody


class AttendanceParams(_Model):
    """Who must attend the feedback besides the team (qh-zrzyt §18)."""

    attendees: tuple[Attendee, ...] = Field(min_length=1)


class RectificationReportParams(_Model):
    """The reports due after feedback, the recipients each goes to, and the deadline rule."""

    reports: tuple[RectificationReportKind, ...] = Field(min_length=1)
    recipients: tuple[ReportRecipient, ...] = Field(min_length=1)
    deadline: str = Field(pattern=r"^deadline\.[a-z_]+$", description="the deadline rule's id")


class DisciplineOffenceParams(_Model):
    party: OffenderParty = Field(description="who breaches the discipline the article sets")
    conduct: Conduct = Field(description="the conduct the article names")


class ApprovalParams(_Model):
    matter: ApprovalMatter
    decided_by: DecisionBody = Field(description="the body of the office that approves it")
