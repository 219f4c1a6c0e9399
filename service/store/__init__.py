"""Decision stores and the matching LangGraph checkpointers, opened together."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver

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


@asynccontextmanager
async def open_storage(settings: Settings) -> AsyncIterator[Storage]:
    """Open the configured store and its checkpointer; close both on exit."""
    if settings.database_url:
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

        from service.store.postgres import PostgresDecisionStore, postgres_pool

        pool = postgres_pool(settings.database_url)
        await pool.open(wait=True, timeout=10)
        try:
            store = PostgresDecisionStore(pool)
            await store.setup()
            saver = AsyncPostgresSaver(pool)  # type: ignore[arg-type]
            await saver.setup()
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
            saver_sqlite = AsyncSqliteSaver(conn)
            await saver_sqlite.setup()
            yield Storage(store=store_sqlite, checkpointer=saver_sqlite, backend="sqlite")
        finally:
            await conn.close()
            await store_sqlite.close()
