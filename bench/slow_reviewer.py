"""Hundreds of slow reviewer calls in flight on one process.

The service (one uvicorn worker) reviews with a reviewer that answers after 1.0 s; 500 concurrent clients
keep it busy for a bounded run. Clients start spread over a 3 s ramp that is not measured (clients started
in the same instant stay in synchronised waves, which measures a start-up burst, not the steady state). Printed against the ideal throughput (concurrency / latency) and the 1.0 s
latency floor, and against the same run on a plain async handler that only validates the body and sleeps
(no graph, no store): the floor for what one process can do with this client.

Usage: python bench/slow_reviewer.py [--concurrency 500] [--seconds 20] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._http import LoadResult, free_port, load, start_server, stop_server

BODY = json.dumps({
    "messages": [{"role": "user", "content": "What is a normal dose of ibuprofen for a headache in adults?"}],
    "output": "For adults, 200-400 mg every 4-6 hours as needed, up to 1,200 mg a day without a doctor's advice. "
              "Take it with food and check the label; ask a pharmacist if you take other medicines.",
    "domain": "health",
    "model": {"provider": "acme", "name": "fast-chat", "version": "2026-11"},
}).encode()


def cpu_seconds(pid: int) -> float:
    total = 0.0
    for p in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError):
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def run(app: str, concurrency: int, seconds: float, env: dict[str, str], ramp: float) -> tuple[LoadResult, float]:
    port = free_port()
    proc = start_server(app, port, env)
    try:
        asyncio.run(load(port, "/v1/reviews", [BODY], concurrency=min(concurrency, 50), seconds=3))  # warm-up
        time.sleep(2)
        c0 = cpu_seconds(proc.pid)
        result = asyncio.run(load(port, "/v1/reviews", [BODY], concurrency=concurrency, seconds=seconds, ramp=ramp))
        cpu = cpu_seconds(proc.pid) - c0
    finally:
        stop_server(proc)
    return result, cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--concurrency", type=int, default=500)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--delay", type=float, default=1.0)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--ramp", type=float, default=3.0,
                    help="seconds over which clients start (0: all at once, a synchronised burst)")
    args = ap.parse_args()
    seconds = 8.0 if args.quick else args.seconds
    ideal = args.concurrency / args.delay
    with tempfile.TemporaryDirectory() as tmp:
        env = {"OVERSIGHT_DATA_DIR": tmp, "BENCH_REVIEWER_DELAY": str(args.delay), "LANGSMITH_TRACING": "false",
               "OVERSIGHT_MAX_IN_FLIGHT": str(args.concurrency * 2),
               "OVERSIGHT_REVIEWER_MAX_IN_FLIGHT": str(args.concurrency * 2),
               "OVERSIGHT_MAX_IN_FLIGHT_PER_KEY": str(args.concurrency * 2)}
        rows = []
        for name, app in (("floor: plain async handler", "bench._slow_app:floor"),
                          ("oversight (graph + store)", "bench._slow_app:app")):
            result, cpu = run(app, args.concurrency, seconds, env, args.ramp)
            rows.append((name, result, cpu))
    print(f"slow reviewer {args.delay:.1f} s, {args.concurrency} concurrent clients, 1 worker, {seconds:.0f} s "
          f"measured after a {args.ramp:g} s ramp; ideal {ideal:.0f} req/s")
    for name, r, cpu in rows:
        print(f"  {name:<28} {r.rps:7.1f} req/s = {100 * r.rps / ideal:5.1f}% of ideal   "
              f"p50 {r.p50 / 1000:5.3f} s  p99 {r.pct(0.99) / 1000:5.3f} s  errors {r.errors}  "
              f"server CPU {1000 * cpu / max(r.completed, 1):.2f} ms/req")
    svc = rows[1][1]
    ok = svc.rps >= 0.9 * ideal and svc.pct(0.99) <= 1250
    print(f"  targets: >= 90% of ideal and p99 <= 1.25 s: {'PASS' if ok else 'FAIL'}")


if __name__ == "__main__":
    main()
