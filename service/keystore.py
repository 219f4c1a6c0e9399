"""Where API keys and console sessions live: the embedded SQLite file, or PostgreSQL (``oversight_`` tables).

Only hashes are stored: a key's salted scrypt hash (``service.auth`` computes it) and a session token's
SHA-256 (the token is 256 random bits, so a fast hash is enough). Nothing here can recover a secret.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from service.settings import Settings
from service.store.postgres import PostgresTables
from service.store.sqlite import open_aiosqlite, open_tables

_SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    role TEXT NOT NULL,
    name TEXT,
    salt BLOB NOT NULL,
    hash BLOB NOT NULL,
    created_at REAL NOT NULL,
    revoked_at REAL
);
CREATE INDEX IF NOT EXISTS api_keys_tenant ON api_keys(tenant);
CREATE TABLE IF NOT EXISTS console_sessions (
    token_hash TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
"""

_PG_SCHEMA = """
CREATE TABLE IF NOT EXISTS oversight_api_keys (
    key_id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    role TEXT NOT NULL,
    name TEXT,
    salt BYTEA NOT NULL,
    hash BYTEA NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    revoked_at DOUBLE PRECISION
);
CREATE INDEX IF NOT EXISTS oversight_api_keys_tenant ON oversight_api_keys(tenant);
CREATE TABLE IF NOT EXISTS oversight_console_sessions (
    token_hash TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL
);
"""

