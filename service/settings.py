"""All configuration in one typed place: ``OVERSIGHT_*`` environment variables (and the vendors' own).

``get_settings()`` is cached, not an import-time singleton, so tests and ``dependency_overrides`` can
swap it. Every variable is listed with its default in ``docs/configuration.md`` and the README.
"""

from __future__ import annotations

import os
import re
import types
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NoReturn, TypeVar, Union, get_args, get_origin
from urllib.parse import urlsplit

from annotated_types import Ge, Gt, Le, Lt
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

from service.errors import ConfigurationError


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
    database_statement_timeout_ms: int = Field(
        default=5000,
        ge=0,
        le=600_000,
        description="PostgreSQL: longest one statement may run or wait for a lock before the request gets 503 "
        "(a hung or locked database answers instead of holding requests); 0 sets none (the server's applies).",
    )
    policy_dir: Path | None = Field(default=None, description="Folder of <domain>.yaml policies (default: shipped).")
    prompt_dir: Path | None = Field(default=None, description="Folder of prompt templates (default: shipped).")

    # --- reviewers
    reviewer: str = Field(default="local", description="Default reviewer spec, e.g. anthropic:claude-opus-4-6.")
    cross_model: Literal["warn", "refuse"] = Field(
        default="warn", description="Same reviewer as fast model: warn or refuse."
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
    review_executor: Literal["direct", "langgraph"] = Field(
        default="direct",
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
    max_json_depth: int = Field(
        default=64, ge=4, le=200, description="Deepest JSON nesting accepted (422); at most 200."
    )
    reviewer_max_in_flight: int = Field(
        default=500,
        ge=1,
        description="Reviewer calls in flight per domain; beyond it the domain fails closed at once (bulkhead).",
    )
    reviewer_circuit_failures: int = Field(
        default=5,
        ge=0,
        le=1000,
        description="Consecutive outage failures (connection errors, 5xx, timeouts) of one reviewer, in any domain, "
        "that open its circuit: calls then fail at once as reviewer_circuit_open, with no HTTP call; 0 turns it off.",
    )
    reviewer_circuit_open_s: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="Seconds an open reviewer circuit stays open before one probe call is let through.",
    )

    # --- service
    host: str = Field(default="127.0.0.1", description="Interface `oversight serve` binds.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `oversight serve` binds.")
    log_level: Literal["critical", "error", "warning", "info", "debug", "trace"] = Field(
        default="info",
        description="Log level: critical, error, warning, info, debug or trace; uvicorn's lines (as uvicorn writes "
        "them) and the service's own (each on stderr with its time, level and logger).",
    )
    audit_seed: int | None = Field(
        default=None,
        description="Seed (a whole number) of the low-risk audit sample: another seed picks another, equally sized "
        "sample.",
    )
    jaeger_url: str | None = Field(
        default=None, description="Jaeger UI base URL (http:// or https://), for links from the console."
    )

    # --- escalations, callbacks, console sessions (docs/escalations.md, docs/auth.md)
    callback_secret: SecretStr | None = Field(
        default=None,
        description="HMAC-SHA256 secret for X-Oversight-Signature on escalation callbacks. Surrounding space "
        "(a file's trailing newline) is dropped; empty or blank means unset: callbacks go unsigned, with a warning "
        "at start-up.",
    )
    callback_allow_private: bool = Field(
        default=False,
        description="Allow escalation callbacks to loopback, private and link-local addresses (off: SSRF guard).",
    )
    callback_max_attempts: int = Field(
        default=12, ge=1, le=20, description="Deliveries tried per callback (12: over about 18 minutes)."
    )
    callback_backoff_s: float = Field(default=1.0, ge=0, le=600, description="First retry delay (doubles).")
    callback_timeout_s: float = Field(
        default=10.0, gt=0, le=120, description="Per-attempt timeout: the lookup, the connection and the whole answer."
    )
    escalation_sweep_s: float = Field(
        default=60.0, gt=0, description="How often unanswered escalations are checked against their time limit."
    )
    shutdown_grace_s: float = Field(
        default=20.0,
        ge=0,
        le=3600,
        description="`oversight serve`: how long reviews in flight may run on after SIGTERM; those still running "
        "then get 503 with retry-after. 20 fits Kubernetes' default 30 s grace with the 5 s preStop pause.",
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
            raise ValueError("must start with postgresql:// (or postgres://)")
        return value

    @field_validator("anthropic_base_url", "openai_base_url", "openai_compatible_base_url", "jaeger_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        # The SDKs accept anything here and fail on every request instead ("Connection error.", retried).
        if value is None or not value.strip():
            return None
        value = value.strip()
        why = not_an_http_url(value)
        if why:
            raise ValueError(f"use an http:// or https:// URL with a host ({why})")
        return value

    @field_validator("anthropic_api_key", "openai_api_key", "openai_compatible_api_key")
    @classmethod
    def _plain_key(cls, value: SecretStr | None) -> SecretStr | None:
        # A key read from a file (a Kubernetes secret, `$(cat key)`) often ends in a newline: the SDKs send it as
        # is, the HTTP client refuses the header, and its error quoted the key. Surrounding space is dropped; a
        # space or control character inside is an error that names the variable, never the value.
        if value is None:
            return None
        key = value.get_secret_value().strip()
        if not key:
            return None
        if any(c.isspace() or not c.isprintable() for c in key):
            raise ValueError("holds a space or a control character inside it; an API key has none")
        return SecretStr(key)

    @field_validator("callback_secret")
    @classmethod
    def _secret_or_unset(cls, value: SecretStr | None) -> SecretStr | None:
        # An empty value (a secret that did not render, `OVERSIGHT_CALLBACK_SECRET=$UNSET`) would sign every
        # callback with the key "", which anyone can compute, and silence the "unsigned" warning. It means unset,
        # as for the API keys; a value read from a file is used without its trailing newline, as a receiver
        # reading the same file would.
        if value is None:
            return None
        secret = value.get_secret_value().strip()
        return SecretStr(secret) if secret else None

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "oversight.sqlite"


def not_an_http_url(value: str) -> str | None:
    """Why ``value`` cannot be a model API's base URL (None when it can)."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number from 0 to 65535
    except ValueError as exc:
        return str(exc)
    if parts.scheme.lower() not in ("http", "https"):
        return f"{parts.scheme}:// is neither" if "://" in value else "no http:// or https:// in front"
    if not parts.hostname:
        return "no host"
    if any(c.isspace() for c in value):
        return "it contains a space"
    return None


_URL_FIELDS = frozenset({"anthropic_base_url", "openai_base_url", "openai_compatible_base_url"})
"""Echoed in messages without any ``user:password@`` part."""


def _without_userinfo(url: str) -> str:
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)?[^/@]*@", r"\1***@", url)


class SettingsError(ConfigurationError):
    """A setting has a value Oversight cannot use; the message names the variable (or option) and what it accepts."""

    code = "settings_invalid"


# Values never echoed back in an error message: keys, secrets, and URLs that may carry a password.
_SECRET_FIELDS = frozenset(
    {"database_url", "anthropic_api_key", "openai_api_key", "openai_compatible_api_key", "callback_secret"}
)

_Model = TypeVar("_Model", bound=BaseSettings)


def _aliases(field: FieldInfo | None) -> tuple[str, ...]:
    return tuple(getattr(getattr(field, "validation_alias", None), "choices", None) or ())


def _source(model: type[BaseSettings], name: str, overrides: dict[str, Any] | None = None) -> str:
    """Where a setting comes from, for messages: ``--data-dir`` when a command option set it, else its variable."""
    if overrides and name in overrides:
        return "--" + name.replace("_", "-")
    aliases = _aliases(model.model_fields.get(name))
    if aliases:  # the one the value came from (the first set, as pydantic reads them), else the main one
        present = {key.upper() for key in os.environ}
        return str(next((a for a in aliases if str(a).upper() in present), aliases[0]))
    return f"{model.model_config.get('env_prefix', '')}{name}".upper()


def _one_of(values: list[str]) -> str:
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]


def _accepted(field: FieldInfo) -> str | None:
    """What a field accepts, in words ("warn or refuse", "a whole number from 1 to 65535"), when simple to say."""
    annotation = field.annotation
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next((a for a in get_args(annotation) if a is not type(None)), annotation)
    if get_origin(annotation) is Literal:
        return _one_of([str(v) for v in get_args(annotation)])
    if annotation is bool:
        return "true or false"
    if annotation not in (int, float):
        return None
    kind = "a whole number" if annotation is int else "a number"
    low = next((m for m in field.metadata if isinstance(m, Ge | Gt)), None)
    high = next((m for m in field.metadata if isinstance(m, Le | Lt)), None)
    if isinstance(low, Ge) and isinstance(high, Le):
        return f"{kind} from {low.ge} to {high.le}"
    bounds = []
    if low is not None:
        bounds.append(f"of {low.ge} or more" if isinstance(low, Ge) else f"above {low.gt}")
    if high is not None:
        bounds.append(f"up to {high.le}" if isinstance(high, Le) else f"below {high.lt}")
    return " ".join([kind, ", ".join(bounds)]) if bounds else kind


def _describe(model: type[BaseSettings], exc: ValidationError, overrides: dict[str, Any]) -> list[str]:
    """One line per invalid value: the variable (or option), the value unless secret, what it accepts."""
    fields = model.model_fields
    lines = []
    for err in exc.errors():
        loc = err["loc"]
        name = str(loc[0]) if loc else ""
        if name not in fields:  # an alias: map it back to its field
            name = next((n for n, f in fields.items() if name in _aliases(f)), name)
        field = fields.get(name)
        where = _source(model, name, overrides) if field is not None else name
        if field is not None and name not in _SECRET_FIELDS and isinstance(err.get("input"), str | int | float):
            shown = err["input"]
            if name in _URL_FIELDS and isinstance(shown, str):
                shown = _without_userinfo(shown)
            where += f"={shown!r}"
        accepted = _accepted(field) if field is not None else None
        if err["type"] == "value_error" and "error" in err.get("ctx", {}):
            reason = str(err["ctx"]["error"])
        elif accepted is not None:
            reason = f"use {accepted}"
        else:
            reason = err["msg"]
        lines.append(f"{where}: {reason}")
    return lines


def _raise(lines: list[str]) -> NoReturn:
    if len(lines) == 1:
        raise SettingsError(lines[0])
    raise SettingsError(f"{len(lines)} settings are invalid:\n  " + "\n  ".join(lines))


def load_env_settings(model: type[_Model], **overrides: Any) -> _Model:
    """Any settings class (``Settings``, ``OVERSIGHT_AUDIT_*``, ``OVERSIGHT_DRIFT_*``) from the environment.

    An invalid value raises :class:`SettingsError` naming its variable and what it accepts.
    """
    try:
        return model(**overrides)
    except ValidationError as exc:
        _raise(_describe(model, exc, overrides))


OTHER_VARIABLES = frozenset(
    {
        "OVERSIGHT_MODEL_PRICES",  # the cost counter's price table (service.metrics)
        "OVERSIGHT_HOOK_TIMEOUT",  # the hook routes' and commands' deadline (service.integrations)
        "OVERSIGHT_HOOK_TRANSCRIPT_ROOTS",
        "OVERSIGHT_URL",  # the hook, import and proxy commands: the service to call, and their key
        "OVERSIGHT_API_KEY",
        "OVERSIGHT_TEST_DATABASE_URL",  # the test suite's PostgreSQL
        "OVERSIGHT_SHARED_DIR",  # the benchmarks' data folder
        "OVERSIGHT_CACHE_DIR",  # the pattern cache (service.policy.pattern_cache)
    }
)
"""``OVERSIGHT_*`` variables read outside the settings classes."""


def _variables(model: type[BaseSettings]) -> set[str]:
    prefix = str(model.model_config.get("env_prefix", ""))
    out = set()
    for name, field in model.model_fields.items():
        out.add(f"{prefix}{name}".upper())
        out.update(str(a).upper() for a in _aliases(field))
    return out


def unknown_variables(models: Sequence[type[BaseSettings]], environ: Mapping[str, str] | None = None) -> list[str]:
    """One line per ``OVERSIGHT_*`` variable in the environment that no setting reads (a typo is otherwise silently
    ignored: ``OVERSIGHT_REVEIWER=anthropic:…`` ran on the local reviewer), with the nearest known name; and one per
    known variable not written in capitals (``oversight_url``: the service's settings would read it, the hook
    commands would not)."""
    import difflib

    known = set(OTHER_VARIABLES)
    for model in models:
        known |= _variables(model)
    lines = []
    for key in sorted(environ if environ is not None else os.environ):
        upper = key.upper()
        if not upper.startswith("OVERSIGHT_"):
            continue
        if upper in known:
            if key != upper:  # the settings classes read any case, the variables read outside them capitals only
                lines.append(f"{key}: write it {upper}; in lower or mixed case some commands read it and others do not")
            continue
        near = difflib.get_close_matches(upper, sorted(known), n=1, cutoff=0.75)
        hint = f" (did you mean {near[0]}?)" if near else ""
        lines.append(f"{key} is not a setting Oversight reads: it is ignored{hint}")
    return lines


def _writable_folder(path: Path) -> str | None:
    """Why the folder ``path`` cannot hold the SQLite file (None when it can, or can be created)."""
    if path.exists():
        if not path.is_dir():
            return f"{path} is a file, not a folder"
        if not os.access(path, os.W_OK | os.X_OK):
            return f"{path} is not writable"
        return None
    parent = next((p for p in path.absolute().parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        return f"{path} cannot be created: {parent} is a file"
    if parent is not None and not os.access(parent, os.W_OK | os.X_OK):
        return f"{path} cannot be created: {parent} is not writable"
    # access() cannot tell everything (/proc, /sys, a read-only mount): make it, as the store would, and take it away
    # again (a command that stops on a later mistake leaves nothing behind).
    made = [p for p in (path.absolute(), *path.absolute().parents) if not p.exists()]
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"{path} cannot be created ({exc.strerror or type(exc).__name__})"
    for folder in made:  # deepest first
        try:
            folder.rmdir()
        except OSError:
            break
    return None


def _check(settings: Settings, overrides: dict[str, Any]) -> list[str]:
    """What pydantic cannot see: folders that must exist (or be creatable), a reviewer provider that exists."""
    from service.reviewers.registry import known_providers, spec_problem

    problems = []
    if settings.database_url is None:
        why = _writable_folder(settings.data_dir)
        if why:
            problems.append(f"{_source(Settings, 'data_dir', overrides)}: {why}")
    for name in ("policy_dir", "prompt_dir"):
        folder: Path | None = getattr(settings, name)
        if folder is not None and not folder.is_dir():
            state = "is not a folder" if folder.exists() else "does not exist"
            problems.append(f"{_source(Settings, name, overrides)}: {folder} {state}")
    why_not = spec_problem(settings.reviewer)
    if why_not is not None:
        specs = ["local"] + [f"{p}:MODEL" for p in known_providers() if p != "local"]
        problems.append(
            f"{_source(Settings, 'reviewer', overrides)}={settings.reviewer!r}: {why_not}; use {_one_of(specs)}"
        )
    return problems


def load_settings(**overrides: Any) -> Settings:
    """Read the settings from the environment (``overrides`` are command options, e.g. ``data_dir``).

    Every command and the service load their settings here. A value Oversight cannot use raises
    :class:`SettingsError` naming the variable (or option) and what it accepts — never a traceback
    of pydantic internals, and before anything is opened or bound.
    """
    overrides = {k: v for k, v in overrides.items() if v is not None}
    settings = load_env_settings(Settings, **overrides)
    problems = _check(settings, overrides)
    if problems:
        _raise(problems)
    return settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment (see :func:`load_settings`)."""
    return load_settings()


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
