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

They also share a ``CircuitBreaker``: after ``OVERSIGHT_REVIEWER_CIRCUIT_FAILURES`` consecutive *outage*
failures of that reviewer (``is_outage``: connection errors, 5xx, 529, and timeouts of calls that had at least half
the domain's own ``timeout_ms``; a caller's shorter deadline is not the vendor's fault), from any domain, the circuit
opens for ``OVERSIGHT_REVIEWER_CIRCUIT_OPEN_S``: every call fails at once with ``ReviewerCircuitOpen`` (code
``reviewer_circuit_open``, ``attempts`` 0), so the domain's fallback reviewer or ``on_reviewer_error`` decides
without spending the retries and the deadline on a vendor known to be down. After the cool-down one call goes
through as a probe (half-open; the others still fail at once): an answer closes the circuit, another outage
failure opens it again. Written here rather than taken from a library: the candidates (purgatory, aiobreaker,
pybreaker, circuitbreaker) let every concurrent call through while half-open, and read a wall or module clock that
tests cannot replace.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, Literal

from service.reviewers._retry import FAILURE_LOG_INTERVAL_S, log_failure, parse_retry_after
from service.reviewers.base import (
    Reviewer,
    ReviewerError,
    ReviewerResult,
    ReviewerTimeout,
    ReviewerUnavailable,
    ReviewItem,
)
from service.vocabulary import Domain

__all__ = [
    "Bulkhead",
    "Bulkheads",
    "CircuitBreaker",
    "GuardedReviewer",
    "RateBudget",
    "ReviewerBusy",
    "ReviewerCircuitOpen",
    "is_outage",
]

log = logging.getLogger("oversight.reviewers")

MAX_COOLDOWN_S = 120.0
"""A vendor's ``retry-after`` longer than this is capped (the retry layer refuses such waits anyway)."""


class ReviewerBusy(ReviewerUnavailable):
    """The domain's bulkhead is full, or the reviewer's shared rate budget is spent past the deadline."""

    code = "reviewer_busy"


class ReviewerCircuitOpen(ReviewerUnavailable):
    """The reviewer's circuit is open: its last calls met an outage, so this one was not made."""

    code = "reviewer_circuit_open"


_OURS = (ReviewerBusy, ReviewerCircuitOpen)
"""Failures this module raises itself, without a call: they say nothing about the vendor."""


def is_outage(exc: BaseException) -> bool:
    """Whether a failed call says the vendor is down: a connection error, a 5xx (529 overloaded included) or a
    timeout, after at least one HTTP call. Not an outage: an answer the vendor gave (invalid output, an abstention,
    a 4xx rejection, a 429 rate limit, which the ``RateBudget`` handles), our own ``ReviewerBusy`` or
    ``ReviewerCircuitOpen``, and a failure before any call was made (a deadline already past)."""
    if isinstance(exc, _OURS) or not isinstance(exc, ReviewerError):
        return False
    if exc.attempts == 0:
        return False
    if isinstance(exc, ReviewerTimeout):
        return True
    return isinstance(exc, ReviewerUnavailable) and (exc.status is None or exc.status >= 500)


def cut_short_s(item: ReviewItem) -> float:
    """A call given less time than this (half the domain's own ``timeout_ms``) was cut short by its caller: its
    timeout says nothing about the vendor. A product team asking for 300 ms from a vendor that answers in 2 s must
    not open the circuit for every domain on that vendor."""
    return item.policy.timeout_ms / 2000


CircuitState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """One reviewer's circuit, shared by every domain that calls it (single event loop: no lock needed).

    ``admit()`` before a call (raises ``ReviewerCircuitOpen`` while open; True when the call is the half-open
    probe), then exactly one of ``answered(probe)`` (the vendor answered: a verdict, or an error it sent, such as
    invalid output or a 400), ``failed(exc, probe)`` or ``released(probe)`` (the call ended without telling anything:
    cancelled, held by the rate budget). ``failures`` 0 switches the breaker off.

    The opening is logged at WARNING and the closing at INFO, at most one opening line per ``log_interval`` seconds
    (an opening left out is counted in the next line); a closing is logged when its opening was.
    """

    def __init__(
        self,
        provider: str,
        model: str,
        *,
        failures: int,
        open_s: float,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[bool], None] | None = None,
        log_interval: float = FAILURE_LOG_INTERVAL_S,
    ) -> None:
        self.provider, self.model = provider, model
        self.threshold, self.open_s, self.clock, self.on_change = failures, open_s, clock, on_change
        self.log_interval = log_interval
        self.failures = 0
        """Consecutive outage failures while closed."""
        self.opened_at: float | None = None
        self.probing = False
        self.refused = 0
        """Calls failed at once since the circuit opened."""
        self._opened_logged = False
        self._last_open_line: float | None = None
        self._openings_left_out = 0

    @property
    def state(self) -> CircuitState:
        if self.opened_at is None:
            return "closed"
        if self.probing or self.clock() - self.opened_at >= self.open_s:
            return "half_open"
        return "open"

    def refuses(self) -> bool:
        """Whether ``admit()`` would raise now (open and cooling down, or a probe in flight); changes nothing."""
        if self.opened_at is None:
            return False
        return self.probing or self.opened_at + self.open_s - self.clock() > 0

    def admit(self) -> bool:
        """Let a call through (True when it is the half-open probe) or raise ``ReviewerCircuitOpen``."""
        if self.opened_at is None:
            return False
        left = self.opened_at + self.open_s - self.clock()
        if self.probing or left > 0:
            self.refused += 1
            why = "a probe call is in flight" if self.probing else f"the next probe call in {left:.1f}s"
            raise ReviewerCircuitOpen(
                f"{self.provider}:{self.model}: the circuit is open after {self.threshold} consecutive outage "
                f"failures; no call made ({why})",
                attempts=0,
            )
        self.probing = True
        return True

    def answered(self, probe: bool) -> None:
        """The vendor answered (a verdict, or an error it sent): it is up."""
        self.failures = 0
        if self.opened_at is not None:
            self._close()

    def failed(self, exc: BaseException, probe: bool) -> None:
        """A call ended with ``exc``: an outage counts (and may open the circuit), an answer closes it."""
        if not is_outage(exc):
            if isinstance(exc, ReviewerError) and not isinstance(exc, _OURS) and exc.attempts > 0:
                self.answered(probe)  # the vendor sent it: invalid output, an abstention, a 4xx, a 429
            else:
                self.released(probe)  # no call made, or not a reviewer failure: it tells nothing about the vendor
            return
        if self.threshold <= 0:
            return
        if self.opened_at is not None:
            if probe and self.probing:  # the probe met the outage: open again for a whole cool-down
                self.probing = False
                self.opened_at = self.clock()
                self._log_open(exc, again=True)
            return  # a call started before the opening, failing late: the circuit is open already
        self.failures += 1
        if self.failures >= self.threshold:
            self.opened_at = self.clock()
            self.refused = 0
            self._log_open(exc, again=False)
            if self.on_change is not None:
                self.on_change(True)

    def released(self, probe: bool) -> None:
        """An admitted call ended without telling whether the vendor is up; a probe's turn goes to the next call."""
        if probe:
            self.probing = False

    def _close(self) -> None:
        opened_at = self.opened_at if self.opened_at is not None else self.clock()
        self.opened_at, self.probing, self.failures = None, False, 0
        if self._opened_logged:
            self._opened_logged = False
            log.info(
                "reviewer %s:%s circuit closed: a probe call was answered after %.0fs open; %d call(s) failed at "
                "once as reviewer_circuit_open meanwhile",
                self.provider,
                self.model,
                self.clock() - opened_at,
                self.refused,
            )
        if self.on_change is not None:
            self.on_change(False)

    def _log_open(self, exc: BaseException, *, again: bool) -> None:
        now = self.clock()
        if self._last_open_line is not None and now - self._last_open_line < self.log_interval:
            self._openings_left_out += 1
            return
        left_out = self._openings_left_out
        since = now - self._last_open_line if self._last_open_line is not None else 0.0
        self._last_open_line, self._openings_left_out, self._opened_logged = now, 0, True
        code = getattr(exc, "code", type(exc).__name__)
        status = getattr(exc, "status", None)
        last = f"{code}" + (f" HTTP {status}" if status is not None else "")
        more = f"; {left_out} more opening(s) in the last {since:.0f}s" if left_out else ""
        if again:
            log.warning(
                "reviewer %s:%s circuit open again: the probe call failed (%s); calls fail at once as "
                "reviewer_circuit_open, next probe in %gs%s",
                self.provider,
                self.model,
                last,
                self.open_s,
                more,
            )
        else:
            log.warning(
                "reviewer %s:%s circuit open after %d consecutive outage failures (last: %s); calls fail at once as "
                "reviewer_circuit_open, a probe call in %gs%s",
                self.provider,
                self.model,
                self.threshold,
                last,
                self.open_s,
                more,
            )


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
    """A ``Reviewer`` behind a bulkhead, a shared rate budget and a shared circuit breaker; the same protocol as
    the one it wraps."""

    def __init__(
        self, inner: Reviewer, bulkhead: Bulkhead, budget: RateBudget, breaker: CircuitBreaker | None = None
    ) -> None:
        self.inner, self.bulkhead, self.budget, self.breaker = inner, bulkhead, budget, breaker
        self.provider = inner.provider
        self.model = inner.model
        self.request_attributes: dict[str, Any] = getattr(inner, "request_attributes", None) or {}
        """The wrapped reviewer's request-side span attributes (the graph sets them on its GenAI span)."""

    @property
    def circuit_open(self) -> bool:
        """A call now would be refused by the open circuit, without a request (``ReviewerCircuitOpen``)."""
        return self.breaker is not None and self.breaker.refuses()

    @property
    def refuses_now(self) -> bool:
        """A call now would be refused at once, without a request: every in-flight slot is taken (``ReviewerBusy``)
        or the circuit is open (``ReviewerCircuitOpen``). The graph then makes no GenAI client span for it (a span
        with no call would read as a vendor call in Jaeger). Nothing awaits between this and ``review``'s checks."""
        return self.bulkhead.in_use >= self.bulkhead.limit or self.circuit_open

    async def review(self, item: ReviewItem) -> ReviewerResult:
        if not self.bulkhead.try_acquire():
            busy = ReviewerBusy(
                f"{self.bulkhead.limit} reviewer calls already in flight for {self.bulkhead.name}", attempts=0
            )
            log_failure(busy, self.provider, self.model)  # on-call sees why reviews escalate without a call
            raise busy
        breaker, probe, told = self.breaker, False, False
        try:
            if breaker is not None:
                try:
                    probe = breaker.admit()
                except ReviewerCircuitOpen as refused:
                    log_failure(refused, self.provider, self.model)
                    raise
            try:
                await self.budget.wait(item.remaining(), self.bulkhead.name)
            except ReviewerBusy as busy:
                log_failure(busy, self.provider, self.model)
                raise
            given = item.remaining()
            try:
                result = await self.inner.review(item)
            except ReviewerError as exc:
                self.budget.learn(exc)
                if breaker is not None:
                    told = True
                    if isinstance(exc, ReviewerTimeout) and given < cut_short_s(item):
                        breaker.released(probe)  # the caller's short deadline, not the vendor, may have ended it
                    else:
                        breaker.failed(exc, probe)
                raise
            if breaker is not None:
                told = True
                breaker.answered(probe)
            return result
        finally:
            if breaker is not None and not told:
                breaker.released(probe)  # held by the budget, cancelled, or an unexpected exception
            self.bulkhead.release()

    async def aclose(self) -> None:
        """The pool closes the wrapped reviewers itself."""


