"""In-memory fakes for the graph's ports."""

from __future__ import annotations

from collections import deque

from service.reviewers.base import ReviewerResult, ReviewerVerdict, ReviewItem
from service.schemas import Decision


class ScriptedReviewer:
    """Answers from a script, in order; fails loudly when called more often than scripted."""

    def __init__(self, *script: ReviewerVerdict | Exception, provider: str = "fake", model: str = "scripted") -> None:
        self.script = deque(script)
        self.provider, self.model = provider, model
        self.items: list[ReviewItem] = []

    async def review(self, item: ReviewItem) -> ReviewerResult:
        self.items.append(item)
        if not self.script:
            raise AssertionError("ScriptedReviewer called more often than scripted")
        step = self.script.popleft()
        if isinstance(step, Exception):  # a ReviewerError, or a defect in an adapter
            raise step
        return ReviewerResult(verdict=step, provider=self.provider, model=self.model, prompt_version="test-1")

    async def aclose(self) -> None:
        return None


class FixedReviewers:
    def __init__(self, primary: ScriptedReviewer, fallback: ScriptedReviewer | None = None) -> None:
        self._primary, self._fallback = primary, fallback

    def primary(self, domain: object) -> ScriptedReviewer:
        return self._primary

    def fallback(self, domain: object) -> ScriptedReviewer | None:
        return self._fallback


class MemoryStore:
    def __init__(self) -> None:
        self.saved: list[tuple[Decision, str]] = []

    async def save_decision(self, decision: Decision, tenant: str) -> None:
        self.saved.append((decision, tenant))

    def latest(self, review_id: str) -> Decision:
        return [d for d, _ in self.saved if d.review_id == review_id][-1]
