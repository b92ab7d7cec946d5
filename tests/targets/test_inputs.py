"""What a target's inputs may hold: the rules its columns declare, every bad field at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.ids import global_id
from inspectnet.targets.models import LeadershipPost, Target
from tests.conftest import Api
from tests.inputs import post_ascii
from tests.targets.test_targets import _two_offices

CREATE = """mutation($input: CreateTargetInput!) { createTarget(input: $input) {
  target { id name regionCode } userErrors { field code message } } }"""
ROSTER = """mutation($input: AddLeadershipPostInput!) { addLeadershipPost(input: $input) {
  post { id post startedOn endedOn } userErrors { field code message } } }"""
PERSON = """mutation($input: CreatePersonInput!) { createPerson(input: $input) {
  person { id } userErrors { code } } }"""


async def _office(api: Api, system: Any) -> tuple[str, str]:
    """An office of the test's own and its admin, committed."""
    mine, _, admin, _ = await _two_offices(system)
    await system[0].commit()
    await api.reload_policy()
    return global_id("Office", mine.id), admin


async def _count(api: Api, model: type) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _create(api: Api, system: Any, **values: str) -> dict[str, Any]:
    return await _create_in(api, *await _office(api, system), **values)


async def _create_in(api: Api, office: str, admin: str, **values: str) -> dict[str, Any]:
    variables = {"input": {"officeId": office} | values}
    result = await post_ascii(api, CREATE, variables, user=admin)
    assert "errors" not in result, result
    return result["data"]["createTarget"]  # type: ignore[no-any-return]


async def test_a_target_with_two_bad_fields_gets_two_user_errors_and_is_not_written(
    api: Api, system: Any
) -> None:
    before = await _count(api, Target)
    payload = await _create(
        api, system, name="包头\u2067钢铁\u2069集团" + "党" * 200, regionCode="١٥٠٢٠٠"
    )
    assert payload["target"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "name"], "INVALID_CHARACTERS"),
        (["input", "regionCode"], "INVALID_REGION_CODE"),
    ]
    assert await _count(api, Target) == before


async def test_a_target_name_is_stored_normalised(api: Api, system: Any) -> None:
    payload = await _create(api, system, name=" 包钢（集团）公司党委 ", regionCode=" 150200 ")
    assert payload["userErrors"] == []
    assert payload["target"]["name"] == "包钢(集团)公司党委"
    assert payload["target"]["regionCode"] == "150200"


async def test_a_target_name_too_long_on_either_database_is_refused(api: Api, system: Any) -> None:
    before = await _count(api, Target)
    payload = await _create(api, system, name="党" * 201, regionCode="150200")
    assert [(e["field"], e["code"], e["message"]) for e in payload["userErrors"]] == [
        (["input", "name"], "TOO_LONG", "不能超过200个字符")
    ]
    assert await _count(api, Target) == before


async def test_a_roster_entry_reports_its_post_and_its_period_at_once(
    api: Api, system: Any
) -> None:
    office, admin = await _office(api, system)
    target = (await _create_in(api, office, admin, name="包钢集团党委", regionCode="150200"))[
        "target"
    ]["id"]
    person = await api.gql(
        PERSON,
        {
            "input": {
                "officeId": office,
                "name": "王五",
                "unit": "包钢集团",
                "rank": "正厅级",
                "homeRegionCode": "150200",
            }
        },
        user=admin,
    )
    before = await _count(api, LeadershipPost)
    variables = {
        "input": {
            "targetId": target,
            "personId": person["data"]["createPerson"]["person"]["id"],
            "post": "党委书记\x00",
            "startedOn": "2020-01-01",
            "endedOn": "2019-12-31",
        }
    }
    result = await post_ascii(api, ROSTER, variables, user=admin)
    assert result["data"]["addLeadershipPost"]["post"] is None
    assert [(e["field"], e["code"]) for e in result["data"]["addLeadershipPost"]["userErrors"]] == [
        (["input", "post"], "INVALID_CHARACTERS"),
        (["input", "endedOn"], "INVALID_PERIOD"),
    ]
    assert await _count(api, LeadershipPost) == before
