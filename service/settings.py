"""All configuration in one typed place: ``OVERSIGHT_*`` environment variables (and the vendors' own).

``get_settings()`` is cached, not an import-time singleton, so tests and ``dependency_overrides`` can
swap it. Every variable is listed with its default in ``docs/configuration.md`` and the README.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path(".oversight")


class Settings(BaseSettings):
    """Oversight's configuration. No file is needed to start: every field has an embedded default."""

    model_config = SettingsConfigDict(env_prefix="OVERSIGHT_", extra="ignore", populate_by_name=True)

    # --- where things live
    data_dir: Path = Field(default_factory=_default_data_dir, description="SQLite file and local state.")
    database_url: str | None = Field(
        default=None, description="postgresql://... to use PostgreSQL instead of the embedded SQLite file."
    )
    policy_dir: Path | None = Field(default=None, description="Folder of <domain>.yaml policies (default: shipped).")
    prompt_dir: Path | None = Field(default=None, description="Folder of prompt templates (default: shipped).")

    # --- reviewers
    reviewer: str = Field(default="local", description="Default reviewer spec, e.g. anthropic:claude-opus-4-6.")
    cross_model: str = Field(
        default="warn", pattern="^(warn|refuse)$", description="Same reviewer as fast model: warn or refuse."
    )
    reviewer_max_attempts: int = Field(
        default=4, ge=1, le=10, description="Attempts per reviewer call (retries on 429/5xx/timeouts)."
    )
    reviewer_max_tokens: int = Field(
        default=1500, ge=64, le=32_000, description="Output token limit of a model reviewer's verdict."
    )
    anthropic_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("ANTHROPIC_API_KEY", "OVERSIGHT_ANTHROPIC_API_KEY"),
        description="Key for `anthropic:` reviewers (required when one is configured).",
    )
    anthropic_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ANTHROPIC_BASE_URL", "OVERSIGHT_ANTHROPIC_BASE_URL"),
        description="Messages API base URL (a gateway or proxy).",
    )
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_API_KEY", "OVERSIGHT_OPENAI_API_KEY"),
        description="Key for `openai:` reviewers (optional for `openai-compatible:`).",
    )
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "OVERSIGHT_OPENAI_BASE_URL"),
        description="Chat Completions base URL (vLLM, Ollama, llama.cpp, a gateway).",
    )

    openai_compatible_base_url: str | None = Field(
        default=None, description="Base URL for `openai-compatible:` reviewers (default: OPENAI_BASE_URL)."
    )
    openai_compatible_api_key: SecretStr | None = Field(
        default=None, description="Key for `openai-compatible:` reviewers (default: OPENAI_API_KEY, else none)."
    )
    review_executor: str = Field(
        default="direct",
        pattern="^(direct|langgraph)$",
        description="How a review that does not pause runs: `direct` (the graph's node functions straight "
        "through, ~5x less CPU) or `langgraph` (the compiled graph). Escalations always pause on the graph.",
    )

    # --- request limits
    max_body_bytes: int = Field(default=256 * 1024, ge=1024, description="Larger bodies get 413.")
    max_messages: int = Field(default=500, ge=1, description="Most messages in one conversation.")
    max_chars: int = Field(default=200_000, ge=100, description="Most characters in one text field.")
    max_in_flight: int = Field(default=1000, ge=1, description="Reviews in flight per process before 429.")
    max_in_flight_per_key: int = Field(
        default=200, ge=1, description="Reviews in flight per API key (per tenant when open) before 429."
    )
    max_json_depth: int = Field(default=64, ge=4, le=1000, description="Deepest JSON nesting accepted (422).")
    reviewer_max_in_flight: int = Field(
        default=500,
        ge=1,
        description="Reviewer calls in flight per domain; beyond it the domain fails closed at once (bulkhead).",
    )

    # --- service
    host: str = Field(default="127.0.0.1", description="Interface `oversight serve` binds.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `oversight serve` binds.")
    log_level: str = Field(default="info", description="Log level (debug, info, warning, error).")
    audit_seed: int | None = Field(default=None, description="Seed for the low-risk audit sample (tests).")
    jaeger_url: str | None = Field(default=None, description="Jaeger UI base URL, for links from the console.")

    # --- escalations, callbacks, console sessions (docs/escalations.md, docs/auth.md)
    callback_secret: SecretStr | None = Field(
        default=None, description="HMAC-SHA256 secret for X-Oversight-Signature on escalation callbacks."
    )
    callback_allow_private: bool = Field(
        default=False,
        description="Allow escalation callbacks to loopback, private and link-local addresses (off: SSRF guard).",
    )
    callback_max_attempts: int = Field(default=6, ge=1, le=20, description="Deliveries tried per callback.")
    callback_backoff_s: float = Field(default=1.0, ge=0, le=600, description="First retry delay (doubles).")
    callback_timeout_s: float = Field(default=10.0, gt=0, le=120, description="Per-attempt HTTP timeout.")
    escalation_sweep_s: float = Field(
        default=60.0, gt=0, description="How often unanswered escalations are checked against their time limit."
    )
    session_ttl_s: int = Field(default=8 * 3600, ge=60, description="Console session lifetime.")
    auth_failures_per_minute: int = Field(
        default=20,
        ge=0,
        le=100_000,
        description="Failed API-key checks (requests and console logins) one client address may make per minute "
        "before it gets 429; keys already verified keep working. 0 turns the limit off.",
    )
    open_mode_remote: bool = Field(
        default=False,
        description="With no API key configured, also serve non-loopback clients (unsafe; off by default).",
    )

    @field_validator("database_url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("OVERSIGHT_DATABASE_URL must start with postgresql://")
        return value

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "oversight.sqlite"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()


def _env_name(name: str, field: object) -> str:
    alias = getattr(field, "validation_alias", None)
    choices = getattr(alias, "choices", None)
    if choices:
        return " / ".join(f"`{c}`" for c in choices)
    return f"`OVERSIGHT_{name.upper()}`"


def settings_markdown() -> str:
    """Every setting as a Markdown table (variable, default, meaning); docs/configuration.md is this table."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        if field.default_factory is not None:
            default = "`.oversight`" if name == "data_dir" else "(computed)"
        elif field.default is None:
            default = "unset"
        else:
            default = f"`{field.default}`"
        text = (field.description or "").replace("|", "\\|").replace("\n", " ")
        rows.append(f"| {_env_name(name, field)} | {default} | {text} |")
    return "\n".join(rows) + "\n"
