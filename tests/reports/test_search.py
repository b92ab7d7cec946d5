"""Search within an inspection (issue 14 item 10): a two-character Chinese name is found in a
finding on SQLite and PostgreSQL, through ``readable`` only, so the target side, a sibling
office, a recused member and a former member after the archive find nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.accounts import service as accounts
from inspectnet.accounts.models import Role
from inspectnet.authz import recusals
from inspectnet.authz.actor import Actor
from inspectnet.casework import findings
from inspectnet.ids import global_id
from inspectnet.inspections.models import Inspection, Stage, TeamRole
from tests.accounts.factories import make_user
from tests.casework.conftest import arrange
from tests.casework.factories import Team, make_clue
from tests.conftest import Api
from tests.inspections.factories import make_assignment
from tests.intake.factories import make_petition
from tests.network.factories import make_office
from tests.people.factories import make_person
from tests.reports.test_reports import make_interview

SEARCH = """query($id: ID!, $q: String!) { node(id: $id) { ... on Inspection {
  caseworkSearch(query: $q) { typeName recordId node { id } } } } }"""


async def _found(api: Api, team: Team, user: str, query: str = "王强") -> Any:
    answer = await api.gql(
        SEARCH, {"id": global_id("Inspection", team.inspection.id), "q": query}, user=user
    )
    if "errors" in answer:  # the inspection itself hidden: NOT_FOUND, nothing else
        assert [e["extensions"]["code"] for e in answer["errors"]] == ["NOT_FOUND"], answer
        return None
    node = answer["data"]["node"]
    return None if node is None else node["caseworkSearch"]


async def _finding_naming(session: AsyncSession, system: Actor, team: Team) -> Any:
    return await findings.create_finding(
        session,
        system,
        inspection_id=team.inspection.id,
        category="category.other",
        title="违规发放津贴补贴",
        facts="经查，王强于2025年以加班费名义发放补贴12万元",
    )


async def test_a_two_character_name_is_found_in_a_finding(api: Api, team: Team) -> None:
    # Given a finding naming 王强 among the inspection's other records
    async def build(session: AsyncSession, system: Actor) -> Any:
        await make_interview(session, team.inspection)  # 李强, not 王强
        await make_clue(session, system, team.inspection, person_name="王建国")
        return await _finding_naming(session, system, team)

    finding = await arrange(api, build)

    # Then the team finds exactly it by the two-character name
    assert await _found(api, team, team.member.username) == [
        {
            "typeName": "Finding",
            "recordId": global_id("Finding", finding.id),
            "node": {"id": global_id("Finding", finding.id)},
        }
    ]
    # … and an interview by its interviewee, a clue by its person, matched as substrings
    assert [h["typeName"] for h in await _found(api, team, team.member.username, "李强")] == [
        "Interview"
    ]
    assert [h["typeName"] for h in await _found(api, team, team.leader.username, "建国")] == [
        "Clue"
    ]
    # A LIKE wildcard in the query is matched literally
    assert await _found(api, team, team.member.username, "王%") == []


async def test_an_empty_or_overlong_query_is_refused(api: Api, team: Team) -> None:
    for query, code in (("  ", "REQUIRED"), ("王" * 51, "TOO_LONG")):
        answer = await api.gql(
            SEARCH,
            {"id": global_id("Inspection", team.inspection.id), "q": query},
            user=team.member.username,
        )
        assert [e["extensions"]["code"] for e in answer["errors"]] == [code]


async def test_nobody_off_the_team_finds_anything(api: Api, team: Team) -> None:
    # Given the finding, a target-side account, a sibling office's member, and a team member
    # recused from the target
    async def build(session: AsyncSession, system: Actor) -> dict[str, str]:
        await _finding_naming(session, system, team)
        person = await make_person(session, system, team.office)
        target_side = await accounts.create_account(
            session, system, person_id=person.id, username="search_target_side"
        )
        await accounts.bind_to_target(
            session, system, user_id=target_side.id, target_id=team.target.id
        )
        sibling = await make_user(session, system, await make_office(session, system))
        recused = await make_user(session, system, team.office, Role.OFFICE_MEMBER)
        await make_assignment(session, system, team.inspection, recused.id, TeamRole.MEMBER)
        await recusals.record_recusal(
            session,
            system,
            person_id=recused.person_id,
            target_id=team.target.id,
            reason="近亲属任职",
        )
        return {
            "target": f"{team.office.code}/search_target_side",
            "sibling": sibling.username,
            "recused": recused.username,
        }

    users = await arrange(api, build)

    # Then the team finds it and none of them finds anything
    assert len(await _found(api, team, team.member.username)) == 1
    seen = {role: await _found(api, team, user) for role, user in users.items()}
    assert all(found in (None, []) for found in seen.values()), seen


async def test_a_former_member_finds_nothing_after_the_archive(api: Api, team: Team) -> None:
    # Given the finding, and the inspection since archived (every team grant ends)
    async def build(session: AsyncSession, system: Actor) -> None:
        await _finding_naming(session, system, team)

    await arrange(api, build)
    assert len(await _found(api, team, team.member.username)) == 1

    async def archive(session: AsyncSession, system: Actor) -> None:
        inspection = await session.get(Inspection, team.inspection.id)
        assert inspection is not None
        inspection.stage = Stage.ARCHIVED

    await arrange(api, archive)

    # Then the former member finds nothing
    assert await _found(api, team, team.member.username) in (None, [])


async def test_a_petition_is_found_by_its_summary_never_by_its_sealed_petitioner(
    api: Api, team: Team
) -> None:
    # Given a petition whose summary names 赵敏 and whose petitioner is 钱多多 (sealed)
    async def build(session: AsyncSession, system: Actor) -> Any:
        return await make_petition(
            session,
            system,
            team.inspection,
            summary="反映赵敏违规兼职取酬",
            petitioner_name="钱多多",
            petitioner_contact="13800000000",
        )

    petition = await arrange(api, build)

    # Then the team finds it by its summary …
    assert await _found(api, team, team.member.username, "赵敏") == [
        {
            "typeName": "Petition",
            "recordId": global_id("Petition", petition.id),
            "node": {"id": global_id("Petition", petition.id)},
        }
    ]
    # … and nobody finds it by the petitioner's name, which is sealed in its own table
    assert await _found(api, team, team.leader.username, "钱多多") == []
