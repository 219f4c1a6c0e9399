"""The one retry layer for reviewer calls: tenacity, deadline-aware, honouring ``retry-after``.

The SDK clients are built with ``max_retries=0``; everything below happens here, once.

* Retried: HTTP 408, 409, 429, 500, 502, 503, 504, 529, dropped connections and SDK timeouts that fire
  before the deadline. Never retried: other 4xx (400, 401, 403, 404, 422, ...) and OpenAI's
  ``insufficient_quota`` 429 (a billing problem that does not heal).
* Waits: ``retry-after-ms``, else ``retry-after`` (seconds or an HTTP date) when the server sends one; else
  exponential backoff ``initial * 2**(n-1)`` capped at ``max_wait``, plus up to ``jitter`` of it at random.
* Deadline: each attempt runs inside ``asyncio.timeout(remaining)`` (and gets ``remaining`` as the SDK's
  per-request timeout). If the next wait would end past the deadline, the loop stops at once instead of
  sleeping: a retryable failure then becomes ``ReviewerUnavailable`` (``ReviewerTimeout`` if the failure was
  itself a timeout).
* Mapping: deadline reached ⇒ ``ReviewerTimeout``; retryable failures exhausted ⇒ ``ReviewerUnavailable``;
  any other status ⇒ ``ReviewerRejected`` (4xx) or ``ReviewerUnavailable`` (5xx). A request the HTTP client
  cannot send at all (a base URL that is not http(s), an invalid URL, a header it refuses to write) is
  ``ReviewerRejected`` at once, its cause named: retrying cannot fix a configuration mistake.
* Logging: retries at WARNING (``log_retry``), at most once per ``RETRY_LOG_INTERVAL_S`` per (reviewer, kind of
  failure), the failure as classified (credentials redacted, the vendor's error message, not its body), at most
  ``RETRY_LOG_CHARS`` characters; every terminal failure once at WARNING (``log_failure``), at most once per
  ``FAILURE_LOG_INTERVAL_S`` per (provider, model, code), with the count of the ones left out meanwhile.
* ``x-should-retry: false`` stops the retries and ``x-should-retry: true`` allows one on any status, as in the
  SDKs.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from service.reviewers.base import (
    ReviewerError,
    ReviewerRejected,
    ReviewerTimeout,
    ReviewerUnavailable,
)

T = TypeVar("T")
log = logging.getLogger("oversight.reviewers")

RETRYABLE_STATUS: frozenset[int] = frozenset({408, 409, 429, 500, 502, 503, 504, 529})
NO_RETRY_CODES: frozenset[str] = frozenset({"insufficient_quota", "billing_hard_limit_reached"})
MIN_USEFUL_S = 0.01
"""An attempt is not started (nor a wait begun) with less than this left before the deadline."""
CLIENT_SIDE_ERRORS: frozenset[str] = frozenset({"UnsupportedProtocol", "InvalidURL", "LocalProtocolError"})
"""httpx / httpcore errors (by class name: the SDKs ship their own copies of httpx) raised before anything was
sent, because the request itself cannot be made: a base URL such as ``localhost:8760`` or ``ftp://x``, a header
value with a line break. Never retried."""
_HTTP_MODULES = ("httpx", "httpcore")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try. ``max_attempts`` counts the first call."""

    max_attempts: int = 4
    initial: float = 0.5
    max_wait: float = 8.0
    jitter: float = 0.25
    max_retry_after: float = 120.0
    """A server-directed wait longer than this is not honoured: the call fails instead."""

    def backoff(self, retry_number: int) -> float:
        """Wait before retry ``retry_number`` (1-based) when the server gave no ``retry-after``."""
        base = min(self.max_wait, self.initial * (2.0 ** max(0, retry_number - 1)))
        return base + random.uniform(0.0, base * self.jitter)


@dataclass(frozen=True, slots=True)
class SdkErrors:
    """The exception classes of one SDK (anthropic and openai share the shape)."""

    status: type[BaseException]
    """``APIStatusError``: has ``status_code``, ``response.headers`` and ``body``."""
    connection: type[BaseException]
    """``APIConnectionError`` (dropped connection, refused, DNS...)."""
    timeout: type[BaseException]
    """``APITimeoutError`` (a subclass of ``connection`` in both SDKs)."""


