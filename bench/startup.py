"""What starting the app costs: ``create_app`` plus its lifespan (policies loaded and their patterns compiled,
store opened, graph built, background tasks started) and its shutdown, on the embedded defaults (SQLite, the local
reviewer), against a floor measured in the same run: a trivial FastAPI app with an empty lifespan.

The first start in a process pays the imports and the first compile of every rule pattern; later starts in the
same process (a test suite, a reload) share the compiled patterns. Both are printed, as medians over ``--repeat``
starts. Usage: python bench/startup.py [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("LANGSMITH_TRACING", "false")


async def _timed_start(app: object) -> tuple[float, float]:
    """(seconds to start, seconds to stop) of one app's lifespan."""
    t0 = time.perf_counter()
    async with app.router.lifespan_context(app):  # type: ignore[attr-defined]
        t1 = time.perf_counter()
    return t1 - t0, time.perf_counter() - t1


def _trivial() -> object:
    from fastapi import FastAPI

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


async def main(repeat: int) -> None:
    logging.disable(logging.WARNING)  # the open-mode banner, once per start
    from service.main import create_app
    from service.settings import Settings, get_settings

    def oversight() -> object:
        get_settings.cache_clear()
        return create_app(Settings(data_dir=Path(tempfile.mkdtemp()) / "data", audit_seed=0))

    t0 = time.perf_counter()
    first_start, _ = await _timed_start(oversight())
    first = time.perf_counter() - t0
    floor, app, stop = [], [], []
    for _ in range(repeat):  # alternating, so background load hits both alike
        t = time.perf_counter()
        await _timed_start(_trivial())
        floor.append(time.perf_counter() - t)
        t = time.perf_counter()
        _, stopped = await _timed_start(oversight())
        app.append(time.perf_counter() - t)
        stop.append(stopped)
    f, a = statistics.median(floor), statistics.median(app)
    print(f"first start in a fresh process: {first * 1000:.0f} ms (lifespan {first_start * 1000:.0f} ms)")
    print(f"floor: trivial FastAPI app created, started and stopped: median {f * 1000:.2f} ms over {repeat}")
    print(
        f"oversight: create_app + lifespan start + stop: median {a * 1000:.1f} ms "
        f"(stop alone {statistics.median(stop) * 1000:.1f} ms), p90 {sorted(app)[int(0.9 * (repeat - 1))] * 1000:.1f} ms"
    )
    print(f"ratio to the floor: {a / f:.0f}x; cost above it: {(a - f) * 1000:.1f} ms per start")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    asyncio.run(main(parser.parse_args().repeat))
