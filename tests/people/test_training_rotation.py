"""Trainings (政治理论和业务培训, qh-zrzyt §8(3)) and rotations (轮岗交流, nmg-2016 §12) of a
person's record: recorded, listed on the person, refused when bad, removed when mistaken."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from inspectnet.accounts.models import Role
from inspectnet.audit.models import AuditEntry
from inspectnet.ids import global_id, parse_global_id
from inspectnet.people.models import RotationRecord, TrainingRecord
from tests.conftest import Api
from tests.factories import make_office, make_person, make_user

TRAIN = """mutation($input: AddTrainingRecordInput!) { addTrainingRecord(input: $input) {
  record { id kind course heldOn hours viewerCan { remove } } userErrors { field code } } }"""
ROTATE = """mutation($input: AddRotationRecordInput!) { addRotationRecord(input: $input) {
  record { id fromPost toPost rotatedOn } userErrors { field code } } }"""
READ = """query($id: ID!) { node(id: $id) { ... on Person {
  trainingRecords(first: 10, filter: {kind: PROFESSIONAL}) { totalCount nodes { course } }
  all: trainingRecords(first: 10, orderBy: {field: HELD_ON, direction: DESC}) {
    nodes { course heldOn } }
  rotationRecords(first: 10) { totalCount nodes { id fromPost toPost rotatedOn } } } } }"""
REMOVE = """mutation($input: RemovePersonRecordInput!) { removePersonRecord(input: $input) {
  removed person { name } userErrors { field code } } }"""


async def _data(api: Api, user: str, query: str, variables: dict[str, Any]) -> Any:
    result = await api.gql(query, variables, user=user)
    assert "errors" not in result, result
    return result["data"]


async def _world(api: Api, system: Any) -> dict[str, str]:
    """A person of an office of the test's own, its admin, and another office's admin."""
    session, actor = system
    mine, other = await make_office(session, actor), await make_office(session, actor)
    person = await make_person(session, actor, mine, "孙八")
    admin = (await make_user(session, actor, mine, Role.OFFICE_ADMIN)).username
    member = (await make_user(session, actor, mine, Role.OFFICE_MEMBER)).username
    stranger = (await make_user(session, actor, other, Role.OFFICE_ADMIN)).username
    await session.commit()
    await api.reload_policy()
    return {
        "admin": admin,
        "member": member,
        "stranger": stranger,
        "person": global_id("Person", person.id),
    }


async def _count(api: Api, model: type) -> int:
    async with api.app.state.graphql.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _last_audit(api: Api, action: str) -> AuditEntry | None:
    async with api.app.state.graphql.database.session() as session:
        return (
            await session.execute(
                select(AuditEntry)
                .where(AuditEntry.action == action)
                .order_by(AuditEntry.id.desc())
                .limit(1)
            )
        ).scalar_one_or_none()


def _training(person: str, **changes: Any) -> dict[str, Any]:
    return {
        "input": {
            "personId": person,
            "kind": "POLITICAL_THEORY",
            "course": "巡察干部政治理论培训班",
            "heldOn": "2025-03-10",
            "hours": 16,
        }
        | changes
    }


def _rotation(person: str, **changes: Any) -> dict[str, Any]:
    return {
        "input": {
            "personId": person,
            "fromPost": "巡察办综合科科员",
            "toPost": "巡察组联络员",
            "rotatedOn": "2024-06-01",
        }
        | changes
    }


async def test_trainings_and_rotations_are_recorded_listed_and_audited(
    api: Api, system: Any
) -> None:
    world = await _world(api, system)
    admin, person = world["admin"], world["person"]
    theory = (await _data(api, admin, TRAIN, _training(person)))["addTrainingRecord"]
    assert theory["userErrors"] == []
    assert {k: v for k, v in theory["record"].items() if k != "id"} == {
        "kind": "POLITICAL_THEORY",
        "course": "巡察干部政治理论培训班",
        "heldOn": "2025-03-10",
        "hours": 16,
        "viewerCan": {"remove": True},
    }
    business = _training(person, kind="PROFESSIONAL", course="巡察业务培训", heldOn="2025-09-01")
    assert (await _data(api, admin, TRAIN, business))["addTrainingRecord"]["userErrors"] == []
    rotated = (await _data(api, admin, ROTATE, _rotation(person)))["addRotationRecord"]
    assert rotated["userErrors"] == []
    assert rotated["record"]["toPost"] == "巡察组联络员"

    read = (await _data(api, world["member"], READ, {"id": person}))["node"]
    assert read["trainingRecords"] == {"totalCount": 1, "nodes": [{"course": "巡察业务培训"}]}
    assert [n["heldOn"] for n in read["all"]["nodes"]] == ["2025-09-01", "2025-03-10"]
    assert read["rotationRecords"]["totalCount"] == 1
    assert read["rotationRecords"]["nodes"][0]["fromPost"] == "巡察办综合科科员"

    entry = await _last_audit(api, "person.training.add")
    assert entry is not None and entry.object_id == person
    assert entry.detail == {"kind": "PROFESSIONAL"}
    assert (await _last_audit(api, "person.rotation.add")) is not None


async def test_bad_inputs_are_refused_together_and_nothing_is_written(
    api: Api, system: Any
) -> None:
    world = await _world(api, system)
    admin, person = world["admin"], world["person"]
    trainings, rotations = await _count(api, TrainingRecord), await _count(api, RotationRecord)
    bad = (
        await _data(api, admin, TRAIN, _training(person, course=" ", heldOn="1800-01-01", hours=0))
    )["addTrainingRecord"]
    assert bad["record"] is None
    assert [(e["field"], e["code"]) for e in bad["userErrors"]] == [
        (["input", "course"], "REQUIRED"),
        (["input", "heldOn"], "DATE_OUT_OF_RANGE"),
        (["input", "hours"], "OUT_OF_RANGE"),
    ]
    same = (await _data(api, admin, ROTATE, _rotation(person, toPost=" 巡察办综合科科员 ")))[
        "addRotationRecord"
    ]
    assert same["record"] is None
    assert [(e["field"], e["code"]) for e in same["userErrors"]] == [
        (["input", "toPost"], "SAME_POST")
    ]
    empty = (await _data(api, admin, ROTATE, _rotation(person, fromPost="", toPost="")))[
        "addRotationRecord"
    ]
    assert [(e["field"], e["code"]) for e in empty["userErrors"]] == [
        (["input", "fromPost"], "REQUIRED"),
        (["input", "toPost"], "REQUIRED"),
    ]
    assert (await _count(api, TrainingRecord), await _count(api, RotationRecord)) == (
        trainings,
        rotations,
    )


async def test_a_stranger_and_a_member_are_refused_and_nothing_changes(
    api: Api, system: Any
) -> None:
    world = await _world(api, system)
    person = world["person"]
    trainings, rotations = await _count(api, TrainingRecord), await _count(api, RotationRecord)
    stranger = (await _data(api, world["stranger"], TRAIN, _training(person)))["addTrainingRecord"]
    assert [e["code"] for e in stranger["userErrors"]] == ["NOT_FOUND"]
    member = (await _data(api, world["member"], ROTATE, _rotation(person)))["addRotationRecord"]
    assert [e["code"] for e in member["userErrors"]] == ["FORBIDDEN"]
    assert (await _count(api, TrainingRecord), await _count(api, RotationRecord)) == (
        trainings,
        rotations,
    )
    hidden = await api.gql(READ, {"id": person}, user=world["stranger"])
    assert hidden["data"]["node"] is None


async def test_a_mistaken_training_or_rotation_is_removed_and_the_audit_keeps_it(
    api: Api, system: Any
) -> None:
    world = await _world(api, system)
    admin, person = world["admin"], world["person"]
    training = (await _data(api, admin, TRAIN, _training(person)))["addTrainingRecord"]["record"]
    rotation = (await _data(api, admin, ROTATE, _rotation(person)))["addRotationRecord"]["record"]

    refused = (await _data(api, world["member"], REMOVE, {"input": {"id": training["id"]}}))[
        "removePersonRecord"
    ]
    assert [e["code"] for e in refused["userErrors"]] == ["FORBIDDEN"]
    async with api.app.state.graphql.database.session() as session:
        assert await session.get(TrainingRecord, parse_global_id(training["id"])[1]) is not None

    for part, action in (
        (training, "person.training.remove"),
        (rotation, "person.rotation.remove"),
    ):
        removed = (await _data(api, admin, REMOVE, {"input": {"id": part["id"]}}))[
            "removePersonRecord"
        ]
        assert removed == {"removed": part["id"], "person": {"name": "孙八"}, "userErrors": []}
        entry = await _last_audit(api, action)
        assert entry is not None
    kept = await _last_audit(api, "person.training.remove")
    assert kept is not None and kept.detail["removed"]["hours"] == 16
    read = (await _data(api, admin, READ, {"id": person}))["node"]
    assert read["all"]["nodes"] == [] and read["rotationRecords"]["totalCount"] == 0
