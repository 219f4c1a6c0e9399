"""Audit throughput and rate-limit utilisation.

    .venv/bin/python bench/audit.py            # about 3 minutes
    .venv/bin/python bench/audit.py --quick    # about 1 minute
    .venv/bin/python bench/audit.py --only-long --long 5000    # the long session alone, 5,000 and 10,000 turns

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
4. **One long session** (local reviewer): a synthetic Claude Code transcript of N and of 2N turns (a prompt, a
   tool call and its result before each answer), read, submitted and worked through like ``oversight audit``.
   Prints the time per turn at N and 2N and their ratio (about 1 when the cost is linear in the turns, about 2
   when it is quadratic), against a floor measured in the same run: the N-turn session's turns reviewed by
   ``runtime.review`` directly (no reading, no job store). ``--long N`` sets N (default 1000; ``--quick`` 400).
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


WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima",
         "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey",
         "xray", "yankee", "zulu"]


def claude_transcript(turns: int, session_id: str = "bench-long-session") -> bytes:
    """A Claude Code transcript of ``turns`` text answers, each after a prompt of its own (no two alike: every
    later prompt is a candidate re-ask) and a Bash call with its result."""
    import orjson

    lines: list[bytes] = []
    parent: str | None = None

    def entry(kind: str, message: dict[str, Any]) -> None:
        nonlocal parent
        uuid = f"u-{len(lines):08d}"
        lines.append(orjson.dumps({
            "parentUuid": parent, "isSidechain": False, "userType": "external", "cwd": "/repo",
            "sessionId": session_id, "version": "1.0.98", "gitBranch": "main", "type": kind, "message": message,
            "uuid": uuid, "timestamp": f"2025-09-03T{len(lines) // 3600 % 24:02d}:{len(lines) // 60 % 60:02d}:"
                                      f"{len(lines) % 60:02d}.000Z"}))
        parent = uuid

    model = "claude-sonnet-4-20250514"
    for i in range(turns):
        w = [WORDS[(i * k + 3) % len(WORDS)] + str(i) for k in (1, 3, 7)]
        entry("user", {"role": "user", "content": f"Please update the {w[0]} handler so {w[1]} stops calling {w[2]}"})
        call = f"toolu_{i:08d}"
        entry("assistant", {"id": f"msg_{i}a", "type": "message", "role": "assistant", "model": model, "content": [
            {"type": "tool_use", "id": call, "name": "Bash", "input": {"command": f"pytest -q tests/test_{w[0]}.py"}}]})
        entry("user", {"role": "user", "content": [{"tool_use_id": call, "type": "tool_result",
                                                    "content": "3 passed in 0.02s"}]})
        entry("assistant", {"id": f"msg_{i}b", "type": "message", "role": "assistant", "model": model, "content": [
            {"type": "text", "text": f"I changed the {w[0]} handler; {w[1]} no longer calls {w[2]} and the tests "
                                     "pass."}]})
    return b"\n".join(lines) + b"\n"


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
                  whole: bool = False) -> tuple[float, int, int, list[dict[str, Any]]]:
    """Submit ``data`` and work the job through; the time of the work (``whole``: of reading and submitting too)."""
    jobs = SqliteJobStore(db)
    await jobs.setup()
    try:
        started = time.perf_counter()
        parsed = parse_input(data)
        job_id = await submit(jobs, parsed)
        worker = AuditWorker(audit_runtime(runtime, budget), jobs, job_id, concurrency=concurrency)
        if not whole:
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


async def graph_floor(runtime: Runtime, data: bytes, *, concurrency: int) -> float:
    """Seconds to review every turn of ``data`` through the graph alone (no job store), ``concurrency`` at a time:
    the floor the audit path is measured against."""
    plain = audit_runtime(runtime)
    requests = [ReviewRequest.model_validate(t.request) for t in parse_input(data).turns]
    sem = asyncio.Semaphore(concurrency)

    async def one(r: ReviewRequest) -> None:
        async with sem:
            await plain.review(r, "bench", mode="label")

    started = time.perf_counter()
    await asyncio.gather(*(one(r) for r in requests))
    return time.perf_counter() - started


async def local(tmp: Path, sessions: int) -> bool:
    data = sessions_jsonl(sessions)
    async with Runtime.open(Settings(data_dir=tmp / "local")) as runtime:
        floor = await graph_floor(runtime, data, concurrency=32)
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


async def long_session(tmp: Path, turns: int) -> bool:
    """Time per turn of one N-turn and one 2N-turn session, the whole audit path, and the graph-only floor."""
    per_turn: dict[int, float] = {}
    async with Runtime.open(Settings(data_dir=tmp / "long")) as runtime:
        for n in (turns, 2 * turns):
            data = claude_transcript(n)
            elapsed, _, n_turns, results = await run_job(runtime, data, tmp / "long" / f"jobs-{n}.sqlite",
                                                         budget=None, concurrency=16, whole=True)
            lost, dup = check(results, n_turns)
            if n_turns != n or lost or dup:
                print(f"[long session]    {n} turns expected, {n_turns} read, lost {lost}, duplicated {dup}")
                return False
            per_turn[n] = elapsed / n
        floor = await graph_floor(runtime, claude_transcript(turns), concurrency=16) / turns
    growth = per_turn[2 * turns] / per_turn[turns]
    print(f"[long session]    one Claude Code transcript, read + submitted + reviewed: "
          f"{turns} turns {1000 * per_turn[turns]:.1f} ms/turn, {2 * turns} turns "
          f"{1000 * per_turn[2 * turns]:.1f} ms/turn; growth x{growth:.2f} per turn for 2x the turns "
          f"(linear ~1, quadratic ~2)")
    print(f"                  floor (graph only, {turns} turns): {1000 * floor:.1f} ms/turn; audit / floor = "
          f"{per_turn[turns] / floor:.2f} at {turns}, {per_turn[2 * turns] / floor:.2f} at {2 * turns}")
    return growth < 1.3  # quadratic reading or claiming showed x1.36 at 1000 / 2000 turns, x3.9 reading 2000 / 4000


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Shorter runs (about 1 minute in all).")
    parser.add_argument("--long", type=int, default=0, metavar="N", help="Turns of the long session (and 2N).")
    parser.add_argument("--only-long", action="store_true", help="Run the long-session measurement only.")
    args = parser.parse_args()
    long_turns = args.long or (400 if args.quick else 1000)
    if args.only_long:
        with tempfile.TemporaryDirectory() as tmp:
            ok = await long_session(Path(tmp), long_turns)
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    with tempfile.TemporaryDirectory() as tmp:
        ok = await local(Path(tmp), 600 if args.quick else 1500)
        ok &= await limited(Path(tmp), "600/min limit", 20 if args.quick else 60, budget_rpm=600)
        ok &= await limited(Path(tmp), "over budget  ", 10 if args.quick else 25, budget_rpm=900)
        ok &= await long_session(Path(tmp), long_turns)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
