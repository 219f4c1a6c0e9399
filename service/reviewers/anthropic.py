"""The Anthropic reviewer: Messages API through the official ``anthropic`` SDK (``AsyncAnthropic``).

* The verdict is forced through one tool, ``submit_verdict``, whose ``input_schema`` is the
  ``ReviewerVerdict`` JSON schema (``tool_choice: {"type": "tool", "name": "submit_verdict"}``).
* The system prompt is two static text blocks (role/rubric, then domain guidance + policy rules), each
  marked ``cache_control: {"type": "ephemeral"}``: consecutive reviews in a domain send a byte-identical
  ``tools`` + ``system`` prefix. The per-request fence boundary only appears in the user message.
* ``stop_reason`` ``refusal``, ``max_tokens`` or ``model_context_window_exceeded`` ⇒ ``ReviewerAbstained``.
* A verdict that fails validation gets one repair turn (a ``tool_result`` with ``is_error: true`` carrying the
  validation error); a second failure ⇒ ``ReviewerInvalidOutput``. Calling the tool more than once in one
  answer is invalid output too (the tool says "Call exactly once"; no block wins by coming first).
* ``attempts`` counts every HTTP call, both turns summed; a terminal failure is logged once (``log_failure``).
* Retries and deadlines: :mod:`service.reviewers._retry` (the SDK's own retries are off).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anthropic
from anthropic import AsyncAnthropic
from pydantic import ValidationError

from prompts import PromptTemplate, load_prompt, repair_message, verdict_schema
from service.errors import ConfigurationError
from service.reviewers._fence import new_boundary
from service.reviewers._retry import RetryPolicy, SdkErrors, call_with_retries, log_failure
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
    from anthropic.types import Message

    from service.settings import Settings

PROVIDER = "anthropic"
DEFAULT_MODEL = "claude-opus-4-6"
DEFAULT_BASE_URL = "https://api.anthropic.com"
TOOL_NAME = "submit_verdict"
ABSTAIN_STOP_REASONS = frozenset({"refusal", "max_tokens", "model_context_window_exceeded"})
USAGE_FIELDS = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")
ERRORS = SdkErrors(
    status=anthropic.APIStatusError, connection=anthropic.APIConnectionError, timeout=anthropic.APITimeoutError
)
_CACHE: dict[str, str] = {"type": "ephemeral"}


def verdict_tool() -> dict[str, Any]:
    """The one tool the model must call. Static: part of the cached prefix."""
    return {
        "name": TOOL_NAME,
        "description": "Submit your review verdict for the fenced material. Call exactly once.",
        "input_schema": verdict_schema(strict=True),
    }


class AnthropicReviewer:
    """A :class:`~service.reviewers.base.Reviewer` backed by the Anthropic Messages API."""

    provider: str = PROVIDER

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        api_key: str,
        base_url: str | None = None,
        max_tokens: int = 1500,
        retry: RetryPolicy | None = None,
        prompt_dir: Path | None = None,
        client: AsyncAnthropic | None = None,
    ) -> None:
        self.model = model or DEFAULT_MODEL
        self.max_tokens = max_tokens
        self.retry = retry or RetryPolicy()
        self.on_rate_limit: Callable[[float], None] | None = None
        """Hears every ``retry-after`` the retry layer honours (set by ``service.bulkhead.Bulkheads``)."""
        self.prompt_dir = prompt_dir
        self._tools = [verdict_tool()]
        self._client = client or AsyncAnthropic(api_key=api_key, base_url=base_url, max_retries=0)
        self.request_attributes = genai_request_attributes(self._client.base_url, max_tokens=max_tokens)
        """Set on the reviewer's GenAI span when it starts: ``server.*``, ``gen_ai.request.max_tokens`` …"""

    # ------------------------------------------------------------------ request building
    def template(self, item: ReviewItem) -> PromptTemplate:
        return load_prompt("review", item.domain, item.policy, prompt_dir=self.prompt_dir)

    @staticmethod
    def system_blocks(template: PromptTemplate) -> list[dict[str, Any]]:
        """Static system blocks, each a cache breakpoint. Never contains request data."""
        return [{"type": "text", "text": text, "cache_control": dict(_CACHE)} for text in template.system_blocks()]

    async def _send(
        self, system: list[dict[str, Any]], messages: list[dict[str, Any]], item: ReviewItem
    ) -> tuple[Message, int]:
        # Plain dicts on the wire; the SDK's TypedDict overloads are not worth mirroring here.
        create: Any = self._client.messages.create

        async def attempt(remaining: float) -> Message:
            message: Message = await create(
                model=self.model,
                max_tokens=self.max_tokens,
                system=system,
                messages=messages,
                tools=self._tools,
                tool_choice={"type": "tool", "name": TOOL_NAME, "disable_parallel_tool_use": True},
                timeout=remaining,
            )
            return message

        return await call_with_retries(
            attempt,
            deadline=item.deadline,
            policy=self.retry,
            errors=ERRORS,
            label=f"anthropic:{self.model}",
            on_retry_after=self.on_rate_limit,
        )

    # ------------------------------------------------------------------ response reading
    @staticmethod
    def _usage(message: Message, into: Counter[str]) -> None:
        u = message.usage
        for name in USAGE_FIELDS:
            value = getattr(u, name, None)
            if isinstance(value, int):
                into[name] += value

    @staticmethod
    def _replay_input(raw: Any) -> Any:
        """A tool call's input as it can be sent back in the repair turn (always a JSON object the SDK can send: a
        ``NaN`` or ``Infinity`` in it, which the SDK's strict JSON refuses, is sent back as text)."""
        if isinstance(raw, dict):
            try:
                json.dumps(raw, allow_nan=False)
                return raw
            except (TypeError, ValueError):
                return {"unparseable_input": json.dumps(raw, default=str)[:2000]}
        text = raw if isinstance(raw, str) else json.dumps(raw, default=str)
        return {"unparseable_input": text[:2000]}

    @classmethod
    def _read(cls, message: Message) -> tuple[ReviewerVerdict | None, str, list[dict[str, Any]], list[dict[str, Any]]]:
        """(verdict or None, validation error, assistant turn to replay, user repair turn)."""
        calls = [b for b in message.content if b.type == "tool_use" and b.name == TOOL_NAME]
        if not calls:
            texts = [{"type": "text", "text": b.text} for b in message.content if b.type == "text" and b.text]
            error = f"you did not call the `{TOOL_NAME}` tool"
            replay = texts or [{"type": "text", "text": "(no answer)"}]
            return None, error, replay, [{"type": "text", "text": repair_message(error)}]
        if len(calls) > 1:
            # "Call exactly once": two verdicts (say approve, then block) are no verdict; picking one would let
            # the order of the blocks decide. Every call is answered in the repair turn, as the API requires.
            error = f"you called the `{TOOL_NAME}` tool {len(calls)} times; call it exactly once, with one verdict"
            replay = [
                {"type": "tool_use", "id": b.id, "name": TOOL_NAME, "input": cls._replay_input(b.input)} for b in calls
            ]
            repair = [
                {"type": "tool_result", "tool_use_id": b.id, "is_error": True, "content": repair_message(error)}
                for b in calls
            ]
            return None, error, replay, repair
        tool_use = calls[0]
        raw: Any = tool_use.input
        replay_input: Any = cls._replay_input(raw) if isinstance(raw, dict) else raw
        error = ""
        verdict: ReviewerVerdict | None = None
        if isinstance(raw, str):
            try:
                raw = loads_verdict(raw)
            except ValueError as exc:
                error = f"the tool input is not valid JSON: {exc}"
                replay_input = {"unparseable_input": str(tool_use.input)[:2000]}
        if not error:
            if not isinstance(raw, dict):
                error = "the tool input must be a JSON object"
                replay_input = {"unparseable_input": json.dumps(raw, default=str)[:2000]}
            else:
                try:
                    verdict = ReviewerVerdict.model_validate(raw).unfenced()
                except ValidationError as exc:
                    error = verdict_problems(exc)
        replay = [{"type": "tool_use", "id": tool_use.id, "name": TOOL_NAME, "input": replay_input}]
        repair = [
            {"type": "tool_result", "tool_use_id": tool_use.id, "is_error": True, "content": repair_message(error)}
        ]
        return verdict, error, replay, repair

    @staticmethod
    def _meta(message: Message) -> tuple[str, tuple[str, ...]]:
        """(the answer's id, its stop reason as a one-item tuple): optional, never a reason to fail."""
        rid, stop = getattr(message, "id", None), getattr(message, "stop_reason", None)
        return (rid if isinstance(rid, str) else ""), ((stop,) if isinstance(stop, str) and stop else ())

    @staticmethod
    def _check_abstain(message: Message, attempts: int, usage: Counter[str]) -> None:
        if message.stop_reason in ABSTAIN_STOP_REASONS:
            raise ReviewerAbstained(
                f"anthropic reviewer abstained: stop_reason={message.stop_reason}",
                attempts=attempts,
                usage=dict(usage),
                declined=message.stop_reason == "refusal",
            )

    # ------------------------------------------------------------------ the protocol
    async def review(self, item: ReviewItem) -> ReviewerResult:
        started = time.monotonic()
        template = self.template(item)
        system = self.system_blocks(template)
        messages: list[dict[str, Any]] = [{"role": "user", "content": template.render_user(item, new_boundary())}]
        usage: Counter[str] = Counter()
        attempts = 0
        response_id = ""  # the last answer's id and finish reasons, for the span
        finish_reasons: tuple[str, ...] = ()
        try:
            for turn in range(2):  # the answer, then at most one repair
                try:
                    message, n = await self._send(system, messages, item)
                except ReviewerError as exc:
                    exc.attempts += attempts  # the calls of the earlier turn, then this turn's own
                    raise
                attempts += n
                api_answer(message, "the anthropic API", attempts)
                response_id, finish_reasons = self._meta(message)
                try:
                    with answer_shape("the anthropic API"):
                        self._usage(message, usage)
                        self._check_abstain(message, attempts, usage)
                        verdict, error, replay, repair = self._read(message)
                        answered_by = getattr(message, "model", None)  # optional: never a reason to fail
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
                        {"role": "assistant", "content": replay},
                        {"role": "user", "content": repair},
                    ]
            raise ReviewerInvalidOutput(
                f"anthropic reviewer returned an invalid verdict twice: {error[:500]}",
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


def create(model: str, settings: Settings) -> AnthropicReviewer:
    """Registry factory (``anthropic[:model]``). Raises ``ConfigurationError`` without an API key."""
    key = settings.anthropic_api_key.get_secret_value() if settings.anthropic_api_key else ""
    if not key.strip():
        raise ConfigurationError(
            "the anthropic reviewer needs an API key: set ANTHROPIC_API_KEY (or OVERSIGHT_ANTHROPIC_API_KEY)",
            field="ANTHROPIC_API_KEY",
        )
    base_url = settings.anthropic_base_url or None
    if base_url is None and not os.environ.get("ANTHROPIC_BASE_URL", "unset").strip():
        base_url = DEFAULT_BASE_URL  # the SDK would take a blank ANTHROPIC_BASE_URL as the URL itself
    return AnthropicReviewer(
        model or DEFAULT_MODEL,
        api_key=key,
        base_url=base_url,
        max_tokens=settings.reviewer_max_tokens,
        retry=RetryPolicy(max_attempts=settings.reviewer_max_attempts),
        prompt_dir=settings.prompt_dir,
    )
