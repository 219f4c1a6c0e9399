"""The audit's reviewer rate budget: requests and tokens per minute, shared by every worker of a process.

``BudgetedReviewer`` wraps the configured reviewer. Before each call it takes a slot from the shared
``RateBudget`` (a GCRA / virtual-scheduling token bucket for requests and one for tokens: calls are paced,
not burst and punished). When the reviewer answers 429 or is unavailable it does **not** let the failure
become a verdict (in label mode a reviewer error would become the domain's ``on_reviewer_error`` verdict):

* the ``retry-after`` the server sent (read from the exception's ``retry_after`` attribute or from the HTTP
  response behind it) pauses the *whole budget*, so no worker sends into a limit that is already exceeded;
* without a ``retry-after`` the call backs off exponentially on its own;
* then the same turn is retried, with its deadline renewed, until ``max_wait_s`` has passed for that turn.

Token use is estimated before the call (characters / 4 plus an allowance for the reviewer's prompt and
answer) and settled against the ``usage`` the reviewer reports afterwards.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from service.policy.model import PolicySet
from service.reviewers._retry import parse_retry_after
from service.reviewers.base import (
    Reviewer,
    ReviewerResult,
    ReviewerTimeout,
    ReviewerUnavailable,
    ReviewItem,
)
from service.reviewers.pool import ReviewerPool
from service.vocabulary import Domain

log = logging.getLogger("oversight.audit")

PROMPT_OVERHEAD_TOKENS = 900
"""Rough size of a reviewer's system prompt and structured answer, added to every estimate."""


@dataclass(slots=True)
class BudgetStats:
    """What the budget did."""

    requests: int = 0
    tokens: int = 0
    rate_limited: int = 0
    """Calls answered 429 (or unavailable) and retried."""
    paused_s: float = 0.0
    """Seconds the whole budget stood still because a server said ``retry-after``."""


class RateBudget:
    """Requests and tokens per minute for one process; ``None`` means unlimited.

    With a ``parent`` (the process's budget) this is one job's budget on top of it: a call waits for a slot
    of this budget, then for one of the parent's (so a job held back by its own limit does not hold a slot of
    the shared budget), and usage, pauses and rate-limit counts reach both.
    """

    def __init__(
        self,
        rpm: float | None = None,
        tpm: float | None = None,
        *,
        burst_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        parent: RateBudget | None = None,
    ) -> None:
        if (rpm is not None and rpm <= 0) or (tpm is not None and tpm <= 0):
            raise ValueError("rpm and tpm must be positive")
        self.rpm, self.tpm = rpm, tpm
        self.parent = parent
        self._clock = clock
        self._sleep = sleep
        now = clock()
        self._req_step = 60.0 / rpm if rpm else 0.0
        self._tok_step = 60.0 / tpm if tpm else 0.0
        # Allowance for bursts: ``burst_s`` worth of requests (at least one) may start back to back.
        self._req_tau = max(0.0, burst_s - self._req_step) if rpm else 0.0
        self._tok_tau = burst_s
        self._req_tat = now
        self._tok_tat = now
        self._paused_until = now
        self._lock = asyncio.Lock()
        self.stats = BudgetStats()

    @property
    def limited(self) -> bool:
        return bool(self.rpm or self.tpm)

    async def acquire(self, tokens: int) -> None:
        """Wait until one request of ``tokens`` fits the budget (then the parent's), then take it."""
        self.stats.requests += 1
        self.stats.tokens += tokens
        if self.limited or self._paused_until > self._clock():
            await self._take(tokens)
        if self.parent is not None:
            await self.parent.acquire(tokens)

    async def _take(self, tokens: int) -> None:
        async with self._lock:  # FIFO: the first waiter goes first
            while True:
                now = self._clock()
                start = max(now, self._paused_until)
                if self.rpm:
                    start = max(start, self._req_tat - self._req_tau)
                if self.tpm:
                    start = max(start, self._tok_tat - self._tok_tau)
                if start <= now:
                    break
                await self._sleep(start - now)
            if self.rpm:
                self._req_tat = max(self._req_tat, now) + self._req_step
            if self.tpm:
                self._tok_tat = max(self._tok_tat, now) + tokens * self._tok_step

    def settle(self, reserved: int, used: int) -> None:
        """Correct a reservation with the tokens the call really used."""
        self.stats.tokens += used - reserved
        if self.tpm:
            self._tok_tat += (used - reserved) * self._tok_step
        if self.parent is not None:
            self.parent.settle(reserved, used)

    def pause(self, seconds: float) -> None:
        """No request starts for ``seconds`` (a server said ``retry-after``)."""
        until = self._clock() + max(0.0, seconds)
        if until > self._paused_until:
            self.stats.paused_s += until - max(self._paused_until, self._clock())
            self._paused_until = until
        if self.parent is not None:
            self.parent.pause(seconds)

    def rate_limited(self) -> None:
        """Count a call answered 429 (or unavailable) that is retried."""
        self.stats.rate_limited += 1
        if self.parent is not None:
            self.parent.rate_limited()


