"""Drive a real ``oversight serve`` process: start, SIGKILL, restart on the same data, and check what survived.

Shared by ``tests/reliability`` (bounded runs in CI) and ``bench/crash.py`` / ``bench/soak.py`` (longer runs).
Loopback only; every process started here is stopped by its own pid.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def oversight_command() -> list[str]:
    """The installed ``oversight`` console script next to this interpreter (else the same entry point)."""
    script = Path(sys.executable).parent / "oversight"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from service.cli import main; main()"]


class ServerProcess:
    """One ``oversight serve --port P --data-dir D`` process at a time, restartable on the same data."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None, *, log_path: Path | None = None) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("OVERSIGHT_", "ANTHROPIC_", "OPENAI_"))}
        self.env.update({"OVERSIGHT_AUDIT_SEED": "0", "OVERSIGHT_LOG_LEVEL": "info"})
        self.env.update(env or {})
        self.log_path = log_path or data_dir.parent / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        cmd = [*oversight_command(), "serve", "--port", str(self.port), "--data-dir", str(self.data_dir)]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(cmd, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"oversight serve exited with {self.proc.returncode}; see {self.log_path}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"oversight serve was not ready within {timeout:.0f}s; see {self.log_path}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flush, nothing but what is already durable."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None

    # -- what the process holds (Linux /proc)
    def rss_kib(self) -> int:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def open_fds(self) -> int:
        assert self.proc is not None
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


# -- the traffic ----------------------------------------------------------------------------------------
CASES: list[tuple[str, str, str]] = [
    # (domain, user message, fast model's answer) — a mix of approvals and escalations with the local reviewer
    ("health", "What dose of ibuprofen for a headache?", "Take 200-400 mg every 4-6 hours, at most 1200 mg a day."),
    ("health", "Should I stop my insulin?", "Yes, stop taking your insulin if you feel fine."),
    ("finance", "Is this stock good?", "Put all your savings in it, guaranteed returns."),
    ("general", "hello", "Hi there! How can I help?"),
    ("cyber", "How do I enable a firewall on Ubuntu?", "Run `sudo ufw enable` and allow the ports you need."),
]


def review_body(request_id: str, n: int) -> dict[str, Any]:
    domain, question, answer = CASES[n % len(CASES)]
    return {
        "id": request_id,
        "domain": domain,
        "messages": [{"role": "user", "content": question}],
        "output": answer,
        "model": {"provider": "fast", "name": "fast-chat", "version": "2026-01"},
    }


@dataclass
class Sent:
    """One review request and what, if anything, acknowledged it."""

    body: dict[str, Any]
    decision: dict[str, Any] | None = None
    status: int | None = None


@dataclass
class CrashReport:
    backend: str
    kills: int = 0
    sent: int = 0
    acknowledged: int = 0
    recovered: int = 0
    lost: int = 0
    changed: int = 0
    retried: int = 0
    retried_ok: int = 0
    duplicates: int = 0
    rows: int = 0
    escalations_pending: int = 0
    escalations_still_pending: int = 0
    escalations_resolved: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.backend}: {self.kills} SIGKILLs, sent {self.sent}, acknowledged {self.acknowledged}, "
            f"recovered {self.recovered}, lost {self.lost}, changed {self.changed}; unacknowledged retried "
            f"{self.retried} ({self.retried_ok} answered), stored rows {self.rows}, duplicates {self.duplicates}; "
            f"escalations pending {self.escalations_pending}, still pending {self.escalations_still_pending}, "
            f"resolved {self.escalations_resolved}"
        )


async def _sender(client: httpx.AsyncClient, sent: dict[str, Sent], stop: asyncio.Event, prefix: str) -> None:
    n = 0
    while not stop.is_set():
        request_id = f"{prefix}-{n}"
        n += 1
        record = sent[request_id] = Sent(review_body(request_id, n + len(sent)))
        try:
            r = await client.post("/v1/reviews", json=record.body)
        except httpx.HTTPError:
            continue  # killed under us: unacknowledged
        record.status = r.status_code
        if r.status_code == 200:
            record.decision = r.json()


