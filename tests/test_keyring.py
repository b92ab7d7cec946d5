"""The keyring: mounted files or environment, versions kept for reading, development fallback."""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from inspectnet.cli.main import app
from inspectnet.keyring import (
    Keyring,
    KeyringError,
    Purpose,
    init,
    new_entry,
    parse_entries,
    rotate,
)
from inspectnet.settings import get_settings


def _entry(version: int, fill: bytes) -> str:
    return f"{version}:{base64.b64encode(fill * 32).decode()}"


def test_directory_keys_newest_first_and_old_versions_kept(tmp_path: Path) -> None:
    (tmp_path / "audit").write_text(f"{_entry(1, b'a')}\n# rotated\n{_entry(2, b'b')}\n")
    ring = Keyring.load(tmp_path, {}, development=False)
    assert ring.current(Purpose.AUDIT).version == 2
    assert ring.current(Purpose.AUDIT).secret == b"b" * 32
    assert ring.version(Purpose.AUDIT, 1).secret == b"a" * 32
    assert ring.missing() == [Purpose.IDENTITY, Purpose.LINKS, Purpose.IDS, Purpose.FACTORS]


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


# --- the keys directory: init, rotate, list (issue 9, item 9) ---------------------------------------


def test_init_writes_a_first_key_for_every_purpose_readable_by_the_owner_only(
    tmp_path: Path,
) -> None:
    keys = tmp_path / "keys"
    made = init(keys)
    assert [(k.purpose, k.version) for k in made] == [(p, 1) for p in Purpose]
    ring = Keyring.load(keys, {}, development=False)
    assert ring.missing() == [] and ring.development_derived() == []
    secrets = {ring.current(p).secret for p in Purpose}
    assert len(secrets) == len(Purpose)  # one key never serves two purposes
    for purpose in Purpose:
        assert stat.S_IMODE((keys / purpose.value).stat().st_mode) == 0o600
    assert sorted(path.name for path in keys.iterdir()) == sorted(p.value for p in Purpose)


def test_init_refuses_a_directory_that_holds_keys_and_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "links").write_text(_entry(3, b"l") + "\n")
    with pytest.raises(KeyringError, match="links: a key file already exists"):
        init(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["links"]
    assert (tmp_path / "links").read_text() == _entry(3, b"l") + "\n"


def test_rotate_adds_a_current_version_and_keeps_the_old_ones(tmp_path: Path) -> None:
    init(tmp_path)
    before = Keyring.load(tmp_path, {}, development=False)
    key = rotate(tmp_path, Purpose.AUDIT)
    after = Keyring.load(tmp_path, {}, development=False)
    assert key.version == 2
    assert [k.version for k in after.versions(Purpose.AUDIT)] == [2, 1]
    assert after.current(Purpose.AUDIT).secret == key.secret
    assert after.version(Purpose.AUDIT, 1).secret == before.current(Purpose.AUDIT).secret
    # Other purposes untouched.
    for purpose in (Purpose.IDENTITY, Purpose.LINKS, Purpose.IDS):
        assert after.versions(purpose) == before.versions(purpose)
    assert stat.S_IMODE((tmp_path / "audit").stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_rotate_keeps_comments_and_a_file_without_a_final_newline(tmp_path: Path) -> None:
    (tmp_path / "ids").write_text(f"# provisioned 2026-11\n{_entry(4, b'i')}")
    rotate(tmp_path, Purpose.IDS)
    lines = (tmp_path / "ids").read_text().splitlines()
    assert lines[:2] == ["# provisioned 2026-11", _entry(4, b"i")]
    assert lines[2].startswith("5:") and len(lines) == 3


def test_rotate_refuses_a_broken_file_and_leaves_it(tmp_path: Path) -> None:
    (tmp_path / "audit").write_text("garbage\n")
    with pytest.raises(KeyringError, match="audit: an entry is not VERSION:BASE64"):
        rotate(tmp_path, Purpose.AUDIT)
    assert (tmp_path / "audit").read_text() == "garbage\n"


def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    init(tmp_path)
    old = (tmp_path / "audit").read_text()

    def disk_full(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        rotate(tmp_path, Purpose.AUDIT)
    assert (tmp_path / "audit").read_text() == old
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


# --- the CLI -----------------------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def no_configured_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in [n for n in os.environ if n.startswith("INSPECTNET_")]:
        monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_cli_init_rotate_and_list(tmp_path: Path, no_configured_keys: None) -> None:
    keys = tmp_path / "keys"
    result = runner.invoke(app, ["keys", "init", "--dir", str(keys)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{p.value}: version 1 written to {keys}" for p in Purpose
    ]
    result = runner.invoke(app, ["keys", "rotate", "--purpose", "links", "--dir", str(keys)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"links: version 2 is now current in {keys / 'links'}")
    result = runner.invoke(app, ["keys", "list", "--dir", str(keys)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"audit: current 1; versions 1; from {keys / 'audit'}",
        f"identity: current 1; versions 1; from {keys / 'identity'}",
        f"links: current 2; versions 2, 1; from {keys / 'links'}",
        f"ids: current 1; versions 1; from {keys / 'ids'}",
        f"factors: current 1; versions 1; from {keys / 'factors'}",
    ]
    ring = Keyring.load(keys, {}, development=False)
    for purpose in Purpose:
        for key in ring.versions(purpose):
            assert base64.b64encode(key.secret).decode() not in result.output


def test_cli_rotate_uses_the_configured_keys_dir(
    tmp_path: Path, no_configured_keys: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    init(tmp_path)
    monkeypatch.setenv("INSPECTNET_KEYS_DIR", str(tmp_path))
    get_settings.cache_clear()
    result = runner.invoke(app, ["keys", "rotate", "--purpose", "audit"])
    assert result.exit_code == 0, result.output
    assert [
        k.version for k in Keyring.load(tmp_path, {}, development=False).versions(Purpose.AUDIT)
    ] == [2, 1]


def test_cli_list_names_the_environment_and_missing_purposes(
    tmp_path: Path, no_configured_keys: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INSPECTNET_KEY_IDS", _entry(3, b"e"))
    result = runner.invoke(app, ["keys", "list"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "audit: no key",
        "identity: no key",
        "links: no key",
        "ids: current 3; versions 3; from INSPECTNET_KEY_IDS",
        "factors: no key",
    ]
    assert base64.b64encode(b"e" * 32).decode() not in result.output


def test_cli_list_in_development_says_which_keys_are_derived(
    no_configured_keys: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INSPECTNET_DEVELOPMENT", "true")
    get_settings.cache_clear()
    result = runner.invoke(app, ["keys", "list"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == (
        "audit: current 1; versions 1; from development key (derived from the published seed)"
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["keys", "rotate", "--purpose", "audit"], "keys: give --dir or set INSPECTNET_KEYS_DIR"),
        (
            ["keys", "rotate", "--purpose", "audit", "--dir", "/nonexistent/keys"],
            "is not a directory",
        ),
    ],
)
def test_cli_refuses_without_a_directory(
    no_configured_keys: None, args: list[str], says: str
) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert says in result.output


def test_cli_rotate_refuses_an_unknown_purpose(tmp_path: Path, no_configured_keys: None) -> None:
    result = runner.invoke(app, ["keys", "rotate", "--purpose", "jwt", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_cli_init_refuses_over_existing_keys(tmp_path: Path, no_configured_keys: None) -> None:
    init(tmp_path)
    before = {p.name: p.read_text() for p in tmp_path.iterdir()}
    result = runner.invoke(app, ["keys", "init", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "a key file already exists" in result.output
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == before