def retry_after_of(exc: BaseException) -> float | None:
    """The ``retry-after`` behind a reviewer failure, if the server sent one."""
    value = getattr(exc, "retry_after", None)
    if isinstance(value, int | float):
        return float(value)
    seen = 0
    cause: BaseException | None = exc.__cause__ or exc.__context__
    while cause is not None and seen < 5:
        response: Any = getattr(cause, "response", None)
        headers = getattr(response, "headers", None)
        if headers is not None:
            parsed = parse_retry_after(headers)
            if parsed is not None:
                return parsed
        value = getattr(cause, "retry_after", None)
        if isinstance(value, int | float):
            return float(value)
        cause = cause.__cause__ or cause.__context__
        seen += 1
    return None


def estimate_tokens(item: ReviewItem) -> int:
    """A cheap upper-ish estimate of a review call's tokens (about 4 characters a token)."""
    chars = len(item.output) + len(item.prompt)
    for m in item.messages:
        content = m.get("content")
        chars += len(content) if isinstance(content, str) else len(str(content or ""))
    return chars // 4 + PROMPT_OVERHEAD_TOKENS


def used_tokens(usage: dict[str, int]) -> int | None:
    keys = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")
    total = sum(int(usage.get(k, 0) or 0) for k in keys)
    if not total:
        total = int(usage.get("prompt_tokens", 0) or 0) + int(usage.get("completion_tokens", 0) or 0)
    return total or None


class BudgetedReviewer:
    """A ``Reviewer`` that spends from a shared ``RateBudget`` and waits out rate limits instead of failing."""

    def __init__(
        self,
        inner: Reviewer,
        budget: RateBudget,
        *,
        max_wait_s: float = 900.0,
        backoff_s: float = 1.0,
        max_backoff_s: float = 30.0,
    ) -> None:
        self.inner = inner
        self.budget = budget
        self.provider = inner.provider
        self.model = inner.model
        self.max_wait_s = max_wait_s
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s

    async def review(self, item: ReviewItem) -> ReviewerResult:
        allotted = max(item.remaining(), 1.0)
        started = time.monotonic()
        retries = 0
        while True:
            reserved = estimate_tokens(item)
            await self.budget.acquire(reserved)
            item.deadline = time.monotonic() + allotted  # time spent waiting for the budget is not the call's
            try:
                result = await self.inner.review(item)
            except (ReviewerUnavailable, ReviewerTimeout) as exc:
                self.budget.settle(reserved, used_tokens(exc.usage) or 0)
                retries += 1
                if time.monotonic() - started > self.max_wait_s:
                    raise
                self.budget.rate_limited()
                retry_after = retry_after_of(exc)
                if retry_after is not None:
                    self.budget.pause(retry_after)
                    log.debug("reviewer rate limited; budget paused %.3fs", retry_after)
                else:
                    base = min(self.max_backoff_s, self.backoff_s * 2 ** (retries - 1))
                    await asyncio.sleep(base + random.uniform(0, base / 4))
                continue
            self.budget.settle(reserved, used_tokens(result.usage) or reserved)
            result.attempts += retries
            return result

    async def aclose(self) -> None:  # the wrapped reviewer belongs to the runtime's pool
        return None


class BudgetedPool(ReviewerPool):
    """The runtime's reviewer pool with every reviewer wrapped in one shared budget."""

    def __init__(self, base: ReviewerPool, policies: PolicySet, budget: RateBudget, **options: Any) -> None:
        self._wrapped: dict[int, BudgetedReviewer] = {}
        self._primary = {}
        self._fallback = {}
        self._by_spec = {}
        for domain in policies.policies:
            self._primary[domain] = self._wrap(base.primary(domain), budget, options)
            fb = base.fallback(domain)
            self._fallback[domain] = self._wrap(fb, budget, options) if fb is not None else None

    def _wrap(self, reviewer: Reviewer, budget: RateBudget, options: dict[str, Any]) -> BudgetedReviewer:
        key = id(reviewer)
        if key not in self._wrapped:
            self._wrapped[key] = BudgetedReviewer(reviewer, budget, **options)
        return self._wrapped[key]

    def primary(self, domain: Domain) -> Reviewer:
        return self._primary[domain]

    async def aclose(self) -> None:  # the base pool closes the real clients
        return None