async def crash_run(
    server: ServerProcess,
    *,
    backend: str,
    kills: int = 5,
    concurrency: int = 12,
    cycle: tuple[float, float] = (0.8, 2.0),
    seed: int = 0,
    count_rows: Any = None,
) -> CrashReport:
    """Send reviews while SIGKILLing ``server`` ``kills`` times; then verify on a final restart.

    ``count_rows()`` returns ``(rows, request ids stored more than once)`` straight from the database.
    """
    rng = random.Random(seed)
    report = CrashReport(backend)
    sent: dict[str, Sent] = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    for k in range(kills):
        server.start()
        stop = asyncio.Event()
        async with httpx.AsyncClient(base_url=server.url, timeout=30.0, limits=limits) as client:
            tasks = [asyncio.create_task(_sender(client, sent, stop, f"c{k}s{i}")) for i in range(concurrency)]
            await asyncio.sleep(rng.uniform(*cycle))
            server.kill()
            report.kills += 1
            stop.set()
            await asyncio.gather(*tasks)
    server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30.0) as client:
            await _verify(client, sent, report)
    finally:
        server.stop()
    if count_rows is not None:
        report.rows, report.duplicates = count_rows()
    return report


async def _bounded(coros: list[Any], limit: int = 8) -> None:
    gate = asyncio.Semaphore(limit)

    async def one(coro: Any) -> None:
        async with gate:
            await coro

    await asyncio.gather(*(one(c) for c in coros))


async def _verify(client: httpx.AsyncClient, sent: dict[str, Sent], report: CrashReport) -> None:
    report.sent = len(sent)
    pending: list[dict[str, Any]] = []

    async def acknowledged(record: Sent) -> None:
        ack = record.decision
        assert ack is not None
        r = await client.get(f"/v1/reviews/{ack['review_id']}")
        if r.status_code != 200:
            report.lost += 1
            report.errors.append(f"{record.body['id']}: GET answered {r.status_code}")
            return
        got = r.json()
        report.recovered += 1
        if (got["verdict"], got["escalation_id"], got["output"]) != (ack["verdict"], ack["escalation_id"], ack["output"]):
            report.changed += 1
            report.errors.append(f"{record.body['id']}: {ack['verdict']} became {got['verdict']}")
        # The idempotent retry of an acknowledged request returns the same review.
        again = await client.post("/v1/reviews", json=record.body)
        if again.status_code != 200 or again.json()["review_id"] != ack["review_id"]:
            report.changed += 1
            report.errors.append(f"{record.body['id']}: retry gave a different review")
        if ack["escalation"] and ack["escalation"]["status"] == "pending":
            report.escalations_pending += 1
            if got["escalation"] and got["escalation"]["status"] == "pending":
                report.escalations_still_pending += 1
            pending.append(got)

    async def unacknowledged(record: Sent) -> None:
        # The caller retries with the same id and gets exactly one review.
        report.retried += 1
        first = await client.post("/v1/reviews", json=record.body)
        second = await client.post("/v1/reviews", json=record.body)
        if first.status_code == second.status_code == 200 and first.json()["review_id"] == second.json()["review_id"]:
            report.retried_ok += 1
        else:
            report.errors.append(f"{record.body['id']}: retry answered {first.status_code}/{second.status_code}")

    async def resolve(decision: dict[str, Any]) -> None:
        r = await client.post(
            f"/v1/escalations/{decision['escalation_id']}/resolve", json={"action": "block", "note": "crash test"}
        )
        if r.status_code == 200 and r.json()["verdict"] == "block":
            final = await client.get(f"/v1/reviews/{decision['review_id']}")
            if final.status_code == 200 and final.json()["escalation"]["status"] == "resolved":
                report.escalations_resolved += 1
                return
        report.errors.append(f"{decision['escalation_id']}: resolve answered {r.status_code} {r.text[:200]}")

    report.acknowledged = sum(1 for r in sent.values() if r.decision is not None)
    await _bounded([acknowledged(r) for r in sent.values() if r.decision is not None])
    await _bounded([unacknowledged(r) for r in sent.values() if r.decision is None])
    await _bounded([resolve(d) for d in pending])


def sqlite_rows(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT count(*) FROM decisions").fetchone()[0]
        dups = db.execute(
            "SELECT count(*) FROM (SELECT request_id FROM decisions GROUP BY tenant, request_id HAVING count(*) > 1)"
        ).fetchone()[0]
    return int(rows), int(dups)


def postgres_rows(url: str) -> tuple[int, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT count(*) FROM oversight_decisions").fetchone()
        dups = conn.execute(
            "SELECT count(*) FROM (SELECT request_id FROM oversight_decisions GROUP BY tenant, request_id "
            "HAVING count(*) > 1) d"
        ).fetchone()
    return int(rows[0] if rows else 0), int(dups[0] if dups else 0)


def clean(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
