"""Configuration from the environment (prefix ``INSPECTNET_``), validated at start-up."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

if TYPE_CHECKING:
    from inspectnet.keyring import Keyring

REPO_ROOT = Path(__file__).resolve().parents[2]
# Published in this file, so it signs nothing outside development.
DEVELOPMENT_JWT_SECRET = "inspectnet-development-secret-change-me"


class Settings(BaseSettings):
    """Every knob the service has; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="INSPECTNET_", extra="ignore")

    database_url: str = Field(
        default="sqlite+aiosqlite:///./var/inspectnet.db",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///… or postgresql+asyncpg://…",
    )
    database_admin_url: str | None = Field(
        default=None,
        description="The owner role's URL (migrations, the command line, the sweeps), which "
        "PostgreSQL's row-level security does not hold; empty: database_url (docs/deploy.md)",
    )
    database_app_role: str | None = Field(
        default=None,
        pattern=r"^[a-z_][a-z0-9_]{0,62}$",
        description="The role database_url connects as, when it is not the owner: "
        "`db upgrade` grants it the rows of every table and sequence (never DDL)",
    )
    db_pool_size: int = Field(default=5, ge=1, le=200)
    db_max_overflow: int = Field(default=10, ge=0, le=500)
    db_pool_timeout: float = Field(default=30.0, gt=0)
    db_statement_timeout_ms: int = Field(
        default=15000,
        ge=100,
        le=3_600_000,
        description="PostgreSQL statement_timeout on every connection, so no query starves others",
    )
    db_echo: bool = False

    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwt_secret: str = Field(
        default=DEVELOPMENT_JWT_SECRET,
        description="HS256 signing secret (at least 32 characters)",
    )
    jwt_jwks_url: str | None = Field(default=None, description="JWKS URL for RS256 tokens (SSO)")
    jwt_issuer: str = "inspectnet"
    jwt_audience: str = "inspectnet"
    jwt_default_ttl_seconds: int = Field(default=8 * 3600, ge=60)
    keys_dir: Path | None = Field(
        default=None, description="Mounted keyring: one VERSION:BASE64 file per purpose"
    )

    # Browser sign-in (accounts/signin.py, http/auth.py): README "Sign-in".
    access_token_ttl_seconds: int = Field(
        default=900, ge=60, le=86_400, description="Lifetime of an access token from sign-in"
    )
    refresh_token_ttl_hours: int = Field(
        default=12, ge=1, le=24 * 90, description="Lifetime of a refresh-token family"
    )
    password_min_length: int = Field(default=12, ge=8, le=64, description="Shortest password")
    signin_lockout_threshold: int = Field(
        default=5, ge=1, le=100, description="Consecutive wrong passwords that lock an account"
    )
    signin_lockout_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="How long a locked account stays locked"
    )
    signin_rate_per_account: int = Field(
        default=10, ge=1, description="Sign-in attempts a minute naming one account"
    )
    signin_rate_per_address: int = Field(
        default=30, ge=1, description="Sign-in attempts a minute from one client address"
    )
    public_rate_per_address: int = Field(
        default=10,
        ge=1,
        description="Calls a minute from one client address to the routes answered without "
        "sign-in (online intake, receipt checks)",
    )
    public_rate_per_scope: int = Field(
        default=120,
        ge=1,
        description="Calls a minute to one scope of those routes (one inspection's announcement)",
    )
    published_rate_per_address: int = Field(
        default=60,
        ge=1,
        description="Reads a minute from one client address of the files published without "
        "sign-in (public disclosures)",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis (redis://…) for the sign-in rate limits every worker and replica "
        "shares; without it they are counted in the database",
    )
    oidc_issuer: str | None = Field(
        default=None, description="OpenID Connect issuer of an existing SSO (discovery URL base)"
    )
    oidc_client_id: str | None = Field(default=None, description="This platform's client id")
    oidc_client_secret: str | None = Field(default=None, description="Its client secret")
    oidc_redirect_uri: str | None = Field(
        default=None, description="https://…/auth/oidc/callback as registered at the SSO"
    )
    oidc_after_sign_in: str = Field(
        default="/", description="Where the browser goes after an SSO sign-in (then /auth/refresh)"
    )

    development: bool = Field(default=False, description="GraphiQL and introspection on")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    policy_dir: Path = Field(default=REPO_ROOT / "policies")
    rulesets_dir: Path | None = Field(
        default=None, description="Extra ruleset files (*.yaml) beside the built-in ones"
    )
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
    graphql_idempotency_ttl_hours: int = Field(
        default=24, ge=1, le=24 * 30, description="How long an Idempotency-Key's answer is kept"
    )

    # Operations (docs/deploy.md).
    metrics_token: str | None = Field(
        default=None,
        description="Bearer token a scrape of /metrics must send; without one /metrics is "
        "served only in development",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins (scheme://host[:port], comma-separated) allowed to call the API "
        "from a browser, with credentials; also checked on WebSocket upgrades",
    )

    audit_outbox_capacity: int = Field(
        default=10_000, ge=1, description="Refusals waiting to be written, per worker"
    )
    audit_outbox_retries: int = Field(default=5, ge=0, le=20, description="Retries of a write")
    audit_outbox_dir: Path | None = Field(
        default=Path("./var/audit-outbox"),
        description="Per-worker spools counting what a crash loses",
    )
    evidence_dir: Path = Field(
        default=Path("./var/evidence"),
        description="Evidence files (petition material), stored outside the database rows",
    )
    evidence_backend: Literal["local", "s3"] = Field(
        default="local",
        description="Where evidence files go: the directory evidence_dir, or an S3-compatible "
        "bucket (needs the s3 extra: pip install 'inspectnet[s3]')",
    )
    evidence_s3_bucket: str | None = Field(
        default=None, min_length=3, max_length=63, description="The bucket (backend s3)"
    )
    evidence_s3_prefix: str = Field(
        default="", max_length=200, description="Prefix of every object name in the bucket"
    )
    evidence_s3_endpoint_url: str | None = Field(
        default=None,
        pattern=r"^https?://",
        description="Endpoint of an S3-compatible service (MinIO, Ceph, a cloud's OSS); empty: AWS",
    )
    evidence_s3_region: str | None = Field(default=None, description="The bucket's region")
    evidence_s3_access_key_id: str | None = Field(
        default=None,
        description="Access key; empty: boto3's own chain (AWS_* variables, a web identity, "
        "an instance role)",
    )
    evidence_s3_secret_access_key: str | None = Field(
        default=None, repr=False, description="Secret key paired with evidence_s3_access_key_id"
    )
    evidence_max_bytes: int = Field(
        default=20 * 1024 * 1024,
        ge=1,
        le=200 * 1024 * 1024,
        description="Largest evidence file accepted, in bytes (the seeds set no limit)",
    )
    audit_checkpoint_dir: Path = Field(
        default=Path("./var/audit-checkpoints"),
        description="Signed checkpoints of the audit chains' heads, outside the database",
    )
    audit_checkpoint_seconds: float = Field(
        default=300.0, ge=0, description="Verify and checkpoint the chains this often (0: never)"
    )

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("rulesets_dir")
    @classmethod
    def _a_directory(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"not a directory: {value}")
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins_are_origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            parts = urlsplit(origin)
            # A browser sends exactly scheme://host[:port]: anything else would never match.
            if (
                parts.scheme not in ("http", "https")
                or not parts.hostname
                or parts.path
                or parts.query
                or parts.fragment
                or "*" in origin
            ):
                raise ValueError(f"{origin!r} is not an origin like https://app.example.org")
        return [origin.rstrip("/").lower() for origin in value]

    @field_validator("metrics_token")
    @classmethod
    def _long_token(cls, value: str | None) -> str | None:
        if value is not None and len(value) < 32:
            raise ValueError("must be at least 32 characters")
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
        if self.evidence_backend == "s3" and not self.evidence_s3_bucket:
            raise ValueError("INSPECTNET_EVIDENCE_S3_BUCKET: required when the backend is s3")
        if (self.evidence_s3_access_key_id is None) != (self.evidence_s3_secret_access_key is None):
            raise ValueError(
                "INSPECTNET_EVIDENCE_S3_SECRET_ACCESS_KEY: the access key id and the secret "
                "access key are set together or not at all"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def admin_database_url(self) -> str:
        """Where the owner connects: migrations, commands acting as the platform, sweeps."""
        return self.database_admin_url or self.database_url

    def as_owner(self) -> Settings:
        """These settings connecting as the owner role (the second wall does not hold it)."""
        if self.database_admin_url is None or self.database_admin_url == self.database_url:
            return self
        return self.model_copy(
            update={"database_url": self.database_admin_url, "database_admin_url": None}
        )


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


def refuse_development_defaults(settings: Settings, ring: Keyring) -> None:
    """Outside development, stop start-up (one line naming the variable) on a published default."""
    if settings.development:
        return
    problems = []
    if settings.jwt_algorithm == "HS256" and settings.jwt_secret == DEVELOPMENT_JWT_SECRET:
        problems.append(
            "INSPECTNET_JWT_SECRET: the published development default signs nothing in "
            "production (set a secret, or INSPECTNET_DEVELOPMENT=true)"
        )
    missing = [purpose.value for purpose in ring.missing()]
    if settings.keys_dir is not None and not settings.keys_dir.is_dir():
        problems.append(f"INSPECTNET_KEYS_DIR: {settings.keys_dir} is not a directory")
    elif missing:
        problems.append(
            f"INSPECTNET_KEYS_DIR: no key for {', '.join(missing)} "
            "(mount the keyring or set INSPECTNET_KEY_<PURPOSE>; `inspectnet keys init`)"
        )
    derived = [purpose.value for purpose in ring.development_derived()]
    if derived:
        problems.append(
            f"INSPECTNET_KEYS_DIR: the development key is in use for {', '.join(derived)} "
            "(mount real keys, or INSPECTNET_DEVELOPMENT=true)"
        )
    if problems:
        raise ConfigurationError(f"configuration error: {'; '.join(problems)}")


def load_settings() -> Settings:
    """Read the environment; a bad value raises ConfigurationError with a one-line reason."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigurationError(f"configuration error: {describe(error)}") from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
