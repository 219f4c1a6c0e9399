"""Whether the reviewer is the fast model under review, or a model of the same vendor.

Cross-model oversight is the point of a second opinion: a model reviewing itself shares its blind spots. A model
has many names: a dated snapshot (``claude-opus-4-6-20261101``, ``gpt-5-2026-08-06``), a cloud's name for it
(Bedrock's ``us.anthropic.claude-opus-4-6-v1:0``, Vertex's ``claude-opus-4-6@20261101``, ``openai/gpt-5``), so names
are compared without those wrappings. The vendor is read from the model's name ("claude" is Anthropic's, "gpt" and
"o3" OpenAI's), since the provider a caller names may be a cloud (``bedrock``) or a gateway. Pure functions.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# a dated or versioned snapshot: "-20261101", "@20261101", "-2026-08-06", "-v1:0", "-v2", "-latest", ":free"
_SUFFIX = re.compile(r"(?:[-@](?:\d{8}|\d{4}-\d{2}-\d{2})|-v\d+(?::\d+)?|-latest|:[a-z0-9-]+)+$")
_VENDORS = (
    (re.compile(r"^claude\b"), "anthropic"),
    (re.compile(r"^(?:gpt|chatgpt|o\d|codex|text-davinci|davinci)\b"), "openai"),
    (re.compile(r"^(?:gemini|gemma|palm)\b"), "google"),
    (re.compile(r"^(?:llama|meta-llama)\b"), "meta"),
    (re.compile(r"^(?:mistral|mixtral|codestral|magistral|ministral)\b"), "mistral"),
    (re.compile(r"^qwen\w*"), "alibaba"),
    (re.compile(r"^deepseek\b"), "deepseek"),
    (re.compile(r"^grok\b"), "xai"),
    (re.compile(r"^command\b"), "cohere"),
)
_PROVIDERS = {"anthropic": "anthropic", "openai": "openai", "google": "google", "mistral": "mistral"}


@lru_cache(maxsize=1024)  # few names, asked of on every review
def base_name(name: str) -> str:
    """A model's name without a cloud's prefix or a snapshot's suffix, lower-cased."""
    name = name.strip().lower().rsplit("/", 1)[-1]  # "openai/gpt-5", "models/gemini-2.5-pro"
    parts = name.split(".")
    for i in range(len(parts)):  # "us.anthropic.claude-opus-4-6-v1:0"; not "gpt-4.1", which is a vendor's name
        rest = ".".join(parts[i:])
        if any(pattern.match(rest) for pattern, _ in _VENDORS):
            name = rest
            break
    return _SUFFIX.sub("", name)


@lru_cache(maxsize=1024)
def vendor(provider: str | None, name: str | None) -> str | None:
    """The vendor that makes a model: by its name, else by a provider that is a vendor; None when unknown."""
    if name:
        base = base_name(name)
        for pattern, who in _VENDORS:
            if pattern.match(base):
                return who
    return _PROVIDERS.get((provider or "").strip().lower().removesuffix("-compatible"))


def same_model(fast: dict[str, Any], provider: str, model: str) -> bool:
    """The fast model named in a request (``{"provider", "name"}``) is the reviewer's model, under any of its names."""
    name = str(fast.get("name") or "").strip()
    if not name or not model:
        return False
    return base_name(name) == base_name(model)


def same_vendor(fast: dict[str, Any], provider: str, model: str) -> bool:
    """The fast model and the reviewer's model are made by one vendor (known for both)."""
    theirs = vendor(str(fast.get("provider") or ""), str(fast.get("name") or ""))
    return theirs is not None and theirs == vendor(provider, model)
