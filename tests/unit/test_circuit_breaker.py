"""The reviewer circuit breaker's rules (``service.bulkhead``): what counts as an outage, one probe at a time,
outcomes that tell nothing, the open/close log lines, and the switch that turns it off. The end-to-end behaviour
with the official SDK and the fake vendor is in ``tests/reliability/test_circuit_breaker.py``."""

from __future__ import annotations

import asyncio
import logging

import pytest

from service.bulkhead import (
    Bulkhead,
    Bulkheads,
    CircuitBreaker,
    GuardedReviewer,
    RateBudget,
    ReviewerBusy,
    ReviewerCircuitOpen,
    is_outage,
)
from service.reviewers.base import (
    ReviewerAbstained,
    ReviewerError,
    ReviewerInvalidOutput,
    ReviewerRejected,
    ReviewerResult,
    ReviewerTimeout,
    ReviewerUnavailable,
    ReviewerVerdict,
    ReviewItem,
)
from service.vocabulary import Domain, Verdict
from tests.unit._review_items import item


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Vendor:
    """Fails with ``error`` while it is set, else approves; a call waits for ``gate`` when one is set."""

    provider, model = "anthropic", "claude-test"

    def __init__(self) -> None:
        self.error: ReviewerError | None = ReviewerUnavailable("HTTP 500 api_error", attempts=1, status=500)
        self.calls = 0
        self.gate: asyncio.Event | None = None
        self.entered = asyncio.Event()
        """Set when a call waits at the gate."""

    async def review(self, item: ReviewItem) -> ReviewerResult:
        self.calls += 1
        if self.gate is not None:
            self.entered.set()
            await self.gate.wait()
        if self.error is not None:
            raise self.error
        verdict = ReviewerVerdict(verdict=Verdict.approve, critique="ok", confidence=0.9)
        return ReviewerResult(verdict=verdict, provider=self.provider, model=self.model)

    async def aclose(self) -> None:
        return None


def guarded(vendor: Vendor, clock: Clock, failures: int = 2, budget: RateBudget | None = None) -> GuardedReviewer:
    breaker = CircuitBreaker(vendor.provider, vendor.model, failures=failures, open_s=30.0, clock=clock)
    return GuardedReviewer(vendor, Bulkhead("health primary", 10), budget or RateBudget(), breaker)


async def trip(reviewer: GuardedReviewer, times: int = 2) -> None:
    for _ in range(times):
        with pytest.raises(ReviewerUnavailable):
            await reviewer.review(item())


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        (ReviewerUnavailable("connection failed", attempts=4), True),
        (ReviewerUnavailable("HTTP 500", attempts=4, status=500), True),
        (ReviewerUnavailable("HTTP 529 overloaded_error", attempts=4, status=529), True),
        (ReviewerTimeout("the reviewer did not answer before the deadline", attempts=1), True),
        (ReviewerTimeout("the deadline had passed before the first call", attempts=0), False),
        (ReviewerUnavailable("HTTP 429 rate_limit_error", attempts=4, status=429), False),
        (ReviewerUnavailable("HTTP 429 insufficient_quota", attempts=1, status=429), False),
        (ReviewerRejected("HTTP 400", attempts=1, status=400), False),
        (ReviewerRejected("HTTP 401 authentication_error", attempts=1, status=401), False),
        (ReviewerInvalidOutput("verdict invalid twice", attempts=2), False),
        (ReviewerAbstained("refusal", attempts=1, declined=True), False),
        (ReviewerBusy("bulkhead full", attempts=0), False),
        (ReviewerCircuitOpen("open", attempts=0), False),
        (ReviewerError("the reviewer failed unexpectedly (KeyError: 'x')", attempts=1), False),
    ],
)
def test_what_counts_as_an_outage(error: ReviewerError, outage: bool) -> None:
    assert is_outage(error) is outage


def test_the_circuit_open_error_is_an_unavailable_reviewer_with_its_own_code() -> None:
    refused = ReviewerCircuitOpen("open")
    assert isinstance(refused, ReviewerUnavailable) and not isinstance(refused, ReviewerBusy)
    assert refused.code == "reviewer_circuit_open" and refused.attempts == 0


async def test_while_half_open_only_one_probe_reaches_the_vendor() -> None:
    clock, vendor = Clock(), Vendor()
    reviewer = guarded(vendor, clock)
    await trip(reviewer)
    assert vendor.calls == 2 and reviewer.breaker is not None and reviewer.breaker.state == "open"
    clock.now += 30
    vendor.error, vendor.gate = None, asyncio.Event()
    probe = asyncio.create_task(reviewer.review(item()))
    await vendor.entered.wait()  # the probe is inside the vendor call
    assert reviewer.breaker.state == "half_open"
    for _ in range(3):  # meanwhile every other call fails at once, without a call
        with pytest.raises(ReviewerCircuitOpen) as info:
            await reviewer.review(item())
        assert info.value.attempts == 0 and "a probe call is in flight" in str(info.value)
    assert vendor.calls == 3
    vendor.gate.set()
    assert (await probe).verdict.verdict is Verdict.approve
    assert reviewer.breaker.state == "closed"
    await reviewer.review(item())
    assert vendor.calls == 4


