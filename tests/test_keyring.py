"""The keyring: mounted files or environment, versions kept for reading, development fallback."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from inspectnet.keyring import Keyring, KeyringError, Purpose, new_entry, parse_entries


def _entry(version: int, fill: bytes) -> str:
    return f"{version}:{base64.b64encode(fill * 32).decode()}"


def test_directory_keys_newest_first_and_old_versions_kept(tmp_path: Path) -> None:
    (tmp_path / "audit").write_text(f"{_entry(1, b'a')}\n# rotated\n{_entry(2, b'b')}\n")
    ring = Keyring.load(tmp_path, {}, development=False)
    assert ring.current(Purpose.AUDIT).version == 2
    assert ring.current(Purpose.AUDIT).secret == b"b" * 32
    assert ring.version(Purpose.AUDIT, 1).secret == b"a" * 32
    assert ring.missing() == [Purpose.IDENTITY, Purpose.LINKS, Purpose.IDS]


def test_environment_keys_comma_separated() -> None:
    env = {"INSPECTNET_KEY_IDS": f"{_entry(3, b'x')},{_entry(4, b'y')}"}
    ring = Keyring.load(None, env, development=False)
    assert [k.version for k in ring.versions(Purpose.IDS)] == [4, 3]


def test_development_derives_missing_keys_and_says_so() -> None:
    ring = Keyring.load(None, {}, development=True)
    assert ring.missing() == []
    assert set(ring.development_derived()) == set(Purpose)
    # Stable across loads, different per purpose.
    again = Keyring.load(None, {}, development=True)
    assert ring.current(Purpose.AUDIT).secret == again.current(Purpose.AUDIT).secret
    assert ring.current(Purpose.AUDIT).secret != ring.current(Purpose.IDS).secret


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("nonsense", "VERSION:BASE64"),
        ("1:%%%", "not base64"),
        (f"1:{base64.b64encode(b'short').decode()}", "at least 32"),
        (f"{_entry(1, b'a')}\n{_entry(1, b'b')}", "appears twice"),
        ("0:" + base64.b64encode(b"a" * 32).decode(), "1 to 65535"),
        ("# only a comment", "holds no key"),
    ],
)
def test_bad_entries_name_the_purpose_never_the_key(text: str, says: str) -> None:
    with pytest.raises(KeyringError) as error:
        parse_entries(Purpose.AUDIT, text)
    assert says in str(error.value)
    assert str(error.value).startswith("audit:")


def test_missing_version_is_an_error() -> None:
    ring = Keyring.load(None, {"INSPECTNET_KEY_AUDIT": _entry(2, b"q")}, development=False)
    with pytest.raises(KeyringError, match="version 1 is not in the keyring"):
        ring.version(Purpose.AUDIT, 1)


def test_new_entry_is_one_above_and_random() -> None:
    keys = parse_entries(Purpose.LINKS, _entry(7, b"z"))
    first, second = new_entry(keys), new_entry(keys)
    assert first.startswith("8:") and second.startswith("8:") and first != second
    assert parse_entries(Purpose.LINKS, first)[0].version == 8


def test_repr_hides_the_secret() -> None:
    key = parse_entries(Purpose.AUDIT, _entry(1, b"s"))[0]
    assert "s" * 8 not in repr(key) and base64.b64encode(b"s" * 32).decode() not in repr(key)
