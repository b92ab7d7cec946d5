"""Public IDs: a keyed permutation of the row id, stable, opaque, readable across a key rotation."""

from __future__ import annotations

import base64
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from inspectnet import keyring
from inspectnet.errors import NotFound, ValidationFailed
from inspectnet.ids import (
    MAX_PK,
    cursor_of,
    expect_global_id,
    global_id,
    key_of_cursor,
    parse_global_id,
)
from inspectnet.keyring import Keyring, Purpose
from tests.conftest import Api
from tests.factories import make_region, make_user


def raw_id(type_name: str, version: int, block: bytes) -> str:
    """An ID put together by hand, as a client forging one would."""
    raw = type_name.encode() + version.to_bytes(2, "big") + block
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def legacy_id(text: str) -> str:
    """The sequential form IDs had before: base64 of ``Type:pk``."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.fixture
def rotated(development_keyring: Keyring) -> Iterator[Keyring]:
    """The ID key rotated: version 2 current, version 1 (the development key) kept for reading."""
    old = development_keyring.current(Purpose.IDS)
    new = keyring.Key(Purpose.IDS, 2, b"\x07" * 32)
    ring = Keyring(
        {**{p: development_keyring.versions(p) for p in Purpose}, Purpose.IDS: [old, new]}
    )
    keyring.install(ring)
    try:
        yield ring
    finally:
        keyring.install(development_keyring)


def test_an_id_reads_back_to_its_type_and_row() -> None:
    for type_name in ("Office", "Target", "Person", "AuditEntry"):
        for pk in (1, 2, 3, 1000, MAX_PK):
            assert parse_global_id(global_id(type_name, pk)) == (type_name, pk)
            assert expect_global_id(global_id(type_name, pk), type_name) == pk


def block_of(gid: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(gid + "=" * (-len(gid) % 4))[-8:], "big")


def test_ids_are_stable_and_show_neither_the_row_id_nor_the_order() -> None:
    ids = [global_id("Target", pk) for pk in range(1, 201)]
    assert ids == [global_id("Target", pk) for pk in range(1, 201)]
    assert len(set(ids)) == 200 and ids != sorted(ids)
    assert all(block_of(gid) > MAX_PK for gid in ids[:5])  # not the row id in the clear
    # Consecutive rows differ in about half of the 64 bits, not in the last few.
    flips = [bin(block_of(a) ^ block_of(b)).count("1") for a, b in itertools.pairwise(ids)]
    assert 24 <= sum(flips) / len(flips) <= 40


def test_the_same_row_number_gives_unrelated_ids_in_two_types() -> None:
    office, target = global_id("Office", 7), global_id("Target", 7)
    assert office[-11:] != target[-11:]
    with pytest.raises(ValidationFailed) as error:
        expect_global_id(office, "Target", field="targetId")
    assert (error.value.code, error.value.field) == ("INVALID_ID", "targetId")


def test_ids_issued_before_a_rotation_still_read(rotated: Keyring) -> None:
    before = raw_id_under(rotated.version(Purpose.IDS, 1), "Person", 42)
    after = global_id("Person", 42)
    assert after != before
    assert parse_global_id(before) == parse_global_id(after) == ("Person", 42)


def raw_id_under(key: keyring.Key, type_name: str, pk: int) -> str:
    ring = Keyring({Purpose.IDS: [key]})
    current = keyring.active()
    keyring.install(ring)
    try:
        return global_id(type_name, pk)
    finally:
        keyring.install(current)


def test_an_id_under_a_key_version_not_held_is_not_found() -> None:
    stranger = raw_id_under(keyring.Key(Purpose.IDS, 9, b"\x01" * 32), "Target", 1)
    with pytest.raises(NotFound):
        parse_global_id(stranger)


@pytest.mark.parametrize("pk", [0, 2**31, 2**32, 2**63, 2**64 - 1])
def test_a_well_formed_id_outside_the_row_id_range_is_not_found(pk: int) -> None:
    gid = global_id("Target", pk)
    with pytest.raises(NotFound) as error:
        parse_global_id(gid)
    assert (error.value.code, error.value.field) == ("NOT_FOUND", None)
    with pytest.raises(NotFound):
        expect_global_id(gid, "Target", field="targetId")


def test_a_forged_block_is_not_found_not_an_error() -> None:
    for block in (b"\x00" * 8, b"\xff" * 8, bytes(range(8))):
        with pytest.raises(NotFound):
            parse_global_id(raw_id("Target", 1, block))


@pytest.mark.parametrize(
    "value",
    [
        "",
        "bad",
        "!!!!",
        "Zm9v=",  # padding is not part of an ID
        "VGFyZ2V0\u0000",
        "Ｔａｒｇｅｔ",
        legacy_id("Target:1"),
        legacy_id("Target:2147483648"),
        legacy_id("Target:9223372036854775808"),
        legacy_id("Target:18446744073709551616"),
        raw_id("Target", 1, b"\x00" * 9),  # a block wider than 64 bits: row id 2^64 and up
        raw_id("target", 1, b"\x00" * 8),
        raw_id("", 1, b"\x00" * 8),
        raw_id("Tar get", 1, b"\x00" * 8),
    ],
)
def test_a_malformed_id_is_invalid_id(value: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        parse_global_id(value, field="targetId")
    assert (error.value.code, error.value.field) == ("INVALID_ID", "targetId")


def test_an_id_cannot_be_made_outside_the_permutation_domain() -> None:
    with pytest.raises(ValueError):
        global_id("Target", 2**64)
    with pytest.raises(ValueError):
        global_id("Target", -1)
    with pytest.raises(ValueError):
        global_id("Target:1", 1)


@pytest.fixture
async def admin(api: Api, system: Any) -> str:
    """The admin of a regional office of the test's own, over one liaison body."""
    session, actor = system
    region = await make_region(session, actor, subordinates=1)
    user = await make_user(session, actor, region.top)
    await session.commit()
    await api.reload_policy()
    return user.username


