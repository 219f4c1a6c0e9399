"""Decision stores and the matching LangGraph checkpointers, opened together."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from service.errors import ConfigurationError
from service.settings import Settings
from service.store.base import DecisionStore, DuplicateRequest, EscalationQuery

__all__ = ["DecisionStore", "DuplicateRequest", "EscalationQuery", "Storage", "open_storage"]


@dataclass(slots=True)
class Storage:
    """The decision store, the checkpointer, and what backs them."""

    store: DecisionStore
    checkpointer: BaseCheckpointSaver[Any]
    backend: str
    pool: Any = None
    """The psycopg pool when the backend is PostgreSQL (other components may share it)."""


class CheckpointSerde(JsonPlusSerializer):
    """LangGraph's serializer, with plain JSON for a state msgpack cannot hold.

    msgpack stops at integers past 64 bits, which a request may carry (a number in an agent's tool input): such
    a review could not be checkpointed, so it could not escalate. Those states are stored as JSON under a type
    of their own, read back with ``json.loads`` alone: unlike LangGraph's ``json`` type, no object revival runs
    on what is, in the end, request text."""

    TYPE = "oversight-json"

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        try:
            return super().dumps_typed(obj)
        except TypeError:  # ormsgpack.MsgpackEncodeError is one
            return self.TYPE, json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        if data[0] == self.TYPE:
            return json.loads(data[1])
        return super().loads_typed(data)


def unreachable(url: str, *, timeout_s: int = 5) -> ConfigurationError | None:
    """Why the PostgreSQL server at ``url`` cannot be used (one connection attempt), or None when it answers.

    Start-up says so in one line naming ``OVERSIGHT_DATABASE_URL`` and where it points (never the password),
    instead of a pool's "initialization incomplete after 10 sec" traceback.
    """
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        with psycopg.connect(url, connect_timeout=timeout_s):
            return None
    except psycopg.Error as exc:
        try:
            parts = conninfo_to_dict(url)
        except psycopg.Error:
            parts = {}
        where = f"{parts.get('host') or 'localhost'}:{parts.get('port') or 5432}/{parts.get('dbname') or ''}"
        reason = " ".join(str(exc).split())[:300]
        return ConfigurationError(f"OVERSIGHT_DATABASE_URL: cannot use the PostgreSQL database at {where}: {reason}")


@asynccontextmanager
async def open_storage(settings: Settings) -> AsyncIterator[Storage]:
    """Open the configured store and its checkpointer; close both on exit. An unreachable PostgreSQL server is a
    :class:`ConfigurationError` naming the variable (the CLI prints it and exits 2)."""
    if settings.database_url:
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

        from service.store.postgres import PostgresDecisionStore, postgres_pool, unlimited_statements

        if (problem := await asyncio.to_thread(unreachable, settings.database_url)) is not None:
            raise problem
        pool = postgres_pool(settings.database_url, statement_timeout_ms=settings.database_statement_timeout_ms)
        await pool.open(wait=True, timeout=10)
        try:
            store = PostgresDecisionStore(pool)
            await store.setup()
            saver = AsyncPostgresSaver(pool, serde=CheckpointSerde())  # type: ignore[arg-type]
            async with pool.connection() as setup_conn, unlimited_statements(setup_conn):
                # LangGraph's migrations may take long on a large table: run them without the statement limit.
                await AsyncPostgresSaver(setup_conn, serde=CheckpointSerde()).setup()  # type: ignore[arg-type]
            yield Storage(store=store, checkpointer=saver, backend="postgres", pool=pool)
        finally:
            await pool.close()
    else:
        import aiosqlite
        from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

        from service.store.sqlite import SqliteDecisionStore

        store_sqlite = SqliteDecisionStore(settings.sqlite_path)
        await store_sqlite.setup()
        conn = await aiosqlite.connect(settings.sqlite_path)
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA busy_timeout=5000")
        try:
            saver_sqlite = AsyncSqliteSaver(conn, serde=CheckpointSerde())
            await saver_sqlite.setup()
            yield Storage(store=store_sqlite, checkpointer=saver_sqlite, backend="sqlite")
        finally:
            await conn.close()
            await store_sqlite.close()
