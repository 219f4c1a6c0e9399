"""A job's stored options are honoured: `--resume --baseline-model`, and the API's in-process workers.

* `oversight audit --resume --baseline-model NAME@VERSION` checks the version against the job's turns, stores it
  with the job and writes the report against it (on both stores).
* The API's workers work a job created elsewhere (`oversight audit --submit-only ...`) with the job's lease, the
  smaller of its concurrency and the process's, and the job's own rpm on top of the process's budget.
* `OVERSIGHT_AUDIT_CONCURRENCY` bounds the process's reviews in flight across all open jobs together.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.audit.ratelimit import RateBudget
from service.cli import app
from service.main import create_app
from service.reviewers.base import ReviewerResult, ReviewerVerdict, ReviewItem
from service.settings import Settings
from service.vocabulary import Verdict
from tests.audit._helpers import VirtualClock, cli_env, mixed_sessions, session, write_jsonl


def invoke(args: list[str], settings: Settings) -> Any:
    env = cli_env(settings.data_dir, settings.database_url) | {"COLUMNS": "400"}
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


def _report(out: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads((out / "report.json").read_text())
    return report


# ---------------------------------------------------------------------------------------------------------
# (a) --resume --baseline-model
# ---------------------------------------------------------------------------------------------------------
def _submitted(tmp_path: Path, settings: Settings) -> Path:
    sessions = write_jsonl(tmp_path / "s.jsonl", mixed_sessions(2))  # brisk@2026.03 and brisk@2026.05
    out = tmp_path / "report"
    created = invoke(["audit", sessions, "--out", out, "--submit-only"], settings)
    assert created.exit_code == 0, created.output
    return out


def test_resume_with_a_baseline_model_compares_against_it_and_stores_it(tmp_path: Path,
                                                                       any_settings: Settings) -> None:
    out = _submitted(tmp_path, any_settings)
    resumed = invoke(["audit", "--resume", "--out", out, "--baseline-model", "brisk@2026.05"], any_settings)
    assert resumed.exit_code == 0, resumed.output
    report = _report(out)
    assert [c["baseline"] for c in report["comparisons"] if not c["by"]] == ["brisk@2026.05"]
    assert report["job"]["options"]["baseline_model"] == "brisk@2026.05"

    # A later --resume without the flag keeps the stored baseline ...
    (out / "report.json").unlink()
    again = invoke(["audit", "--resume", "--out", out], any_settings)
    assert again.exit_code == 0, again.output
    assert [c["baseline"] for c in _report(out)["comparisons"] if not c["by"]] == ["brisk@2026.05"]
    # ... and another one replaces it.
    other = invoke(["audit", "--resume", "--out", out, "--baseline-model", "brisk@2026.03"], any_settings)
    assert other.exit_code == 0, other.output
    assert [c["baseline"] for c in _report(out)["comparisons"] if not c["by"]] == ["brisk@2026.03"]
    assert _report(out)["job"]["options"]["baseline_model"] == "brisk@2026.03"


def test_resume_with_a_mistyped_baseline_model_is_the_same_usage_error_as_at_creation(
        tmp_path: Path, any_settings: Settings) -> None:
    out = _submitted(tmp_path, any_settings)
    typo = invoke(["audit", "--resume", "--out", out, "--baseline-model", "brisk@2026.5"], any_settings)
    assert typo.exit_code == 2, typo.output
    assert "'--baseline-model'" in typo.output and "'brisk@2026.5'" in typo.output
    assert "brisk@2026.03, brisk@2026.05" in typo.output
    assert not (out / "report.json").exists()  # nothing reviewed, nothing written
    # The job is untouched: resuming without the flag compares against the lowest version.
    fine = invoke(["audit", "--resume", "--out", out], any_settings)
    assert fine.exit_code == 0, fine.output
    report = _report(out)
    assert report["job"]["options"]["baseline_model"] is None
    assert [c["baseline"] for c in report["comparisons"] if not c["by"]] == ["brisk@2026.03"]


# ---------------------------------------------------------------------------------------------------------
# (b) the API's in-process workers and a job's stored options
# ---------------------------------------------------------------------------------------------------------
class GatedReviewer:
    """Approves; while the gate is shut every call waits in flight. Counts calls and in-flight calls per job.

    The job of a call is the first letter of its session id (`(case A0)` in the conversation).
    """

    provider, model = "fake", "gated-1"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open = False
        self._waiting: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
        self.in_flight: dict[str, int] = {}
        self.max_in_flight: dict[str, int] = {}
        self.max_total = 0
        """The most calls in flight at once, all jobs together."""
        self.calls: dict[str, int] = {}

    def open_gate(self) -> None:
        """Let every waiting call (and every later one) through; safe from the test's thread."""
        with self._lock:
            self._open = True
            for loop, event in self._waiting:
                loop.call_soon_threadsafe(event.set)

    async def _pass_gate(self) -> None:
        event = asyncio.Event()
        with self._lock:
            if self._open:
                return
            self._waiting.append((asyncio.get_running_loop(), event))
        await event.wait()

    @staticmethod
    def job_of(item: ReviewItem) -> str:
        text = item.prompt + " ".join(str(m.get("content")) for m in item.messages)
        return text.partition("(case ")[2][:1]

    def snapshot(self) -> tuple[dict[str, int], dict[str, int]]:
        with self._lock:
            return dict(self.in_flight), dict(self.calls)

    async def review(self, item: ReviewItem) -> ReviewerResult:
        job = self.job_of(item)
        with self._lock:
            self.calls[job] = self.calls.get(job, 0) + 1
            self.in_flight[job] = self.in_flight.get(job, 0) + 1
            self.max_in_flight[job] = max(self.max_in_flight.get(job, 0), self.in_flight[job])
            self.max_total = max(self.max_total, sum(self.in_flight.values()))
        try:
            await self._pass_gate()
        finally:
            with self._lock:
                self.in_flight[job] -= 1
        verdict = ReviewerVerdict(verdict=Verdict.approve, critique="fine", confidence=0.9)
        return ReviewerResult(verdict=verdict, provider=self.provider, model=self.model,
                              usage={"input_tokens": 100, "output_tokens": 20})

    async def aclose(self) -> None:
        return None


