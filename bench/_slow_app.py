"""Apps for bench/slow_reviewer.py: the real service with a reviewer that answers after a fixed delay, and the
floor, a plain async handler that validates the same body and sleeps as long (no graph, no store)."""

from __future__ import annotations

import asyncio
import os
import time

from fastapi import FastAPI

from service.main import create_app
from service.reviewers.base import ReviewerResult, ReviewerVerdict, ReviewItem
from service.schemas import ReviewRequest
from service.settings import Settings
from service.vocabulary import Verdict

DELAY = float(os.environ.get("BENCH_REVIEWER_DELAY", "1.0"))


class SlowReviewer:
    """Approves after DELAY seconds, like a model that takes that long."""

    provider = "bench"
    model = "sleep"

    async def review(self, item: ReviewItem) -> ReviewerResult:
        started = time.perf_counter()
        await asyncio.sleep(DELAY)
        verdict = ReviewerVerdict(verdict=Verdict.approve, critique="ok", confidence=0.9)
        return ReviewerResult(verdict=verdict, provider=self.provider, model=self.model,
                              latency_ms=(time.perf_counter() - started) * 1000)

    async def aclose(self) -> None:
        return None


app = create_app(Settings(), reviewer=SlowReviewer())

floor = FastAPI()


@floor.post("/v1/reviews")
async def plain(body: ReviewRequest) -> dict[str, str]:
    await asyncio.sleep(DELAY)
    return {"verdict": "approve"}
