"""Back-pressure: caps on reviews in flight (per process, per API key), per-domain reviewer bulkheads, and a
shared rate budget per reviewer. Nothing here measures time: "quick" means "answered while N requests are
still held inside the reviewer".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from service.bulkhead import Bulkhead, GuardedReviewer, RateBudget, ReviewerBusy
from service.main import create_app
from service.policy.loader import load_policies
from service.reviewers.base import ReviewerResult, ReviewerUnavailable, ReviewerVerdict, ReviewItem
from service.settings import Settings
from service.vocabulary import Domain, Verdict

HEALTH = {
    "domain": "health",
    "messages": [{"role": "user", "content": "What dose of ibuprofen for a headache?"}],
    "output": "Take 200-400 mg every 4-6 hours, at most 1200 mg a day.",
}
FINANCE = {
    "domain": "finance",
    "messages": [{"role": "user", "content": "What is an index fund?"}],
    "output": "A fund that tracks a market index, such as the S&P 500, at low cost.",
}


class GateReviewer:
    """Approves, but holds every call in the ``held`` domains until ``release()``."""

    provider = "fake"
    model = "gate"

    def __init__(self, held: set[Domain]) -> None:
        self.held = held
        self._open = threading.Event()
        self._lock = threading.Lock()
        self.inside = 0
        self.calls: list[Domain] = []

    async def review(self, item: ReviewItem) -> ReviewerResult:
        import asyncio

        with self._lock:
            self.calls.append(item.domain)
        if item.domain in self.held:
            with self._lock:
                self.inside += 1
            try:
                await asyncio.to_thread(self._open.wait)
            finally:
                with self._lock:
                    self.inside -= 1
        verdict = ReviewerVerdict(verdict=Verdict.approve, critique="Accurate and safe.", confidence=0.95)
        return ReviewerResult(verdict=verdict, provider=self.provider, model=self.model)

    def release(self) -> None:
        self._open.set()

    def wait_inside(self, n: int, timeout: float = 30.0) -> None:
        """Block until ``n`` calls are held (a precondition, not a timed assertion)."""
        end = time.monotonic() + timeout
        while self.inside < n:
            if time.monotonic() > end:
                raise AssertionError(f"only {self.inside} of {n} calls reached the reviewer")
            time.sleep(0.005)

    async def aclose(self) -> None:
        return None


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=16) as executor:
        yield executor


def _app(tmp_path: Path, reviewer: GateReviewer, **limits: Any) -> TestClient:
    return TestClient(create_app(Settings(data_dir=tmp_path / "data", audit_seed=0, **limits), reviewer=reviewer))


def _post(client: TestClient, body: dict[str, Any], key: str | None = None) -> Any:
    headers = {"authorization": f"Bearer {key}"} if key else {}
    return client.post("/v1/reviews", json=body, headers=headers)


def test_over_the_process_cap_the_answer_is_429_while_admitted_reviews_run(
    tmp_path: Path, pool: ThreadPoolExecutor
) -> None:
    gate = GateReviewer({Domain.health})
    with _app(tmp_path, gate, max_in_flight=3) as client:
        held = [pool.submit(_post, client, HEALTH) for _ in range(3)]
        gate.wait_inside(3)
        refused = _post(client, FINANCE)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "too_many_requests"
        assert int(refused.headers["retry-after"]) >= 1
        assert gate.inside == 3  # answered while all three admitted reviews were still held
        gate.release()
        assert [f.result().status_code for f in held] == [200, 200, 200]
        assert _post(client, FINANCE).status_code == 200  # the slots came back


def test_one_key_over_its_cap_does_not_block_another_key(tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    gate = GateReviewer({Domain.health})
    with _app(tmp_path, gate, max_in_flight=100, max_in_flight_per_key=2) as client:
        admin = client.post("/v1/keys", json={"role": "admin", "name": "ops"}).json()["key"]
        keys = [
            client.post("/v1/keys", json={"role": "client", "name": n}, headers={"authorization": f"Bearer {admin}"})
            .json()["key"]
            for n in ("app-a", "app-b")
        ]
        held: list[Future[Any]] = [pool.submit(_post, client, HEALTH, keys[0]) for _ in range(2)]
        gate.wait_inside(2)
        refused = _post(client, FINANCE, keys[0])
        assert refused.status_code == 429 and "retry-after" in refused.headers
        assert "for this key" in refused.json()["error"]["message"]
        other = pool.submit(_post, client, HEALTH, keys[1])
        gate.wait_inside(3)  # key B was admitted while key A is at its cap
        gate.release()
        assert other.result().status_code == 200
        assert [f.result().status_code for f in held] == [200, 200]


def test_a_stuck_reviewer_in_one_domain_leaves_other_domains_answered(tmp_path: Path, pool: ThreadPoolExecutor) -> None:
    gate = GateReviewer({Domain.health})
    with _app(tmp_path, gate, reviewer_max_in_flight=2) as client:
        held = [pool.submit(_post, client, HEALTH) for _ in range(2)]
        gate.wait_inside(2)
        # The health bulkhead is full: the next health review fails closed at once, not after the deadline.
        busy = _post(client, HEALTH)
        assert busy.status_code == 200
        decision = busy.json()
        assert decision["verdict"] == "escalate"
        assert decision["reviewer_outcome"]["kind"] == "error"
        assert decision["reviewer_outcome"]["error"] == "reviewer_busy"
        # Finance has its own bulkhead: the reviewer's verdict, while health is still stuck.
        finance = _post(client, FINANCE)
        assert finance.status_code == 200
        assert finance.json()["reviewer_outcome"]["kind"] == "verdict"
        assert finance.json()["verdict"] == "approve"
        assert gate.inside == 2
        gate.release()
        assert [f.result().json()["verdict"] for f in held] == ["approve", "approve"]


# -- the shared rate budget ---------------------------------------------------------------------------
class _RateLimited(Exception):
    status_code = 429

    def __init__(self, retry_after: str) -> None:
        super().__init__("HTTP 429 rate_limit_error")
        self.response = httpx.Response(429, headers={"retry-after": retry_after})


class _Vendor:
    """One vendor client: answers 429 (retry-after 30 s) until ``healthy``."""

    provider = "vendor"
    model = "m"

    def __init__(self) -> None:
        self.calls = 0
        self.healthy = False

    async def review(self, item: ReviewItem) -> ReviewerResult:
        self.calls += 1
        if not self.healthy:
            raise ReviewerUnavailable("HTTP 429 (retries exhausted)") from _RateLimited("30")
        verdict = ReviewerVerdict(verdict=Verdict.approve, critique="ok", confidence=0.9)
        return ReviewerResult(verdict=verdict, provider=self.provider, model=self.model)

    async def aclose(self) -> None:
        return None


def _item(domain: Domain, seconds: float) -> ReviewItem:
    policies = load_policies(None)
    return ReviewItem(
        kind="answer", domain=domain, policy=policies[domain], output="x", deadline=time.monotonic() + seconds
    )


async def test_a_vendor_429_is_respected_by_every_domain_sharing_the_reviewer() -> None:
    now = [1000.0]
    vendor = _Vendor()
    budget = RateBudget(clock=lambda: now[0])
    health = GuardedReviewer(vendor, Bulkhead("health primary", 10), budget)
    finance = GuardedReviewer(vendor, Bulkhead("finance primary", 10), budget)
    with pytest.raises(ReviewerUnavailable):
        await health.review(_item(Domain.health, 10))
    assert vendor.calls == 1
    # Within the vendor's retry-after, a call whose deadline ends first does not reach the vendor at all.
    for guarded in (health, finance):
        with pytest.raises(ReviewerBusy):
            await guarded.review(_item(Domain.finance, 10))
    assert vendor.calls == 1
    now[0] += 31  # the vendor's window has passed
    vendor.healthy = True
    result = await finance.review(_item(Domain.finance, 10))
    assert result.verdict.verdict is Verdict.approve and vendor.calls == 2


async def test_the_bulkhead_slot_is_returned_whatever_the_call_does() -> None:
    vendor = _Vendor()
    guarded = GuardedReviewer(vendor, Bulkhead("health primary", 1), RateBudget(clock=lambda: 0.0))
    for _ in range(3):
        with pytest.raises(ReviewerUnavailable):
            await guarded.review(_item(Domain.health, 10))
    assert guarded.bulkhead.in_use == 0
