"""Tracing overhead: in-process review time with spans on vs off, in the same process, alternating.

- **on**: the SDK ``TracerProvider`` + ``BatchSpanProcessor`` (the service's ``SafeSpanExporter`` around an
  exporter that drops everything), i.e. every span is created, attributed, ended and queued as in production,
  minus the network I/O, which happens on the processor's thread anyway;
- **off**: a ``NoOpTracerProvider`` (what ``OTEL_SDK_DISABLED=true`` amounts to).

The module-level tracers of ``service.runtime`` and ``graphs`` bind to the global provider once, so the
global provider here is a thin switch that forwards each ``start_span`` to the SDK or the no-op tracer; the
switch costs the same in both modes. Reviews run through ``Runtime.review`` (triage, policy check, the local
reviewer, decide, record to SQLite) — no HTTP. Each pair of reviews runs on then off or off then on (random
order), and medians are compared. The ratio is the figure; the floor is the same run's "off" time.

    .venv/bin/python bench/tracing_overhead.py [--reviews 1500] [--warmup 100]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult


class DropExporter(SpanExporter):
    def __init__(self) -> None:
        self.spans = 0

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.spans += len(spans)
        return SpanExportResult.SUCCESS


class _Switch:
    on = True


class SwitchTracer(trace.Tracer):
    def __init__(self, sdk: trace.Tracer, noop: trace.Tracer) -> None:
        self._sdk, self._noop = sdk, noop

    def start_span(self, *args: Any, **kwargs: Any) -> trace.Span:
        return (self._sdk if _Switch.on else self._noop).start_span(*args, **kwargs)

    @contextmanager
    def start_as_current_span(self, *args: Any, **kwargs: Any) -> Iterator[trace.Span]:  # type: ignore[override]
        with (self._sdk if _Switch.on else self._noop).start_as_current_span(*args, **kwargs) as span:
            yield span


class SwitchProvider(trace.TracerProvider):
    def __init__(self, sdk: TracerProvider) -> None:
        self._sdk, self._noop = sdk, trace.NoOpTracerProvider()

    def get_tracer(self, name: str, *args: Any, **kwargs: Any) -> trace.Tracer:  # type: ignore[override]
        return SwitchTracer(self._sdk.get_tracer(name, *args, **kwargs), self._noop.get_tracer(name))


REQUESTS: list[dict[str, Any]] = [
    {
        "domain": "health",
        "messages": [{"role": "user", "content": "My blood pressure pills make me tired. Should I stop?"}],
        "output": "Do not stop on your own; talk to your doctor, who may adjust the dose or switch the medicine.",
        "model": {"name": "fast-chat", "version": "2026-05"},
    },
    {
        "domain": "finance",
        "messages": [{"role": "user", "content": "Should I put my savings in one stock?"}],
        "output": "Putting all your savings in one stock is risky; a diversified index fund spreads that risk.",
        "model": {"name": "fast-chat", "version": "2026-05"},
    },
    {
        "domain": "health",
        "messages": [{"role": "user", "content": "What is a normal dose of ibuprofen?"}],
        "output": "I'm sorry, but I can't help with that request.",
        "model": {"name": "fast-chat", "version": "2026-05"},
    },
]


async def run(reviews: int, warmup: int, seed: int) -> dict[str, float]:
    from service.runtime import Runtime
    from service.schemas import ReviewRequest
    from service.settings import Settings
    from service.telemetry import SafeSpanExporter

    exporter = DropExporter()
    sdk = TracerProvider()
    sdk.add_span_processor(BatchSpanProcessor(SafeSpanExporter(exporter)))
    trace.set_tracer_provider(SwitchProvider(sdk))
    rng = random.Random(seed)
    bodies = [ReviewRequest.model_validate(r) for r in REQUESTS]
    times: dict[bool, list[float]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        async with Runtime.open(Settings(data_dir=Path(tmp) / "data", audit_seed=0)) as runtime:
            # As the service's lifespan does (service/main.py): start-up objects are frozen out of the GC.
            gc.collect()
            gc.freeze()
            for i in range(warmup):
                _Switch.on = bool(i % 2)
                await runtime.review(bodies[i % len(bodies)], "bench")
            for i in range(reviews):
                body = bodies[i % len(bodies)]
                order = [True, False] if rng.random() < 0.5 else [False, True]
                for mode in order:
                    _Switch.on = mode
                    started = time.perf_counter()
                    await runtime.review(body, "bench")
                    times[mode].append(time.perf_counter() - started)
    sdk.force_flush()
    sdk.shutdown()
    on, off = statistics.median(times[True]), statistics.median(times[False])
    return {
        "reviews_per_mode": reviews,
        "median_on_ms": on * 1000,
        "median_off_ms": off * 1000,
        "overhead_us": (on - off) * 1e6,
        "ratio": on / off,
        "spans_per_review": exporter.spans / (reviews + warmup / 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=1500, help="reviews per mode")
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    r = asyncio.run(run(args.reviews, args.warmup, args.seed))
    print(f"reviews per mode      {r['reviews_per_mode']}")
    print(f"spans per review      {r['spans_per_review']:.1f}")
    print(f"median, tracing off   {r['median_off_ms']:.3f} ms   (floor: NoOpTracerProvider)")
    print(f"median, tracing on    {r['median_on_ms']:.3f} ms   (SDK + BatchSpanProcessor, exporter drops)")
    print(f"overhead              {r['overhead_us']:.0f} us per review")
    print(f"ratio on/off          {r['ratio']:.3f}   (budget <= 1.10)")


if __name__ == "__main__":
    main()