NODE = "query($id: ID!) { node(id: $id) { id } }"
OFFICE = "query($id: ID!) { office(id: $id) { name } }"
CREATE_ACCOUNT = (
    "mutation($input: CreateUserAccountInput!) { createUserAccount(input: $input) "
    "{ account { id } userErrors { field code message } } }"
)


@pytest.mark.parametrize("pk", [2**31, 2**63, 2**64 - 1])
async def test_ids_past_the_integer_range_answer_as_a_missing_row(
    api: Api, admin: str, pk: int
) -> None:
    # A row id that cannot exist (the last int4) is the reference for "missing".
    for query, type_name in ((NODE, "Target"), (OFFICE, "Office")):
        missing = await api.post(query, {"id": global_id(type_name, MAX_PK)}, user=admin)
        beyond = await api.post(query, {"id": global_id(type_name, pk)}, user=admin)
        assert beyond.status_code == missing.status_code == 200
        # Everything but the request's running cost budget.
        assert beyond.json().keys() == missing.json().keys() == {"data", "errors", "extensions"}
        assert (beyond.json()["data"], beyond.json()["errors"]) == (
            missing.json()["data"],
            missing.json()["errors"],
        )
        assert beyond.json()["errors"][0]["extensions"] == {"code": "NOT_FOUND"}
    answers = []
    for person in (MAX_PK, pk):
        variables = {"input": {"personId": global_id("Person", person), "username": "someone"}}
        answers.append((await api.gql(CREATE_ACCOUNT, variables, user=admin))["data"])
    assert answers[0] == answers[1]
    assert answers[1]["createUserAccount"]["userErrors"] == [
        {"field": None, "code": "NOT_FOUND", "message": "对象不存在或无权查看"}
    ]


@pytest.mark.parametrize(
    "value",
    [
        legacy_id("Target:2147483648"),
        legacy_id("Target:18446744073709551616"),
        raw_id("Target", 1, b"\x00" * 9),
    ],
)
async def test_an_id_wider_than_the_format_is_invalid_id_not_a_500(
    api: Api, admin: str, value: str
) -> None:
    response = await api.post(NODE, {"id": value}, user=admin)
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"] == {"code": "INVALID_ID", "field": "id"}


def test_a_cursor_reads_back_to_its_row_and_shows_nothing_else() -> None:
    for pk in (1, 2, 77, MAX_PK):
        assert key_of_cursor(cursor_of(pk)) == pk
    assert block_of(cursor_of(1)) > MAX_PK  # not the row id in the clear
    assert cursor_of(5) != global_id("Target", 5)


@pytest.mark.parametrize(
    "make",
    [
        lambda: legacy_id("cursor:5"),  # the old plain form
        lambda: legacy_id("cursor:2147483648"),
        lambda: global_id("Target", 5),  # an ID is not a cursor
        lambda: global_id("Cursor", 2**31),
        lambda: global_id("Cursor", 2**63),
        lambda: raw_id("Cursor", 1, b"\x00" * 9),
        lambda: "",
        lambda: "not a cursor",
    ],
)
def test_anything_but_a_cursor_of_ours_names_no_row(make: Callable[[], str]) -> None:
    assert key_of_cursor(make()) is None


@pytest.mark.parametrize(
    "make", [lambda: legacy_id("cursor:2147483648"), lambda: global_id("Cursor", 2**63)]
)
async def test_a_cursor_past_the_integer_range_is_invalid_cursor_not_a_500(
    api: Api, admin: str, make: Callable[[], str]
) -> None:
    response = await api.post(
        "query($after: String) { offices(first: 2, after: $after) { totalCount } }",
        {"after": make()},
        user=admin,
    )
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"] == {
        "code": "INVALID_CURSOR",
        "field": "after",
    }


async def test_an_id_of_an_unknown_type_answers_as_a_missing_row(api: Api, admin: str) -> None:
    missing = await api.post(NODE, {"id": global_id("Target", MAX_PK)}, user=admin)
    for pk in (1, 5, MAX_PK):
        unknown = await api.post(NODE, {"id": global_id("Gadget", pk)}, user=admin)
        assert unknown.status_code == 200
        assert (unknown.json()["data"], unknown.json()["errors"]) == (
            missing.json()["data"],
            missing.json()["errors"],
        )