@dataclass(frozen=True, slots=True)
class Failure:
    """What one failed attempt means for the retry loop and for the caller."""

    retryable: bool
    error: type[ReviewerError]
    message: str
    status: int | None = None
    retry_after: float | None = None


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds the server asked us to wait: ``retry-after-ms``, else ``retry-after`` (seconds or HTTP date). Zero,
    a negative value or a date in the past is no hint (None): the backoff applies, as in the SDKs, rather than a
    retry at once into a server that is limiting us."""
    if not headers:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            value = float(ms) / 1000.0
            if value > 0:
                return value
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        value = float(raw)
        return value if value > 0 else None
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    left = when.timestamp() - time.time()
    return left if left > 0 else None


def _error_fields(body: object) -> tuple[str | None, str | None, str | None]:
    """(type, code, message) from an Anthropic or OpenAI error body."""
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict):
            typ, code, msg = err.get("type"), err.get("code"), err.get("message")
            return (
                typ if isinstance(typ, str) else None,
                code if isinstance(code, str) else None,
                msg if isinstance(msg, str) else None,
            )
    return None, None, None


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc``'s cause chain (``__cause__``, else ``__context__``), ``exc`` excluded."""
    chain: list[BaseException] = []
    current = exc.__cause__ or exc.__context__
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _client_side(exc: BaseException) -> BaseException | None:
    """The httpx error under an SDK connection error when the request could not be made at all, else None."""
    for cause in _causes(exc):
        kind = type(cause)
        if kind.__name__ in CLIENT_SIDE_ERRORS and kind.__module__.startswith(_HTTP_MODULES):
            return cause
    return None


_CREDENTIAL = re.compile(
    r"(?i)(\b(?:bearer|basic)\s+|\b(?:x-)?api[-_]?key['\"]?\s*[:=,]\s*b?['\"]?)[^\s'\",)}]+"
    r"|\bsk-[A-Za-z0-9_-]{6,}"
)


def redact(text: str) -> str:
    """``text`` without credentials: an HTTP client's error can quote the request's headers (httpx's "Illegal
    header value b'Bearer sk-…\\n'" for a key with a trailing newline), and a reviewer error's text reaches the
    decision, the store and the log."""
    return _CREDENTIAL.sub(lambda m: (m.group(1) or "") + "[redacted]", text)


def _cause_text(exc: BaseException) -> str:
    """``exc`` and what is under it: "Connection error. (ConnectError: [Errno 111] Connection refused)"."""
    causes = _causes(exc)
    if not causes:
        return redact(str(exc))
    cause = causes[0]
    return redact(f"{exc} ({type(cause).__name__}: {str(cause)[:300]})")


def classify(exc: BaseException, errors: SdkErrors, *, deadline: float) -> Failure:
    """Decide whether ``exc`` is worth another attempt and what it becomes if it is the last one."""
    if isinstance(exc, ReviewerError):
        return Failure(False, type(exc), str(exc))
    if isinstance(exc, TimeoutError):  # asyncio.timeout(remaining) fired: the deadline is here
        return Failure(False, ReviewerTimeout, "the reviewer did not answer before the deadline")
    if isinstance(exc, errors.timeout):
        if deadline - time.monotonic() <= MIN_USEFUL_S:
            return Failure(False, ReviewerTimeout, "the reviewer did not answer before the deadline")
        return Failure(True, ReviewerTimeout, redact(f"request timed out: {exc}"))
    if isinstance(exc, errors.connection):
        cause = _client_side(exc)
        if cause is not None:
            return Failure(
                False,
                ReviewerRejected,
                redact(f"the request cannot be sent ({type(cause).__name__}: {str(cause)[:300]})"),
            )
        return Failure(True, ReviewerUnavailable, f"connection failed: {_cause_text(exc)}")
    if isinstance(exc, errors.status):
        status = int(getattr(exc, "status_code", 0) or 0)
        response: Any = getattr(exc, "response", None)
        headers = getattr(response, "headers", None)
        typ, code, msg = _error_fields(getattr(exc, "body", None))
        detail = redact(f"HTTP {status}" + (f" {typ or code}" if (typ or code) else "") + (f": {msg}" if msg else ""))
        if status == 404:  # the commonest cause is the base URL's path: say where to look
            detail += (
                " (check the model name and the base URL: OPENAI_BASE_URL and OpenAI-compatible URLs end in /v1, "
                "ANTHROPIC_BASE_URL does not)"
            )
        if code in NO_RETRY_CODES:
            return Failure(False, ReviewerUnavailable, detail, status)
        should_retry = (headers.get("x-should-retry") or "").strip().lower() if headers is not None else ""
        if should_retry == "false":  # the server says a retry cannot succeed (the SDKs obey it too)
            return Failure(False, ReviewerUnavailable if status >= 500 else ReviewerRejected, detail, status)
        if status in RETRYABLE_STATUS or should_retry == "true":
            return Failure(True, ReviewerUnavailable, detail, status, parse_retry_after(headers))
        if status >= 500:
            return Failure(False, ReviewerUnavailable, detail, status)
        return Failure(False, ReviewerRejected, detail, status)
    return Failure(False, ReviewerUnavailable, redact(f"unexpected {type(exc).__name__}: {exc}"))


