"""The OpenAI reviewer (and OpenAI-compatible servers): Chat Completions through the official ``openai`` SDK.

* Structured output: ``response_format={"type": "json_schema", "json_schema": {"name": "reviewer_verdict",
  "strict": true, "schema": <strict ReviewerVerdict schema>}}``. A server that rejects it (HTTP 400
  mentioning ``response_format`` / ``json_schema``) is asked again at once with ``{"type": "json_object"}``
  and the schema spelled out in the user message; the fallback is remembered for the life of the reviewer.
  Either way the answer is validated by pydantic.
* ``message.refusal`` set, ``finish_reason`` ``length`` or ``content_filter`` ⇒ ``ReviewerAbstained``.
* An invalid verdict (or an answer with more than one choice) gets one repair turn; a second failure ⇒
  ``ReviewerInvalidOutput``. ``attempts`` counts every HTTP call: both turns, and a request refused before
  the ``json_object`` fallback.
* The system message is static per domain (byte-identical between reviews: OpenAI caches it automatically);
  the per-request fence boundary is only in the user message.
* ``create_compatible`` targets vLLM / Ollama / llama.cpp / any OpenAI-compatible server: base URL from
  ``OVERSIGHT_OPENAI_COMPATIBLE_BASE_URL`` (if that setting exists) or ``OPENAI_BASE_URL``, key optional.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import openai
from openai import AsyncOpenAI
from pydantic import SecretStr, ValidationError

from prompts import PromptTemplate, load_prompt, repair_message, verdict_schema
from service.errors import ConfigurationError
from service.reviewers._fence import new_boundary
from service.reviewers._retry import RetryPolicy, SdkErrors, call_with_retries, log_failure, redact
from service.reviewers.base import (
    ReviewerAbstained,
    ReviewerError,
    ReviewerInvalidOutput,
    ReviewerResult,
    ReviewerVerdict,
    ReviewItem,
    answer_shape,
    api_answer,
    loads_verdict,
    verdict_problems,
)
from service.telemetry import genai_request_attributes

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletion

    from service.settings import Settings

log = logging.getLogger("oversight.reviewers")

DEFAULT_MODEL = "gpt-5.5"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
SCHEMA_NAME = "reviewer_verdict"
ABSTAIN_FINISH_REASONS = frozenset({"length", "content_filter"})
ERRORS = SdkErrors(status=openai.APIStatusError, connection=openai.APIConnectionError, timeout=openai.APITimeoutError)
OutputMode = Literal["json_schema", "json_object"]


def _rejects_json_schema(exc: openai.BadRequestError) -> bool:
    """Is this 400 the server saying it does not do ``response_format`` json_schema?"""
    parts = [str(exc), str(getattr(exc, "body", "") or "")]
    text = " ".join(parts).lower()
    return any(s in text for s in ("response_format", "json_schema", "json schema", "structured output"))


class OpenAIReviewer:
    """A :class:`~service.reviewers.base.Reviewer` backed by Chat Completions (OpenAI or compatible)."""

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        api_key: str,
        base_url: str | None = None,
        provider: str = "openai",
        max_tokens: int = 1500,
        retry: RetryPolicy | None = None,
        prompt_dir: Path | None = None,
        client: AsyncOpenAI | None = None,
    ) -> None:
        self.provider = provider
        self.model = model
        self.max_tokens = max_tokens
        self.retry = retry or RetryPolicy()
        self.on_rate_limit: Callable[[float], None] | None = None
        """Hears every ``retry-after`` the retry layer honours (set by ``service.bulkhead.Bulkheads``)."""
        self.prompt_dir = prompt_dir
        self.output_mode: OutputMode = "json_schema"
        self._client = client or AsyncOpenAI(api_key=api_key, base_url=base_url, max_retries=0)
        self.request_attributes = genai_request_attributes(self._client.base_url, max_tokens=max_tokens)
        """Set on the reviewer's GenAI span when it starts: ``server.*``, ``gen_ai.request.max_tokens`` …"""

    # ------------------------------------------------------------------ request building
    def template(self, item: ReviewItem) -> PromptTemplate:
        return load_prompt("review", item.domain, item.policy, prompt_dir=self.prompt_dir)

    def _response_format(self) -> dict[str, Any]:
        if self.output_mode == "json_schema":
            return {
                "type": "json_schema",
                "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": verdict_schema(strict=True)},
            }
        return {"type": "json_object"}

    @staticmethod
    def _json_mode_suffix() -> str:
        schema = json.dumps(verdict_schema(strict=True), sort_keys=True)
        return (
            "\n\nAnswer with one JSON object only (no prose, no code fence) that validates against this JSON "
            f"schema:\n{schema}\n"
        )

    def _token_limit(self) -> dict[str, int]:
        # api.openai.com wants max_completion_tokens; compatible servers mostly only know max_tokens.
        if self.provider == "openai":
            return {"max_completion_tokens": self.max_tokens}
        return {"max_tokens": self.max_tokens}

    async def _send(self, messages: list[dict[str, Any]], item: ReviewItem) -> tuple[ChatCompletion, int]:
        """One answer, with the retry layer; returns it with the number of HTTP calls it took."""
        create: Any = self._client.chat.completions.create  # plain dicts on the wire
        fallbacks = 0  # json_schema requests a server refused, each asked again at once in json_object mode

        async def attempt(remaining: float) -> ChatCompletion:
            nonlocal fallbacks
            while True:
                mode = self.output_mode
                sent = messages
                if mode == "json_object":
                    last = messages[-1]
                    sent = [*messages[:-1], {**last, "content": f"{last['content']}{self._json_mode_suffix()}"}]
                try:
                    result: ChatCompletion = await create(
                        model=self.model,
                        messages=sent,
                        response_format=self._response_format(),
                        timeout=max(0.001, item.remaining()),
                        **self._token_limit(),
                    )
                    return result
                except openai.BadRequestError as exc:
                    if mode == "json_schema" and _rejects_json_schema(exc):
                        if self.output_mode == "json_schema":  # said once, when the switch happens
                            log.warning(
                                "%s:%s refused strict structured output (%s); asking for JSON mode with the schema "
                                "in the prompt from now on, until this process restarts",
                                self.provider,
                                self.model,
                                redact(str(exc))[:300],
                            )
                        self.output_mode = "json_object"  # remembered for this client
                        fallbacks += 1  # that refused request was an HTTP call too
                        continue
                    raise

        try:
            completion, n = await call_with_retries(
                attempt,
                deadline=item.deadline,
                policy=self.retry,
                errors=ERRORS,
                label=f"{self.provider}:{self.model}",
                on_retry_after=self.on_rate_limit,
            )
        except ReviewerError as exc:
            exc.attempts += fallbacks
            raise
        return completion, n + fallbacks

    # ------------------------------------------------------------------ response reading
    @staticmethod
    def _usage(completion: ChatCompletion, into: Counter[str]) -> None:
        u = completion.usage
        if u is None:
            return
        into["input_tokens"] += u.prompt_tokens or 0
        into["output_tokens"] += u.completion_tokens or 0
        details = u.prompt_tokens_details
        cached = getattr(details, "cached_tokens", None) if details is not None else None
        if isinstance(cached, int):
            into["cache_read_input_tokens"] += cached

    @staticmethod
    def _meta(completion: ChatCompletion) -> tuple[str, tuple[str, ...]]:
        """(the answer's id, each choice's finish reason): optional, never a reason to fail."""
        rid = getattr(completion, "id", None)
        choices = getattr(completion, "choices", None) or []
        reasons = tuple(r for c in choices if isinstance(r := getattr(c, "finish_reason", None), str) and r)
        return (rid if isinstance(rid, str) else ""), reasons

    def _check_abstain(self, completion: ChatCompletion, attempts: int, usage: Counter[str]) -> None:
        if not completion.choices:
            return
        choice = completion.choices[0]
        reason = None
        if choice.message.refusal:
            reason = f"refusal: {choice.message.refusal[:200]}"
        elif choice.finish_reason in ABSTAIN_FINISH_REASONS:
            reason = f"finish_reason={choice.finish_reason}"
        if reason:
            raise ReviewerAbstained(
                f"{self.provider} reviewer abstained: {reason}",
                attempts=attempts,
                usage=dict(usage),
                declined=bool(choice.message.refusal) or choice.finish_reason == "content_filter",
            )

    @staticmethod
    def _read(completion: ChatCompletion) -> tuple[ReviewerVerdict | None, str, str]:
        """(verdict or None, validation error, raw content)."""
        if not completion.choices:
            return None, "the answer had no choices", ""
        content = completion.choices[0].message.content or ""
        if len(completion.choices) > 1:
            # One verdict per review: several choices (a server ignoring n=1) are as ambiguous as two verdicts.
            return None, f"the answer had {len(completion.choices)} choices; give exactly one verdict", content
        text = content.strip()
        if text.startswith("```"):  # some compatible servers wrap JSON mode output in a code fence
            text = text.strip("`").removeprefix("json").strip()
        try:
            data = loads_verdict(text)
        except ValueError as exc:
            return None, f"the answer is not valid JSON: {exc}", content
        try:
            return ReviewerVerdict.model_validate(data).unfenced(), "", content
        except ValidationError as exc:
            return None, verdict_problems(exc), content

    # ------------------------------------------------------------------ the protocol
    async def review(self, item: ReviewItem) -> ReviewerResult:
        started = time.monotonic()
        template = self.template(item)
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": template.system},
            {"role": "user", "content": template.render_user(item, new_boundary())},
        ]
        usage: Counter[str] = Counter()
        attempts = 0
        error = ""
        response_id = ""  # the last answer's id and finish reasons, for the span
        finish_reasons: tuple[str, ...] = ()
        try:
            for turn in range(2):  # the answer, then at most one repair
                try:
                    completion, n = await self._send(messages, item)
                except ReviewerError as exc:
                    exc.attempts += attempts  # the calls of the earlier turn, then this turn's own
                    raise
                attempts += n
                api_answer(completion, f"the {self.provider} API", attempts)
                response_id, finish_reasons = self._meta(completion)
                try:
                    with answer_shape(f"the {self.provider} API"):
                        self._usage(completion, usage)
                        self._check_abstain(completion, attempts, usage)
                        verdict, error, content = self._read(completion)
                        answered_by = getattr(completion, "model", None)  # optional: never a reason to fail
                        response_model = answered_by if isinstance(answered_by, str) else ""
                except ReviewerError as exc:
                    exc.attempts = attempts
                    raise
                if verdict is not None:
                    return ReviewerResult(
                        verdict=verdict,
                        provider=self.provider,
                        model=self.model,
                        prompt_version=template.version,
                        attempts=attempts,
                        latency_ms=(time.monotonic() - started) * 1000,
                        usage=dict(usage),
                        response_model=response_model,
                        response_id=response_id,
                        finish_reasons=finish_reasons,
                    )
                if turn == 0:
                    messages = [
                        *messages,
                        {"role": "assistant", "content": content[:8000] or "(empty)"},
                        {"role": "user", "content": repair_message(error)},
                    ]
            raise ReviewerInvalidOutput(
                f"{self.provider} reviewer returned an invalid verdict twice: {error[:500]}",
                attempts=attempts,
                usage=dict(usage),
            )
        except ReviewerError as exc:
            exc.usage = exc.usage or dict(usage)
            if response_id or finish_reasons:  # the last answer the vendor gave, for the span
                exc.response_id, exc.finish_reasons = response_id, finish_reasons
            # which reviewer failed, for the outcome record and the logs
            setattr(exc, "provider", self.provider)  # noqa: B010
            setattr(exc, "model", self.model)  # noqa: B010
            log_failure(exc, self.provider, self.model)
            raise

    async def aclose(self) -> None:
        await self._client.close()


