"""Property: for random pools under either ruleset, the draw's filling of places puts each person
in at most one place, only in a place their pool and rank admit, leaves a place empty only when
no one admissible was left, and ranks members by the expertise they add (qh-zrzyt §9), checked
against a plain oracle written here."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from inspectnet.inspections.models import TeamRole
from inspectnet.inspections.positions import fill, member_position, named_positions
from inspectnet.inspections.repository import Pooled
from inspectnet.rules.format import PoolKind
from inspectnet.rules.registry import get_ruleset
from tests.people.factories import expertise_fields

RANKS = ["正厅级", "副厅级", "正处级", "副处级", "科员", ""]
FIELDS = expertise_fields("qh-zrzyt")  # the six fields of qh-zrzyt §9


@st.composite
def pools(draw: st.DrawFn) -> list[Pooled]:
    count = draw(st.integers(min_value=0, max_value=12))
    found = []
    for pk in range(1, count + 1):
        for pool in draw(st.sets(st.sampled_from(list(PoolKind)), min_size=1)):
            found.append(
                Pooled(
                    person_id=pk,
                    name=f"人员{pk}",
                    pool=pool,
                    expertise=tuple(sorted(draw(st.sets(st.sampled_from(FIELDS), max_size=3)))),
                    user_id=pk,
                    rank=draw(st.sampled_from(RANKS)),
                )
            )
    return found


def _qualifies(rank: str, levels: tuple[str, ...]) -> bool:
    return not levels or any(level in rank for level in levels)


@settings(max_examples=300, deadline=None)
@given(pools(), st.sampled_from(["nmg-2016", "qh-zrzyt"]), st.integers(1, 12))
def test_each_place_is_filled_only_as_the_ruleset_admits(
    pooled: list[Pooled], ruleset_id: str, size: int
) -> None:
    ruleset = get_ruleset(ruleset_id)
    named = named_positions(ruleset)[:size]
    wanted = named + [member_position(ruleset)] * (size - len(named))

    drawn, empty = fill(wanted, pooled)

    people = [person.person_id for _place, person in drawn]
    assert len(people) == len(set(people))  # one place each
    assert len(drawn) + len(empty) == size
    for place, person in drawn:
        assert person.pool is place.pool and _qualifies(person.rank, place.levels)
    # The oracle: walk the places in order; a place is empty exactly when no one admissible
    # and not yet drawn is left, and the one drawn adds at least as much as anyone left.
    taken: set[int] = set()
    covered: set[str] = set()
    chosen = iter(drawn)
    for place in wanted:
        left = [
            p
            for p in pooled
            if p.person_id not in taken
            and p.pool is place.pool
            and _qualifies(p.rank, place.levels)
        ]
        if not left:
            assert place in empty
            continue
        got_place, person = next(chosen)
        assert got_place == place
        gain = len(set(person.expertise) - covered)
        assert all(len(set(p.expertise) - covered) <= gain for p in left)
        taken.add(person.person_id)
        covered |= set(person.expertise)


def test_the_places_each_ruleset_names() -> None:
    nmg = [(p.role, p.pool, p.levels) for p in named_positions(get_ruleset("nmg-2016"))]
    assert nmg == [
        (TeamRole.LEADER, PoolKind.LEADER, ()),
        (TeamRole.DEPUTY, PoolKind.LEADER, ()),
        (TeamRole.COMMISSIONER, PoolKind.TALENT, ("副厅级",)),
        (TeamRole.COMMISSIONER, PoolKind.TALENT, ("处级",)),
        (TeamRole.LIAISON, PoolKind.TALENT, ("厅级", "处级")),
    ]
    qh = [(p.role, p.pool, p.levels) for p in named_positions(get_ruleset("qh-zrzyt"))]
    assert qh == [
        (TeamRole.LEADER, PoolKind.LEADER, ()),
        (TeamRole.DEPUTY, PoolKind.TALENT, ()),
    ]
