"""SQLite decision store (WAL): the embedded default, a single file under ``OVERSIGHT_DATA_DIR``."""

from __future__ import annotations

import asyncio
import logging
import shutil
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import aiosqlite
import orjson

from service.schemas import Decision
from service.store.base import (
    COUNT_CAP,
    DECISION_ORDER,
    DecisionDigest,
    DecisionQuery,
    DuplicateRequest,
    EscalationQuery,
    decision_filters,
    digest_flags,
    review_id_floor,
    waiting_first_page,
)

if TYPE_CHECKING:
    from service.settings import Settings

SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    review_id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    request_id TEXT,
    kind TEXT NOT NULL,
    domain TEXT NOT NULL,
    verdict TEXT NOT NULL,
    escalation_id TEXT,
    escalation_status TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    body BLOB NOT NULL,
    waiting_until TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS decisions_request ON decisions(tenant, request_id) WHERE request_id IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS decisions_escalation ON decisions(escalation_id) WHERE escalation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS decisions_tenant ON decisions(tenant, review_id);
CREATE INDEX IF NOT EXISTS decisions_tenant_created ON decisions(tenant, created_at, review_id);
CREATE INDEX IF NOT EXISTS decisions_created ON decisions(created_at, review_id);
CREATE INDEX IF NOT EXISTS decisions_pending ON decisions(escalation_status, created_at)
    WHERE escalation_status IS NOT NULL;
CREATE INDEX IF NOT EXISTS decisions_waiting ON decisions(escalation_status, waiting_until)
    WHERE waiting_until IS NOT NULL;
CREATE INDEX IF NOT EXISTS decisions_inbox ON decisions(tenant, escalation_status, domain, created_at)
    WHERE escalation_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS claims (
    key TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at REAL NOT NULL
);
"""

T = TypeVar("T")
log = logging.getLogger("oversight.store")

_UPSERT = """
INSERT INTO decisions (review_id, tenant, request_id, kind, domain, verdict, escalation_id, escalation_status,
                       created_at, updated_at, waiting_until, body)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(review_id) DO UPDATE SET
    verdict = excluded.verdict, escalation_status = excluded.escalation_status,
    updated_at = excluded.updated_at, body = excluded.body, waiting_until = excluded.waiting_until
"""


async def open_aiosqlite(
    path: Path, schema: str, *, synchronous: str = "FULL", busy_timeout_ms: int = 5000
) -> aiosqlite.Connection:
    """An autocommit aiosqlite connection to a WAL database file, its tables created (keystore, outbox, jobs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path, isolation_level=None)
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute(f"PRAGMA synchronous={synchronous}")
    await conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    await conn.executescript(schema)
    return conn


class SqliteTables:
    """Base for components with their own tables in the embedded SQLite file, on an aiosqlite connection of their
    own (the SQLite side of ``service.store.postgres.PostgresTables``). Subclasses set ``SCHEMA``."""

    SCHEMA = ""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError(f"{type(self).__name__} not set up")
        return self._db

    async def setup(self) -> None:
        self._db = await open_aiosqlite(self.path, self.SCHEMA)

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None


class _Component(Protocol):
    async def setup(self) -> None: ...
    async def close(self) -> None: ...


C = TypeVar("C", bound=_Component)


@asynccontextmanager
async def open_tables(
    settings: Settings, pool: Any, embedded: Callable[[Path], C], postgres: Callable[[Any], C]
) -> AsyncIterator[C]:
    """A component with tables of its own, set up on the configured database: ``postgres(pool)`` on the service's
    PostgreSQL pool (or a small one of its own when ``pool`` is None), else ``embedded(sqlite file)``."""
    if settings.database_url:
        from service.store.postgres import open_on_postgres

        async with open_on_postgres(
            settings.database_url, pool, postgres, statement_timeout_ms=settings.database_statement_timeout_ms
        ) as component:
            await component.setup()
            yield component
        return
    component = embedded(settings.sqlite_path)
    await component.setup()
    try:
        yield component
    finally:
        await component.close()


# Taken when free or expired (its holder died without releasing); one statement, so atomic across processes.
_CLAIM = """
INSERT INTO claims (key, holder, expires_at) VALUES (?, ?, ?)
ON CONFLICT(key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
WHERE claims.expires_at < ?
"""


