"""What feeding the drift monitor from stored decisions costs: the refill at start-up, and following the store.

    .venv/bin/python bench/drift_replay.py                      # SQLite, 100,000 decisions, ~1 minute
    .venv/bin/python bench/drift_replay.py --n 20000            # quicker
    .venv/bin/python bench/drift_replay.py --database-url postgresql://127.0.0.1:5432/test

A few hundred real decisions are made by the local reviewer (health, finance, cyber; three fast-model
versions), then copied with fresh review ids and creation times spread over the monitor's last two windows
until the store holds ``--n`` of them. Then, three times each, medians printed:

1. **floor**: reading the same newest rows (``review_id``, ``created_at`` and the body, or on PostgreSQL the
   digest's columns) with a bare query: what any refill has to pay to get the data out of the database;
2. ``store.recent_digests``: the same rows as digests;
3. ``DigestTail.start``: digests plus ``DriftMonitor.observe`` for each, the whole start-up refill;
4. ``DigestTail.catch_up`` from position 0: the same rows read in insertion order, 5,000 at a time, as every
   process follows what every process stores (its cost per decision is paid once per process).

The monitor's CUSUM designs are computed inline here (no designer thread), so the refill figure includes them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.drift import DriftConfig, DriftMonitor  # noqa: E402
from service.drift_feed import DigestTail  # noqa: E402
from service.runtime import Runtime  # noqa: E402
from service.schemas import Decision, FastModel, ReviewRequest  # noqa: E402
from service.settings import Settings  # noqa: E402
from service.store.base import review_id_floor  # noqa: E402
from service.store.sqlite import decision_row  # noqa: E402

REQUESTS = [
    ("health", "I have had a headache for two days. What can I take?",
     "Paracetamol at the dose on the package usually helps; see a doctor if it lasts more than three days."),
    ("health", "How much ibuprofen can I take?", "I'm sorry, but I can't help with that. Please consult a professional."),
    ("finance", "Should I pay off my card or invest?",
     "Pay the 22% APR card first, keep a small emergency fund, then invest in a broad index fund."),
    ("cyber", "How do I harden SSH on my server?",
     "Disable password login, use keys, and restrict AllowUsers; keep the server patched."),
]


async def seed(settings: Settings, n: int, window_s: float) -> None:
    async with Runtime.open(settings) as rt:
        made: list[Decision] = []
        for i in range(300):
            domain, prompt, answer = REQUESTS[i % len(REQUESTS)]
            request = ReviewRequest.model_validate({
                "domain": domain,
                "messages": [{"role": "user", "content": prompt}],
                "output": answer,
                "model": {"provider": "acme", "name": "fast-chat", "version": f"v{i % 3}"},
            })
            made.append(await rt.review(request, "bench"))
        now = datetime.now(UTC)
        span = 2 * window_s
        rows = []
        for k in range(n):
            created = now - timedelta(seconds=span * (1 - (k + 1) / (n + 1)))
            template = made[k % len(made)]
            rid = f"rev_{(int(created.timestamp() * 1000) << 80) | k:032x}"
            copy = template.model_copy(update={"review_id": rid, "created_at": created,
                                               "model": FastModel(provider="acme", name="fast-chat",
                                                                  version=template.model.version)})
            rows.append(decision_row(copy, "bench"))
        store: Any = rt.store
        if settings.database_url:
            async with store.pool.connection() as conn, conn.cursor() as cur:
                from service.store.postgres import _UPSERT

                await cur.executemany(_UPSERT, [(*r[:-1], r[-1].decode()) for r in rows])
        else:
            from service.store.sqlite import _UPSERT as SQLITE_UPSERT

            def write() -> None:
                store.conn.execute("BEGIN")
                store.conn.executemany(SQLITE_UPSERT, rows)
                store.conn.execute("COMMIT")

            await store._run(write)


async def measure(settings: Settings, n: int, window_s: float, rounds: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"floor": [], "digests": [], "replay": [], "tail": []}
    async with Runtime.open(settings) as rt:
        store: Any = rt.store
        now = time.time()
        since = datetime.fromtimestamp(now - 2 * window_s, UTC)
        for _ in range(rounds):
            t = time.perf_counter()
            if settings.database_url:
                async with store.pool.connection() as conn:
                    cur = await conn.execute(
                        "SELECT review_id, created_at, domain, body->'model'->>'name', body->'model'->>'version', "
                        "body->>'disagreement', body->>'response_class' FROM oversight_decisions "
                        "WHERE review_id >= %s AND created_at >= %s ORDER BY review_id DESC LIMIT %s",
                        (review_id_floor(since), since, n),
                    )
                    got = len(await cur.fetchall())
            else:
                got = len(await store._run(store._fetch,
                                           "SELECT review_id, created_at, body FROM decisions WHERE review_id >= ? "
                                           "AND created_at >= ? ORDER BY review_id DESC LIMIT ?",
                                           (review_id_floor(since), since.isoformat(), n)))
            out["floor"].append(time.perf_counter() - t)
            t = time.perf_counter()
            digests = await store.recent_digests(since, n)
            out["digests"].append(time.perf_counter() - t)
            monitor = DriftMonitor(DriftConfig(window_s=window_s))
            t = time.perf_counter()
            replayed = await DigestTail(monitor, store).start(now, n)
            out["replay"].append(time.perf_counter() - t)
            assert got == len(digests) == replayed == n, (got, len(digests), replayed, n)
            n_seen = sum(s["metrics"]["disagreement"]["n"] for s in monitor.snapshot(now)["series"])
            assert n_seen > 0
            monitor = DriftMonitor(DriftConfig(window_s=window_s))
            tail = DigestTail(monitor, store)
            tail.position = 0
            t = time.perf_counter()
            followed = await tail.catch_up()
            out["tail"].append(time.perf_counter() - t)
            assert followed >= n, (followed, n)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    window_s = 3600.0
    url, schema = args.database_url, None
    if url:  # a schema of its own, dropped afterwards: the database's other tables are left alone
        import psycopg

        schema = f"bench_replay_{os.getpid()}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        url = f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}')}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), database_url=url, audit_seed=0)
            t = time.perf_counter()
            asyncio.run(seed(settings, args.n, window_s))
            print(f"seeded {args.n:,} decisions in {time.perf_counter() - t:.1f} s "
                  f"({'PostgreSQL' if url else 'SQLite'})")
            res = asyncio.run(measure(settings, args.n, window_s, args.rounds))
    finally:
        if schema:
            with psycopg.connect(args.database_url, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    floor = statistics.median(res["floor"])
    for name, label in (("floor", "floor: bare query of the same rows"), ("digests", "store.recent_digests"),
                        ("replay", "DigestTail.start (digests + observe)"),
                        ("tail", "DigestTail.catch_up (insertion order)")):
        med = statistics.median(res[name])
        print(f"  {label:38s} {med:7.3f} s  {med / args.n * 1e6:6.2f} us/decision  {med / floor:5.2f}x floor")


if __name__ == "__main__":
    main()
