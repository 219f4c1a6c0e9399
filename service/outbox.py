"""The callback outbox: escalation callbacks that must reach the caller survive a restart.

A row is written before an escalated review is resumed (``arm``: due only after a grace period, in case the
process dies before the final decision is recorded) and made due when the final decision is recorded
(``release``). A delivery loop (``service.escalations``) claims due rows, POSTs the decision once per attempt
and records the outcome; retries are rows with a later ``next_at``, so a restart in the middle of a back-off
loses nothing. One row per review: a second resolution attempt, or a re-run of the resumed node, never sends
a second callback. Same SQLite file or PostgreSQL database as the decisions.
"""

from __future__ import annotations

import time
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from service.settings import Settings
from service.store.postgres import PostgresTables
from service.store.sqlite import SqliteTables, open_tables

_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS callback_outbox (
    review_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    delivery_id TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_at REAL NOT NULL,
    last_error TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS callback_outbox_due ON callback_outbox(status, next_at);
"""

_PG_SCHEMA = """
CREATE TABLE IF NOT EXISTS oversight_callback_outbox (
    review_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    delivery_id TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_at DOUBLE PRECISION NOT NULL,
    last_error TEXT,
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS oversight_callback_outbox_due ON oversight_callback_outbox(status, next_at)
"""

_COLUMNS = "review_id, url, delivery_id, status, attempts, next_at, last_error, updated_at"

PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"


@dataclass(frozen=True, slots=True)
class OutboxItem:
    review_id: str
    url: str
    delivery_id: str
    status: str
    attempts: int
    next_at: float
    last_error: str | None
    updated_at: float = 0.0
    """When the row last changed (epoch seconds): for a delivered or failed callback, when it settled."""


def _item(row: Any) -> OutboxItem:
    values = [row[c] for c in _COLUMNS.split(", ")] if isinstance(row, dict) else list(row)
    return OutboxItem(
        review_id=values[0],
        url=values[1],
        delivery_id=values[2],
        status=values[3],
        attempts=int(values[4]),
        next_at=float(values[5]),
        last_error=values[6],
        updated_at=float(values[7]) if len(values) > 7 and values[7] is not None else 0.0,
    )


class CallbackOutbox(Protocol):
    async def setup(self) -> None: ...
    async def close(self) -> None: ...

    async def arm(self, review_id: str, url: str, delivery_id: str, due_at: float) -> None:
        """Insert a pending row due at ``due_at``, unless the review already has one (then nothing changes)."""
        ...

    async def release(self, review_id: str, now: float) -> None:
        """Make a pending row due now (the final decision is recorded)."""
        ...

    async def due(self, now: float, limit: int) -> list[OutboxItem]:
        """Pending rows with ``next_at <= now``, oldest first."""
        ...

    async def claim(self, review_id: str, now: float, until: float) -> bool:
        """Take a due pending row for one attempt (``next_at`` moves to ``until``); False if someone else has it."""
        ...

    async def reschedule(self, review_id: str, attempts: int, next_at: float, error: str | None) -> None: ...

    async def finish(self, review_id: str, status: str, attempts: int, error: str | None) -> None: ...

    async def get(self, review_id: str) -> OutboxItem | None: ...

    async def redeliver(self, review_id: str, now: float) -> bool:
        """Send an ended callback (``delivered`` or ``failed``) again: pending, due now, attempts from zero, the
        same delivery id. False when the row is still pending (its delivery is under way) or does not exist."""
        ...


class SqliteOutbox(SqliteTables):
    """The outbox in the embedded SQLite file, on an aiosqlite connection of its own."""

    SCHEMA = _SQLITE_SCHEMA

    async def arm(self, review_id: str, url: str, delivery_id: str, due_at: float) -> None:
        now = time.time()
        await self.db.execute(
            "INSERT INTO callback_outbox (review_id, url, delivery_id, status, attempts, next_at, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT (review_id) DO NOTHING",
            (review_id, url, delivery_id, PENDING, due_at, now, now),
        )

    async def release(self, review_id: str, now: float) -> None:
        await self.db.execute(
            "UPDATE callback_outbox SET next_at = MIN(next_at, ?), updated_at = ? "
            "WHERE review_id = ? AND status = ? AND attempts = 0",
            (now, now, review_id, PENDING),
        )

    async def due(self, now: float, limit: int) -> list[OutboxItem]:
        async with self.db.execute(
            f"SELECT {_COLUMNS} FROM callback_outbox WHERE status = ? AND next_at <= ? ORDER BY next_at LIMIT ?",
            (PENDING, now, limit),
        ) as cur:
            rows = await cur.fetchall()
        return [_item(r) for r in rows]

    async def claim(self, review_id: str, now: float, until: float) -> bool:
        cur = await self.db.execute(
            "UPDATE callback_outbox SET next_at = ?, updated_at = ? WHERE review_id = ? AND status = ? "
            "AND next_at <= ?",
            (until, now, review_id, PENDING, now),
        )
        return cur.rowcount > 0

    async def reschedule(self, review_id: str, attempts: int, next_at: float, error: str | None) -> None:
        await self.db.execute(
            "UPDATE callback_outbox SET attempts = ?, next_at = ?, last_error = ?, updated_at = ? "
            "WHERE review_id = ? AND status = ?",
            (attempts, next_at, error, time.time(), review_id, PENDING),
        )

    async def finish(self, review_id: str, status: str, attempts: int, error: str | None) -> None:
        await self.db.execute(
            "UPDATE callback_outbox SET status = ?, attempts = ?, last_error = ?, updated_at = ? WHERE review_id = ?",
            (status, attempts, error, time.time(), review_id),
        )

    async def get(self, review_id: str) -> OutboxItem | None:
        async with self.db.execute(f"SELECT {_COLUMNS} FROM callback_outbox WHERE review_id = ?", (review_id,)) as cur:
            row = await cur.fetchone()
        return _item(row) if row else None

    async def redeliver(self, review_id: str, now: float) -> bool:
        cur = await self.db.execute(
            "UPDATE callback_outbox SET status = ?, attempts = 0, next_at = ?, last_error = NULL, updated_at = ? "
            "WHERE review_id = ? AND status IN (?, ?)",
            (PENDING, now, now, review_id, DELIVERED, FAILED),
        )
        return cur.rowcount > 0


class PostgresOutbox(PostgresTables):
    """The outbox in PostgreSQL, on the service's pool. Claims make two replicas share the work."""

    SCHEMA = _PG_SCHEMA
    LOCK_ID = 424244

    async def arm(self, review_id: str, url: str, delivery_id: str, due_at: float) -> None:
        now = time.time()
        await self._execute(
            "INSERT INTO oversight_callback_outbox (review_id, url, delivery_id, status, attempts, next_at, "
            "created_at, updated_at) VALUES (%s, %s, %s, %s, 0, %s, %s, %s) ON CONFLICT (review_id) DO NOTHING",
            (review_id, url, delivery_id, PENDING, due_at, now, now),
        )

    async def release(self, review_id: str, now: float) -> None:
        await self._execute(
            "UPDATE oversight_callback_outbox SET next_at = LEAST(next_at, %s), updated_at = %s "
            "WHERE review_id = %s AND status = %s AND attempts = 0",
            (now, now, review_id, PENDING),
        )

    async def due(self, now: float, limit: int) -> list[OutboxItem]:
        rows = await self._fetch(
            f"SELECT {_COLUMNS} FROM oversight_callback_outbox WHERE status = %s AND next_at <= %s "
            "ORDER BY next_at LIMIT %s",
            (PENDING, now, limit),
        )
        return [_item(r) for r in rows]

    async def claim(self, review_id: str, now: float, until: float) -> bool:
        return (
            await self._execute(
                "UPDATE oversight_callback_outbox SET next_at = %s, updated_at = %s WHERE review_id = %s "
                "AND status = %s AND next_at <= %s",
                (until, now, review_id, PENDING, now),
            )
            > 0
        )

    async def reschedule(self, review_id: str, attempts: int, next_at: float, error: str | None) -> None:
        await self._execute(
            "UPDATE oversight_callback_outbox SET attempts = %s, next_at = %s, last_error = %s, updated_at = %s "
            "WHERE review_id = %s AND status = %s",
            (attempts, next_at, error, time.time(), review_id, PENDING),
        )

    async def finish(self, review_id: str, status: str, attempts: int, error: str | None) -> None:
        await self._execute(
            "UPDATE oversight_callback_outbox SET status = %s, attempts = %s, last_error = %s, updated_at = %s "
            "WHERE review_id = %s",
            (status, attempts, error, time.time(), review_id),
        )

    async def get(self, review_id: str) -> OutboxItem | None:
        rows = await self._fetch(f"SELECT {_COLUMNS} FROM oversight_callback_outbox WHERE review_id = %s", (review_id,))
        return _item(rows[0]) if rows else None

    async def redeliver(self, review_id: str, now: float) -> bool:
        return (
            await self._execute(
                "UPDATE oversight_callback_outbox SET status = %s, attempts = 0, next_at = %s, last_error = NULL, "
                "updated_at = %s WHERE review_id = %s AND status IN (%s, %s)",
                (PENDING, now, now, review_id, DELIVERED, FAILED),
            )
            > 0
        )


def open_outbox(settings: Settings, pool: Any = None) -> AbstractAsyncContextManager[CallbackOutbox]:
    """The configured outbox, set up. ``pool`` is the service's PostgreSQL pool when it has one."""
    return open_tables(settings, pool, SqliteOutbox, PostgresOutbox)
