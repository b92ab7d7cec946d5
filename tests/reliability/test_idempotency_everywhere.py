"""Every creating mutation (create*/add*/propose*) honours the Idempotency-Key: a retry with the
same key and body replays the first answer and writes nothing; another body is refused.

The mutations are read from the schema, so one added tomorrow without inputs here fails.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from graphql import GraphQLObjectType, get_named_type
from sqlalchemy import func, select

import inspectnet.models  # noqa: F401 - every mapper on the metadata
from inspectnet import clock
from inspectnet.db import Base
from inspectnet.ids import global_id
from inspectnet.rectification.models import FedBackProblem, RectificationPlan
from tests.casework.factories import make_clue, make_finding, make_team
from tests.conftest import Api
from tests.factories import make_person, make_region, make_target, make_user
from tests.intake.factories import make_petition
from tests.rectification.factories import make_fed_back_inspection

CREATING = re.compile(r"^(create|add|propose)[A-Z]")


def _creating_mutations(api: Api) -> dict[str, Any]:
    mutation = api.app.state.graphql.schema._schema.mutation_type
    return {name: field for name, field in mutation.fields.items() if CREATING.match(name)}


def _document(name: str, field: Any) -> str:
    """``mutation($input: XInput!) { name(input: $input) { <every field, objects by id> } }``."""
    payload = get_named_type(field.type)
    assert isinstance(payload, GraphQLObjectType)
    selections = []
    for child, definition in payload.fields.items():
        named = get_named_type(definition.type)
        if child == "userErrors":
            selections.append("userErrors { field code message }")
        elif isinstance(named, GraphQLObjectType):
            selections.append(
                f"{child} {{ id }}" if "id" in named.fields else f"{child} {{ __typename }}"
            )
        else:
            selections.append(child)
    input_type = get_named_type(field.args["input"].type).name
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {' '.join(selections)} }} }}"
    )


async def _ids(api: Api, system: Any) -> dict[str, str]:
    """A league (``league``) of a region of the test's own with a county below it
    (``county``), a person and a target of the league, and the league's admin; committed."""
    session, actor = system
    region = await make_region(session, actor, subordinates=1, counties=1)
    league = region.subordinates[0]
    county = region.counties(league)[0]
    admin = await make_user(session, actor, league)
    person = await make_person(session, actor, league)
    target = await make_target(session, actor, league)
    await session.commit()
    await api.reload_policy()
    return {
        "admin": admin.username,
        "league": global_id("Office", league.id),
        "county": global_id("Office", county.id),
        "person": global_id("Person", person.id),
        "target": global_id("Target", target.id),
        "code": league.code,
    }


async def _fieldwork_ids(api: Api, system: Any) -> dict[str, str]:
    """A team's inspection with a clue, a ready finding and a petition (``team`` and
    ``leader`` sign in), and a fed-back inspection whose target (``target_side``) plans its
    rectification of ``problem`` in ``plan``; committed."""
    session, actor = system
    team = await make_team(session, actor)
    clue = await make_clue(session, actor, team.inspection)
    finding = await make_finding(session, actor, team.inspection, ready=True)
    petition = await make_petition(session, actor, team.inspection)
    case, feedback = await make_fed_back_inspection(session, actor)
    plan = await session.scalar(
        select(RectificationPlan).where(RectificationPlan.feedback_id == feedback.id)
    )
    problem = await session.scalar(
        select(FedBackProblem).where(FedBackProblem.feedback_id == feedback.id).limit(1)
    )
    assert plan is not None and problem is not None
    await session.commit()
    await api.reload_policy()
    return {
        "team": team.member.username,
        "target_side": case.target_user.username,
        "inspection": global_id("Inspection", team.inspection.id),
        "clue": global_id("Clue", clue.id),
        "finding": global_id("Finding", finding.id),
        "petition": global_id("Petition", petition.id),
        "plan": global_id("RectificationPlan", plan.id),
        "problem": global_id("FedBackProblem", problem.id),
    }


# Who sends the fieldwork mutations (the rest are sent by the league's administrator).
FIELDWORK_SENDERS = {
    "createClue": "team",
    "addClueSources": "team",
    "createFinding": "team",
    "addFindingEvidence": "team",
    "proposeFix": "team",
    "createReport": "team",
    "addRectificationItem": "target_side",
}