_KEY_COLUMNS = "key_id, tenant, role, name, salt, hash, created_at, revoked_at"


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """One API key as stored: who it is for, never the key itself."""

    key_id: str
    tenant: str
    role: str
    name: str | None
    salt: bytes
    hash: bytes
    created_at: float
    revoked_at: float | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A console session: the key it was exchanged for and its CSRF token."""

    token_hash: str
    key_id: str
    csrf: str
    created_at: float
    expires_at: float


class Keystore(Protocol):
    """Storage for keys and sessions (SQLite or PostgreSQL)."""

    async def setup(self) -> None: ...
    async def close(self) -> None: ...
    async def add_key(self, record: KeyRecord) -> None: ...
    async def get_key(self, key_id: str) -> KeyRecord | None: ...
    async def list_keys(self, tenant: str | None) -> list[KeyRecord]: ...
    async def revoke_key(self, key_id: str, tenant: str | None) -> bool: ...
    async def has_active_keys(self) -> bool: ...
    async def has_keys(self) -> bool:
        """Whether any key was ever created (revoked ones count): authentication is on from the first key, for
        good. Revoking the last key leaves the service closed (every request 401) instead of open to every local
        caller as admin."""
        ...

    async def add_session(self, record: SessionRecord) -> None: ...
    async def get_session(self, token_hash: str) -> SessionRecord | None: ...
    async def delete_session(self, token_hash: str) -> None: ...


def _key_values(record: KeyRecord) -> tuple[Any, ...]:
    """A record in ``_KEY_COLUMNS`` order."""
    return (
        record.key_id,
        record.tenant,
        record.role,
        record.name,
        record.salt,
        record.hash,
        record.created_at,
        record.revoked_at,
    )


def _key(row: Any) -> KeyRecord:
    values = [row[c] for c in _KEY_COLUMNS.split(", ")] if isinstance(row, dict) else list(row)
    return KeyRecord(
        key_id=values[0],
        tenant=values[1],
        role=values[2],
        name=values[3],
        salt=bytes(values[4]),
        hash=bytes(values[5]),
        created_at=float(values[6]),
        revoked_at=float(values[7]) if values[7] is not None else None,
    )


def _session(row: Any) -> SessionRecord:
    if isinstance(row, dict):
        return SessionRecord(row["token_hash"], row["key_id"], row["csrf"], row["created_at"], row["expires_at"])
    return SessionRecord(row[0], row[1], row[2], float(row[3]), float(row[4]))


class SqliteKeystore:
    """Keys and sessions in the embedded SQLite file, on connections of their own.

    Writes go through ``aiosqlite`` (its own thread). The lookups every request makes (``get_key``,
    ``has_active_keys``, ``get_session``) read on the event loop's thread through a read-only connection: a
    primary-key read of a WAL database takes a few microseconds and never waits for a writer, while a hop to
    aiosqlite's thread and back costs ~0.2 ms of CPU — a sixth of a whole local review. Each read sees the
    latest commit, from this process or another (``oversight keys revoke``), so revocation still takes effect
    at once.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None
        self._reader: sqlite3.Connection | None = None

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise RuntimeError("keystore not set up")
        return self._db

    async def setup(self) -> None:
        self._db = await open_aiosqlite(self.path, _SQLITE_SCHEMA)
        self._reader = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._reader.execute("PRAGMA query_only=ON")
        self._reader.execute("PRAGMA busy_timeout=1000")

    def _read_one(self, sql: str, args: tuple[Any, ...] = ()) -> Any:
        if self._reader is None:
            raise RuntimeError("keystore not set up")
        # fetchall steps the statement to its end, which ends the read transaction: no stale snapshot is kept
        # and the WAL can be checkpointed.
        rows = self._reader.execute(sql, args).fetchall()
        return rows[0] if rows else None

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._db is not None:
            await self._db.close()
            self._db = None

    async def add_key(self, record: KeyRecord) -> None:
        await self.db.execute(
            f"INSERT INTO api_keys ({_KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            _key_values(record),
        )

    async def get_key(self, key_id: str) -> KeyRecord | None:
        row = self._read_one(f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE key_id = ?", (key_id,))
        return _key(row) if row else None

    async def list_keys(self, tenant: str | None) -> list[KeyRecord]:
        sql = f"SELECT {_KEY_COLUMNS} FROM api_keys"
        args: tuple[Any, ...] = ()
        if tenant is not None:
            sql, args = sql + " WHERE tenant = ?", (tenant,)
        async with self.db.execute(sql + " ORDER BY created_at, key_id", args) as cur:
            rows = await cur.fetchall()
        return [_key(r) for r in rows]

    async def revoke_key(self, key_id: str, tenant: str | None) -> bool:
        sql = "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL"
        args: tuple[Any, ...] = (time.time(), key_id)
        if tenant is not None:
            sql, args = sql + " AND tenant = ?", (*args, tenant)
        cur = await self.db.execute(sql, args)
        changed = cur.rowcount > 0
        await self.db.execute("DELETE FROM console_sessions WHERE key_id = ?", (key_id,))
        return changed

    async def has_active_keys(self) -> bool:
        return self._read_one("SELECT 1 FROM api_keys WHERE revoked_at IS NULL LIMIT 1") is not None

    async def has_keys(self) -> bool:
        return self._read_one("SELECT 1 FROM api_keys LIMIT 1") is not None

    async def add_session(self, record: SessionRecord) -> None:
        await self.db.execute("DELETE FROM console_sessions WHERE expires_at < ?", (time.time(),))
        await self.db.execute(
            "INSERT INTO console_sessions (token_hash, key_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (record.token_hash, record.key_id, record.csrf, record.created_at, record.expires_at),
        )

    async def get_session(self, token_hash: str) -> SessionRecord | None:
        row = self._read_one(
            "SELECT token_hash, key_id, csrf, created_at, expires_at FROM console_sessions WHERE token_hash = ?",
            (token_hash,),
        )
        return _session(row) if row else None

    async def delete_session(self, token_hash: str) -> None:
        await self.db.execute("DELETE FROM console_sessions WHERE token_hash = ?", (token_hash,))


class PostgresKeystore(PostgresTables):
    """Keys and sessions in PostgreSQL, on the service's pool (autocommit, dict rows)."""

    SCHEMA = _PG_SCHEMA
    LOCK_ID = 424243

    async def add_key(self, record: KeyRecord) -> None:
        await self._execute(
            f"INSERT INTO oversight_api_keys ({_KEY_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            _key_values(record),
        )

    async def get_key(self, key_id: str) -> KeyRecord | None:
        rows = await self._fetch(f"SELECT {_KEY_COLUMNS} FROM oversight_api_keys WHERE key_id = %s", (key_id,))
        return _key(rows[0]) if rows else None

    async def list_keys(self, tenant: str | None) -> list[KeyRecord]:
        if tenant is None:
            rows = await self._fetch(f"SELECT {_KEY_COLUMNS} FROM oversight_api_keys ORDER BY created_at, key_id", ())
        else:
            rows = await self._fetch(
                f"SELECT {_KEY_COLUMNS} FROM oversight_api_keys WHERE tenant = %s ORDER BY created_at, key_id",
                (tenant,),
            )
        return [_key(r) for r in rows]

    async def revoke_key(self, key_id: str, tenant: str | None) -> bool:
        sql = "UPDATE oversight_api_keys SET revoked_at = %s WHERE key_id = %s AND revoked_at IS NULL"
        args: tuple[Any, ...] = (time.time(), key_id)
        if tenant is not None:
            sql, args = sql + " AND tenant = %s", (*args, tenant)
        async with self.pool.connection() as conn:
            cur = await conn.execute(sql, args)
            changed = bool(cur.rowcount and cur.rowcount > 0)
            await conn.execute("DELETE FROM oversight_console_sessions WHERE key_id = %s", (key_id,))
        return changed

    async def has_active_keys(self) -> bool:
        rows = await self._fetch("SELECT 1 AS one FROM oversight_api_keys WHERE revoked_at IS NULL LIMIT 1", ())
        return bool(rows)

    async def has_keys(self) -> bool:
        return bool(await self._fetch("SELECT 1 AS one FROM oversight_api_keys LIMIT 1", ()))

    async def add_session(self, record: SessionRecord) -> None:
        async with self.pool.connection() as conn:
            await conn.execute("DELETE FROM oversight_console_sessions WHERE expires_at < %s", (time.time(),))
            await conn.execute(
                "INSERT INTO oversight_console_sessions (token_hash, key_id, csrf, created_at, expires_at) "
                "VALUES (%s, %s, %s, %s, %s)",
                (record.token_hash, record.key_id, record.csrf, record.created_at, record.expires_at),
            )

    async def get_session(self, token_hash: str) -> SessionRecord | None:
        rows = await self._fetch(
            "SELECT token_hash, key_id, csrf, created_at, expires_at FROM oversight_console_sessions "
            "WHERE token_hash = %s",
            (token_hash,),
        )
        return _session(rows[0]) if rows else None

    async def delete_session(self, token_hash: str) -> None:
        await self._execute("DELETE FROM oversight_console_sessions WHERE token_hash = %s", (token_hash,))


def open_keystore(settings: Settings, pool: Any = None) -> AbstractAsyncContextManager[Keystore]:
    """The configured keystore, set up. ``pool`` reuses the service's PostgreSQL pool when it has one."""
    return open_tables(settings, pool, SqliteKeystore, PostgresKeystore)