def decision_row(decision: Decision, tenant: str) -> tuple[Any, ...]:
    """The column values for one decision (shared with the PostgreSQL store)."""
    esc = decision.escalation
    return (
        decision.review_id,
        tenant,
        decision.request_id,
        decision.kind,
        decision.domain.value,
        decision.verdict.value,
        esc.id if esc else None,
        esc.status if esc else None,
        decision.created_at.isoformat(),
        datetime.now(UTC).isoformat(),
        esc.waiting_until.isoformat() if esc and esc.waiting_until else None,
        decision.to_json(),  # UTF-8 JSON bytes, kept on the decision for the HTTP answer (last: see postgres)
    )


MIN_FREE_BYTES = 16 * 1024 * 1024
"""Below this much free space on the SQLite file's disk, ``ping`` (``/readyz``) fails."""


class SqliteDecisionStore:
    """``DecisionStore`` over stdlib sqlite3 in one dedicated thread, with group commit.

    Concurrent ``save_decision`` calls are written in one transaction per batch: a save waits for the commit
    that contains it (``synchronous=FULL``: durable against power loss), and while one batch is being
    committed the next one gathers. Under load this turns one fsync per review into one per batch.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oversight-sqlite")
        # The drift feed's reads (every process follows the table) run on a connection and thread of their own:
        # WAL readers do not block the writer, so a large read never delays a group commit.
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oversight-sqlite-read")
        self._read_conn: sqlite3.Connection | None = None
        self._pending: list[tuple[tuple[Any, ...], asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def _read(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._reader, fn, *args)

    def _reading(self) -> sqlite3.Connection:
        """The read connection (opened on first use, in the reader thread)."""
        if self._read_conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=5000")
            self._read_conn = conn
        return self._read_conn

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("store not set up")
        return self._conn

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed decision survives power loss, not only a process crash.
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=5000")
        # ``waiting_until`` (an agent holding the action) came in a later version: add it to an older table
        # before the schema's indexes are created.
        columns = {row[1] for row in conn.execute("PRAGMA table_info(decisions)")}
        if columns and "waiting_until" not in columns:
            conn.execute("ALTER TABLE decisions ADD COLUMN waiting_until TEXT")
        conn.executescript(SCHEMA)
        self._conn = conn

    async def setup(self) -> None:
        await self._run(self._open)

    async def close(self) -> None:
        if self._flusher is not None:
            await asyncio.shield(self._flusher)
        if self._conn is not None:
            await self._run(self.conn.close)
            self._conn = None
        if self._read_conn is not None:
            await self._read(self._read_conn.close)
            self._read_conn = None
        self._executor.shutdown(wait=False)
        self._reader.shutdown(wait=False)

    async def ping(self) -> None:
        await self._run(lambda: self.conn.execute("SELECT 1").fetchone())
        # A full disk fails every write while reads still answer: say "not ready" before it does.
        free = shutil.disk_usage(self.path.parent).free
        if free < MIN_FREE_BYTES:
            raise OSError(f"{free} bytes free on the disk of {self.path} (under {MIN_FREE_BYTES})")

    def _write_batch(self, rows: list[tuple[Any, ...]]) -> list[Exception | None]:
        results: list[Exception | None] = []
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for row in rows:
                try:
                    conn.execute(_UPSERT, row)
                    results.append(None)
                except sqlite3.IntegrityError as exc:  # only this statement fails; the batch goes on
                    results.append(exc)
            conn.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled the transaction back itself (a full disk, a RAISE(ROLLBACK)): a second
            # ROLLBACK would fail with "no transaction is active" and hide the real error.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return results

    async def _flush(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                try:
                    results = await self._run(self._write_batch, [row for row, _ in batch])
                except Exception as exc:
                    for _, fut in batch:
                        if not fut.done():
                            fut.set_exception(exc)
                    continue
                for (_, fut), err in zip(batch, results, strict=True):
                    if fut.done():
                        continue
                    if err is None:
                        fut.set_result(None)
                    else:
                        fut.set_exception(err)
        finally:
            self._flusher = None

    async def save_decision(self, decision: Decision, tenant: str) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((decision_row(decision, tenant), fut))
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush())
        try:
            await asyncio.shield(fut)  # a cancelled caller does not cancel the batch
        except sqlite3.IntegrityError as exc:
            raise DuplicateRequest(f"request id {decision.request_id!r} was already reviewed") from exc

    def _fetch(self, sql: str, args: tuple[Any, ...]) -> list[Any]:
        return self.conn.execute(sql, args).fetchall()

    async def _one(self, sql: str, args: tuple[Any, ...]) -> Decision | None:
        rows = await self._run(self._fetch, sql, args)
        return Decision.model_validate_json(rows[0][0]) if rows else None

    async def get_decision(self, review_id: str, tenant: str | None) -> Decision | None:
        if tenant is None:
            return await self._one("SELECT body FROM decisions WHERE review_id = ?", (review_id,))
        return await self._one("SELECT body FROM decisions WHERE review_id = ? AND tenant = ?", (review_id, tenant))

    async def find_by_request(self, tenant: str, request_id: str) -> Decision | None:
        return await self._one("SELECT body FROM decisions WHERE tenant = ? AND request_id = ?", (tenant, request_id))

    async def get_by_escalation(self, escalation_id: str, tenant: str | None) -> Decision | None:
        if tenant is None:
            return await self._one("SELECT body FROM decisions WHERE escalation_id = ?", (escalation_id,))
        return await self._one(
            "SELECT body FROM decisions WHERE escalation_id = ? AND tenant = ?", (escalation_id, tenant)
        )

    async def list_escalations(self, query: EscalationQuery) -> list[Decision]:
        where, args = self._escalation_filters(query)
        if query.waiting_first is None:
            order = "created_at DESC" if query.newest_first else "created_at"
            return await self._escalations(where, args, order, query.limit, query.offset)
        # Two index scans, not one sort of every pending row: the rows an agent still holds (few), then the rest.
        now = query.waiting_first.isoformat()
        held = await self._escalations(
            [*where, "waiting_until > ?"], [*args, now], "waiting_until", query.offset + query.limit, 0
        )
        page, rest = waiting_first_page(held, query.offset, query.limit)
        if rest is None:
            return page
        others = ["(waiting_until IS NULL OR waiting_until <= ?)"]
        return page + await self._escalations([*where, *others], [*args, now], "created_at", *rest)

    async def count_escalations(self, query: EscalationQuery) -> int:
        where, args = self._escalation_filters(query)
        sql = f"SELECT count(*) FROM (SELECT 1 FROM decisions WHERE {' AND '.join(where)} LIMIT ?)"
        rows = await self._run(self._fetch, sql, (*args, COUNT_CAP + 1))
        return int(rows[0][0]) if rows else 0

    @staticmethod
    def _escalation_filters(query: EscalationQuery) -> tuple[list[str], list[Any]]:
        where = ["escalation_id IS NOT NULL"]
        args: list[Any] = []
        if query.status:
            where.append("escalation_status = ?")
            args.append(query.status)
        if query.tenant is not None:
            where.append("tenant = ?")
            args.append(query.tenant)
        if query.domain:
            where.append("domain = ?")
            args.append(query.domain)
        if query.created_before:
            where.append("created_at < ?")
            args.append(query.created_before.isoformat())
        if query.created_after:
            where.append("created_at > ?")
            args.append(query.created_after.isoformat())
        if query.kind:
            where.append("kind = ?")
            args.append(query.kind)
        if query.session_id is not None:
            # A damaged body (not JSON) matches nothing, rather than failing the query (CASE: evaluated in order).
            where.append(
                "CASE WHEN json_valid(CAST(body AS TEXT)) "
                "THEN json_extract(CAST(body AS TEXT), '$.context.session_id') END = ?"
            )
            args.append(query.session_id)
        return where, args

    async def list_decisions(self, query: DecisionQuery) -> list[Decision]:
        where, args = decision_filters(query, "?", "decisions")
        # created_at is UTC ISO 8601 text here (``decision_row``), which sorts as the times do
        args = [a.isoformat() if isinstance(a, datetime) else a for a in args]
        sql = f"SELECT body FROM decisions WHERE {' AND '.join(where) or '1'} ORDER BY {DECISION_ORDER} LIMIT ?"
        rows = await self._run(self._fetch, sql, (*args, query.limit))
        return [Decision.model_validate_json(r[0]) for r in rows]

    async def _escalations(
        self, where: list[str], args: list[Any], order: str, limit: int, offset: int
    ) -> list[Decision]:
        # ``order`` is a column, ascending, or "<column> DESC"; review ids break ties the same way.
        tie = "review_id DESC" if order.endswith(" DESC") else "review_id ASC"
        sql = f"SELECT body FROM decisions WHERE {' AND '.join(where)} ORDER BY {order}, {tie} LIMIT ? OFFSET ?"
        rows = await self._run(self._fetch, sql, (*args, limit, offset))
        return [Decision.model_validate_json(r[0]) for r in rows]

    async def count_decisions(self, tenant: str | None = None) -> int:
        if tenant is None:
            rows = await self._run(self._fetch, "SELECT count(*) FROM decisions", ())
        else:
            rows = await self._run(self._fetch, "SELECT count(*) FROM decisions WHERE tenant = ?", (tenant,))
        return int(rows[0][0]) if rows else 0

    async def escalation_backlog(self) -> dict[str, tuple[int, datetime]]:
        rows = await self._run(
            self._fetch,
            "SELECT domain, count(*), min(created_at) FROM decisions WHERE escalation_status = 'pending' "
            "GROUP BY domain",
            (),
        )
        return {str(d): (int(n), datetime.fromisoformat(oldest)) for d, n, oldest in rows}

    # SQLite's JSON functions pick the few fields out of the body: ~2.5x faster than parsing it in Python. A
    # damaged body (not JSON) is left out, rather than failing the query for every row after it.
    _DIGEST_SELECT = (
        "SELECT rowid, review_id, created_at, domain, escalation_id IS NOT NULL, json_extract(CAST(body AS TEXT), "
        "'$.model.name', '$.model.version', '$.disagreement', '$.response_class', '$.reason', "
        "'$.reviewer_outcome.kind') FROM decisions "
    )
    _DIGEST_VALID = "json_valid(CAST(body AS TEXT))"

    @staticmethod
    def _to_digests(rows: Iterable[Any]) -> list[DecisionDigest]:
        loads, parse = orjson.loads, datetime.fromisoformat
        digests = []
        for pos, rid, created, domain, escalated, fields in rows:
            try:
                name, version, disagreement, response_class, reason, outcome = loads(fields)
                created_at = parse(created)
                judged, classified = digest_flags(reason, outcome)
            except (ValueError, TypeError):
                log.warning("stored decision %s skipped: damaged row", rid)
                continue
            digests.append(
                DecisionDigest(
                    review_id=rid,
                    created_at=created_at,
                    domain=domain,
                    fast_model=f"{name or 'unknown'}@{version or 'unknown'}",
                    disagreement=bool(disagreement or escalated),
                    response_class=response_class,
                    position=pos,
                    judged=judged,
                    classified=classified,
                )
            )
        return digests

    def _digests(self, since: datetime, limit: int, upto: int | None) -> list[DecisionDigest]:
        where = f"review_id >= ? AND created_at >= ? AND {self._DIGEST_VALID}"
        args: list[object] = [review_id_floor(since), since.isoformat()]
        if upto is not None:
            where += " AND rowid <= ?"
            args.append(upto)
        rows = (
            self._reading()
            .execute(f"{self._DIGEST_SELECT}WHERE {where} ORDER BY review_id DESC LIMIT ?", (*args, limit))
            .fetchall()
        )
        return self._to_digests(reversed(rows))

    async def recent_digests(self, since: datetime, limit: int, *, upto: int | None = None) -> list[DecisionDigest]:
        return await self._read(self._digests, since, limit, upto)

    def _position(self) -> int:
        row = self._reading().execute("SELECT max(rowid) FROM decisions").fetchone()
        return int(row[0] or 0)

    async def digest_position(self) -> int:
        return await self._read(self._position)

    def _after(self, position: int, limit: int, also: Sequence[int]) -> list[DecisionDigest]:
        # Writers are serialised, so rowids commit in order; ``also`` is honoured all the same.
        where = "rowid > ?"
        if also:
            where = f"({where} OR rowid IN ({','.join('?' * len(also))}))"
        where += f" AND {self._DIGEST_VALID}"
        rows = (
            self._reading()
            .execute(f"{self._DIGEST_SELECT}WHERE {where} ORDER BY rowid LIMIT ?", (position, *also, limit + len(also)))
            .fetchall()
        )
        return self._to_digests(rows)

    async def digests_after(self, position: int, limit: int, also: Sequence[int] = ()) -> list[DecisionDigest]:
        return await self._read(self._after, position, limit, tuple(also))

    def _try_claim(self, key: str, holder: str, ttl_s: float) -> bool:
        now = time.time()
        return self.conn.execute(_CLAIM, (key, holder, now + ttl_s, now)).rowcount == 1

    def _release(self, key: str, holder: str) -> None:
        self.conn.execute("DELETE FROM claims WHERE key = ? AND holder = ?", (key, holder))

    @asynccontextmanager
    async def claim(self, key: str, ttl_s: float = 120.0) -> AsyncIterator[bool]:
        """A row in ``claims`` (shared by every process on the file), deleted on exit; see ``DecisionStore``."""
        holder = uuid.uuid4().hex
        if not await self._run(self._try_claim, key, holder, ttl_s):
            yield False
            return
        try:
            yield True
        finally:
            await self._run(self._release, key, holder)
