"""Configuration from the environment (prefix ``INSPECTNET_``), validated at start-up."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    """Every knob the service has; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="INSPECTNET_", extra="ignore")

    database_url: str = Field(
        default="sqlite+aiosqlite:///./var/inspectnet.db",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///… or postgresql+asyncpg://…",
    )
    db_pool_size: int = Field(default=5, ge=1, le=200)
    db_max_overflow: int = Field(default=10, ge=0, le=500)
    db_pool_timeout: float = Field(default=30.0, gt=0)
    db_echo: bool = False

    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwt_secret: str = Field(
        default="inspectnet-development-secret-change-me",
        description="HS256 signing secret (at least 32 characters)",
    )
    jwt_jwks_url: str | None = Field(default=None, description="JWKS URL for RS256 tokens (SSO)")
    jwt_issuer: str = "inspectnet"
    jwt_audience: str = "inspectnet"
    jwt_default_ttl_seconds: int = Field(default=8 * 3600, ge=60)
    keys_dir: Path | None = Field(
        default=None, description="Mounted keyring: one VERSION:BASE64 file per purpose"
    )

    development: bool = Field(default=False, description="GraphiQL and introspection on")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    policy_dir: Path = Field(default=REPO_ROOT / "policies")
    migrations_dir: Path = Field(default=REPO_ROOT / "migrations")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    otel_enabled: bool = Field(
        default=False, description="OpenTelemetry tracing (needs the otel extra)"
    )
    otel_service_name: str = "inspectnet"

    # GraphQL limits and budgets: docs/graphql.md explains each one and the cost formula.
    graphql_max_body_bytes: int = Field(default=1_000_000, ge=1_000, description="Request body")
    graphql_max_tokens: int = Field(default=5_000, ge=100, description="Tokens in a document")
    graphql_max_depth: int = Field(default=12, ge=2, description="Nesting of fields")
    graphql_max_aliases: int = Field(default=30, ge=0, description="Aliases in a document")
    graphql_max_query_cost: int = Field(default=10_000, ge=1, description="Cost of one request")
    graphql_cost_budget: int = Field(default=20_000, ge=1, description="Per-user bucket")
    graphql_cost_restore_rate: float = Field(default=1_000.0, gt=0, description="Points a second")
    graphql_document_cache_size: int = Field(default=512, ge=0, description="Cached documents")
    graphql_apq: bool = Field(default=True, description="Apollo automatic persisted queries")
    graphql_apq_cache_size: int = Field(default=2_000, ge=1, description="Documents APQ keeps")
    graphql_persisted_only: bool = Field(default=False, description="Only registered documents")
    graphql_persisted_manifest: Path | None = Field(
        default=None, description="Persisted query manifest (Apollo's or Relay's JSON format)"
    )
    graphql_batching: bool = Field(default=False, description="Accept a JSON array of requests")
    graphql_batch_max: int = Field(default=10, ge=1, le=100, description="Requests in one batch")

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _keys_present(self) -> Settings:
        if self.jwt_algorithm == "HS256" and len(self.jwt_secret) < 32:
            raise ValueError("INSPECTNET_JWT_SECRET: must be at least 32 characters for HS256")
        if self.jwt_algorithm == "RS256" and not self.jwt_jwks_url:
            raise ValueError(
                "INSPECTNET_JWT_JWKS_URL: required when INSPECTNET_JWT_ALGORITHM=RS256"
            )
        if self.graphql_max_query_cost > self.graphql_cost_budget:
            # A request dearer than the whole bucket could never run: refuse the configuration.
            raise ValueError("INSPECTNET_GRAPHQL_MAX_QUERY_COST: must not exceed the cost budget")
        if self.graphql_persisted_only and self.graphql_persisted_manifest is None:
            raise ValueError("INSPECTNET_GRAPHQL_PERSISTED_MANIFEST: required when persisted-only")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


class ConfigurationError(SystemExit):
    """Start-up stops with one line naming the variable and what is wrong."""


def describe(error: ValidationError) -> str:
    """One line per bad variable: ``INSPECTNET_PORT: Input should be …``."""
    lines = []
    for item in error.errors():
        loc = [str(part) for part in item["loc"]]
        name = f"INSPECTNET_{loc[0].upper()}" if loc else ""
        message = item["msg"].removeprefix("Value error, ")
        lines.append(
            f"{name}: {message}" if name and not message.startswith("INSPECTNET_") else message
        )
    return "; ".join(lines)


def load_settings() -> Settings:
    """Read the environment; a bad value raises ConfigurationError with a one-line reason."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigurationError(f"configuration error: {describe(error)}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
