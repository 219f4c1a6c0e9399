"""Reviewer providers found by name, with lazy imports.

A reviewer spec is ``provider[:model]``: ``local``, ``anthropic:claude-opus-4-6``, ``openai:gpt-5.3``,
``openai-compatible:qwen3-32b``. Built-ins register here; third parties use the ``oversight.reviewers``
entry-point group with the same factory signature.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from service.reviewers.base import Reviewer
    from service.settings import Settings

ReviewerFactory = Callable[[str, "Settings"], "Reviewer"]

# provider name -> "module:factory"; imported only when a policy or setting asks for it.
_BUILTINS: dict[str, str] = {
    "local": "service.reviewers.local:create",
    "anthropic": "service.reviewers.anthropic:create",
    "openai": "service.reviewers.openai:create",
    "openai-compatible": "service.reviewers.openai:create_compatible",
}


class UnknownReviewer(ValueError):
    """The reviewer spec names no known provider."""


def parse_spec(spec: str) -> tuple[str, str]:
    """Split ``provider:model`` (the model may contain colons)."""
    provider, _, model = spec.strip().partition(":")
    if not provider:
        raise UnknownReviewer(f"empty reviewer spec {spec!r}")
    return provider, model


# The local reviewer has one model; any other name would be a label that claims a reviewer that does not exist.
LOCAL_MODEL = "rules-v1"


def spec_problem(spec: str) -> str | None:
    """Why ``spec`` names no reviewer (``None`` when it does); checked before anything is built."""
    provider, model = parse_spec(spec) if spec.strip() else ("", "")
    if provider not in known_providers():
        return "unknown reviewer"
    if provider == "local" and model not in ("", LOCAL_MODEL):
        return f"the local reviewer has one model, {LOCAL_MODEL!r}: write `local`"
    return None


def known_providers() -> list[str]:
    """Every provider name that can be configured."""
    names = set(_BUILTINS)
    names.update(ep.name for ep in entry_points(group="oversight.reviewers"))
    return sorted(names)


def _factory(provider: str) -> ReviewerFactory:
    target = _BUILTINS.get(provider)
    if target is None:
        for ep in entry_points(group="oversight.reviewers"):
            if ep.name == provider:
                factory: ReviewerFactory = ep.load()
                return factory
        raise UnknownReviewer(f"unknown reviewer provider {provider!r}; known: {', '.join(known_providers())}")
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    factory = getattr(module, attr)
    return factory  # type: ignore[no-any-return]


def create_reviewer(spec: str, settings: Settings) -> Reviewer:
    """Build the reviewer a spec names. Raises ``UnknownReviewer`` or a configuration error."""
    provider, model = parse_spec(spec)
    return _factory(provider)(model, settings)