class Bulkheads:
    """One bulkhead per (domain, role); one rate budget and one circuit breaker per underlying reviewer.

    ``circuit_failures`` 0 (the default here; ``ReviewerPool`` passes the settings) builds no breakers.
    ``on_circuit(provider, model, is_open)`` hears each breaker when it is built (closed) and when it opens or
    closes (``/metrics``). ``clock`` is the breakers' (tests replace it).
    """

    def __init__(
        self,
        limit: int,
        *,
        circuit_failures: int = 0,
        circuit_open_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.circuit_failures, self.circuit_open_s, self.clock = circuit_failures, circuit_open_s, clock
        self.on_circuit: Callable[[str, str, bool], None] | None = None
        self._guards: dict[tuple[Domain, str], GuardedReviewer] = {}
        self._budgets: dict[int, tuple[Reviewer, RateBudget, CircuitBreaker | None]] = {}

    def guard(self, domain: Domain, role: str, reviewer: Reviewer) -> GuardedReviewer:
        """The guarded reviewer for a domain's ``primary`` or ``fallback`` (built once, then reused)."""
        guarded = self._guards.get((domain, role))
        if guarded is None or guarded.inner is not reviewer:
            known = self._budgets.get(id(reviewer))
            if known is None or known[0] is not reviewer:
                known = self._budgets[id(reviewer)] = (reviewer, RateBudget(), self._breaker(reviewer))
                if hasattr(reviewer, "on_rate_limit"):
                    # The retry layer inside the reviewer reports each retry-after it honours, so a 429 that a
                    # retry then absorbed still holds off every other call to this vendor.
                    reviewer.on_rate_limit = known[1].note
            _, budget, breaker = known
            guarded = GuardedReviewer(reviewer, Bulkhead(f"{domain.value} {role}", self.limit), budget, breaker)
            self._guards[(domain, role)] = guarded
        return guarded

    def _breaker(self, reviewer: Reviewer) -> CircuitBreaker | None:
        if self.circuit_failures <= 0:
            return None
        provider, model = reviewer.provider, reviewer.model

        def changed(is_open: bool) -> None:
            if self.on_circuit is not None:
                self.on_circuit(provider, model, is_open)

        breaker = CircuitBreaker(
            provider,
            model,
            failures=self.circuit_failures,
            open_s=self.circuit_open_s,
            clock=lambda: self.clock(),
            on_change=changed,
        )
        changed(False)
        return breaker

    def watch_circuits(self, listener: Callable[[str, str, bool], None]) -> None:
        """Tell ``listener(provider, model, is_open)`` every breaker's state now and each change from now on."""
        self.on_circuit = listener
        for _, _, breaker in self._budgets.values():
            if breaker is not None:
                listener(breaker.provider, breaker.model, breaker.opened_at is not None)

    def in_use(self) -> dict[str, int]:
        """Calls in flight per bulkhead (for tests and ``/metrics``)."""
        return {g.bulkhead.name: g.bulkhead.in_use for g in self._guards.values()}

    def circuits(self) -> dict[str, CircuitState]:
        """Each underlying reviewer's circuit, by ``provider:model`` (for tests and operators)."""
        return {
            f"{breaker.provider}:{breaker.model}": breaker.state
            for _, _, breaker in self._budgets.values()
            if breaker is not None
        }