def create(model: str, settings: Settings) -> OpenAIReviewer:
    """Registry factory (``openai[:model]``). Raises ``ConfigurationError`` without an API key."""
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
    if not key.strip():
        raise ConfigurationError(
            "the openai reviewer needs an API key: set OPENAI_API_KEY (or OVERSIGHT_OPENAI_API_KEY)",
            field="OPENAI_API_KEY",
        )
    base_url = settings.openai_base_url or None
    if base_url is None and not os.environ.get("OPENAI_BASE_URL", "unset").strip():
        base_url = DEFAULT_BASE_URL  # the SDK would take a blank OPENAI_BASE_URL as the URL itself
    return OpenAIReviewer(
        model or DEFAULT_MODEL,
        api_key=key,
        base_url=base_url,
        provider="openai",
        max_tokens=settings.reviewer_max_tokens,
        retry=RetryPolicy(max_attempts=settings.reviewer_max_attempts),
        prompt_dir=settings.prompt_dir,
    )


def create_compatible(model: str, settings: Settings) -> OpenAIReviewer:
    """Registry factory (``openai-compatible:<model>``) for vLLM, Ollama, llama.cpp and the like.

    The base URL comes from ``OVERSIGHT_OPENAI_COMPATIBLE_BASE_URL`` when the settings have that field,
    else ``OPENAI_BASE_URL``; the key is optional (``"unused"`` is sent when none is set).
    """
    base_url = getattr(settings, "openai_compatible_base_url", None) or settings.openai_base_url
    if not base_url:
        raise ConfigurationError(
            "the openai-compatible reviewer needs the server's URL: set OVERSIGHT_OPENAI_COMPATIBLE_BASE_URL or "
            "OPENAI_BASE_URL (e.g. http://127.0.0.1:8000/v1 for vLLM, http://127.0.0.1:11434/v1 for Ollama)",
            field="OPENAI_BASE_URL",
        )
    if not model:
        raise ConfigurationError(
            "the openai-compatible reviewer needs a model name: use openai-compatible:<model>",
            field="reviewer",
        )
    key: Any = getattr(settings, "openai_compatible_api_key", None) or settings.openai_api_key
    key_text = key.get_secret_value() if isinstance(key, SecretStr) else (key or "")
    return OpenAIReviewer(
        model,
        api_key=str(key_text).strip() or "unused",
        base_url=str(base_url),
        provider="openai-compatible",
        max_tokens=settings.reviewer_max_tokens,
        retry=RetryPolicy(max_attempts=settings.reviewer_max_attempts),
        prompt_dir=settings.prompt_dir,
    )
