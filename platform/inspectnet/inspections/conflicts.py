"""The recusal engine (回避, nmg-2016 §12, qh-zrzyt §27): pure, over facts loaded beforehand.

It weighs a candidate against one target under the grounds the office's ruleset lists
(``recusal.*`` rules) and names, for every conflict, the ground, the rule and its article, and
the record that is the evidence:

- post 任职回避: the candidate held a post at the target (an employment record naming it)
  that had not ended before the look-back window began (``look_back_years``, an office setting;
  the seeds give no number, see ``recusal.DEFAULT_LOOK_BACK_YEARS``);
- region 地域回避: the candidate's home region lies within the locality the target governs,
  when that locality is narrower than the area the office itself serves. A target of the
  office's own area (a provincial department's subordinate unit, a city office's city bureau)
  is everyone's home there, so home is no ground; a county inspected by a region office is
  the locality the ground is about;
- official 公务回避: a kin or interest tie of the candidate to the target itself, or between
  the candidate and a person on the target's current leadership roster, whichever of the two
  declared it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from inspectnet.people.models import TieKind
from inspectnet.rules.format import RecusalGround, RecusalGroundRule

GROUND_ZH = {
    RecusalGround.POST: "任职回避",
    RecusalGround.REGION: "地域回避",
    RecusalGround.OFFICIAL: "公务回避",
}
TIE_ZH = {TieKind.KIN: "亲属关系", TieKind.INTEREST: "利害关系"}


@dataclass(frozen=True)
class Post:
    """An employment record (任职经历)."""

    id: int
    organisation: str
    target_id: int | None
    started_on: date
    ended_on: date | None


@dataclass(frozen=True)
class Tie:
    """A declared tie, as entered on ``person_id``'s record."""

    id: int
    person_id: int
    kind: TieKind
    relation: str
    target_id: int | None
    related_person_id: int | None


@dataclass(frozen=True)
class Candidate:
    person_id: int
    name: str
    home_region_code: str
    posts: tuple[Post, ...] = ()
    ties: tuple[Tie, ...] = ()  # entered on the candidate's record


@dataclass(frozen=True)
class TargetFacts:
    target_id: int
    name: str
    region_code: str
    office_region_code: str  # the area the inspecting office serves
    roster: frozenset[int] = frozenset()  # persons on the leadership roster now
    roster_ties: tuple[Tie, ...] = ()  # entered on those persons' records


@dataclass(frozen=True)
class RecusalConflict:
    """One reason a person must not work on one target."""

    person_id: int
    target_id: int
    ground: RecusalGround
    rule_id: str
    article: str
    evidence: str  # what the record says, in Chinese
    evidence_id: str  # the record: "EmploymentRecord:N" / "InterestTie:N" / "Person:N"

    @property
    def reason(self) -> str:
        """Ground, article and evidence in one line, as an official reads it."""
        return f"{GROUND_ZH[self.ground]}（{self.article}）：{self.evidence}"


def look_back_start(today: date, years: int) -> date:
    """The first day of the look-back window ending today."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year without one
        return today.replace(year=today.year - years, day=28)


def region_prefix(code: str) -> str:
    """The significant digits of an administrative division code (150200 → 1502)."""
    stripped = code
    while len(stripped) > 2 and stripped.endswith("00"):
        stripped = stripped[:-2]
    return stripped


def in_region(home: str, target_region: str, office_region: str) -> bool:
    """Whether ``home`` lies within the target's locality, narrower than the office's area."""
    locality = region_prefix(target_region)
    return len(locality) > len(region_prefix(office_region)) and home.startswith(locality)


def _post(c: Candidate, t: TargetFacts, since: date) -> Iterable[tuple[str, str]]:
    for post in c.posts:
        if post.target_id == t.target_id and (post.ended_on is None or post.ended_on >= since):
            until = post.ended_on.isoformat() if post.ended_on else "今"
            yield (
                f"{post.started_on.isoformat()}至{until}在{post.organisation}任职",
                f"EmploymentRecord:{post.id}",
            )


def _region(c: Candidate, t: TargetFacts) -> Iterable[tuple[str, str]]:
    if in_region(c.home_region_code, t.region_code, t.office_region_code):
        yield (
            f"籍贯（户籍）地{c.home_region_code}在{t.name}所在地区{t.region_code}",
            f"Person:{c.person_id}",
        )


def _official(c: Candidate, t: TargetFacts) -> Iterable[tuple[str, str]]:
    for tie in c.ties:
        if tie.target_id == t.target_id:
            yield f"申报与{t.name}有{TIE_ZH[tie.kind]}（{tie.relation}）", f"InterestTie:{tie.id}"
        elif tie.related_person_id in t.roster:
            yield (
                f"申报与{t.name}领导班子成员有{TIE_ZH[tie.kind]}（{tie.relation}）",
                f"InterestTie:{tie.id}",
            )
    for tie in t.roster_ties:
        if tie.person_id in t.roster and tie.related_person_id == c.person_id:
            yield (
                f"{t.name}领导班子成员申报与其有{TIE_ZH[tie.kind]}（{tie.relation}）",
                f"InterestTie:{tie.id}",
            )


def conflicts_of(
    candidate: Candidate,
    target: TargetFacts,
    grounds: Sequence[RecusalGroundRule],
    *,
    today: date,
    look_back_years: int,
) -> list[RecusalConflict]:
    """Every conflict of one candidate with one target, under the grounds given."""
    since = look_back_start(today, look_back_years)
    found: list[RecusalConflict] = []
    for rule in grounds:
        ground = rule.params.ground
        if ground is RecusalGround.POST:
            evidence = list(_post(candidate, target, since))
        elif ground is RecusalGround.REGION:
            evidence = list(_region(candidate, target))
        elif ground is RecusalGround.OFFICIAL:
            evidence = list(_official(candidate, target))
        else:  # a ground without enumerated facts is declared, never computed
            evidence = []
        found.extend(
            RecusalConflict(
                candidate.person_id, target.target_id, ground, rule.id, rule.article, text, ref
            )
            for text, ref in evidence
        )
    return found
