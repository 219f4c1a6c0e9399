"""A bounded soak: a real ``oversight serve`` against a fake model server that injects faults.

Shared by ``tests/reliability/test_soak.py`` (about a minute in CI) and ``bench/soak.py`` (minutes).
The reviewer is the real Anthropic adapter; the fake server answers a seeded mix of verdicts, latency,
429 with ``retry-after``, 5xx, dropped connections and malformed output. Loopback only.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from service.policy.loader import load_policies
from tests.fakes.model_server import FakeModelServer, Reply
from tests.reliability.harness import CASES, ServerProcess

VENDOR_KEY = "sk-ant-api03-SOAKCANARY-0123456789abcdef"
HIGH_RISK = ("health", "finance", "cyber", "tool_use")

# (weight, reply factory): the fault mix.
FAULTS: list[tuple[float, str]] = [
    (0.45, "ok"),
    (0.10, "slow"),
    (0.12, "rate_limited"),
    (0.12, "server_error"),
    (0.11, "drop"),
    (0.05, "malformed"),
    (0.05, "block"),
]


class FaultyModelServer(FakeModelServer):
    """The shared fake model server with a seeded random fault instead of a script."""

    def __init__(self, seed: int = 0) -> None:
        super().__init__()
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()
        self.served: Counter[str] = Counter()

    def _next(self) -> Reply:
        with self._rng_lock:
            kind = self._rng.choices([k for _, k in FAULTS], weights=[w for w, _ in FAULTS])[0]
            latency = self._rng.uniform(0.2, 1.5)
            self.served[kind] += 1
            # Keep the recorded requests bounded over a long run.
            if len(self.requests) > 1000:
                del self.requests[:500]
        if kind == "ok":
            return Reply.ok()
        if kind == "slow":
            return Reply.slow(latency)
        if kind == "rate_limited":
            return Reply.rate_limited(retry_after=0.5)
        if kind == "server_error":
            return Reply.server_error(self._rng.choice([500, 502, 503, 529]))
        if kind == "drop":
            return Reply.drop()
        if kind == "malformed":
            return Reply.malformed()
        return Reply.ok(verdict="block", critique="Unsafe advice.", confidence=0.9)


@dataclass
class SoakReport:
    seconds: float = 0.0
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: int = 0
    high_risk: int = 0
    reviewer_verdicts: int = 0
    fail_closed: int = 0
    silent_approvals: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    verdicts: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    samples: list[tuple[float, int, int]] = field(default_factory=list)  # (t, rss KiB, fds)
    warmup_s: float = 0.0
    leaked_key_in_log: bool = False

    def after_warmup(self) -> list[tuple[float, int, int]]:
        return [s for s in self.samples if s[0] >= self.warmup_s]

    def figures(self) -> dict[str, Any]:
        steady = self.after_warmup()
        lat = sorted(self.latencies_ms)
        return {
            "seconds": round(self.seconds, 1),
            "requests": self.requests,
            "statuses": dict(self.statuses),
            "transport_errors": self.transport_errors,
            "high_risk": self.high_risk,
            "reviewer_verdicts": self.reviewer_verdicts,
            "fail_closed": self.fail_closed,
            "silent_approvals": self.silent_approvals,
            "reviewer_outcomes": dict(self.outcomes),
            "faults_served": dict(self.faults),
            "p50_ms": round(statistics.median(lat), 1) if lat else None,
            "p99_ms": round(lat[min(len(lat) - 1, int(0.99 * len(lat)))], 1) if lat else None,
            "rss_mib_after_warmup": round(steady[0][1] / 1024, 1) if steady else None,
            "rss_mib_end": round(steady[-1][1] / 1024, 1) if steady else None,
            "rss_mib_max": round(max(s[1] for s in steady) / 1024, 1) if steady else None,
            "fds_after_warmup": steady[0][2] if steady else None,
            "fds_end": steady[-1][2] if steady else None,
            "fds_max": max(s[2] for s in steady) if steady else None,
        }


def fail_closed_verdicts() -> dict[str, str]:
    """What each domain decides when its reviewer fails (``on_reviewer_error``)."""
    policies = load_policies(None)
    return {d.value: str(getattr(p.on_reviewer_error, "value", p.on_reviewer_error)) for d, p in policies.policies.items()}


def _check(decision: dict[str, Any], report: SoakReport, fail_closed: dict[str, str]) -> None:
    outcome = decision["reviewer_outcome"]["kind"]
    report.outcomes[f"{outcome}:{decision['reviewer_outcome'].get('error') or ''}".rstrip(":")] += 1
    report.verdicts[decision["verdict"]] += 1
    if decision["domain"] not in HIGH_RISK:
        return
    report.high_risk += 1
    if outcome == "verdict":
        report.reviewer_verdicts += 1
    elif decision["verdict"] == "approve":
        report.silent_approvals += 1  # a failed review became an approval in a high-risk domain
    else:
        report.fail_closed += 1
        expected = fail_closed.get(decision["domain"])
        # The domain's failure mode, or stricter (a policy block wins over an escalation).
        if decision["verdict"] not in (expected, "block"):
            report.silent_approvals += 1


async def _client(url: str, stop: float, report: SoakReport, worker: int, fail_closed: dict[str, str]) -> None:
    n = worker
    async with httpx.AsyncClient(base_url=url, timeout=60.0) as client:
        while time.monotonic() < stop:
            domain, question, answer = CASES[n % len(CASES)]
            n += 7
            body = {"domain": domain, "messages": [{"role": "user", "content": question}], "output": answer,
                    "timeout_ms": 5000}
            started = time.perf_counter()
            try:
                r = await client.post("/v1/reviews", json=body)
            except httpx.HTTPError:
                report.transport_errors += 1
                continue
            report.requests += 1
            report.latencies_ms.append((time.perf_counter() - started) * 1000)
            report.statuses[r.status_code] += 1
            if r.status_code == 200:
                _check(r.json(), report, fail_closed)


async def _sampler(server: ServerProcess, start: float, stop: float, report: SoakReport, every: float) -> None:
    while time.monotonic() < stop:
        report.samples.append((time.monotonic() - start, server.rss_kib(), server.open_fds()))
        await asyncio.sleep(every)
    report.samples.append((time.monotonic() - start, server.rss_kib(), server.open_fds()))


async def soak(
    tmp: Path, *, seconds: float, concurrency: int = 16, warmup: float = 0.3, seed: int = 0, every: float = 1.0,
    database_url: str | None = None,
) -> SoakReport:
    """Run the soak; ``warmup`` is the fraction of ``seconds`` after which RSS and descriptors must stay flat."""
    fake = FaultyModelServer(seed)
    fake.start()
    env = {"OVERSIGHT_REVIEWER": "anthropic:claude-test", "ANTHROPIC_API_KEY": VENDOR_KEY,
           "ANTHROPIC_BASE_URL": fake.anthropic_base_url, "OVERSIGHT_REVIEWER_MAX_ATTEMPTS": "3"}
    if database_url:
        env["OVERSIGHT_DATABASE_URL"] = database_url
    server = ServerProcess(tmp / "data", env, log_path=tmp / "soak-server.log")
    report = SoakReport(warmup_s=seconds * warmup)
    fail_closed = fail_closed_verdicts()
    try:
        server.start()
        start = time.monotonic()
        stop = start + seconds
        await asyncio.gather(
            _sampler(server, start, stop, report, every),
            *(_client(server.url, stop, report, i, fail_closed) for i in range(concurrency)),
        )
        report.seconds = time.monotonic() - start
    finally:
        server.stop()
        fake.stop()
    report.faults = Counter(fake.served)
    report.leaked_key_in_log = VENDOR_KEY in server.log_text() or VENDOR_KEY[-16:] in server.log_text()
    return report
