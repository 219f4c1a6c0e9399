"""The drift monitor's feed (``DigestTail``) on SQLite and PostgreSQL: every process's monitor counts every
process's decisions, each once, including a decision that commits after a later one (PostgreSQL)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import psycopg
import pytest

from service.drift import DriftMonitor
from service.drift_feed import DigestTail
from service.runtime import new_review_id
from service.schemas import Decision, FastModel, ReviewerInfo, ReviewerOutcome
from service.settings import Settings
from service.store import Storage, open_storage
from service.store.postgres import _UPSERT
from service.store.sqlite import decision_row
from service.vocabulary import Domain, ResponseClass, ReviewerOutcomeKind, Risk, Verdict


def decision(version: str, verdict: Verdict = Verdict.approve) -> Decision:
    return Decision(
        review_id=new_review_id(),
        verdict=verdict,
        output="text",
        risk=Risk.high,
        domain=Domain.health,
        reviewer=ReviewerInfo(provider="local", model="rules-v1"),
        reviewer_outcome=ReviewerOutcome(kind=ReviewerOutcomeKind.verdict),
        disagreement=verdict is not Verdict.approve,
        model=FastModel(provider="acme", name="fast-chat", version=version),
        trace_id="a" * 32,
        created_at=datetime.now(UTC),
    )


def counts(monitor: DriftMonitor) -> dict[str, tuple[int, int]]:
    out = {}
    for s in monitor.snapshot(time.time())["series"]:
        m = s["metrics"]["disagreement"]
        out[s["fast_model"]] = (m["n"], m["count"])
    return out


@pytest.fixture
async def storage(any_settings: Settings) -> AsyncIterator[Storage]:
    async with open_storage(any_settings) as s:
        yield s


async def test_every_tail_counts_every_decision_once(storage: Storage) -> None:
    store = storage.store
    for v in (Verdict.approve, Verdict.block, Verdict.approve):
        await store.save_decision(decision("v1", v), "t1")
    one, two = DriftMonitor(), DriftMonitor()
    tail_one, tail_two = DigestTail(one, store), DigestTail(two, store)
    assert await tail_one.start(time.time(), limit=100) == 3  # the refill
    assert await tail_two.start(time.time(), limit=0) == 0  # refill off: only what comes next
    later = [decision("v2", Verdict.rewrite), decision("v2")]
    for d in later:
        await store.save_decision(d, "t2")  # "another process" stored them: both tails see them
    await store.save_decision(later[0], "t2")  # an idempotent repeat is not counted again
    assert await tail_one.catch_up() == 2
    assert await tail_one.catch_up() == 0
    assert await tail_two.catch_up() == 2
    assert counts(one) == {"fast-chat@v1": (3, 1), "fast-chat@v2": (2, 1)}
    assert counts(two) == {"fast-chat@v2": (2, 1)}


async def test_a_decision_dated_in_the_future_is_counted_now_and_does_not_blind_the_window(storage: Storage) -> None:
    # A replica (or an `oversight review` batch run) whose clock is two hours ahead stored one decision: counted at
    # its own time, it opened a bucket in the future that dropped the series' window, and every decision after it
    # went into that future bucket: the window read n = 0 until the clock caught up (no drift, alerts closed).
    from datetime import timedelta

    store = storage.store
    monitor = DriftMonitor()
    tail = DigestTail(monitor, store)
    await tail.start(time.time(), limit=0)
    for _ in range(5):
        await store.save_decision(decision("v1"), "t1")
    ahead = decision("v1")
    ahead = ahead.model_copy(update={"created_at": datetime.now(UTC) + timedelta(hours=2)})
    await store.save_decision(ahead, "t1")
    for _ in range(3):
        await store.save_decision(decision("v1", Verdict.block), "t1")
    assert await tail.catch_up() == 9
    assert counts(monitor) == {"fast-chat@v1": (9, 3)}  # before: (0, 0)
    assert tail.future_dated == 1


async def test_a_decision_no_review_judged_is_left_out_of_the_disagreement_rate(storage: Storage) -> None:
    # A reviewer outage (reason reviewer_error: the domain's on_reviewer_error escalated) is no fast-model drift.
    store = storage.store
    monitor = DriftMonitor()
    tail = DigestTail(monitor, store)
    await tail.start(time.time(), limit=0)
    await store.save_decision(decision("v1", Verdict.block), "t1")
    for _ in range(4):
        failed = decision("v1", Verdict.escalate).model_copy(update={"reason": "reviewer_error"})
        await store.save_decision(failed, "t1")
    assert await tail.catch_up() == 1
    assert tail.unjudged == 4
    assert counts(monitor) == {"fast-chat@v1": (1, 1)}  # before: (5, 5)
    assert [d.judged for d in await store.digests_after(0, 10)] == [True, False, False, False, False]


async def test_a_failed_review_is_left_out_of_the_response_class_rates_too(storage: Storage) -> None:
    # QA M1: during an outage the class came from the local analysis ("refusal") instead of the model reviewer's
    # ("full_compliance"), so an unchanged fast model's refusal rate went from 0 % to 100 %. QA L2: low-risk answers
    # approved with no reviewer call counted as agreements, diluting the disagreement rate; their class still counts
    # (one classifier classifies all of them, and over-refusal shows in that traffic).
    store = storage.store
    monitor = DriftMonitor()
    tail = DigestTail(monitor, store)
    await tail.start(time.time(), limit=0)
    for _ in range(2):
        reviewed = decision("v1").model_copy(update={"response_class": ResponseClass.full_compliance})
        await store.save_decision(reviewed, "t1")
    for reason in ("reviewer_error", "reviewer_abstain_flagged", "low_risk_unreviewed"):
        unjudged = decision("v1").model_copy(update={"reason": reason, "response_class": ResponseClass.refusal})
        await store.save_decision(unjudged, "t1")
    assert await tail.catch_up() == 3 and tail.unjudged == 2
    [s] = monitor.snapshot(time.time())["series"]
    assert (s["metrics"]["refusal"]["count"], s["metrics"]["refusal"]["n"]) == (1, 3)  # before: (3, 5)
    assert s["metrics"]["disagreement"]["n"] == 2  # before: 3 (the low-risk one counted as an agreement)
    digests = await store.digests_after(0, 10)
    assert [d.judged for d in digests] == [True, True, False, False, False]
    assert [d.classified for d in digests] == [True, True, False, False, True]


async def test_a_block_made_while_the_reviewer_failed_is_read_as_unjudged_from_the_stored_decision(
    storage: Storage,
) -> None:
    # A dangerous command blocked on its finding while the reviewer erred or abstained (reason blocking_finding): no
    # reviewer judged it. Counted as a disagreement, such blocks were all that was left of a series in an outage, and
    # its disagreement rate rose to 100 %. The digest reads the stored reviewer outcome (no second query).
    store = storage.store
    monitor = DriftMonitor()
    tail = DigestTail(monitor, store)
    await tail.start(time.time(), limit=0)
    await store.save_decision(decision("v1", Verdict.escalate), "t1")  # judged: a reviewer's disagreement
    for kind in (ReviewerOutcomeKind.error, ReviewerOutcomeKind.abstain):
        blocked = decision("v1", Verdict.block).model_copy(
            update={"reason": "blocking_finding", "reviewer_outcome": ReviewerOutcome(kind=kind)}
        )
        await store.save_decision(blocked, "t1")
    await store.save_decision(decision("v1"), "t1")
    assert await tail.catch_up() == 2
    assert tail.unjudged == 2
    assert counts(monitor) == {"fast-chat@v1": (2, 1)}  # before: (4, 3)
    digests = await store.digests_after(0, 10)
    assert [(d.judged, d.classified) for d in digests] == [(True, True), (False, False), (False, False), (True, True)]
    refilled = DriftMonitor()  # a restart's refill reads the same digests
    await DigestTail(refilled, store).start(time.time(), limit=100)
    assert counts(refilled) == {"fast-chat@v1": (2, 1)}


async def test_catch_up_reads_past_its_batch_size(storage: Storage) -> None:
    monitor = DriftMonitor()
    tail = DigestTail(monitor, storage.store, batch=2)
    await tail.start(time.time(), limit=0)
    for _ in range(5):
        await storage.store.save_decision(decision("v1"), "t1")
    assert await tail.catch_up() == 5
    assert counts(monitor) == {"fast-chat@v1": (5, 0)}


async def test_a_decision_that_commits_after_a_later_one_is_still_counted_once(pg_settings: Settings) -> None:
    async with open_storage(pg_settings) as storage:
        store = storage.store
        monitor = DriftMonitor()
        now = [0.0]
        tail = DigestTail(monitor, store, gap_ttl_s=60, clock=lambda: now[0])
        await tail.start(time.time(), limit=0)
        slow = decision("v1", Verdict.block)
        row = list(decision_row(slow, "t1"))
        row[-1] = row[-1].decode()
        assert pg_settings.database_url
        with psycopg.connect(pg_settings.database_url) as conn:  # a slow writer holds its insert open
            conn.execute(_UPSERT, row)  # it has taken its position, not committed
            await store.save_decision(decision("v1"), "t2")  # a later position, committed first
            assert await tail.catch_up() == 1
            assert tail.gaps  # the slow writer's position is remembered as missing
            conn.commit()
        now[0] = 30.0
        assert await tail.catch_up() == 1  # asked again for the missing position: found
        assert not tail.gaps
        assert await tail.catch_up() == 0
        assert counts(monitor) == {"fast-chat@v1": (2, 1)}

        # A position that is never written (an idempotent repeat burned a sequence value) is forgotten.
        repeat = decision("v1")
        await store.save_decision(repeat, "t1")
        await store.save_decision(repeat, "t1")
        await store.save_decision(decision("v1"), "t1")
        assert await tail.catch_up() == 2
        assert tail.gaps
        now[0] = 100.0
        assert await tail.catch_up() == 0
        assert not tail.gaps


async def test_a_tail_reading_during_concurrent_writes_counts_each_decision_once(storage: Storage) -> None:
    # Twenty writers at once while the tail reads in a loop. On PostgreSQL a trigger holds each insert open for
    # up to 20 ms after it took its position (every 50th position for a second, so the tail is sure to read while
    # later positions have committed), so rows commit out of position order and the tail sees gaps; every
    # decision is still counted once.
    store = storage.store
    if storage.pool is not None:
        async with storage.pool.connection() as conn:
            await conn.execute(
                "CREATE FUNCTION jitter() RETURNS trigger AS $$ BEGIN "
                "PERFORM pg_sleep(CASE WHEN NEW.seq % 50 = 3 THEN 1.0 ELSE random() * 0.02 END); "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            await conn.execute(
                "CREATE TRIGGER jitter AFTER INSERT ON oversight_decisions FOR EACH ROW EXECUTE FUNCTION jitter()"
            )
    monitor = DriftMonitor()
    tail = DigestTail(monitor, store, batch=7)
    await tail.start(time.time(), limit=0)
    writing, most_gaps = True, 0

    async def reader() -> None:
        nonlocal most_gaps
        while writing:
            await tail.catch_up()
            most_gaps = max(most_gaps, len(tail.gaps))
            await asyncio.sleep(0)

    async def writer(k: int) -> None:
        for i in range(15):
            await store.save_decision(decision("v1", Verdict.block if (k + i) % 4 == 0 else Verdict.approve), "t1")

    follow = asyncio.create_task(reader())
    await asyncio.gather(*(writer(k) for k in range(20)))
    writing = False
    await follow
    await tail.catch_up()
    assert counts(monitor) == {"fast-chat@v1": (300, 75)}
    assert tail.fed == 300
    if storage.pool is not None:
        assert most_gaps > 0  # the out-of-order commits did happen


@pytest.mark.parametrize("refill", [100, 0])
async def test_a_decision_in_flight_when_a_process_starts_is_counted_when_it_commits(
    pg_settings: Settings, refill: int
) -> None:
    async with open_storage(pg_settings) as storage:
        store = storage.store
        await store.save_decision(decision("v1"), "t1")
        slow = decision("v1", Verdict.block)
        row = list(decision_row(slow, "t1"))
        row[-1] = row[-1].decode()
        assert pg_settings.database_url
        monitor = DriftMonitor()
        tail = DigestTail(monitor, store)
        with psycopg.connect(pg_settings.database_url) as conn:
            conn.execute(_UPSERT, row)  # a writer has taken its position and not committed
            await store.save_decision(decision("v1"), "t2")  # a later position, committed
            fed = await tail.start(time.time(), limit=refill)  # the process starts now
            assert fed == (2 if refill else 0)
            conn.commit()
        assert await tail.catch_up() == 1  # the slow decision, once
        assert await tail.catch_up() == 0
        assert counts(monitor) == ({"fast-chat@v1": (3, 1)} if refill else {"fast-chat@v1": (1, 1)})
