"""A review item for unit tests of the reviewer wrappers (bulkheads, rate budgets, the circuit breaker)."""

from __future__ import annotations

import time

from service.policy.model import DomainPolicy
from service.reviewers.base import ReviewItem
from service.vocabulary import Domain, OnReviewerError, Risk


def item(deadline_s: float = 5.0) -> ReviewItem:
    """A high-risk health answer with ``deadline_s`` seconds left."""
    policy = DomainPolicy(
        domain=Domain.health,
        version="t.1",
        description="t",
        risk_tier=Risk.high,
        on_reviewer_error=OnReviewerError.escalate,
    )
    return ReviewItem(
        kind="answer", domain=Domain.health, policy=policy, output="x", deadline=time.monotonic() + deadline_s
    )
