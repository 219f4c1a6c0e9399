"""The callback outbox behaves the same on SQLite and PostgreSQL (real server)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from service.outbox import DELIVERED, FAILED, PENDING, CallbackOutbox, open_outbox
from service.settings import Settings


@pytest.fixture
async def outbox(any_settings: Settings) -> AsyncIterator[CallbackOutbox]:
    async with open_outbox(any_settings) as o:
        yield o


async def test_an_armed_callback_is_due_only_after_its_grace_unless_released(outbox: CallbackOutbox) -> None:
    await outbox.arm("rev_1", "https://cb.example/1", "d1", due_at=1000.0)
    assert await outbox.due(999.0, 10) == []
    assert [i.review_id for i in await outbox.due(1000.0, 10)] == ["rev_1"]
    await outbox.release("rev_1", now=500.0)  # the final decision is recorded: due at once
    (item,) = await outbox.due(500.0, 10)
    assert (item.url, item.delivery_id, item.status, item.attempts) == ("https://cb.example/1", "d1", PENDING, 0)


async def test_one_row_per_review_a_second_arm_changes_nothing(outbox: CallbackOutbox) -> None:
    await outbox.arm("rev_2", "https://cb.example/a", "first", due_at=10.0)
    await outbox.arm("rev_2", "https://cb.example/b", "second", due_at=5.0)
    item = await outbox.get("rev_2")
    assert item is not None and (item.url, item.delivery_id, item.next_at) == ("https://cb.example/a", "first", 10.0)


async def test_a_claim_is_exclusive_until_it_lapses(outbox: CallbackOutbox) -> None:
    await outbox.arm("rev_3", "https://cb.example/3", "d3", due_at=0.0)
    assert await outbox.claim("rev_3", now=100.0, until=220.0)
    assert not await outbox.claim("rev_3", now=101.0, until=221.0)  # held by the first claimer
    assert await outbox.due(200.0, 10) == []
    assert await outbox.claim("rev_3", now=220.0, until=340.0)  # the lease lapsed (that process died)


async def test_retries_and_final_outcomes(outbox: CallbackOutbox) -> None:
    await outbox.arm("rev_4", "https://cb.example/4", "d4", due_at=0.0)
    await outbox.arm("rev_5", "https://cb.example/5", "d5", due_at=0.0)
    await outbox.reschedule("rev_4", attempts=1, next_at=50.0, error="HTTP 503")
    await outbox.release("rev_4", now=1.0)  # a retry is not pulled forward by a late release
    assert [i.review_id for i in await outbox.due(49.0, 10)] == ["rev_5"]
    item = await outbox.get("rev_4")
    assert item is not None and (item.attempts, item.last_error) == (1, "HTTP 503")
    await outbox.finish("rev_4", DELIVERED, 2, None)
    await outbox.finish("rev_5", FAILED, 6, "HTTP 500")
    assert await outbox.due(10_000.0, 10) == []
    done = await outbox.get("rev_4")
    failed = await outbox.get("rev_5")
    assert done is not None and (done.status, done.attempts) == (DELIVERED, 2)
    assert failed is not None and (failed.status, failed.last_error) == (FAILED, "HTTP 500")


async def test_an_ended_callback_can_be_sent_again_and_a_pending_one_cannot(outbox: CallbackOutbox) -> None:
    await outbox.arm("rev_6", "https://cb.example/6", "d6", due_at=0.0)
    assert not await outbox.redeliver("rev_6", now=5.0)  # still pending: its delivery is under way
    assert not await outbox.redeliver("rev_missing", now=5.0)
    await outbox.finish("rev_6", FAILED, 12, "HTTP 503")
    assert await outbox.redeliver("rev_6", now=100.0)
    again = await outbox.get("rev_6")
    assert again is not None
    assert (again.status, again.attempts, again.last_error, again.delivery_id) == (PENDING, 0, None, "d6")
    assert [i.review_id for i in await outbox.due(100.0, 10)] == ["rev_6"]
    await outbox.finish("rev_6", DELIVERED, 1, None)
    assert await outbox.redeliver("rev_6", now=200.0)  # a receiver that lost a delivered one may ask again
