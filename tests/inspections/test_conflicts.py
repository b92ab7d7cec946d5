"""The recusal engine against an oracle written plainly from the rules (nmg-2016 §12)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from inspectnet.inspections.conflicts import (
    Candidate,
    Post,
    TargetFacts,
    Tie,
    conflicts_of,
    in_region,
    look_back_start,
)
from inspectnet.people.models import TieKind
from inspectnet.rules.format import RecusalGround, RecusalGroundRule
from inspectnet.rules.registry import get_ruleset

TODAY = date(2026, 11, 25)
NMG = get_ruleset("nmg-2016")
QH = get_ruleset("qh-zrzyt")
GROUNDS = {ruleset.id: ruleset.of_type(RecusalGroundRule) for ruleset in (NMG, QH)}
TARGETS = (1, 2, 3)
PEOPLE = (10, 11, 12, 13, 14, 15)
REGIONS = ("630000", "630100", "630102", "632300", "150000", "150200", "150203")

days = st.integers(min_value=-4000, max_value=400).map(lambda n: TODAY + timedelta(days=n))


@st.composite
def posts(draw: st.DrawFn, person: int) -> tuple[Post, ...]:
    found = []
    for n in range(draw(st.integers(0, 3))):
        start = draw(days)
        length = draw(st.none() | st.integers(0, 3000))
        end = None if length is None else start + timedelta(days=length)
        found.append(
            Post(
                person * 100 + n, f"单位{n}", draw(st.none() | st.sampled_from(TARGETS)), start, end
            )
        )
    return tuple(found)


@st.composite
def ties(draw: st.DrawFn, person: int) -> tuple[Tie, ...]:
    found = []
    for n in range(draw(st.integers(0, 2))):
        found.append(
            Tie(
                person * 1000 + n,
                person,
                draw(st.sampled_from(TieKind)),
                "配偶",
                draw(st.none() | st.sampled_from(TARGETS)),
                draw(st.none() | st.sampled_from(PEOPLE)),
            )
        )
    return tuple(found)


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[Candidate], TargetFacts, int]:
    people = [
        Candidate(p, f"干部{p}", draw(st.sampled_from(REGIONS)), draw(posts(p)), draw(ties(p)))
        for p in PEOPLE
    ]
    roster = frozenset(draw(st.sets(st.sampled_from(PEOPLE), max_size=3)))
    roster_ties = tuple(t for c in people if c.person_id in roster for t in c.ties)
    target = TargetFacts(
        draw(st.sampled_from(TARGETS)),
        "某单位",
        draw(st.sampled_from(REGIONS)),
        draw(st.sampled_from(REGIONS)),
        roster,
        roster_ties,
    )
    return people, target, draw(st.integers(1, 10))


def oracle(c: Candidate, t: TargetFacts, years: int) -> set[tuple[RecusalGround, str]]:
    """Written from the rules, not from the engine: (ground, evidence record) pairs."""
    found: set[tuple[RecusalGround, str]] = set()
    window_opens = date(TODAY.year - years, TODAY.month, TODAY.day)
    for post in c.posts:
        still_in_window = post.ended_on is None or post.ended_on >= window_opens
        if post.target_id == t.target_id and still_in_window:
            found.add((RecusalGround.POST, f"EmploymentRecord:{post.id}"))

    # Region: the target's locality is below the office's area and the home lies in it.
    def level(code: str) -> int:  # 1 province, 2 prefecture, 3 county
        return 1 if code[2:] == "0000" else 2 if code[4:] == "00" else 3

    depth = 2 * level(t.region_code)
    below_the_office = level(t.region_code) > level(t.office_region_code)
    if below_the_office and c.home_region_code[:depth] == t.region_code[:depth]:
        found.add((RecusalGround.REGION, f"Person:{c.person_id}"))
    for tie in c.ties:
        if tie.target_id == t.target_id or tie.related_person_id in t.roster:
            found.add((RecusalGround.OFFICIAL, f"InterestTie:{tie.id}"))
    for tie in t.roster_ties:
        if tie.related_person_id == c.person_id:
            found.add((RecusalGround.OFFICIAL, f"InterestTie:{tie.id}"))
    return found


@settings(max_examples=300, deadline=None)
@given(worlds(), st.sampled_from(sorted(GROUNDS)))
def test_the_engine_finds_exactly_what_the_oracle_finds(
    world: tuple[list[Candidate], TargetFacts, int], ruleset_id: str
) -> None:
    people, target, years = world
    for candidate in people:
        found = conflicts_of(
            candidate, target, GROUNDS[ruleset_id], today=TODAY, look_back_years=years
        )
        assert {(c.ground, c.evidence_id) for c in found} == oracle(candidate, target, years)
        # Every conflict names its rule, its article and evidence in words.
        for c in found:
            rule = next(r for r in GROUNDS[ruleset_id] if r.params.ground is c.ground)
            assert (c.rule_id, c.article) == (rule.id, rule.article)
            assert c.evidence and c.article in c.reason


def test_a_post_left_two_years_ago_is_a_post_ground_within_the_default_look_back() -> None:
    worked = Candidate(
        7,
        "王某",
        "630000",
        (Post(70, "青海省第一地质勘查院", 1, date(2019, 3, 1), date(2024, 11, 1)),),
    )
    target = TargetFacts(1, "青海省第一地质勘查院党委", "630000", "630000")
    (found,) = conflicts_of(worked, target, GROUNDS["qh-zrzyt"], today=TODAY, look_back_years=5)
    assert (found.ground, found.rule_id, found.article) == (
        RecusalGround.POST,
        "recusal.post",
        "qh-zrzyt §27",
    )
    assert (
        found.reason == "任职回避（qh-zrzyt §27）：2019-03-01至2024-11-01在青海省第一地质勘查院任职"
    )
    # A look-back of one year no longer reaches it.
    assert conflicts_of(worked, target, GROUNDS["qh-zrzyt"], today=TODAY, look_back_years=1) == []


def test_region_and_look_back_edges() -> None:
    # A region office inspecting 包头: a 包头 native is recused; one from 呼和浩特 is not.
    assert in_region("150203", "150200", "150000") and not in_region("150100", "150200", "150000")
    # 包头's own office inspecting a 包头 bureau: its own area, no region ground.
    assert not in_region("150203", "150200", "150200")
    assert in_region("632321", "632321", "632300") and not in_region("632322", "632321", "630000")
    assert look_back_start(date(2028, 2, 29), 1) == date(2027, 2, 28)