async def test_a_probe_that_tells_nothing_gives_its_turn_to_the_next_call() -> None:
    clock, vendor = Clock(), Vendor()
    budget = RateBudget(clock=lambda: 0.0)
    reviewer = guarded(vendor, clock, budget=budget)
    await trip(reviewer)
    clock.now += 30
    # The probe is held by the vendor's retry-after past its deadline (ReviewerBusy): no call, no verdict on the
    # vendor, and the next call may probe.
    budget.note(60.0)
    with pytest.raises(ReviewerBusy):
        await reviewer.review(item(deadline_s=1.0))
    budget.until = 0.0
    # A cancelled probe (the client went away) does not keep the circuit half-open for good either.
    vendor.gate = asyncio.Event()
    probe = asyncio.create_task(reviewer.review(item()))
    await vendor.entered.wait()
    probe.cancel()
    with pytest.raises(asyncio.CancelledError):
        await probe
    vendor.gate, vendor.error = None, None
    assert (await reviewer.review(item())).verdict.verdict is Verdict.approve
    assert reviewer.breaker is not None and reviewer.breaker.state == "closed"


async def test_an_answer_resets_the_count_and_closes_the_circuit() -> None:
    clock, vendor = Clock(), Vendor()
    reviewer = guarded(vendor, clock, failures=2)
    await trip(reviewer, 1)
    vendor.error = ReviewerInvalidOutput("invalid twice", attempts=2)
    with pytest.raises(ReviewerInvalidOutput):
        await reviewer.review(item())
    vendor.error = ReviewerUnavailable("HTTP 503", attempts=1, status=503)
    await trip(reviewer, 1)
    assert reviewer.breaker is not None and reviewer.breaker.state == "closed"  # 1, answer, 1: never 2 in a row
    await trip(reviewer, 1)
    assert reviewer.breaker.state == "open"
    clock.now += 30
    vendor.error = ReviewerRejected("HTTP 400", attempts=1, status=400)  # the probe meets a 400: the vendor is up
    with pytest.raises(ReviewerRejected):
        await reviewer.review(item())
    assert reviewer.breaker.state == "closed"


async def test_zero_failures_builds_no_breaker() -> None:
    vendor = Vendor()
    bulkheads = Bulkheads(10, circuit_failures=0)
    reviewer = bulkheads.guard(Domain.health, "primary", vendor)
    for _ in range(10):
        with pytest.raises(ReviewerUnavailable) as info:
            await reviewer.review(item())
        assert info.value.code == "reviewer_unavailable"
    assert vendor.calls == 10 and reviewer.breaker is None and bulkheads.circuits() == {}


async def test_domains_and_roles_share_one_breaker_per_reviewer_and_the_gauge_hears_it() -> None:
    clock, vendor, other = Clock(), Vendor(), Vendor()
    other.model = "other-model"
    bulkheads = Bulkheads(10, circuit_failures=2, circuit_open_s=30.0, clock=clock)
    health = bulkheads.guard(Domain.health, "primary", vendor)
    heard: list[tuple[str, str, bool]] = []
    bulkheads.watch_circuits(lambda p, m, is_open: heard.append((p, m, is_open)))
    assert heard == [("anthropic", "claude-test", False)]  # the state now, for breakers built before
    finance = bulkheads.guard(Domain.finance, "fallback", vendor)
    bulkheads.guard(Domain.cyber, "primary", other)
    assert health.breaker is finance.breaker and heard[-1] == ("anthropic", "other-model", False)
    await trip(health, 1)
    await trip(finance, 1)
    assert heard[-1] == ("anthropic", "claude-test", True)
    assert bulkheads.circuits() == {"anthropic:claude-test": "open", "anthropic:other-model": "closed"}
    clock.now += 30
    vendor.error = None
    await health.review(item())
    assert heard[-1] == ("anthropic", "claude-test", False)


async def test_opening_and_closing_are_logged_once_each_and_rate_limited(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="oversight.reviewers")
    clock, vendor = Clock(), Vendor()
    reviewer = guarded(vendor, clock)

    def lines() -> list[str]:
        return [
            r.getMessage() for r in caplog.records if "circuit" in r.getMessage() and "failed:" not in r.getMessage()
        ]

    async def flap() -> None:  # two outages open it; after the cool-down the probe is answered
        vendor.error = ReviewerUnavailable("HTTP 502", attempts=1, status=502)
        await trip(reviewer)
        clock.now += 30
        vendor.error = None
        await reviewer.review(item())

    await flap()
    assert len(lines()) == 2
    assert "circuit open after 2 consecutive outage failures (last: reviewer_unavailable HTTP 502)" in lines()[0]
    assert "circuit closed" in lines()[1]
    await flap()  # 30 s after the first opening line: neither this opening nor its closing is logged
    assert len(lines()) == 2
    clock.now += 30
    await flap()  # a minute on: logged, saying how many openings were left out
    assert len(lines()) == 4 and lines()[2].endswith("; 1 more opening(s) in the last 90s")
    levels = [r.levelno for r in caplog.records if "circuit" in r.getMessage() and "failed:" not in r.getMessage()]
    assert levels == [logging.WARNING, logging.INFO, logging.WARNING, logging.INFO]
