"""Request ids are checked at the edge: a client's id is used only if it is short and inert,
otherwise a new one replaces it, and the response and the audit log carry the id used."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from inspectnet.audit.models import AuditEntry, Outcome
from inspectnet.ids import global_id
from inspectnet.observability.middleware import item_request_id, request_id_from
from tests.conftest import Api
from tests.factories import StaffedRegion

NODE = "query($id: ID!) { node(id: $id) { id } }"
GENERATED = re.compile(r"[0-9a-f]{32}")


async def _ask(
    api: Api, net: StaffedRegion, object_id: str, request_id: str
) -> tuple[int, object, str]:
    response = await api.client.post(
        "/graphql",
        json={"query": NODE, "variables": {"id": object_id}},
        headers={
            "authorization": f"Bearer {api.token(net.staff.member)}",
            "x-request-id": request_id,
        },
    )
    body = response.json()
    body["extensions"]["cost"].pop("throttleStatus")  # the bucket drains between the two asks
    return response.status_code, body, response.headers["x-request-id"]


async def test_a_65_character_request_id_on_a_hidden_read_is_replaced_not_a_500(
    api: Api, net: StaffedRegion
) -> None:
    # The reproduction: on PostgreSQL the denial's audit row overflowed varchar(64) → 500,
    # while the same read of a missing object answered 200.
    too_long = "r" * 65
    sibling = net.sibling.id
    hidden = await _ask(api, net, global_id("Office", sibling), too_long)
    missing = await _ask(api, net, global_id("Office", 10**6), too_long)
    assert hidden[:2] == missing[:2]
    assert hidden[0] == 200
    assert hidden[1]["errors"][0]["extensions"] == {"code": "NOT_FOUND"}  # type: ignore[index]
    assert GENERATED.fullmatch(hidden[2]) and GENERATED.fullmatch(missing[2])
    assert hidden[2] != missing[2]
    written = await api.app.state.graphql.outbox.flush()
    assert written == 1
    async with api.app.state.graphql.database.session() as session:
        [row] = (
            await session.execute(
                select(AuditEntry).where(
                    AuditEntry.object_id == global_id("Office", sibling),
                    AuditEntry.outcome == Outcome.DENIED,
                )
            )
        ).scalars()
    assert (row.request_id, row.office_id) == (hidden[2], sibling)


@pytest.mark.parametrize(
    "given",
    ["r" * 65, "has space", "line\nbreak", "semi;colon", "中文编号", "", "a" * 1000, "tab\there"],
)
def test_an_unsafe_request_id_is_replaced_by_a_generated_one(given: str) -> None:
    assert GENERATED.fullmatch(request_id_from(given))


@pytest.mark.parametrize("given", ["r" * 64, "req-42", "a.b:c_d-e", "0"])
def test_a_safe_request_id_is_kept(given: str) -> None:
    assert request_id_from(given) == given
    assert request_id_from(given.encode()) == given


def test_batch_item_ids_stay_within_the_bound() -> None:
    assert item_request_id("r" * 64, 12) == "r" * 61 + "-12"
    assert item_request_id("req", 0) == "req-0"


async def test_every_route_answers_with_the_id_it_used(api: Api) -> None:
    kept = await api.client.get("/healthz", headers={"x-request-id": "ok-1"})
    assert kept.headers["x-request-id"] == "ok-1"
    replaced = await api.client.get("/healthz", headers={"x-request-id": "bad id"})
    assert GENERATED.fullmatch(replaced.headers["x-request-id"])
    assert replaced.headers.get_list("x-request-id") == [replaced.headers["x-request-id"]]
