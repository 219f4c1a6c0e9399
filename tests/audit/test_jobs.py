"""The job store on SQLite and PostgreSQL: claims, leases, exactly-once completion."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from service.audit.jobs import PostgresJobStore, SqliteJobStore
from service.audit.sessions import parse_input
from service.settings import Settings
from tests.audit._helpers import mixed_sessions


@pytest.fixture
async def jobs(any_settings: Settings) -> AsyncIterator[Any]:
    if any_settings.database_url:
        from service.store.postgres import postgres_pool

        pool = postgres_pool(any_settings.database_url)
        await pool.open(wait=True)
        store: Any = PostgresJobStore(pool)
        await store.setup()
        try:
            yield store
        finally:
            await pool.close()
    else:
        store = SqliteJobStore(any_settings.sqlite_path)
        await store.setup()
        try:
            yield store
        finally:
            await store.close()


async def _job(jobs: Any, n: int = 20) -> str:
    data = "".join(json.dumps(r) + "\n" for r in mixed_sessions(n // 2)).encode()
    parsed = parse_input(data)
    await jobs.create_job("aud_t", tenant="t", name="t", turns=parsed.turns, sessions=parsed.sessions,
                          errors=parsed.errors, options={})
    return "aud_t"


async def test_concurrent_claims_never_overlap(jobs: Any) -> None:
    job = await _job(jobs, 40)
    info = await jobs.get_job(job)
    batches = await asyncio.gather(*(jobs.claim(job, f"otherhost:{i}:x", 7, 60) for i in range(6)))
    seqs = [c.seq for batch in batches for c in batch]
    assert len(seqs) == len(set(seqs)) == min(42, info.total)


async def test_an_expired_lease_is_taken_over_and_the_old_owner_cannot_write(jobs: Any) -> None:
    job = await _job(jobs, 4)
    mine = await jobs.claim(job, "otherhost:1:a", 2, 0.01)  # a worker on another machine that then stalls
    assert len(mine) == 2
    await asyncio.sleep(0.05)
    theirs = await jobs.claim(job, "otherhost:2:b", 100, 60)
    assert {c.seq for c in mine} <= {c.seq for c in theirs}
    taken = mine[0]
    assert not await jobs.complete(job, taken.seq, "otherhost:1:a", {"turn_id": taken.turn_id, "by": "a"})
    assert await jobs.complete(job, taken.seq, "otherhost:2:b", {"turn_id": taken.turn_id, "by": "b"})
    assert not await jobs.complete(job, taken.seq, "otherhost:2:b", {"turn_id": taken.turn_id, "by": "again"})
    results = await jobs.results(job)
    assert results == [{"turn_id": taken.turn_id, "by": "b"}]
    assert [c.attempts for c in theirs if c.seq == taken.seq] == [2]


async def test_a_renewed_lease_is_not_taken(jobs: Any) -> None:
    job = await _job(jobs, 2)
    mine = await jobs.claim(job, "otherhost:1:a", 100, 0.2)
    await jobs.renew(job, "otherhost:1:a", [c.seq for c in mine], 60)
    await asyncio.sleep(0.3)
    assert await jobs.claim(job, "otherhost:2:b", 100, 60) == []


async def test_a_dead_local_process_is_reclaimed_at_once(jobs: Any) -> None:
    import socket
    import sys

    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await proc.wait()
    dead = f"{socket.gethostname()}:{proc.pid}:zz"
    job = await _job(jobs, 2)
    mine = await jobs.claim(job, dead, 100, 3600)
    assert mine and await jobs.claim(job, "otherhost:2:b", 100, 60) == []
    assert await jobs.reclaim_dead(job) == len(mine)
    assert len(await jobs.claim(job, "otherhost:2:b", 100, 60)) == len(mine)


async def test_progress_counts(jobs: Any) -> None:
    job = await _job(jobs, 6)
    info = await jobs.get_job(job)
    claimed = await jobs.claim(job, "h:1:a", 2, 60)
    await jobs.complete(job, claimed[0].seq, "h:1:a", {"x": 1})
    info = await jobs.get_job(job)
    view = info.as_dict()
    assert (view["done"], view["in_progress"], view["pending"]) == (1, 1, info.total - 2)
    assert view["status"] == "running" and 0 < view["progress"] < 1


async def test_a_cancelled_jobs_turns_are_not_claimed_until_it_runs_again(jobs: Any) -> None:
    job = await _job(jobs, 6)
    first = await jobs.claim(job, "otherhost:1:a", 2, 60)
    await jobs.mark(job, "cancelled")
    assert await jobs.claim(job, "otherhost:2:b", 10, 60) == []  # a worker elsewhere starts nothing more
    assert await jobs.complete(job, first[0].seq, "otherhost:1:a", {"seq": first[0].seq})  # in flight: finishes
    assert job not in await jobs.open_jobs()
    await jobs.mark(job, "running")
    assert len(await jobs.claim(job, "otherhost:2:b", 10, 60)) == (await jobs.get_job(job)).total - 2
