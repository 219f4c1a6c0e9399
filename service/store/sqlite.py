"""SQLite decision store (WAL): the embedded default, a single file under ``OVERSIGHT_DATA_DIR``."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import orjson

from service.schemas import Decision
from service.store.base import DuplicateRequest, EscalationQuery

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
    body BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS decisions_request ON decisions(tenant, request_id) WHERE request_id IS NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS decisions_escalation ON decisions(escalation_id) WHERE escalation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS decisions_pending ON decisions(escalation_status, created_at)
    WHERE escalation_status IS NOT NULL;
"""

_UPSERT = """
INSERT INTO decisions (review_id, tenant, request_id, kind, domain, verdict, escalation_id, escalation_status,
                       created_at, updated_at, body)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(review_id) DO UPDATE SET
    verdict = excluded.verdict, escalation_status = excluded.escalation_status,
    updated_at = excluded.updated_at, body = excluded.body
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
        orjson.dumps(decision.model_dump(mode="json")),
    )


class SqliteDecisionStore:
    """``DecisionStore`` over one aiosqlite connection (a dedicated thread; writes are serialised)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("store not set up")
        return self._db

    async def setup(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = await aiosqlite.connect(self.path, isolation_level=None)
        await self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed decision survives power loss, not only a process crash.
        await self._db.execute("PRAGMA synchronous=FULL")
        await self._db.execute("PRAGMA busy_timeout=5000")
        await self._db.executescript(SCHEMA)

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def ping(self) -> None:
        async with self.db.execute("SELECT 1") as cur:
            await cur.fetchone()

    async def save_decision(self, decision: Decision, tenant: str) -> None:
        try:
            await self.db.execute(_UPSERT, decision_row(decision, tenant))
        except sqlite3.IntegrityError as exc:
            raise DuplicateRequest(f"request id {decision.request_id!r} was already reviewed") from exc

    async def _one(self, sql: str, args: tuple[Any, ...]) -> Decision | None:
        async with self.db.execute(sql, args) as cur:
            row = await cur.fetchone()
        return Decision.model_validate_json(row[0]) if row else None

    async def get_decision(self, review_id: str, tenant: str | None) -> Decision | None:
        if tenant is None:
            return await self._one("SELECT body FROM decisions WHERE review_id = ?", (review_id,))
        return await self._one("SELECT body FROM decisions WHERE review_id = ? AND tenant = ?", (review_id, tenant))

    async def find_by_request(self, tenant: str, request_id: str) -> Decision | None:
        return await self._one(
            "SELECT body FROM decisions WHERE tenant = ? AND request_id = ?", (tenant, request_id)
        )

    async def get_by_escalation(self, escalation_id: str, tenant: str | None) -> Decision | None:
        if tenant is None:
            return await self._one("SELECT body FROM decisions WHERE escalation_id = ?", (escalation_id,))
        return await self._one(
            "SELECT body FROM decisions WHERE escalation_id = ? AND tenant = ?", (escalation_id, tenant)
        )

    async def list_escalations(self, query: EscalationQuery) -> list[Decision]:
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
        sql = (
            f"SELECT body FROM decisions WHERE {' AND '.join(where)} "
            "ORDER BY created_at ASC, review_id ASC LIMIT ? OFFSET ?"
        )
        args += [query.limit, query.offset]
        async with self.db.execute(sql, tuple(args)) as cur:
            rows = await cur.fetchall()
        return [Decision.model_validate_json(r[0]) for r in rows]

    async def count_decisions(self, tenant: str | None = None) -> int:
        args: tuple[str, ...] = ()
        if tenant is None:
            sql = "SELECT count(*) FROM decisions"
        else:
            sql, args = "SELECT count(*) FROM decisions WHERE tenant = ?", (tenant,)
        async with self.db.execute(sql, args) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0
