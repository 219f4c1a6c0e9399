"""The reviewer rate budget: pacing, shared pauses on 429, and retries instead of failure verdicts."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any, ClassVar

import pytest

from service.audit.ratelimit import BudgetedReviewer, RateBudget, retry_after_of
from service.audit.worker import audit_runtime
from service.reviewers.base import (
    ReviewerRejected,
    ReviewerResult,
    ReviewerUnavailable,
    ReviewerVerdict,
    ReviewItem,
)
from service.runtime import Runtime
from service.schemas import ReviewRequest
from service.settings import Settings
from service.vocabulary import Verdict
from tests.audit._helpers import VirtualClock


class FlakyReviewer:
    """Answers 429 (with retry-after) for the first ``fail`` calls, then approves."""

    provider, model = "fake", "flaky-1"

    def __init__(self, fail: int, retry_after: float | None = 0.05) -> None:
        self.fail, self.retry_after, self.calls = fail, retry_after, 0

    async def review(self, item: ReviewItem) -> ReviewerResult:
        self.calls += 1
        if self.calls <= self.fail:
            exc = ReviewerUnavailable("HTTP 429 rate_limit_error")
            if self.retry_after is not None:
                exc.retry_after = self.retry_after  # type: ignore[attr-defined]
            raise exc
        verdict = ReviewerVerdict(verdict=Verdict.approve, critique="fine", confidence=0.9)
        return ReviewerResult(verdict=verdict, provider=self.provider, model=self.model,
                              usage={"input_tokens": 100, "output_tokens": 20})

    async def aclose(self) -> None:
        return None


def _item() -> Any:
    from service.policy.loader import load_policies
    from service.vocabulary import Domain

    policy = load_policies(None)[Domain.health]
    return ReviewItem(kind="answer", domain=Domain.health, policy=policy, output="Take 200 mg.", prompt="dose?",
                      deadline=time.monotonic() + 5)


def _budget(clock: VirtualClock, **kw: Any) -> RateBudget:
    return RateBudget(clock=clock, sleep=clock.sleep, **kw)


async def test_requests_are_paced_to_the_budget() -> None:
    clock = VirtualClock()
    budget = _budget(clock, rpm=1200, burst_s=0.0)  # one every 50 ms
    stamps = []
    for _ in range(6):
        await budget.acquire(10)
        stamps.append(clock.now)
    assert [round(b - a, 6) for a, b in itertools.pairwise(stamps)] == [0.05] * 5


async def test_tokens_per_minute_are_paced_and_settled_with_real_usage() -> None:
    clock = VirtualClock()
    budget = _budget(clock, tpm=6000, burst_s=0.0)  # 100 tokens a second
    await budget.acquire(100)
    budget.settle(100, 300)  # the call really used 300 tokens: 2 more seconds of debt
    start = clock.now
    await budget.acquire(100)
    assert round(clock.now - start, 6) == 3.0


async def test_a_429_pauses_the_shared_budget_and_the_turn_is_retried() -> None:
    inner = FlakyReviewer(fail=2, retry_after=0.05)
    budget = RateBudget(rpm=6000)
    reviewer = BudgetedReviewer(inner, budget)
    result = await reviewer.review(_item())
    assert result.verdict.verdict is Verdict.approve
    assert inner.calls == 3 and result.attempts == 3
    assert budget.stats.rate_limited == 2 and budget.stats.paused_s > 0


async def test_other_reviewer_errors_are_not_retried() -> None:
    class Rejecting(FlakyReviewer):
        async def review(self, item: ReviewItem) -> ReviewerResult:
            self.calls += 1
            raise ReviewerRejected("HTTP 400")

    inner = Rejecting(0)
    with pytest.raises(ReviewerRejected):
        await BudgetedReviewer(inner, RateBudget(rpm=6000)).review(_item())
    assert inner.calls == 1


def test_retry_after_is_read_from_the_http_response_behind_the_error() -> None:
    class Response:
        headers: ClassVar[dict[str, str]] = {"retry-after": "7"}

    class SdkError(Exception):
        response = Response()

    try:
        try:
            raise SdkError("429")
        except SdkError as inner:
            raise ReviewerUnavailable("exhausted") from inner
    except ReviewerUnavailable as exc:
        assert retry_after_of(exc) == 7.0


async def test_in_an_audit_a_rate_limited_review_is_labelled_not_failed(tmp_path: Any) -> None:
    """Label mode would turn a reviewer error into on_reviewer_error (escalate); the budget retries instead."""
    inner = FlakyReviewer(fail=3, retry_after=0.01)
    request = ReviewRequest(domain="health", messages=[{"role": "user", "content": "How much ibuprofen a day?"}],
                            output="Up to 1,200 mg a day for adults; check the label and ask a pharmacist.")
    async with Runtime.open(Settings(data_dir=tmp_path), reviewer=inner) as runtime:
        plain = await runtime.review(request, "t", mode="label")
        assert plain.verdict is Verdict.escalate and plain.reviewer_outcome.kind.value == "error"
        inner.calls, inner.fail = 0, 3
        audit = audit_runtime(runtime, RateBudget(rpm=60_000))
        labelled = await audit.review(request, "t", mode="label")
    assert labelled.verdict is Verdict.approve and labelled.reviewer_outcome.kind.value == "verdict"
    assert inner.calls == 4


async def test_concurrent_workers_share_one_budget() -> None:
    clock = VirtualClock()
    budget = _budget(clock, rpm=600, burst_s=0.0)  # 100 ms apart
    stamps: list[float] = []

    async def worker() -> None:
        for _ in range(2):
            await budget.acquire(1)
            stamps.append(clock.now)

    await asyncio.gather(*(worker() for _ in range(3)))
    assert sorted(round(s - 1000.0, 6) for s in stamps) == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
