"""``viewerCan`` on a transfer equals the outcome of its mutations, for the receiving office's
admin, the sending office's admin, the deciding body's member and an office off the transfer."""

from __future__ import annotations

from typing import Any

from inspectnet.db import Database
from inspectnet.ids import global_id
from tests.casework.conftest import arrange
from tests.conftest import Api
from tests.factories import make_office, make_user
from tests.graphql.test_viewer_can import _allowed, _viewer_can
from tests.transfers.factories import make_transfer, make_transfer_setting

CASES: list[tuple[str, str, str, str, Any]] = [
    ("Transfer", "transfer", "sign", "signTransfer", lambda i: {"transferId": i["transfer"]}),
    (
        "Transfer",
        "transfer",
        "report",
        "reportTransfer",
        lambda i: {"transferId": i["transfer"], "outcome": "handling.case_filed", "report": "已办"},
    ),
]


async def test_viewer_can_is_the_outcome_of_the_mutation(api: Api, db: Database) -> None:
    async def build(session: Any, system: Any) -> dict[str, Any]:
        setting = await make_transfer_setting(session, system)
        made = await make_transfer(session, system, setting)
        sibling = await make_user(session, system, await make_office(session, system))
        return {
            "users": {
                "receiver": setting.receiver_admin.username,
                "sender": setting.admin.username,
                "decider": setting.decider.username,
                "sibling": sibling.username,
            },
            "ids": {"transfer": global_id("Transfer", made.id)},
        }

    world = await arrange(api, build)
    seen: dict[tuple[str, str, str], tuple[bool, bool]] = {}
    for type_name, key, field, mutation, make_input in CASES:
        for role, user in world["users"].items():
            hint = await _viewer_can(api, user, type_name, field, world["ids"][key])
            outcome = await _allowed(api, db, user, mutation, make_input(world["ids"]))
            seen[(role, key, field)] = (hint, outcome)
    assert {case: pair for case, pair in seen.items() if pair[0] != pair[1]} == {}
    assert {k for k, v in seen.items() if v[0]} == {
        ("receiver", "transfer", "sign"),
        ("receiver", "transfer", "report"),
    }