class _Wait:
    def __init__(self, policy: RetryPolicy, errors: SdkErrors, deadline: float) -> None:
        self.policy, self.errors, self.deadline = policy, errors, deadline

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        failure = classify(exc, self.errors, deadline=self.deadline) if exc is not None else None
        if failure is not None and failure.retry_after is not None:
            # Never less than what the server asked for; a little jitter above it spreads the herd.
            return failure.retry_after + random.uniform(0.0, min(0.05, failure.retry_after * 0.05))
        return self.policy.backoff(state.attempt_number)


class _Stop:
    def __init__(self, policy: RetryPolicy, errors: SdkErrors, deadline: float) -> None:
        self.policy, self.errors, self.deadline = policy, errors, deadline
        self.reason: str | None = None

    def __call__(self, state: RetryCallState) -> bool:
        if state.attempt_number >= self.policy.max_attempts:
            self.reason = f"gave up after {state.attempt_number} attempts"
            return True
        exc = state.outcome.exception() if state.outcome is not None else None
        failure = classify(exc, self.errors, deadline=self.deadline) if exc is not None else None
        if (
            failure is not None
            and failure.retry_after is not None
            and (failure.retry_after > self.policy.max_retry_after)
        ):
            self.reason = f"server asked to retry after {failure.retry_after:g}s, more than we wait"
            return True
        sleep = state.upcoming_sleep
        if time.monotonic() + sleep + MIN_USEFUL_S >= self.deadline:
            self.reason = f"the next attempt (in {sleep:.2f}s) would start past the deadline"
            return True
        return False


