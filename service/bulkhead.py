"""Bulkheads around reviewer calls: a slow or dead reviewer in one domain cannot hold another domain's calls.

Every domain's primary (and fallback) reviewer is wrapped in a ``GuardedReviewer`` with its own
``Bulkhead``: at most ``OVERSIGHT_REVIEWER_MAX_IN_FLIGHT`` calls in flight. A call over the cap does not
queue; it fails at once with ``ReviewerBusy`` (code ``reviewer_busy``, ``attempts`` 0: no call was made), a
``ReviewerUnavailable``, so the domain's ``on_reviewer_error`` decides (fail closed: escalate) and the request's
worker is free again.

Wrappers around the same underlying reviewer (one vendor client, one rate limit) share a ``RateBudget``:
when a call meets a vendor 429 with ``retry-after`` (one that ended the call, or one the retry layer is
waiting out before its next attempt), every later call to that reviewer, in any domain, waits until then
instead of spending its own attempts on a limit that is known to be exhausted; a call whose deadline ends
before that fails at once with ``ReviewerBusy``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from service.reviewers._retry import log_failure, parse_retry_after
from service.reviewers.base import Reviewer, ReviewerError, ReviewerResult, ReviewerUnavailable, ReviewItem
from service.vocabulary import Domain

__all__ = ["Bulkhead", "Bulkheads", "GuardedReviewer", "RateBudget", "ReviewerBusy"]

MAX_COOLDOWN_S = 120.0
"""A vendor's ``retry-after`` longer than this is capped (the retry layer refuses such waits anyway)."""


class ReviewerBusy(ReviewerUnavailable):
    """The domain's bulkhead is full, or the reviewer's shared rate budget is spent past the deadline."""

    code = "reviewer_busy"


class Bulkhead:
    """A counter with a cap; never waits (the event loop is single-threaded, so no lock is needed)."""

    def __init__(self, name: str, limit: int) -> None:
        self.name, self.limit, self.in_use = name, limit, 0

    def try_acquire(self) -> bool:
        if self.in_use >= self.limit:
            return False
        self.in_use += 1
        return True

    def release(self) -> None:
        self.in_use -= 1


def _retry_after(exc: BaseException) -> float | None:
    """``retry-after`` of a vendor 429 somewhere in the exception's cause chain."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if getattr(current, "status_code", None) == 429:
            headers: Any = getattr(getattr(current, "response", None), "headers", None)
            return parse_retry_after(headers)
        current = current.__cause__ or current.__context__
    return None


class RateBudget:
    """The shared view of one reviewer's rate limit: nobody calls it before ``until`` (monotonic)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.until = 0.0

    def learn(self, exc: BaseException) -> None:
        """Remember a vendor's ``retry-after`` carried by a failed call."""
        seconds = _retry_after(exc)
        if seconds:
            self.note(seconds)

    def note(self, seconds: float) -> None:
        """Nobody calls for ``seconds`` from now (a ``retry-after`` the retry layer is honouring)."""
        if seconds > 0:
            self.until = max(self.until, self.clock() + min(seconds, MAX_COOLDOWN_S))

    async def wait(self, remaining: float, name: str) -> None:
        """Sleep until the budget allows a call; raise ``ReviewerBusy`` if that is past ``remaining``."""
        delay = self.until - self.clock()
        if delay <= 0:
            return
        if delay >= remaining:
            raise ReviewerBusy(
                f"{name}: the reviewer asked to wait {delay:.1f}s, past this review's deadline", attempts=0
            )
        await asyncio.sleep(delay)


class GuardedReviewer:
    """A ``Reviewer`` behind a bulkhead and a shared rate budget; the same protocol as the one it wraps."""

    def __init__(self, inner: Reviewer, bulkhead: Bulkhead, budget: RateBudget) -> None:
        self.inner, self.bulkhead, self.budget = inner, bulkhead, budget
        self.provider = inner.provider
        self.model = inner.model
        self.request_attributes: dict[str, Any] = getattr(inner, "request_attributes", None) or {}
        """The wrapped reviewer's request-side span attributes (the graph sets them on its GenAI span)."""

    async def review(self, item: ReviewItem) -> ReviewerResult:
        if not self.bulkhead.try_acquire():
            busy = ReviewerBusy(
                f"{self.bulkhead.limit} reviewer calls already in flight for {self.bulkhead.name}", attempts=0
            )
            log_failure(busy, self.provider, self.model)  # on-call sees why reviews escalate without a call
            raise busy
        try:
            try:
                await self.budget.wait(item.remaining(), self.bulkhead.name)
            except ReviewerBusy as busy:
                log_failure(busy, self.provider, self.model)
                raise
            try:
                return await self.inner.review(item)
            except ReviewerError as exc:
                self.budget.learn(exc)
                raise
        finally:
            self.bulkhead.release()

    async def aclose(self) -> None:
        """The pool closes the wrapped reviewers itself."""


class Bulkheads:
    """One bulkhead per (domain, role) and one rate budget per underlying reviewer."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._guards: dict[tuple[Domain, str], GuardedReviewer] = {}
        self._budgets: dict[int, tuple[Reviewer, RateBudget]] = {}

    def guard(self, domain: Domain, role: str, reviewer: Reviewer) -> GuardedReviewer:
        """The guarded reviewer for a domain's ``primary`` or ``fallback`` (built once, then reused)."""
        guarded = self._guards.get((domain, role))
        if guarded is None or guarded.inner is not reviewer:
            known = self._budgets.get(id(reviewer))
            if known is None or known[0] is not reviewer:
                known = self._budgets[id(reviewer)] = (reviewer, RateBudget())
                if hasattr(reviewer, "on_rate_limit"):
                    # The retry layer inside the reviewer reports each retry-after it honours, so a 429 that a
                    # retry then absorbed still holds off every other call to this vendor.
                    reviewer.on_rate_limit = known[1].note
            budget = known[1]
            guarded = GuardedReviewer(reviewer, Bulkhead(f"{domain.value} {role}", self.limit), budget)
            self._guards[(domain, role)] = guarded
        return guarded

    def in_use(self) -> dict[str, int]:
        """Calls in flight per bulkhead (for tests and ``/metrics``)."""
        return {g.bulkhead.name: g.bulkhead.in_use for g in self._guards.values()}