def _fieldwork_inputs(ids: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {
        "createClue": {
            "inspectionId": ids["inspection"],
            "categoryRule": "category.other",
            "summary": "反映其违规收受礼金（幂等）",
            "personPost": "处长",
            "personName": "赵德汉",
        },
        "addClueSources": {"clueId": ids["clue"], "sourceIds": [ids["petition"]]},
        "createFinding": {
            "inspectionId": ids["inspection"],
            "categoryRule": "category.other",
            "title": "违规发放津贴补贴（幂等）",
        },
        "addFindingEvidence": {"findingId": ids["finding"], "evidenceIds": [ids["petition"]]},
        "proposeFix": {
            "inspectionId": ids["inspection"],
            "problem": "公务用车未按规定登记",
            "proposal": "立即建立用车登记制度",
        },
        "createReport": {
            "inspectionId": ids["inspection"],
            "kind": "report.inspection",
            "title": "关于巡察情况的报告（幂等）",
            "findingIds": [ids["finding"]],
        },
        "addRectificationItem": {
            "planId": ids["plan"],
            "problemId": ids["problem"],
            "measure": "补充整改措施（幂等）",
            "ownerName": "责任人",
            "supervisorName": "督办领导",
            "dueOn": "2026-12-20",
        },
    }


def _inputs(ids: dict[str, str]) -> dict[str, dict[str, Any]]:
    """A valid input for each creating mutation, as the league's administrator."""
    return {
        "createOffice": {
            "superiorId": ids["league"],
            "code": f"{ids['code']}.idem",
            "name": "幂等巡察办",
            "kind": "PATROL_OFFICE",
            "regionCode": "150204",
            "rulesetId": "nmg-2016",
        },
        "proposeOfficeLink": {
            "kind": "GUIDANCE",
            "superiorId": ids["league"],
            "subordinateId": ids["county"],
            "proposerId": ids["league"],
        },
        "createPerson": {
            "officeId": ids["league"],
            "name": "王幂等",
            "unit": "包头市某局",
            "rank": "处级",
            "homeRegionCode": "150200",
        },
        "addEmploymentRecord": {
            "personId": ids["person"],
            "organisation": "包头市某局",
            "post": "副局长",
            "startedOn": "2020-01-01",
        },
        "addInterestTie": {
            "personId": ids["person"],
            "kind": "KIN",
            "organisation": "包头市某公司",
            "relation": "配偶",
        },
        "addToPool": {"personId": ids["person"], "pool": "TALENT", "since": "2026-01-01"},
        "addTrainingRecord": {
            "personId": ids["person"],
            "kind": "PROFESSIONAL",
            "course": "巡察业务培训班",
            "heldOn": "2026-03-01",
            "hours": 24,
        },
        "addRotationRecord": {
            "personId": ids["person"],
            "fromPost": "巡察办综合科科员",
            "toPost": "巡察组联络员",
            "rotatedOn": "2026-04-01",
        },
        "createTarget": {"officeId": ids["league"], "name": "幂等对象党组", "regionCode": "150200"},
        "createPlan": {
            "officeId": ids["league"],
            "kind": "ANNUAL",
            "title": "2027年度巡察工作计划（幂等）",
            "startsOn": "2027-01-01",
            "endsOn": "2027-12-31",
        },
        "createDecisionBody": {
            "officeId": ids["league"],
            "kind": "FIVE_PERSON_GROUP",
            "name": "包头市委“五人小组”（幂等）",
        },
        "createInboxDownload": {"officeId": ids["league"]},
        "addLeadershipPost": {
            "targetId": ids["target"],
            "personId": ids["person"],
            "post": "党组书记",
            "startedOn": "2024-01-01",
        },
        "createUserAccount": {"personId": ids["person"], "username": "idem_user"},
        "createInspection": {"targetId": ids["target"], "name": "幂等专项巡察"},
        # The demo runs no inspection: the test makes one first (ids["inspection"]).
        "addPreparationItem": {
            "inspectionId": ids.get("inspection", ""),
            "body": "AUDIT",
            "question": "近三年审计发现问题及整改情况",
            "dueOn": "2026-12-31",
        },
    }


async def _row_counts(api: Api) -> dict[str, int]:
    async with api.app.state.graphql.database.session() as session:
        return {
            table.name: int(await session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


async def _send(api: Api, user: str, document: str, variables: dict[str, Any], key: str) -> Any:
    response = await api.client.post(
        "/graphql",
        json={"query": document, "variables": {"input": variables}},
        headers={"authorization": f"Bearer {api.token(user)}", "idempotency-key": key},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_every_creating_mutation_has_inputs_here(api: Api, system: Any) -> None:
    ids = await _ids(api, system)
    assert set(_creating_mutations(api)) == set(_inputs(ids)) | set(FIELDWORK_SENDERS)


async def _administrative(api: Api, system: Any, name: str) -> tuple[str, dict[str, Any]]:
    """The league's administrator and a valid input for ``name``, with what it needs made."""
    ids = await _ids(api, system)
    user = ids["admin"]
    if name == "createUserAccount":  # a person without an account yet
        made = await api.gql(
            _document("createPerson", _creating_mutations(api)["createPerson"]),
            {"input": _inputs(ids)["createPerson"]},
            user=user,
        )
        ids["person"] = made["data"]["createPerson"]["person"]["id"]
    if name == "addPreparationItem":  # an inspection to prepare
        made = await api.gql(
            _document("createInspection", _creating_mutations(api)["createInspection"]),
            {"input": _inputs(ids)["createInspection"]},
            user=user,
        )
        ids["inspection"] = made["data"]["createInspection"]["inspection"]["id"]
    return user, _inputs(ids)[name]


@pytest.mark.parametrize(
    "name",
    [
        "createOffice",
        "proposeOfficeLink",
        "createPerson",
        "addEmploymentRecord",
        "addInterestTie",
        "addToPool",
        "addTrainingRecord",
        "addRotationRecord",
        "createTarget",
        "addLeadershipPost",
        "createPlan",
        "createUserAccount",
        "addPreparationItem",
        *FIELDWORK_SENDERS,
    ],
)
async def test_a_creating_mutation_retried_with_its_key_writes_once(
    api: Api, system: Any, name: str
) -> None:
    # given a valid input and a key
    field = _creating_mutations(api)[name]
    document = _document(name, field)
    if name in FIELDWORK_SENDERS:
        ids = await _fieldwork_ids(api, system)
        user, variables = ids[FIELDWORK_SENDERS[name]], _fieldwork_inputs(ids)[name]
    else:
        user, variables = await _administrative(api, system, name)
    before = await _row_counts(api)

    # when it is sent, then retried with the same key and body
    first = await _send(api, user, document, variables, f"idem-{name}")
    assert first["data"][name]["userErrors"] == [], first
    written = await _row_counts(api)
    assert written != before
    retried = await _send(api, user, document, variables, f"idem-{name}")

    # then the retry is the first answer, replayed, and nothing more was written
    assert retried["data"] == first["data"]
    assert retried["extensions"]["idempotentReplay"] is True
    assert await _row_counts(api) == written

    # and the same key with another body (here, the document) is refused, writing nothing
    reused = await api.client.post(
        "/graphql",
        json={"query": document + " # another body", "variables": {"input": variables}},
        headers={"authorization": f"Bearer {api.token(user)}", "idempotency-key": f"idem-{name}"},
    )
    assert reused.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await _row_counts(api) == written


async def test_a_key_expires_after_the_configured_hours_and_then_runs_afresh(
    api: Api, system: Any, frozen_clock: datetime
) -> None:
    # given a createTarget answered under a key, with the default 24-hour expiry
    assert api.settings.graphql_idempotency_ttl_hours == 24
    document = _document("createTarget", _creating_mutations(api)["createTarget"])
    ids = await _ids(api, system)
    user = ids["admin"]
    variables = _inputs(ids)["createTarget"]
    first = await _send(api, user, document, variables, "idem-expiry")
    # when the same request comes within the period, it is a replay
    with clock.frozen(frozen_clock + timedelta(hours=23, minutes=59)):
        within = await _send(api, user, document, variables, "idem-expiry")
    assert within["data"] == first["data"]
    # and after it, the key is free again: the mutation runs anew instead of replaying
    with clock.frozen(frozen_clock + timedelta(hours=24, minutes=1)):
        after = await _send(api, user, document, variables, "idem-expiry")
    assert "idempotentReplay" not in after["extensions"]
    assert after["data"]["createTarget"]["target"] != first["data"]["createTarget"]["target"]
