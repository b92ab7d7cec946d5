"""Configuration: a bad value stops start-up with one line naming the variable."""

from __future__ import annotations

import subprocess
import sys

import pytest

from inspectnet.settings import ConfigurationError, load_settings


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
