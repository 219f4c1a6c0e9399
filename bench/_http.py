"""A small keep-alive HTTP/1.1 load generator on asyncio streams (loopback only, bounded runs).

Written here rather than using httpx: a pure-Python client's own CPU competes with the server on a
2-core machine, and this one does the minimum (one write, one read of content-length bytes).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    completed: int = 0
    """Every answer received, ramp and tail included (for CPU per request)."""
    cpu_s: float = 0.0
    """The server's CPU seconds over the run, when the caller measured it."""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        xs = sorted(self.latencies_ms)
        return xs[min(len(xs) - 1, int(q * len(xs)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")


async def _worker(
    port: int, path: str, bodies: list[bytes], stop: float, out: LoadResult, status_ok: int,
    start_at: float = 0.0, count_from: float = 0.0, first: int = 0,
) -> None:
    if start_at:
        await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = first
    try:
        while time.perf_counter() < stop:
            body = bodies[i % len(bodies)]
            i += 1
            head = (
                f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                f"content-length: {len(body)}\r\n\r\n"
            ).encode()
            t0 = time.perf_counter()
            writer.write(head + body)
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:].strip())
            await reader.readexactly(length)
            done = time.perf_counter()
            out.completed += 1
            if done < count_from or done > stop:  # throughput = answers completed inside the window
                continue
            out.latencies_ms.append((done - t0) * 1000)
            out.requests += 1
            if int(status_line.split()[1]) != status_ok:
                out.errors += 1
    finally:
        writer.close()


async def load(
    port: int, path: str, bodies: list[bytes], *, concurrency: int, seconds: float, ramp: float = 0.0,
    spread: bool = False,
) -> LoadResult:
    """Closed-loop load for ``seconds`` after an optional ramp.

    ``spread``: client ``i`` starts at body ``i * len(bodies) // concurrency`` instead of the first, so clients do
    not send the same body at the same moment (bodies that carry idempotency keys would coalesce).

    With ``ramp`` the clients start evenly spread over that many seconds and only requests sent after it are
    measured: clients that all start at the same instant stay synchronised in waves, which measures the
    start-up burst rather than the steady state.
    """
    out = LoadResult(0, 0, seconds, [])
    start = time.perf_counter()
    measured_from = start + ramp
    stop = measured_from + seconds
    await asyncio.gather(*(
        _worker(port, path, bodies, stop, out, 200,
                start_at=start + ramp * i / concurrency if ramp else 0.0, count_from=measured_from,
                first=i * len(bodies) // concurrency if spread else 0)
        for i in range(concurrency)
    ))
    out.seconds = seconds if ramp else time.perf_counter() - measured_from
    return out


def start_server(app: str, port: int, env: dict[str, str] | None = None, workers: int = 1) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
           "--log-level", "warning", "--no-access-log", "--backlog", "4096"]
    proc = subprocess.Popen(cmd, env={**os.environ, **(env or {})}, cwd=Path(__file__).resolve().parents[1])
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"server {app} exited with {proc.returncode}") from None
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"server {app} did not start")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