def _create(tmp_path: Path, settings: Settings, prefix: str, turns: int, *flags: str) -> str:
    """A job of ``turns`` one-turn sessions named ``<prefix>N``, created by `oversight audit --submit-only`."""
    rows = [session(f"{prefix}{i}", ["2026.03", "2026.05"][i % 2]) for i in range(turns)]
    sessions = write_jsonl(tmp_path / f"{prefix}.jsonl", rows)
    created = invoke(["audit", sessions, "--out", tmp_path / prefix, "--submit-only", *flags], settings)
    assert created.exit_code == 0, created.output
    return str(created.stdout.strip().splitlines()[-1])


def _wait(what: str, ready: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _leases_left(settings: Settings, job_id: str) -> list[float]:
    """Seconds until each claimed turn's lease of the job runs out, read from the store."""
    if settings.database_url:
        with psycopg.connect(settings.database_url) as conn:
            rows = conn.execute(
                "SELECT lease_until - extract(epoch from clock_timestamp()) FROM audit_turns "
                "WHERE job_id = %s AND status = 'claimed'", (job_id,)
            ).fetchall()
        return [float(r[0]) for r in rows]
    conn = sqlite3.connect(f"file:{settings.sqlite_path}?mode=ro", uri=True, timeout=10)
    try:
        rows = conn.execute("SELECT lease_until FROM audit_turns WHERE job_id = ? AND status = 'claimed'",
                            (job_id,)).fetchall()
    finally:
        conn.close()
    now = time.time()
    return [float(r[0]) - now for r in rows]


def test_api_workers_use_the_jobs_lease_and_concurrency(
        tmp_path: Path, any_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    slow = _create(tmp_path, any_settings, "A", 8, "--concurrency", "2", "--lease", "30")
    wide = _create(tmp_path, any_settings, "B", 10, "--concurrency", "4", "--lease", "50")
    monkeypatch.setenv("OVERSIGHT_AUDIT_CONCURRENCY", "6")  # room for both jobs' own concurrency
    monkeypatch.setenv("OVERSIGHT_AUDIT_LEASE_S", "600")
    reviewer = GatedReviewer()
    with TestClient(create_app(any_settings, reviewer=reviewer)) as client:
        def progress(job_id: str) -> dict[str, Any]:
            body: dict[str, Any] = client.get(f"/v1/audits/{job_id}").json()
            return body

        # Every review waits in flight: each job's workers claim one batch of turns and then hold it.
        _wait("both jobs' first claims", lambda: all(progress(j)["in_progress"] for j in (slow, wide)))
        assert progress(slow)["in_progress"] == 2  # each job's own concurrency
        assert progress(wide)["in_progress"] == 4
        _wait("the claimed turns at the reviewer", lambda: reviewer.snapshot()[0] == {"A": 2, "B": 4})
        # The claims carry the job's lease (30 s / 50 s), not the process's 600 s.
        slow_leases, wide_leases = _leases_left(any_settings, slow), _leases_left(any_settings, wide)
        assert len(slow_leases) == 2 and all(0 < s <= 30.5 for s in slow_leases), slow_leases
        assert len(wide_leases) == 4 and all(30.5 < s <= 50.5 for s in wide_leases), wide_leases

        reviewer.open_gate()
        _wait("both jobs done", lambda: all(progress(j)["status"] == "done" for j in (slow, wide)))
    assert reviewer.max_in_flight == {"A": 2, "B": 4}
    assert reviewer.calls == {"A": 8, "B": 10}


def test_the_process_concurrency_bounds_all_open_jobs_together(
        tmp_path: Path, any_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # Three jobs asking for 12 each; the process allows 4 reviews in flight, whatever the number of jobs.
    jobs = [_create(tmp_path, any_settings, prefix, 6, "--concurrency", "12") for prefix in "CDE"]
    monkeypatch.setenv("OVERSIGHT_AUDIT_CONCURRENCY", "4")
    reviewer = GatedReviewer()
    with TestClient(create_app(any_settings, reviewer=reviewer)) as client:
        def progress(job_id: str) -> dict[str, Any]:
            body: dict[str, Any] = client.get(f"/v1/audits/{job_id}").json()
            return body

        _wait("four reviews in flight", lambda: sum(reviewer.snapshot()[0].values()) >= 4)
        time.sleep(0.5)  # time for every job's worker to claim, if it could
        assert sum(reviewer.snapshot()[0].values()) == 4
        # The other jobs' turns stay unclaimed (left for other processes), not claimed and held back.
        assert sum(progress(j)["in_progress"] for j in jobs) == 4

        reviewer.open_gate()
        _wait("every job done", lambda: all(progress(j)["status"] == "done" for j in jobs))
    assert reviewer.max_total == 4
    assert reviewer.calls == {"C": 6, "D": 6, "E": 6}


async def test_a_jobs_budget_paces_that_job_and_spends_from_the_process_budget() -> None:
    clock = VirtualClock()
    process = RateBudget(rpm=1200, burst_s=0.0, clock=clock, sleep=clock.sleep)  # 50 ms apart, for all jobs
    slow = RateBudget(rpm=300, burst_s=0.0, clock=clock, sleep=clock.sleep, parent=process)  # 200 ms apart
    stamps = []
    for _ in range(3):
        await slow.acquire(10)
        stamps.append(clock.now)
    assert [round(b - a, 6) for a, b in itertools.pairwise(stamps)] == [0.2, 0.2]  # the job's own pace
    assert (slow.stats.requests, process.stats.requests) == (3, 3)
    # The job's last request took the process's next slot: another job's request waits the process's 50 ms.
    before = clock.now
    await process.acquire(10)
    assert round(clock.now - before, 6) == 0.05
    slow.pause(2.0)  # a retry-after answered to the job's call pauses the shared budget
    assert process.stats.paused_s == 2.0


def test_api_workers_spend_a_jobs_own_rpm_on_top_of_the_process_budget(
        tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # One request a minute for job A: its first review goes out at once, its second waits a minute.
    held = _create(tmp_path, settings, "A", 2, "--rpm", "1")
    free = _create(tmp_path, settings, "B", 6)
    monkeypatch.setenv("OVERSIGHT_AUDIT_RPM", "600000")  # the process's budget: never the limit here
    reviewer = GatedReviewer()
    reviewer.open_gate()
    with TestClient(create_app(settings, reviewer=reviewer)) as client:
        def progress(job_id: str) -> dict[str, Any]:
            body: dict[str, Any] = client.get(f"/v1/audits/{job_id}").json()
            return body

        _wait("job B done and job A's first review",
              lambda: progress(free)["status"] == "done" and reviewer.snapshot()[1].get("A", 0) >= 1)
        # Job B (no rpm of its own) finished; job A sent one request and holds its second turn for its budget.
        assert reviewer.snapshot()[1] == {"A": 1, "B": 6}
        a = progress(held)
        assert (a["status"], a["done"], a["in_progress"]) == ("running", 1, 1)
        # Both jobs' requests went through the process's shared budget too.
        assert client.app.state.audits.budget.stats.requests == 7  # type: ignore[attr-defined]


@pytest.mark.parametrize("lease", ["0", "-5", "0.5"])
def test_a_lease_under_a_second_is_a_usage_error(tmp_path: Path, lease: str) -> None:
    # --lease -5 was stored, and every claimed turn was at once claimable again: turns were reviewed 3 times.
    sessions = write_jsonl(tmp_path / "s.jsonl", [session("a0", "2026.03")])
    result = CliRunner().invoke(app, ["audit", str(sessions), "--out", str(tmp_path / "out"), "--lease", lease,
                                      "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 2 and "--lease" in result.output, result.output
    assert not (tmp_path / "out" / "report.json").exists()
