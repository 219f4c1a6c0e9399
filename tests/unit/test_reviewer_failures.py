"""Reviewer failures as recorded and logged: ``attempts`` is the number of HTTP calls (0 when none was made),
and a terminal failure is logged once, rate-limited per (provider, model, code)."""

from __future__ import annotations

import logging

import pytest

from service.bulkhead import Bulkhead, GuardedReviewer, RateBudget, ReviewerBusy
from service.reviewers._retry import FailureLog
from service.reviewers.base import ReviewerError, ReviewerRejected, ReviewerResult, ReviewerUnavailable, ReviewItem
from tests.unit._review_items import item


class NeverCalled:
    provider, model = "anthropic", "claude-test"
    calls = 0

    async def review(self, item: ReviewItem) -> ReviewerResult:
        self.calls += 1
        raise AssertionError("the bulkhead let a call through")

    async def aclose(self) -> None:
        return None


def test_an_error_made_without_a_call_counts_none() -> None:
    assert ReviewerError("x").attempts == 0 and ReviewerUnavailable("x").status is None


async def test_a_full_bulkhead_records_no_call() -> None:
    inner = NeverCalled()
    guarded = GuardedReviewer(inner, Bulkhead("health primary", 0), RateBudget())
    with pytest.raises(ReviewerBusy) as info:
        await guarded.review(item())
    assert info.value.attempts == 0 and inner.calls == 0


async def test_a_spent_rate_budget_records_no_call() -> None:
    inner = NeverCalled()
    budget = RateBudget(clock=lambda: 0.0)
    budget.note(60.0)  # the vendor said: wait a minute
    guarded = GuardedReviewer(inner, Bulkhead("health primary", 10), budget)
    with pytest.raises(ReviewerBusy) as info:
        await guarded.review(item(deadline_s=1.0))
    assert info.value.attempts == 0 and inner.calls == 0


async def test_a_review_held_by_the_bulkhead_or_the_rate_budget_is_logged(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every high-risk review escalated with reviewer_busy and the log said nothing: only a counter knew.
    from service.reviewers import _retry

    monkeypatch.setattr(_retry.log_failure, "_last", {})
    caplog.set_level(logging.WARNING, logger="oversight.reviewers")
    budget = RateBudget(clock=lambda: 0.0)
    budget.note(60.0)
    with pytest.raises(ReviewerBusy):
        await GuardedReviewer(NeverCalled(), Bulkhead("health primary", 10), budget).review(item(deadline_s=1.0))
    with pytest.raises(ReviewerBusy):
        await GuardedReviewer(NeverCalled(), Bulkhead("cyber primary", 0), RateBudget()).review(item())
    lines = [r.getMessage() for r in caplog.records if "reviewer_busy" in r.getMessage()]
    assert len(lines) == 1  # rate-limited per (provider, model, code), as every terminal failure is
    assert "anthropic:claude-test" in lines[0] and "asked to wait 60.0s" in lines[0]


def test_a_pydantic_quote_of_model_output_stays_out_of_the_failure_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="oversight.reviewers")
    bad = ReviewerError(
        "1 validation error for ReviewerVerdict\nverdict\n  Input should be 'approve' [type=enum, "
        "input_value='MODEL-OUTPUT-CANARY approve', input_type=str]"
    )
    assert FailureLog()(bad, "anthropic", "m")
    assert "MODEL-OUTPUT-CANARY" not in caplog.text and "input_value=…" in caplog.text


def test_the_failure_log_is_rate_limited_per_provider_model_and_code(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    log_failure = FailureLog(interval=60.0, clock=lambda: now[0])
    caplog.set_level(logging.WARNING, logger="oversight.reviewers")
    rejected = ReviewerRejected("anthropic:m: HTTP 401 authentication_error: invalid x-api-key", attempts=1, status=401)
    assert log_failure(rejected, "anthropic", "m")
    assert not log_failure(rejected, "anthropic", "m")  # the same failure again: counted, not logged
    assert not log_failure(rejected, "anthropic", "m")
    assert log_failure(ReviewerUnavailable("down", attempts=4, status=503), "anthropic", "m")  # another code
    assert log_failure(rejected, "anthropic", "other-model")  # another model
    assert log_failure(rejected, "openai", "m")  # another provider
    now[0] = 59.0
    assert not log_failure(rejected, "anthropic", "m")
    now[0] = 60.0
    assert log_failure(rejected, "anthropic", "m")
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 5 and all(r.levelno == logging.WARNING for r in caplog.records)
    assert lines[0] == (
        "reviewer anthropic:m failed: reviewer_rejected HTTP 401 after 1 HTTP call(s): "
        "anthropic:m: HTTP 401 authentication_error: invalid x-api-key"
    )
    assert "reviewer_unavailable HTTP 503 after 4 HTTP call(s)" in lines[1]
    assert lines[-1].endswith("; 3 more like it in the last 60s")
    now[0] = 200.0
    assert log_failure(rejected, "anthropic", "m")  # nothing was left out since the last line: no count
    assert "more like it" not in caplog.records[-1].getMessage()
