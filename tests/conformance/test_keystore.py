"""The keystore behaves the same on SQLite and PostgreSQL (real server)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from service.auth import new_key
from service.keystore import Keystore, SessionRecord, open_keystore
from service.settings import Settings


@pytest.fixture
async def keystore(any_settings: Settings) -> AsyncIterator[Keystore]:
    async with open_keystore(any_settings) as k:
        yield k


async def test_keys_read_back_list_by_tenant_and_revoke(keystore: Keystore) -> None:
    assert not await keystore.has_active_keys() and not await keystore.has_keys()
    _, acme = new_key("acme", "admin", "ops")
    _, globex = new_key("globex", "client")
    await keystore.add_key(acme)
    await keystore.add_key(globex)
    assert await keystore.get_key(acme.key_id) == acme
    assert await keystore.has_active_keys()
    assert [k.key_id for k in await keystore.list_keys("acme")] == [acme.key_id]
    assert {k.key_id for k in await keystore.list_keys(None)} == {acme.key_id, globex.key_id}
    assert not await keystore.revoke_key(acme.key_id, "globex")  # another tenant's key: untouched
    assert await keystore.revoke_key(acme.key_id, "acme")
    revoked = await keystore.get_key(acme.key_id)
    assert revoked is not None and not revoked.active
    assert await keystore.revoke_key(globex.key_id, None)
    assert not await keystore.has_active_keys()
    # authentication stays on once a key was created: revoked keys still count (product QA: revoking the last
    # key made every localhost caller admin again)
    assert await keystore.has_keys()


async def test_sessions_end_with_their_key(keystore: Keystore) -> None:
    _, record = new_key("acme", "reviewer")
    await keystore.add_key(record)
    now = time.time()
    session = SessionRecord("h1", record.key_id, "csrf", now, now + 60)
    await keystore.add_session(session)
    assert await keystore.get_session("h1") == session
    await keystore.revoke_key(record.key_id, None)
    assert await keystore.get_session("h1") is None
