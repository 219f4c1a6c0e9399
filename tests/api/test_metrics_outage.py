"""/metrics during a reviewer outage: an answer whose review failed is counted with ``response_class="unknown"``.

Before, its class came from the local analysis (the model reviewer was down) while the reviewed answers' came from
the model reviewer, both under one ``response_class`` label: after an outage the refusal share of a fast model on
the dashboard moved though the fast model had not changed.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service.main import create_app
from service.reviewers.base import ReviewerResult, ReviewerUnavailable, ReviewerVerdict, ReviewItem
from service.settings import Settings
from service.vocabulary import ResponseClass, Verdict

PROMPT = "My child has a fever of 39 degrees. What dose of paracetamol is right?"
DECLINE = "I'm sorry, but I can't help with that."


class SwitchableReviewer:
    """A model reviewer that classes every answer as full compliance (its judgement, not the local analysis'), and is
    unreachable while ``down``."""

    provider = "fakevendor"
    model = "fake-reviewer-1"

    def __init__(self) -> None:
        self.down = False

    async def review(self, item: ReviewItem) -> ReviewerResult:
        if self.down:
            raise ReviewerUnavailable("503 after retries", attempts=4)
        verdict = ReviewerVerdict(
            verdict=Verdict.approve,
            critique="Fine.",
            response_class=ResponseClass.full_compliance,
            confidence=0.95,
        )
        return ReviewerResult(verdict=verdict, provider=self.provider, model=self.model, usage={})

    async def aclose(self) -> None:
        return None


def reviews_by_class(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == "oversight_reviews_total" and s.labels["fast_model"] == "fast-chat@v1":
                out[s.labels["response_class"]] = out.get(s.labels["response_class"], 0.0) + s.value
    return out


def test_answers_whose_review_failed_are_counted_as_unknown_not_with_the_local_analysis_class(tmp_path: Path) -> None:
    reviewer = SwitchableReviewer()
    app = create_app(Settings(data_dir=tmp_path / "data", audit_seed=0), reviewer=reviewer)

    def send(client: TestClient) -> dict[str, object]:
        response = client.post(
            "/v1/reviews",
            json={
                "domain": "health",
                "messages": [{"role": "user", "content": PROMPT}],
                "output": DECLINE,
                "model": {"provider": "acme", "name": "fast-chat", "version": "v1"},
            },
        )
        assert response.status_code == 200, response.text
        body: dict[str, object] = response.json()
        return body

    with TestClient(app) as client:
        reviewed = [send(client) for _ in range(4)]
        reviewer.down = True  # the vendor's outage
        failed = [send(client) for _ in range(4)]
        text = client.get("/metrics").text

    assert {d["reason"] for d in failed} == {"reviewer_error"}
    assert {d["response_class"] for d in reviewed} == {"full_compliance"}
    assert {d["response_class"] for d in failed} == {"refusal"}  # the local analysis' class, on the decision itself
    counted = reviews_by_class(text)
    # The reviewed answers keep the reviewer's class; the failed reviews are not counted as refusals.
    assert counted == {"full_compliance": 4, "unknown": 4}
    # The dashboard's refusal share (over the answers a review classed) is what the reviewer said: 0, not 50 %.
    classified = sum(v for k, v in counted.items() if k != "unknown")
    assert counted.get("refusal", 0) / classified == 0
