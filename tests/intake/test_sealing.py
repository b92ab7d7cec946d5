"""Petitioner identities sealed at rest (envelope encryption under the identity key): a raw
dump holds no name, a rotated key still opens old rows, a row opens for its petition only."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlalchemy import text

from inspectnet import keyring
from inspectnet.intake import receipts, sealing
from inspectnet.keyring import Key, Keyring, Purpose
from tests.factories import make_intake_team, make_petition

MARKER = "王密标九"


async def test_a_raw_select_of_the_identities_holds_no_plaintext(system: Any) -> None:
    session, root = system
    team = await make_intake_team(session, root)
    petition = await make_petition(
        session, root, team.inspection, petitioner_name=MARKER, petitioner_contact="marker@example"
    )
    rows = (await session.execute(text("SELECT * FROM petitioner_identities"))).all()
    dumped = repr(rows) + repr((await session.execute(text("SELECT * FROM petitions"))).all())
    assert rows and MARKER not in dumped and "marker@example" not in dumped
    for encoding in ("utf-8", "unicode_escape"):
        assert MARKER.encode(encoding).hex() not in dumped.encode().hex()
    row = (
        await session.execute(
            text(
                "SELECT key_version, wrapped_key, sealed FROM petitioner_identities "
                "WHERE petition_id = :p"
            ),
            {"p": petition.id},
        )
    ).one()
    found = sealing.open_sealed(petition.id, sealing.Sealed(*row))
    assert (found.name, found.contact) == (MARKER, "marker@example")
    assert MARKER not in repr(found)
    with pytest.raises(ValueError):
        sealing.open_sealed(petition.id + 1, sealing.Sealed(*row))  # bound to its petition


def test_after_rotation_old_rows_open_new_rows_use_the_new_key_and_rewrap_moves_them(
    development_keyring: Keyring,
) -> None:
    old = development_keyring.current(Purpose.IDENTITY)
    sealed = sealing.seal(7, sealing.Identity(MARKER, None))
    code = receipts.issue()
    new = Key(Purpose.IDENTITY, old.version + 1, hashlib.sha256(b"rotated identity").digest())
    rotated = Keyring(
        {p: development_keyring.versions(p) for p in Purpose if p is not Purpose.IDENTITY}
        | {Purpose.IDENTITY: (old, new)}
    )
    keyring.install(rotated)
    try:
        assert sealing.open_sealed(7, sealed).name == MARKER
        lookup, secret = receipts.split(code.code)
        assert receipts.matches(secret, lookup, code.digest, code.key_version)
        assert sealing.seal(7, sealing.Identity(MARKER, None)).key_version == new.version
        moved = sealing.rewrap(7, sealed)
        assert (moved.key_version, moved.sealed) == (new.version, sealed.sealed)
        keyring.install(
            Keyring({**{p: rotated.versions(p) for p in Purpose}, Purpose.IDENTITY: (new,)})
        )
        assert sealing.open_sealed(7, moved).name == MARKER  # the old key may now go
    finally:
        keyring.install(development_keyring)


def test_a_receipt_matches_its_secret_only_and_an_unknown_id_costs_the_same_compare() -> None:
    made = receipts.issue()
    lookup, secret = receipts.split(made.code)
    assert receipts.matches(secret, lookup, made.digest, made.key_version)
    # one character changed (to another base32 letter: the last may already be "A")
    altered = secret[:-1] + ("B" if secret.endswith("A") else "A")
    assert not receipts.matches(altered, lookup, made.digest, made.key_version)
    assert not receipts.matches(secret, lookup, None, None)  # unknown id: the dummy compare
    assert receipts.split("no-code-here!") == ("", "")
