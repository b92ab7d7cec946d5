"""Problem clues 问题线索: recorded by the team, flagged as possible duplicates among the clues
the viewer may read, merged with the merge recorded (the duplicate archived, not deleted)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.casework.models import Clue, ClueState
from inspectnet.ids import global_id
from inspectnet.inspections.models import Stage
from tests.casework.conftest import arrange
from tests.casework.factories import Team, make_clue, make_team
from tests.conftest import Api
from tests.factories import make_person
from tests.inspections.factories import move_to

CREATE = """mutation($input: CreateClueInput!) { createClue(input: $input) {
  clue { id personName personPost categoryRule state possibleDuplicates { id personName } }
  userErrors { field code message } } }"""
LIST = """query($id: ID!) { node(id: $id) { ... on Inspection {
  clues(first: 10) { totalCount nodes { id personName state } } } } }"""
MERGE = """mutation($input: MergeClueInput!) { mergeClue(input: $input) {
  clue { id merged(first: 5) { totalCount nodes { id state archived mergedAt
    mergedInto { id } } } }
  userErrors { field code } } }"""
DUPLICATES = """query($id: ID!) { node(id: $id) { ... on Clue { possibleDuplicates { id } } } }"""


def _input(team: Team, **values: Any) -> dict[str, Any]:
    return {
        "inspectionId": global_id("Inspection", team.inspection.id),
        "categoryRule": "category.style_building",
        "summary": "反映其违规公款吃喝",
        "personPost": "副局长",
        **values,
    }


async def _clues(api: Api) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Clue)) or 0)


async def test_the_team_records_a_clue_and_lists_it_the_office_outside_the_team_sees_none(
    api: Api, team: Team
) -> None:
    made = await api.gql(
        CREATE, {"input": _input(team, personName="李明")}, user=team.member.username
    )
    payload = made["data"]["createClue"]
    assert payload["userErrors"] == []
    assert payload["clue"]["personName"] == "李明"
    assert payload["clue"]["state"] == "OPEN"
    assert payload["clue"]["possibleDuplicates"] == []

    inspection = global_id("Inspection", team.inspection.id)
    listed = (await api.gql(LIST, {"id": inspection}, user=team.leader.username))["data"]["node"]
    assert listed["clues"] == {
        "totalCount": 1,
        "nodes": [{"id": payload["clue"]["id"], "personName": "李明", "state": "OPEN"}],
    }


async def test_a_category_outside_the_ruleset_is_refused_and_nothing_is_stored(
    api: Api, team: Team
) -> None:
    before = await _clues(api)
    refused = await api.gql(
        CREATE,
        # nmg-2016's category: the office works under qh-zrzyt
        {"input": _input(team, personName="李明", categoryRule="category.integrity_discipline")},
        user=team.member.username,
    )
    errors = refused["data"]["createClue"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        (["input", "categoryRule"], "CATEGORY_NOT_IN_RULESET")
    ]
    assert await _clues(api) == before


async def test_duplicates_are_the_same_person_record_or_a_matching_name_and_post(
    api: Api, team: Team
) -> None:
    async def build(session: Any, system: Any) -> dict[str, Any]:
        person = await make_person(session, system, team.office, "赵志刚")
        by_record = await make_clue(session, system, team.inspection, person_id=person.id)
        by_name = await make_clue(
            session, system, team.inspection, person_name="张伟", person_post="某局副局长"
        )
        other = await make_clue(
            session, system, team.inspection, person_name="张伟", person_post="办公室主任"
        )
        return {
            "person": person.id,
            "by_record": by_record.id,
            "by_name": by_name.id,
            "other": other.id,
        }

    made = await arrange(api, build)
    # The same person record, whatever the post reported
    same = await api.gql(
        CREATE,
        {"input": _input(team, personId=global_id("Person", made["person"]), personPost="处长")},
        user=team.member.username,
    )
    assert [c["id"] for c in same["data"]["createClue"]["clue"]["possibleDuplicates"]] == [
        global_id("Clue", made["by_record"])
    ]
    # A homophone (章伟 / 张伟) with a post naming the unit or not: flagged; another post: not
    sounded = await api.gql(
        CREATE, {"input": _input(team, personName="章伟")}, user=team.member.username
    )
    assert [c["id"] for c in sounded["data"]["createClue"]["clue"]["possibleDuplicates"]] == [
        global_id("Clue", made["by_name"])
    ]


async def test_only_clues_the_viewer_may_read_are_compared(api: Api, team: Team) -> None:
    # A second team of the same office records a clue about the same person
    async def build(session: Any, system: Any) -> int:
        second = await make_team(session, system, office=team.office)
        return (await make_clue(session, system, second.inspection, person_name="刘强")).id

    theirs = await arrange(api, build)
    mine = await api.gql(
        CREATE, {"input": _input(team, personName="刘强")}, user=team.member.username
    )
    assert mine["data"]["createClue"]["clue"]["possibleDuplicates"] == []

    # The system sees both: the pair is a duplicate, only hidden from the first team
    async def check(session: Any, system: Any) -> list[int]:
        from inspectnet.casework.duplicates import possible_duplicates

        clue = await session.get(Clue, theirs)
        return [c.id for c in await possible_duplicates(session, system, clue)]

    assert len(await arrange(api, check)) == 1


async def test_the_leader_merges_a_duplicate_recorded_and_archived_a_member_may_not(
    api: Api, team: Team
) -> None:
    async def build(session: Any, system: Any) -> tuple[int, int]:
        kept = await make_clue(session, system, team.inspection, person_name="孙丽")
        dup = await make_clue(session, system, team.inspection, person_name="孙丽")
        return kept.id, dup.id

    kept, dup = await arrange(api, build)
    merge = {"input": {"clueId": global_id("Clue", dup), "intoClueId": global_id("Clue", kept)}}
    refused = await api.gql(MERGE, merge, user=team.member.username)
    assert refused["data"]["mergeClue"] == {
        "clue": None,
        "userErrors": [{"field": None, "code": "FORBIDDEN"}],
    }
    async with api.app.state.graphql.database.session() as session:
        assert (await session.get(Clue, dup)).state is ClueState.OPEN  # type: ignore[union-attr]

    merged = await api.gql(MERGE, merge, user=team.leader.username)
    payload = merged["data"]["mergeClue"]
    assert payload["userErrors"] == []
    assert payload["clue"]["id"] == global_id("Clue", kept)
    assert payload["clue"]["merged"] == {
        "totalCount": 1,
        "nodes": [
            {
                "id": global_id("Clue", dup),
                "state": "MERGED",
                "archived": True,
                "mergedAt": "2026-11-25T09:00:00+00:00",
                "mergedInto": {"id": global_id("Clue", kept)},
            }
        ],
    }
    # Who merged it is on the row (the account shows to those who may read accounts)
    async with api.app.state.graphql.database.session() as session:
        row = await session.get(Clue, dup)
        assert row is not None
        assert (row.merged_by, row.merged_into_id) == (team.leader.id, kept)
        assert row.archived_at == row.merged_at is not None
    # The duplicate is out of the open list and no longer a candidate
    dups = await api.gql(DUPLICATES, {"id": global_id("Clue", kept)}, user=team.leader.username)
    assert dups["data"]["node"]["possibleDuplicates"] == []
    again = await api.gql(MERGE, merge, user=team.leader.username)
    assert [e["code"] for e in again["data"]["mergeClue"]["userErrors"]] == ["CLUE_NOT_OPEN"]


async def test_no_clue_is_recorded_once_the_inspection_is_fed_back(api: Api) -> None:
    # An nmg-2016 office: its inspections move on without a round plan's approval
    async def build(session: Any, system: Any) -> Team:
        made = await make_team(session, system, ruleset_id="nmg-2016")
        await move_to(session, system, made.inspection, Stage.FED_BACK)
        return made

    team = await arrange(api, build)
    before = await _clues(api)
    refused = await api.gql(
        CREATE,
        {"input": _input(team, personName="李明", categoryRule="category.other")},
        user=team.member.username,
    )
    assert [e["code"] for e in refused["data"]["createClue"]["userErrors"]] == ["FORBIDDEN"]
    assert await _clues(api) == before


async def test_reading_a_clue_leaves_one_audit_row_per_request(api: Api, team: Team) -> None:
    from inspectnet.audit.models import AuditEntry, Outcome

    clue = await arrange(api, lambda s, system: make_clue(s, system, team.inspection))
    gid = global_id("Clue", clue.id)
    query = """query($id: ID!) { node(id: $id) { ... on Clue { personName summary } } }"""
    await api.flush_audit()
    read = await api.gql(query, {"id": gid}, user=team.leader.username)
    assert read["data"]["node"] == {"personName": "王建国", "summary": "反映其违规收受礼金"}
    listed = await api.gql(
        LIST, {"id": global_id("Inspection", team.inspection.id)}, user=team.member.username
    )
    assert listed["data"]["node"]["clues"]["totalCount"] == 1
    await api.flush_audit()
    async with api.app.state.graphql.database.session() as session:
        rows = list(
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "clue.read", AuditEntry.object_id == gid)
                .order_by(AuditEntry.id)
            )
        )
    assert [(r.actor_user_id, r.office_id, r.outcome) for r in rows] == [
        (team.leader.id, team.office.id, Outcome.SUCCESS),
        (team.member.id, team.office.id, Outcome.SUCCESS),
    ]
