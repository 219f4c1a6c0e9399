"""A PostgreSQL server that answers nothing: a table held by a long lock (a migration, a `VACUUM FULL`, a stuck
transaction). The server cancels our statement after ``OVERSIGHT_DATABASE_STATEMENT_TIMEOUT_MS`` and the
request gets a retryable 503, instead of hanging until its client gives up; nothing is approved on the way, and
when the lock goes the same request succeeds once.

Each request runs in a thread that the test waits on for a minute: without the limit it never returns (the lock
is released afterwards so the thread can finish), and the test fails on the wait, not on a time measurement.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from service.settings import Settings
from tests.api._helpers import bearer, make_key

HANG = 60.0  # seconds: a request still unanswered after this is held by the lock (the limit in the test is 0.3 s)
CYBER = {
    "id": "locked-1",
    "domain": "cyber",
    "messages": [{"role": "user", "content": "How do I harden SSH?"}],
    "output": "Disable password logins and use keys.",
}


@pytest.fixture
def settings(tmp_path: Path, pg_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=pg_url, audit_seed=0, database_statement_timeout_ms=300)


@contextmanager
def locked(pg_url: str, table: str) -> Iterator[None]:
    """Hold ``table`` in ACCESS EXCLUSIVE mode (every read and write of it waits) until the block ends."""
    with psycopg.connect(pg_url) as conn:  # a transaction: the lock lives until rollback
        conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            conn.rollback()


def answer(future: Future[Any]) -> Any:
    try:
        return future.result(timeout=HANG)
    except TimeoutError:
        pytest.fail(f"the request was still waiting on the locked table after {HANG:.0f} s")


def test_a_review_on_a_locked_table_is_a_retryable_503_and_succeeds_once_after(settings: Settings, pg_url: str) -> None:
    with TestClient(create_app(settings)) as client, ThreadPoolExecutor(1) as pool:
        with locked(pg_url, "oversight_decisions"):
            waiting = pool.submit(client.post, "/v1/reviews", json=CYBER)
            down = answer(waiting)
        assert down.status_code == 503, down.text
        assert down.json()["error"]["code"] == "service_unavailable"
        assert down.headers["retry-after"]

        again = client.post("/v1/reviews", json=CYBER)  # the client's retry with the same id, lock gone
        assert again.status_code == 200, again.text
        assert again.json()["verdict"] in ("approve", "rewrite", "block", "escalate")
        review_id = again.json()["review_id"]
        assert client.post("/v1/reviews", json=CYBER).json()["review_id"] == review_id  # one review, not two


def test_an_authenticated_request_while_the_key_table_is_locked_is_a_503_not_a_hang(
    settings: Settings, pg_url: str
) -> None:
    with TestClient(create_app(settings)) as client, ThreadPoolExecutor(1) as pool:
        key = make_key(client, "acme", "client", name="ci")
        assert client.post("/v1/reviews", json=CYBER, headers=bearer(key)).status_code == 200
        with locked(pg_url, "oversight_api_keys"):
            waiting = pool.submit(client.get, "/v1/reviews/nothing-here", headers=bearer(key))
            down = answer(waiting)
        assert down.status_code == 503, down.text  # not 401: the key is fine, the database did not answer
        assert down.json()["error"]["code"] == "service_unavailable"
        assert client.get("/v1/reviews", headers=bearer(key)).status_code == 200


def test_set_up_waits_for_other_replicas_without_the_statement_limit(settings: Settings, pg_url: str) -> None:
    """Start-up takes the schema lock other replicas hold while they migrate: that wait is not cut at 0.3 s."""
    with psycopg.connect(pg_url, autocommit=True) as other, ThreadPoolExecutor(1) as pool:
        other.execute("SELECT pg_advisory_lock(424242)")  # another replica applying the schema
        try:
            starting = pool.submit(lambda: TestClient(create_app(settings)).__enter__())
            with pytest.raises(TimeoutError):
                starting.result(timeout=2.0)  # still waiting for the lock, not failed by the limit
        finally:
            other.execute("SELECT pg_advisory_unlock(424242)")
        client = answer(starting)
        try:
            assert client.get("/readyz").status_code == 200
        finally:
            client.__exit__(None, None, None)


async def test_the_audit_job_store_set_up_waits_for_other_replicas_without_the_statement_limit(pg_url: str) -> None:
    from service.audit.jobs import PostgresJobStore
    from service.store.postgres import postgres_pool

    pool = postgres_pool(pg_url, max_size=2, statement_timeout_ms=300)
    await pool.open(wait=True, timeout=10)
    try:
        async with await psycopg.AsyncConnection.connect(pg_url, autocommit=True) as other:
            await other.execute("SELECT pg_advisory_lock(424243)")  # another replica creating the audit tables
            setup = asyncio.ensure_future(PostgresJobStore(pool).setup())
            done, _ = await asyncio.wait([setup], timeout=2.0)
            assert not done, setup.exception()  # still waiting for the lock, not cancelled by the limit
            await other.execute("SELECT pg_advisory_unlock(424243)")
            await asyncio.wait_for(setup, HANG)
    finally:
        await pool.close()


async def test_the_limit_keeps_the_urls_options_and_pgoptions(
    pg_server: str, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deployments pick their schema or settings with ``options`` in the URL or with ``PGOPTIONS``: both still
    apply beside the limit (a libpq ``options`` argument of our own would have replaced them)."""
    from service.store.postgres import postgres_pool

    async def show(url: str, *names: str) -> list[str]:
        pool = postgres_pool(url, max_size=1, statement_timeout_ms=300)
        await pool.open(wait=True, timeout=10)
        try:
            async with pool.connection() as conn:
                return [(await (await conn.execute(f"SHOW {n}")).fetchone())[n] for n in names]
        finally:
            await pool.close()

    schema = pg_url.rsplit("search_path%3D", 1)[-1]
    assert await show(pg_url, "search_path", "statement_timeout") == [schema, "300ms"]
    monkeypatch.setenv("PGOPTIONS", "-c lock_timeout=1234")
    assert await show(pg_server, "lock_timeout", "statement_timeout") == ["1234ms", "300ms"]
