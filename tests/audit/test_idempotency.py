"""``POST /v1/audits`` with ``Idempotency-Key``: a retry answers the first job, on SQLite and PostgreSQL.

The jobs here are never worked (``OVERSIGHT_AUDIT_WORKERS=0``): what is checked is which jobs and turns the store
holds, counted in its tables.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import httpx
import psycopg
import pytest
from fastapi.testclient import TestClient

from service.audit.jobs import PostgresJobStore, SqliteJobStore
from service.audit.sessions import parse_input
from service.main import create_app
from service.settings import Settings
from tests.api._helpers import bearer, call, make_key, state
from tests.audit._helpers import mixed_sessions

if TYPE_CHECKING:
    from service.audit.jobs import KeyedJob

NDJSON = {"content-type": "application/x-ndjson"}


def _ndjson(rows: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


UPLOAD = _ndjson(mixed_sessions(2))  # 4 sessions, 6 turns
OTHER_UPLOAD = _ndjson(mixed_sessions(3))


def _rows(settings: Settings, table: str) -> int:
    """How many rows the store's table holds, read straight from the database."""
    if settings.database_url:
        with psycopg.connect(settings.database_url) as conn:
            row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            return int(row[0]) if row else 0
    conn = sqlite3.connect(settings.sqlite_path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


@pytest.fixture
def client(any_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("OVERSIGHT_AUDIT_WORKERS", "0")  # jobs are created, never worked: their turns stay queued
    with TestClient(create_app(any_settings)) as c:
        yield c


def _post(client: TestClient, body: bytes = UPLOAD, key: str | None = None, query: str = "",
          headers: dict[str, str] | None = None) -> httpx.Response:
    sent = {**NDJSON, **(headers or {})}
    if key is not None:
        sent["Idempotency-Key"] = key
    return client.post(f"/v1/audits{query}", content=body, headers=sent)


def test_a_retry_with_the_key_answers_the_first_job_and_queues_no_turn(
    client: TestClient, any_settings: Settings
) -> None:
    plain = _post(client, query="?name=nightly&baseline_model=brisk@2026.03")
    first = _post(client, key="ci-run-4711:audit", query="?name=nightly&baseline_model=brisk@2026.03")
    assert plain.status_code == first.status_code == 202, first.text
    job = first.json()
    assert job["id"] != plain.json()["id"]
    assert first.headers["location"] == f"/v1/audits/{job['id']}" and "idempotent-replayed" not in first.headers
    # the job is the one an upload without a key creates
    for field in ("options", "turns", "sessions", "rejected_lines", "name"):
        assert job[field] == plain.json()[field], field
    assert (_rows(any_settings, "audit_jobs"), _rows(any_settings, "audit_turns")) == (2, 12)

    again = _post(client, key="ci-run-4711:audit", query="?name=nightly&baseline_model=brisk@2026.03")
    assert again.status_code == 200, again.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == f"/v1/audits/{job['id']}"
    replayed = again.json()
    assert replayed["id"] == job["id"] and replayed["turns"] == 6
    assert replayed["links"] == job["links"] and replayed["links"]["self"] == f"/v1/audits/{job['id']}"

    # the same file as a multipart form (whose boundary differs on every request) is the same upload
    form = client.post("/v1/audits?name=nightly&baseline_model=brisk@2026.03",
                       files={"file": ("s.jsonl", UPLOAD, "application/x-ndjson")},
                       headers={"Idempotency-Key": "ci-run-4711:audit"})
    assert form.status_code == 200 and form.json()["id"] == job["id"], form.text
    assert (_rows(any_settings, "audit_jobs"), _rows(any_settings, "audit_turns")) == (2, 12)
    assert sorted(call(client, state(client).audits.jobs.open_jobs)) == sorted([plain.json()["id"], job["id"]])


def test_the_key_with_another_upload_or_parameters_is_a_409(client: TestClient, any_settings: Settings) -> None:
    first = _post(client, key="nightly-2026-05-01", query="?name=nightly")
    assert first.status_code == 202, first.text
    for body, query in [
        (OTHER_UPLOAD, "?name=nightly"),  # another upload
        (UPLOAD, "?name=weekly"),  # the same upload, another job name
        (UPLOAD, "?name=nightly&baseline_model=brisk@2026.05"),
        (UPLOAD, "?name=nightly&format=sessions"),  # the parameters as sent, not as detected
    ]:
        reused = _post(client, body, key="nightly-2026-05-01", query=query)
        assert reused.status_code == 409, (query, reused.text)
        error = reused.json()["error"]
        assert set(error) == {"code", "message", "field", "details"}
        assert error["code"] == "idempotency_key_reused" and error["field"] == "Idempotency-Key"
        assert first.json()["id"] in error["message"] and error["details"] == []
    assert (_rows(any_settings, "audit_jobs"), _rows(any_settings, "audit_turns")) == (1, 6)
    # a new key for the new upload, and the old key with its own upload, still work
    assert _post(client, OTHER_UPLOAD, key="nightly-2026-05-02", query="?name=nightly").status_code == 202
    assert _post(client, key="nightly-2026-05-01", query="?name=nightly").status_code == 200


def test_concurrent_requests_with_one_key_create_one_job(
    client: TestClient, any_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every request looks the key up before any of them creates its job (held at a barrier): the store's unique
    index, not the look-up, must make all but one of them answer the job the first created."""
    n = 4
    jobs = state(client).audits.jobs
    looked_up = jobs.find_keyed_job
    barrier = asyncio.Barrier(n)

    async def all_look_up_first(tenant: str, key: str) -> KeyedJob | None:
        found = await looked_up(tenant, key)
        async with asyncio.timeout(60):  # a safety net: the barrier opens as soon as the n requests are here
            await barrier.wait()
        return found

    monkeypatch.setattr(jobs, "find_keyed_job", all_look_up_first)
    with ThreadPoolExecutor(n) as pool:
        answers = list(pool.map(lambda _: _post(client, key="retry-storm"), range(n)))
    assert sorted(a.status_code for a in answers) == [200] * (n - 1) + [202], [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert [a.headers.get("idempotent-replayed") for a in answers if a.status_code == 200] == ["true"] * (n - 1)
    assert (_rows(any_settings, "audit_jobs"), _rows(any_settings, "audit_turns")) == (1, 6)


def test_keys_are_scoped_per_tenant(client: TestClient, any_settings: Settings) -> None:
    acme, globex = bearer(make_key(client, "acme", "client")), bearer(make_key(client, "globex", "client"))
    mine = _post(client, key="nightly", headers=acme)
    theirs = _post(client, OTHER_UPLOAD, key="nightly", headers=globex)  # another upload: not a 409
    assert mine.status_code == theirs.status_code == 202, theirs.text
    assert mine.json()["id"] != theirs.json()["id"] and theirs.json()["tenant"] == "globex"
    replay = _post(client, key="nightly", headers=acme)
    assert replay.status_code == 200 and replay.json()["id"] == mine.json()["id"]
    replay = _post(client, OTHER_UPLOAD, key="nightly", headers=globex)
    assert replay.status_code == 200 and replay.json()["id"] == theirs.json()["id"]
    assert _post(client, OTHER_UPLOAD, key="nightly", headers=acme).status_code == 409  # acme's key, acme's upload
    assert _rows(any_settings, "audit_jobs") == 2


@pytest.mark.parametrize("key", ["", "two words", "a/b", "k;1", "x" * 201])
def test_an_invalid_key_is_a_422_naming_the_header(client: TestClient, any_settings: Settings, key: str) -> None:
    resp = _post(client, key=key)
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == "request_invalid" and error["field"] == "Idempotency-Key", error
    assert _rows(any_settings, "audit_jobs") == 0
    longest = "K9." + "x" * 194 + ":_-"  # 200 characters, of every kind allowed
    assert len(longest) == 200 and _post(client, key=longest).status_code == 202
    documented = client.get("/openapi.json").json()["paths"]["/v1/audits"]["post"]
    assert {"in": "header", "name": "Idempotency-Key"} in [
        {"in": p["in"], "name": p["name"]} for p in documented["parameters"]]
    assert {"200", "409"} <= set(documented["responses"])


# --- the store ------------------------------------------------------------------------------------------------
async def _open(settings: Settings) -> tuple[Any, Any]:
    """A job store on the test's database, and what to close afterwards."""
    if settings.database_url:
        from service.store.postgres import postgres_pool

        pool = postgres_pool(settings.database_url)
        await pool.open(wait=True)
        store: Any = PostgresJobStore(pool)
        await store.setup()
        return store, pool
    store = SqliteJobStore(settings.sqlite_path)
    await store.setup()
    return store, store


@pytest.fixture
async def two_stores(any_settings: Settings) -> AsyncIterator[list[Any]]:
    """Two job stores on one database, each with its connections: as two processes (or replicas) see it."""
    opened = [await _open(any_settings), await _open(any_settings)]
    try:
        yield [store for store, _ in opened]
    finally:
        for _, closing in opened:
            await closing.close()


def _pair(held: KeyedJob | None) -> tuple[str, str] | None:
    return None if held is None else (held.job_id, held.digest)


async def _create(store: Any, job_id: str, key: str | None, digest: str | None = "sha256:a",
                  tenant: str = "t") -> tuple[str, str] | None:
    """None when ``store`` created the job, else the job holding the key and its digest."""
    parsed = parse_input(UPLOAD)
    return _pair(await store.create_job(
        job_id, tenant=tenant, name="n", turns=parsed.turns, sessions=parsed.sessions, errors=parsed.errors,
        options={}, idempotency_key=key, request_digest=digest))


async def _find(store: Any, tenant: str, key: str) -> tuple[str, str] | None:
    return _pair(await store.find_keyed_job(tenant, key))


async def test_of_concurrent_creations_under_one_key_in_two_processes_one_creates(
    two_stores: list[Any], any_settings: Settings
) -> None:
    a, b = two_stores
    for i in range(3):  # three rounds: whichever wins, the other creates nothing
        key = f"k{i}"
        results = await asyncio.gather(_create(a, f"aud_a{i}", key), _create(b, f"aud_b{i}", key))
        winner = [job for job, held in zip((f"aud_a{i}", f"aud_b{i}"), results, strict=True) if held is None]
        assert len(winner) == 1, results
        assert [h for h in results if h is not None] == [(winner[0], "sha256:a")]
        assert await _find(a, "t", key) == await _find(b, "t", key) == (winner[0], "sha256:a")
    assert (_rows(any_settings, "audit_jobs"), _rows(any_settings, "audit_turns")) == (3, 18)
    # another tenant's key of the same name is its own; jobs without a key never collide
    assert await _create(a, "aud_other_tenant", "k0", "sha256:b", tenant="u") is None
    assert await _create(a, "aud_plain_1", None, None) is None and await _create(b, "aud_plain_2", None, None) is None
    assert await _find(a, "u", "k0") == ("aud_other_tenant", "sha256:b")
    assert await _find(a, "t", "never-used") is None


_OLD_SQLITE = """
CREATE TABLE audit_jobs (
    id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
    total INTEGER NOT NULL, sessions INTEGER NOT NULL, options TEXT NOT NULL, errors TEXT NOT NULL,
    created_at REAL NOT NULL, updated_at REAL NOT NULL
);
CREATE TABLE audit_turns (
    job_id TEXT NOT NULL, seq INTEGER NOT NULL, turn_id TEXT NOT NULL, request TEXT NOT NULL, meta TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending', owner TEXT, lease_until REAL, attempts INTEGER NOT NULL DEFAULT 0,
    result TEXT, finished_at REAL,
    PRIMARY KEY (job_id, seq)
);
CREATE INDEX audit_turns_open ON audit_turns(job_id, status, seq);
INSERT INTO audit_jobs VALUES ('aud_old', 't', 'old', 'running', 1, 1, '{}', '[]', 1.0, 1.0);
INSERT INTO audit_turns (job_id, seq, turn_id, request, meta) VALUES ('aud_old', 0, 's1:1', '{}', '{}');
"""
_OLD_POSTGRES = [
    """CREATE TABLE audit_jobs (
        id TEXT PRIMARY KEY, tenant TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
        total INTEGER NOT NULL, sessions INTEGER NOT NULL, options JSONB NOT NULL, errors JSONB NOT NULL,
        created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE audit_turns (
        job_id TEXT NOT NULL REFERENCES audit_jobs(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
        turn_id TEXT NOT NULL, request JSONB NOT NULL, meta JSONB NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending', owner TEXT, lease_until DOUBLE PRECISION,
        attempts INTEGER NOT NULL DEFAULT 0, result JSONB, finished_at DOUBLE PRECISION,
        PRIMARY KEY (job_id, seq))""",
    "CREATE INDEX audit_turns_open ON audit_turns(job_id, seq) WHERE status <> 'done'",
    "INSERT INTO audit_jobs VALUES ('aud_old', 't', 'old', 'running', 1, 1, '{}', '[]', 1.0, 1.0)",
    "INSERT INTO audit_turns (job_id, seq, turn_id, request, meta) VALUES ('aud_old', 0, 's1:1', '{}', '{}')",
]


async def test_a_database_from_before_keys_opens_and_takes_them(any_settings: Settings) -> None:
    """The tables as the version without idempotency keys created them, with a job: set-up adds the columns and
    the index, the old job reads as before, and keys work (on every later start too)."""
    if any_settings.database_url:
        with psycopg.connect(any_settings.database_url, autocommit=True) as conn:
            for statement in _OLD_POSTGRES:
                conn.execute(statement)
    else:
        any_settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(any_settings.sqlite_path)
        try:
            conn.executescript(_OLD_SQLITE)
        finally:
            conn.close()
    for start in range(2):
        store, closing = await _open(any_settings)
        try:
            old = await store.get_job("aud_old")
            assert old is not None and (old.name, old.total, old.counts) == ("old", 1, {"pending": 1})
            if start == 0:
                assert await _create(store, "aud_new", "nightly", "sha256:a") is None
            assert await _create(store, "aud_again", "nightly", "sha256:b") == ("aud_new", "sha256:a")
            assert await _create(store, f"aud_plain{start}", None, None) is None
        finally:
            await closing.close()
    assert (_rows(any_settings, "audit_jobs"), _rows(any_settings, "audit_turns")) == (4, 19)


def test_two_idempotency_keys_in_one_request_are_a_422(client: TestClient, any_settings: Settings) -> None:
    # before: 202, one of the two silently used
    upload = _ndjson(mixed_sessions(1))
    headers = [("content-type", "application/x-ndjson"), ("Idempotency-Key", "a"), ("Idempotency-Key", "b")]
    resp = client.post("/v1/audits", content=upload, headers=headers)
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["field"] == "Idempotency-Key" and "more than once" in error["message"]
    assert _rows(any_settings, "audit_jobs") == 0
