"""Configuration: a bad value stops start-up with one line naming the variable."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from inspectnet import evidence, keyring
from inspectnet.app import create_app
from inspectnet.keyring import Purpose
from inspectnet.settings import (
    DEVELOPMENT_JWT_SECRET,
    ConfigurationError,
    Settings,
    load_settings,
    refuse_development_defaults,
)
from tests.conftest import make_settings
from tests.keys import keyring_restored, production_keys_dir


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"INSPECTNET_PORT": "eighty"}, "INSPECTNET_PORT: Input should be a valid integer"),
        ({"INSPECTNET_DATABASE_URL": "mysql://x"}, "INSPECTNET_DATABASE_URL: must start with"),
        (
            {"INSPECTNET_JWT_SECRET": "short"},
            "INSPECTNET_JWT_SECRET: must be at least 32 characters",
        ),
        ({"INSPECTNET_JWT_ALGORITHM": "RS256"}, "INSPECTNET_JWT_JWKS_URL: required"),
        ({"INSPECTNET_LOG_LEVEL": "LOUD"}, "INSPECTNET_LOG_LEVEL: Input should be"),
        ({"INSPECTNET_EVIDENCE_BACKEND": "nfs"}, "INSPECTNET_EVIDENCE_BACKEND: Input should be"),
        ({"INSPECTNET_EVIDENCE_BACKEND": "s3"}, "INSPECTNET_EVIDENCE_S3_BUCKET: required"),
        (
            {
                "INSPECTNET_EVIDENCE_BACKEND": "s3",
                "INSPECTNET_EVIDENCE_S3_BUCKET": "evidence",
                "INSPECTNET_EVIDENCE_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
            },
            "INSPECTNET_EVIDENCE_S3_SECRET_ACCESS_KEY: the access key id and the secret",
        ),
        (
            {"INSPECTNET_EVIDENCE_S3_ENDPOINT_URL": "minio:9000"},
            "INSPECTNET_EVIDENCE_S3_ENDPOINT_URL: String should match",
        ),
    ],
)
def test_a_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    message = str(raised.value.code)
    assert message.startswith("configuration error: ")
    assert expected in message
    assert "\n" not in message


def test_the_defaults_are_a_sqlite_file_under_var_and_production_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("INSPECTNET_DATABASE_URL", "INSPECTNET_DEVELOPMENT"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///./var/inspectnet.db"
    assert settings.development is False


def test_the_command_stops_with_one_line_and_no_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "inspectnet.cli", "db", "current"],
        capture_output=True,
        text=True,
        env={"INSPECTNET_PORT": "eighty", "PATH": ""},
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "configuration error: INSPECTNET_PORT: Input should be a valid integer, unable to parse string as an integer"
    ]


# --- production refuses development defaults (issue 9, item 7) --------------------------------


def _production(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "jwt_secret": "a-production-secret-of-at-least-32-chars",
        "keys_dir": production_keys_dir(),
        "development": False,
    }
    return make_settings(f"sqlite+aiosqlite:///{tmp_path / 'p.db'}", **(values | overrides))


def _refusal(settings: Settings) -> str:
    with keyring_restored(), pytest.raises(ConfigurationError) as raised:
        create_app(settings)
    message = str(raised.value.code)
    assert "\n" not in message
    return message


def test_production_starts_with_a_real_secret_and_keys(tmp_path: Path) -> None:
    with keyring_restored():
        create_app(_production(tmp_path))


def test_production_refuses_the_published_jwt_secret(tmp_path: Path) -> None:
    message = _refusal(_production(tmp_path, jwt_secret=DEVELOPMENT_JWT_SECRET))
    assert message.startswith("configuration error: INSPECTNET_JWT_SECRET: ")


def test_development_may_use_the_published_jwt_secret(tmp_path: Path) -> None:
    with keyring_restored():
        create_app(_production(tmp_path, jwt_secret=DEVELOPMENT_JWT_SECRET, development=True))


@pytest.mark.parametrize("purpose", list(Purpose))
def test_production_refuses_a_keyring_missing_a_purpose(tmp_path: Path, purpose: Purpose) -> None:
    keys = tmp_path / "keys"
    keyring.init(keys)
    (keys / purpose.value).unlink()
    message = _refusal(_production(tmp_path, keys_dir=keys))
    assert message == (
        f"configuration error: INSPECTNET_KEYS_DIR: no key for {purpose.value} "
        "(mount the keyring or set INSPECTNET_KEY_<PURPOSE>; `inspectnet keys init`)"
    )


def test_production_names_a_keys_dir_that_is_not_there(tmp_path: Path) -> None:
    message = _refusal(_production(tmp_path, keys_dir=tmp_path / "not-mounted"))
    assert message == (
        f"configuration error: INSPECTNET_KEYS_DIR: {tmp_path / 'not-mounted'} is not a directory"
    )


def test_production_refuses_no_keyring_at_all(tmp_path: Path) -> None:
    message = _refusal(_production(tmp_path, keys_dir=None))
    assert message.startswith(
        "configuration error: INSPECTNET_KEYS_DIR: no key for audit, identity, links, ids"
    )


@pytest.mark.parametrize("purpose", list(Purpose))
def test_production_refuses_the_published_development_key(tmp_path: Path, purpose: Purpose) -> None:
    # The development key copied into a mounted Secret, even as an old version kept for reading.
    keys = tmp_path / "keys"
    keyring.init(keys)
    published = base64.b64encode(keyring.development_key(purpose).secret).decode()
    current = (keys / purpose.value).read_text()
    (keys / purpose.value).write_text(f"9:{published}\n{current.replace('1:', '10:', 1)}")
    message = _refusal(_production(tmp_path, keys_dir=keys))
    assert message.startswith(
        f"configuration error: INSPECTNET_KEYS_DIR: the development key is in use for "
        f"{purpose.value} "
    )


def test_production_refuses_the_development_fallback_keyring(tmp_path: Path) -> None:
    ring = keyring.Keyring.load(None, {}, development=True)
    with pytest.raises(ConfigurationError) as raised:
        refuse_development_defaults(_production(tmp_path), ring)
    assert "the development key is in use for audit, identity, links, ids" in str(raised.value.code)


def test_a_broken_key_file_stops_start_up_with_one_line(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    keyring.init(keys)
    (keys / "links").write_text("not a key\n")
    message = _refusal(_production(tmp_path, keys_dir=keys))
    assert message == (
        "configuration error: INSPECTNET_KEYS_DIR: links: an entry is not VERSION:BASE64"
    )


def test_the_asgi_entry_refuses_development_defaults() -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        "INSPECTNET_DATABASE_URL": "sqlite+aiosqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import inspectnet.asgi"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("configuration error: INSPECTNET_JWT_SECRET: "), line
    assert "; INSPECTNET_KEYS_DIR: no key for audit, identity, links, ids" in line


def test_evidence_stays_in_a_local_directory_unless_s3_is_chosen(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("INSPECTNET_EVIDENCE_BACKEND", raising=False)
    monkeypatch.setenv("INSPECTNET_EVIDENCE_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.evidence_backend == "local"
    store = evidence.configured(settings).store
    assert isinstance(store, evidence.LocalStore) and store.directory == tmp_path


def test_the_s3_secret_key_is_kept_out_of_the_settings_repr(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in {
        "INSPECTNET_EVIDENCE_BACKEND": "s3",
        "INSPECTNET_EVIDENCE_S3_BUCKET": "evidence",
        "INSPECTNET_EVIDENCE_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "INSPECTNET_EVIDENCE_S3_SECRET_ACCESS_KEY": "secret-key-never-shown",
    }.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.evidence_s3_secret_access_key == "secret-key-never-shown"
    assert "secret-key-never-shown" not in repr(settings)


# --- operations settings --------------------------------------------------------------------------


def test_cors_origins_are_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECTNET_CORS_ORIGINS", "https://App.example.org, http://localhost:5173")
    assert load_settings().cors_origins == ["https://app.example.org", "http://localhost:5173"]


def test_cors_origins_default_to_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INSPECTNET_CORS_ORIGINS", raising=False)
    assert load_settings().cors_origins == []


@pytest.mark.parametrize(
    "value",
    ["*", "app.example.org", "https://app.example.org/path", "ftp://x.org", "https://*.x.org"],
)
def test_a_cors_origin_must_be_an_origin(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("INSPECTNET_CORS_ORIGINS", value)
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    assert str(raised.value.code).startswith("configuration error: INSPECTNET_CORS_ORIGINS: ")


def test_a_short_metrics_token_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECTNET_METRICS_TOKEN", "short")
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    assert str(raised.value.code) == (
        "configuration error: INSPECTNET_METRICS_TOKEN: must be at least 32 characters"
    )
