"""Audit throughput and rate-limit utilisation.

    .venv/bin/python bench/audit.py            # about 1.5 minutes
    .venv/bin/python bench/audit.py --quick    # about 40 seconds

1. **Local reviewer**: sessions per second through the whole audit path (job store on SQLite, claims,
   review graph in label mode, results written per turn), against a floor measured in the same run: the same
   turns reviewed by ``runtime.review`` directly, with no job store. Prints the ratio.
2. **Rate-limited model reviewer**: an in-process fake ``Reviewer`` (not an HTTP server: the subject is the
   budget, not a wire format) that enforces 600 requests/min as a GCRA with a 1-second burst and answers
   anything beyond it with ``ReviewerUnavailable`` carrying ``retry_after`` (what the adapters raise on a
   429), after 80-200 ms of simulated latency. The audit's ``RateBudget`` is set to the same 600/min.
   Reports utilisation of the limit (accepted calls / (limit x wall time + the server's burst);
   target >= 95 %), 429s seen, and
   checks that no turn is lost or reviewed twice.
3. **Over-budget**: the same server, but the audit's budget is set 50 % too high, so the server's 429s and
   their ``retry-after`` do the limiting. Still no turn lost or duplicated.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.audit.jobs import SqliteJobStore  # noqa: E402
from service.audit.ratelimit import RateBudget  # noqa: E402
from service.audit.run import submit  # noqa: E402
from service.audit.sessions import parse_input  # noqa: E402
from service.audit.worker import AuditWorker, audit_runtime  # noqa: E402
from service.reviewers.base import ReviewerResult, ReviewerUnavailable, ReviewerVerdict, ReviewItem  # noqa: E402
from service.runtime import Runtime  # noqa: E402
from service.schemas import ReviewRequest  # noqa: E402
from service.settings import Settings  # noqa: E402
from service.vocabulary import Verdict  # noqa: E402

DOMAINS = ("health", "finance", "cyber")
ANSWERS = (
    "For most adults the label maximum for ibuprofen is 1,200 mg a day; check the label and ask a pharmacist.",
    "I'm sorry, but I can't help with that. Please consult a professional.",
    "Pay the 22% APR card first, keep a small emergency fund, then invest in a broad index fund.",
    "Generate a key with ssh-keygen -t ed25519 and disable password login in sshd_config.",
)


def sessions_jsonl(n: int) -> bytes:
    import orjson

    lines = []
    for i in range(n):
        messages: list[dict[str, Any]] = [
            {"role": "user", "content": f"Question {i}: how should I handle this {DOMAINS[i % 3]} matter?"},
            {"role": "assistant", "content": f"{ANSWERS[i % 4]} (ref {i}a)"},
        ]
        if i % 2 == 0:
            messages += [{"role": "user", "content": "And what else should I know?"},
                         {"role": "assistant", "content": f"{ANSWERS[(i + 1) % 4]} (ref {i}b)"}]
        lines.append(orjson.dumps({
            "session_id": f"s{i:06d}", "messages": messages, "domain": DOMAINS[i % 3], "locale": "en-US",
            "model": {"provider": "bench", "name": "fast", "version": ["1", "2"][i % 2]},
        }))
    return b"\n".join(lines) + b"\n"


class RateLimitedFakeReviewer:
    """A model reviewer that enforces ``rpm`` (GCRA, ``burst_s`` of burst) and 429s beyond it."""

    provider, model = "fake", "rate-limited-1"

    def __init__(self, rpm: float, burst_s: float = 1.0, latency: tuple[float, float] = (0.08, 0.2)) -> None:
        self.step = 60.0 / rpm
        self.tau = max(0.0, burst_s - self.step)
        self.tat = time.monotonic()
        self.latency = latency
        self.accepted = 0
        self.rejected = 0
        self.first: float | None = None
        self.last: float | None = None
        self.reviewed: Counter[str] = Counter()
        self.rng = random.Random(7)

    async def review(self, item: ReviewItem) -> ReviewerResult:
        now = time.monotonic()
        if now < self.tat - self.tau:  # over the limit: 429 with the exact wait
            self.rejected += 1
            await asyncio.sleep(0.01)
            exc = ReviewerUnavailable("HTTP 429 rate_limit_error: 600 requests per minute")
            exc.retry_after = round(self.tat - self.tau - now, 3)  # type: ignore[attr-defined]
            raise exc
        self.tat = max(self.tat, now) + self.step
        self.accepted += 1
        self.first = self.first if self.first is not None else now
        await asyncio.sleep(self.rng.uniform(*self.latency))
        self.reviewed[item.output] += 1
        self.last = time.monotonic()
        verdict = ReviewerVerdict(verdict=Verdict.approve, critique="fine", confidence=0.9,
                                  response_class=item.analysis.response_class)
        return ReviewerResult(verdict=verdict, provider=self.provider, model=self.model,
                              usage={"input_tokens": 400, "output_tokens": 60})

    async def aclose(self) -> None:
        return None


async def run_job(runtime: Runtime, data: bytes, db: Path, *, budget: RateBudget | None, concurrency: int,
                  ) -> tuple[float, int, int, list[dict[str, Any]]]:
    jobs = SqliteJobStore(db)
    await jobs.setup()
    try:
        parsed = parse_input(data)
        job_id = await submit(jobs, parsed)
        worker = AuditWorker(audit_runtime(runtime, budget), jobs, job_id, concurrency=concurrency)
        started = time.perf_counter()
        await worker.run()
        elapsed = time.perf_counter() - started
        results = await jobs.results(job_id)
        return elapsed, parsed.sessions, len(parsed.turns), results
    finally:
        await jobs.close()


def check(results: list[dict[str, Any]], turns: int) -> tuple[int, int]:
    ids = Counter(r["turn_id"] for r in results)
    lost = turns - len(ids)
    duplicated = sum(c - 1 for c in ids.values() if c > 1)
    return lost, duplicated


async def local(tmp: Path, sessions: int) -> bool:
    data = sessions_jsonl(sessions)
    async with Runtime.open(Settings(data_dir=tmp / "local")) as runtime:
        parsed = parse_input(data)
        plain = audit_runtime(runtime)
        requests = [ReviewRequest.model_validate(t.request) for t in parsed.turns]
        sem = asyncio.Semaphore(32)

        async def one(r: ReviewRequest) -> None:
            async with sem:
                await plain.review(r, "bench", mode="label")

        started = time.perf_counter()
        await asyncio.gather(*(one(r) for r in requests))
        floor = time.perf_counter() - started
        elapsed, n_sessions, n_turns, results = await run_job(runtime, data, tmp / "local" / "jobs.sqlite",
                                                              budget=None, concurrency=32)
    lost, dup = check(results, n_turns)
    print(f"[local reviewer]  {n_sessions} sessions / {n_turns} turns in {elapsed:.2f}s: "
          f"{n_sessions / elapsed:.0f} sessions/s, {n_turns / elapsed:.0f} turns/s")
    print(f"                  floor (graph only, no job store): {n_turns / floor:.0f} turns/s; "
          f"audit / floor = {floor / elapsed:.2f}; lost {lost}, duplicated {dup}")
    return lost == 0 and dup == 0


async def limited(tmp: Path, name: str, seconds: float, budget_rpm: float, server_rpm: float = 600.0) -> bool:
    turns_wanted = int(server_rpm / 60 * seconds)
    data = sessions_jsonl(int(turns_wanted / 1.5))
    fake = RateLimitedFakeReviewer(server_rpm)
    async with Runtime.open(Settings(data_dir=tmp / name), reviewer=fake) as runtime:
        budget = RateBudget(rpm=budget_rpm)
        fake.tat = time.monotonic()
        elapsed, n_sessions, n_turns, results = await run_job(runtime, data, tmp / name / "jobs.sqlite",
                                                              budget=budget, concurrency=64)
    lost, dup = check(results, n_turns)
    reviewed_twice = sum(c - 1 for c in fake.reviewed.values() if c > 1)
    not_reviewed = n_turns - len(fake.reviewed)
    failed = sum(1 for r in results if r.get("reviewer_outcome") != "verdict")
    burst = int(fake.tau / fake.step) + 1  # what the server lets through at once on top of the steady rate
    capacity = server_rpm / 60 * elapsed + burst
    utilisation = fake.accepted / capacity
    ok = lost == 0 and dup == 0 and reviewed_twice == 0 and not_reviewed == 0 and failed == 0
    print(f"[{name}]  budget {budget_rpm:.0f}/min, server limit {server_rpm:.0f}/min: {n_sessions} sessions / "
          f"{n_turns} turns in {elapsed:.1f}s ({n_sessions / elapsed:.2f} sessions/s)")
    print(f"                  accepted {fake.accepted}, 429s {fake.rejected}, budget paused "
          f"{budget.stats.paused_s:.1f}s; utilisation {utilisation:.1%} (target >= 95%)")
    print(f"                  lost {lost}, duplicated results {dup}, reviewed twice {reviewed_twice}, "
          f"never reviewed {not_reviewed}, reviewer failures recorded {failed}")
    return ok and utilisation >= 0.95


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Shorter runs (about 40 s in all).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ok = await local(Path(tmp), 600 if args.quick else 1500)
        ok &= await limited(Path(tmp), "600/min limit", 20 if args.quick else 60, budget_rpm=600)
        ok &= await limited(Path(tmp), "over budget  ", 10 if args.quick else 25, budget_rpm=900)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