async def call_with_retries(
    attempt: Callable[[float], Awaitable[T]],
    *,
    deadline: float,
    policy: RetryPolicy,
    errors: SdkErrors,
    label: str = "reviewer",
    on_retry_after: Callable[[float], None] | None = None,
) -> tuple[T, int]:
    """Run ``attempt(remaining_seconds)`` until it succeeds, retrying what is worth retrying.

    Returns ``(result, attempts)``. Raises a ``ReviewerError`` subclass carrying ``attempts``.
    ``deadline`` is a ``time.monotonic()`` value. ``on_retry_after(seconds)`` hears every server-directed wait
    this loop is about to honour, so other callers of the same vendor can hold off too
    (``service.bulkhead.RateBudget``), also when this call then succeeds.
    """
    attempts = 0

    async def one() -> T:
        nonlocal attempts
        remaining = deadline - time.monotonic()
        if remaining <= MIN_USEFUL_S:
            raise TimeoutError
        attempts += 1
        async with asyncio.timeout(remaining):
            return await attempt(remaining)

    stop = _Stop(policy, errors, deadline)

    def _log_retry(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        failure = classify(exc, errors, deadline=deadline) if exc is not None else None
        if on_retry_after is not None and failure is not None and failure.retry_after:
            on_retry_after(failure.retry_after)
        # what classify made of it (credentials redacted, the vendor's body reduced to its error message), cut
        # short, and rate-limited: an outage retries every review, and each vendor page could be 200 KB of HTML
        log_retry(label, state.attempt_number, failure.message if failure else "", state.upcoming_sleep)

    retrying = AsyncRetrying(
        retry=retry_if_exception(lambda e: classify(e, errors, deadline=deadline).retryable),
        wait=_Wait(policy, errors, deadline),
        stop=stop,
        sleep=asyncio.sleep,
        before_sleep=_log_retry,
        reraise=True,
    )
    try:
        result: T = await retrying(one)
    except ReviewerError as exc:
        exc.attempts = attempts
        raise
    except Exception as exc:
        failure = classify(exc, errors, deadline=deadline)
        message = f"{label}: {failure.message}"
        if failure.retryable and stop.reason:
            message += f" ({stop.reason})"
        # attempts is 0 when no call was made (the deadline had passed before the first one)
        raise failure.error(message, attempts=attempts, status=failure.status) from exc
    return result, attempts


RETRY_LOG_INTERVAL_S = 10.0
"""At most one retry line per (reviewer, kind of failure) in this many seconds."""
RETRY_LOG_CHARS = 300


class RetryLog:
    """Logs retries at WARNING, at most one line per (reviewer label, failure) per ``interval`` seconds, each
    line saying how many retries like it were left out since the previous one."""

    def __init__(self, interval: float = RETRY_LOG_INTERVAL_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval, self.clock = interval, clock
        self._last: dict[tuple[str, str], tuple[float, int]] = {}

    def __call__(self, label: str, attempt: int, message: str, sleep: float) -> bool:
        message = redact(message)[:RETRY_LOG_CHARS]
        key = (label, re.sub(r"\d+(\.\d+)?", "N", message.partition(":")[0])[:80])
        now = self.clock()
        last = self._last.get(key)
        if last is not None and now - last[0] < self.interval:
            self._last[key] = (last[0], last[1] + 1)
            return False
        if len(self._last) >= 10_000:
            self._last.clear()
        self._last[key] = (now, 0)
        more = f"; {last[1]} more retries like it in the last {now - last[0]:.0f}s" if last and last[1] else ""
        log.warning("%s attempt %d failed (%s); retrying in %.2fs%s", label, attempt, message, sleep, more)
        return True


log_retry = RetryLog()
"""The process's retry log, shared by every reviewer."""

FAILURE_LOG_INTERVAL_S = 60.0
"""At most one terminal-failure line per (provider, model, code) in this many seconds."""


class FailureLog:
    """Logs terminal reviewer failures at WARNING, rate-limited per (provider, model, code).

    A reviewer that always fails (a wrong model name, a revoked key) is then visible in the log without a
    flood of identical lines: the first failure is logged at once, later ones at most once per ``interval``
    seconds, each line saying how many like it were left out since the previous one.
    """

    def __init__(self, interval: float = FAILURE_LOG_INTERVAL_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval, self.clock = interval, clock
        self._last: dict[tuple[str, str, str], tuple[float, int]] = {}

    def __call__(self, exc: ReviewerError, provider: str, model: str) -> bool:
        """Log ``exc`` unless a line for the same key was written less than ``interval`` ago (True if logged)."""
        key = (provider, model, exc.code)
        now = self.clock()
        last = self._last.get(key)
        if last is not None and now - last[0] < self.interval:
            self._last[key] = (last[0], last[1] + 1)
            return False
        suppressed = last[1] if last is not None else 0
        if len(self._last) >= 10_000:  # many distinct models: start afresh rather than grow without bound
            self._last.clear()
        self._last[key] = (now, 0)
        status = f" HTTP {exc.status}" if exc.status is not None else ""
        more = (
            f"; {suppressed} more like it in the last {now - last[0]:.0f}s" if last is not None and suppressed else ""
        )
        log.warning(
            "reviewer %s:%s failed: %s%s after %d HTTP call(s): %s%s",
            provider,
            model,
            exc.code,
            status,
            exc.attempts,
            _INPUT_VALUE.sub("input_value=…", redact(str(exc)))[:500],
            more,
        )
        return True


_INPUT_VALUE = re.compile(r"input_value=(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[^,\]\n]*)")
"""pydantic's quote of the value it rejected: model output, kept out of the log (the decision's ``detail`` has it)."""


log_failure = FailureLog()
"""The process's terminal-failure log, shared by every reviewer."""
