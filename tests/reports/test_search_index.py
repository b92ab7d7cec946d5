"""The bigram index behind search within an inspection (inspectnet/grams.py): its rows follow
every write of the searched text (create, update, merge, withdraw), a query of two characters
or more is answered through it on SQLite and PostgreSQL, a one-character query is not, and a
withdrawn, merged or hidden record is never found."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from inspectnet.authz.actor import Actor
from inspectnet.casework import clues, findings, interviews
from inspectnet.casework.models import Clue, Finding, Interview
from inspectnet.grams import CaseworkSearchGram, bigrams
from inspectnet.ids import global_id
from inspectnet.intake.models import Petition
from tests.casework.conftest import arrange
from tests.casework.factories import Team, make_clue, make_interview, make_team
from tests.conftest import Api
from tests.intake.factories import make_petition
from tests.reports.test_search import _found
from tests.sqlcount import count_statements, plan, plan_nodes

GRAMS = "casework_search_grams"


async def _grams(api: Api, row: Any) -> set[str]:
    """The bigrams the index holds for one record."""
    async with api.app.state.graphql.database.transaction() as session:
        found = await session.scalars(
            # system scope: the test reads the index itself
            select(CaseworkSearchGram.gram).where(
                CaseworkSearchGram.kind == type(row).__authz_type__,
                CaseworkSearchGram.record_id == row.id,
                CaseworkSearchGram.inspection_id == row.inspection_id,
            )
        )
        return set(found)


def _expected(row: Any) -> set[str]:
    return set().union(*(bigrams(getattr(row, c) or "") for c in row.__search_grams__))


async def _finding(session: AsyncSession, system: Actor, team: Team, facts: str) -> Finding:
    return await findings.create_finding(
        session,
        system,
        inspection_id=team.inspection.id,
        category="category.other",
        title="违规发放津贴补贴",
        facts=facts,
        basis="《中国共产党纪律处分条例》",
    )


async def test_the_index_follows_a_finding_from_creation_to_withdrawal(
    api: Api, team: Team
) -> None:
    # Given a finding naming 王强
    finding = await arrange(
        api, lambda s, system: _finding(s, system, team, "经查，王强于2025年违规发放补贴")
    )
    held = await _grams(api, finding)
    assert held == _expected(finding) and {"王强", "津贴", "条例"} <= held

    # When its facts are rewritten to name 李明 instead
    async def rewrite(session: AsyncSession, system: Actor) -> Finding:
        return await findings.update_finding(
            session, system, finding_id=finding.id, facts="经查，李明于2025年违规发放补贴"
        )

    rewritten = await arrange(api, rewrite)

    # Then the index holds the new text's bigrams and none of the old name's
    held = await _grams(api, rewritten)
    assert held == _expected(rewritten) and "李明" in held and "王强" not in held
    assert await _found(api, team, team.member.username, "王强") == []
    assert len(await _found(api, team, team.member.username, "李明")) == 1

    # When it is withdrawn
    async def withdraw(session: AsyncSession, system: Actor) -> None:
        await findings.withdraw_finding(session, system, finding_id=finding.id, reason="查无实据")

    await arrange(api, withdraw)

    # Then it has no grams and is found by nothing
    assert await _grams(api, rewritten) == set()
    assert await _found(api, team, team.member.username, "李明") == []


async def test_the_index_follows_a_clue_through_update_and_merge(api: Api, team: Team) -> None:
    # Given two clues about 王建国
    async def build(session: AsyncSession, system: Actor) -> tuple[Clue, Clue]:
        kept = await make_clue(session, system, team.inspection, person_name="王建国")
        merged = await make_clue(session, system, team.inspection, person_name="王建国")
        return kept, merged

    kept, merged = await arrange(api, build)

    # When the second's summary is changed, then it is merged into the first
    async def update(session: AsyncSession, system: Actor) -> Clue:
        return await clues.update_clue(
            session, system, clue_id=merged.id, summary="收受购物卡五万元"
        )

    updated = await arrange(api, update)
    assert await _grams(api, updated) == _expected(updated)
    assert "购物" in await _grams(api, updated)
    assert [h["typeName"] for h in await _found(api, team, team.member.username, "购物卡")] == [
        "Clue"
    ]

    async def merge(session: AsyncSession, system: Actor) -> None:
        await clues.merge_clues(session, system, clue_id=merged.id, into_id=kept.id)

    await arrange(api, merge)

    # Then the merged clue has no grams (a conditional UPDATE the ORM does not see), the kept
    # one keeps its own, and only the kept one is found
    assert await _grams(api, merged) == set()
    assert await _grams(api, kept) == _expected(kept) != set()
    assert await _found(api, team, team.member.username, "购物卡") == []
    assert len(await _found(api, team, team.member.username, "建国")) == 1


async def test_an_interview_record_and_a_petition_summary_are_indexed_never_the_petitioner(
    api: Api, team: Team
) -> None:
    # Given an interview not yet recorded and a petition from 钱多多 (sealed) about 赵敏
    async def build(session: AsyncSession, system: Actor) -> tuple[Interview, Petition]:
        interview = await make_interview(session, system, team, record=None)
        petition = await make_petition(
            session,
            system,
            team.inspection,
            summary="反映赵敏违规兼职取酬",
            petitioner_name="钱多多",
            petitioner_contact="13800000000",
        )
        return interview, petition

    interview, petition = await arrange(api, build)
    assert await _grams(api, interview) == _expected(interview)
    assert "孙丽" not in await _grams(api, interview)

    # When the interview's record is written
    async def record(session: AsyncSession, system: Actor) -> Interview:
        return await interviews.record_interview(
            session, system, interview_id=interview.id, text="谈话对象反映孙丽违规报销"
        )

    recorded = await arrange(api, record)

    # Then its record is indexed, the petition's summary is, and no bigram of the petitioner's
    # name or contact is anywhere in the inspection's index
    assert await _grams(api, recorded) == _expected(recorded) and "孙丽" in _expected(recorded)
    assert await _grams(api, petition) == bigrams("反映赵敏违规兼职取酬")
    async with api.app.state.graphql.database.transaction() as session:
        # system scope: the test reads the whole index of the inspection
        everything = set(
            await session.scalars(
                select(CaseworkSearchGram.gram).where(
                    CaseworkSearchGram.inspection_id == team.inspection.id
                )
            )
        )
    assert everything.isdisjoint(bigrams("钱多多") | bigrams("13800000000"))


async def test_a_two_character_name_is_found_through_the_index(api: Api, team: Team) -> None:
    # Given a finding naming 王强
    finding = await arrange(api, lambda s, system: _finding(s, system, team, "经查，王强违规"))
    connection = api.app.state.graphql.database.bind
    engine = connection.sync_engine

    # When the team searches for the two-character name
    with count_statements(engine) as seen:
        found = await _found(api, team, team.member.username, "王强")

    # Then it is found, by a statement whose candidates come from the gram table's key
    assert [h["recordId"] for h in found] == [global_id("Finding", finding.id)]
    sql, params = seen.only("FROM findings", GRAMS)
    if engine.dialect.name == "postgresql":
        executed = await plan(connection, sql, params)
        scans = [n for n in plan_nodes(executed) if n.get("Relation Name") == GRAMS]
        assert scans and all("Index" in n["Node Type"] for n in scans), executed
    else:
        rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
        details = [row[-1] for row in rows]
        assert any(GRAMS in d and "USING" in d and "INDEX" in d.upper() for d in details), details

    # A one-character query holds no bigram: the substring path, without the index
    with count_statements(engine) as seen:
        assert [h["typeName"] for h in await _found(api, team, team.member.username, "强")] == [
            "Finding"
        ]
    assert not any(GRAMS in sql for sql in seen.sql)


async def test_a_hidden_record_is_not_found_though_indexed(api: Api, team: Team) -> None:
    # Given another inspection of the same office with its own team and a finding naming 王强,
    # and this inspection's own finding naming 王强
    async def build(session: AsyncSession, system: Actor) -> Team:
        other = await make_team(session, system, office=team.office)
        await _finding(session, system, other, "经查，王强违规")
        await _finding(session, system, team, "另查，王强违规")
        return other

    other = await arrange(api, build)

    # Then each team finds only its own inspection's finding, and neither team reaches the
    # other's inspection by search
    mine = await _found(api, team, team.member.username, "王强")
    theirs = await _found(api, other, other.member.username, "王强")
    assert len(mine) == 1 and len(theirs) == 1 and mine != theirs
    assert await _found(api, other, team.member.username, "王强") in (None, [])
    assert await _found(api, team, other.member.username, "王强") in (None, [])


async def test_a_long_record_rewritten_keeps_exactly_its_new_grams(api: Api, team: Team) -> None:
    # Given a finding whose facts hold 2,499 distinct bigrams (more than one delete's chunk)
    long_facts = "".join(chr(0x4E00 + i) for i in range(2500))
    finding = await arrange(api, lambda s, system: _finding(s, system, team, long_facts))
    assert len(await _grams(api, finding)) == len(_expected(finding)) > 2499

    # When its facts are rewritten to a short text
    async def rewrite(session: AsyncSession, system: Actor) -> Finding:
        return await findings.update_finding(
            session, system, finding_id=finding.id, facts="经查，王强违规"
        )

    rewritten = await arrange(api, rewrite)

    # Then only the new text's bigrams remain
    assert await _grams(api, rewritten) == _expected(rewritten)
    assert await _found(api, team, team.member.username, long_facts[100:110]) == []
