"""One conformance suite every DecisionStore passes: SQLite (embedded) and PostgreSQL (real server)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from service.runtime import new_review_id
from service.schemas import Decision, EscalationInfo, FastModel, RequestContext, ReviewerInfo, ReviewerOutcome
from service.settings import Settings
from service.store import DuplicateRequest, EscalationQuery, Storage, open_storage
from service.store.base import DecisionQuery, review_id_floor
from service.vocabulary import Domain, ResponseClass, ReviewerOutcomeKind, Risk, Verdict


def make(review_id: str, *, request_id: str | None = None, verdict: Verdict = Verdict.approve,
         domain: Domain = Domain.health, minutes_ago: int = 0, waiting_min: float | None = None) -> Decision:
    escalation = None
    if verdict is Verdict.escalate:
        until = datetime.now(UTC) + timedelta(minutes=waiting_min) if waiting_min is not None else None
        escalation = EscalationInfo(id="esc_" + review_id, status="pending", waiting_until=until)
    return Decision(
        review_id=review_id,
        request_id=request_id,
        verdict=verdict,
        output="text",
        risk=Risk.high,
        domain=domain,
        reviewer=ReviewerInfo(provider="local", model="rules-v1"),
        reviewer_outcome=ReviewerOutcome(kind=ReviewerOutcomeKind.verdict),
        disagreement=verdict is not Verdict.approve,
        escalation_id=escalation.id if escalation else None,
        escalation=escalation,
        trace_id="a" * 32,
        created_at=datetime.now(UTC) - timedelta(minutes=minutes_ago),
    )


@pytest.fixture
async def storage(any_settings: Settings) -> AsyncIterator[Storage]:
    async with open_storage(any_settings) as s:
        yield s


async def test_saved_decision_reads_back_identically(storage: Storage) -> None:
    d = make("rev_a", request_id="req-1")
    await storage.store.save_decision(d, "t1")
    assert await storage.store.get_decision("rev_a", "t1") == d
    assert await storage.store.get_decision("rev_a", None) == d
    assert await storage.store.find_by_request("t1", "req-1") == d


async def test_tenants_are_isolated(storage: Storage) -> None:
    await storage.store.save_decision(make("rev_b", request_id="same"), "t1")
    assert await storage.store.get_decision("rev_b", "t2") is None
    assert await storage.store.find_by_request("t2", "same") is None
    await storage.store.save_decision(make("rev_c", request_id="same"), "t2")  # same key, other tenant: fine
    assert (await storage.store.find_by_request("t2", "same")).review_id == "rev_c"  # type: ignore[union-attr]


async def test_request_id_is_unique_per_tenant(storage: Storage) -> None:
    await storage.store.save_decision(make("rev_d", request_id="k"), "t1")
    with pytest.raises(DuplicateRequest):
        await storage.store.save_decision(make("rev_e", request_id="k"), "t1")
    assert await storage.store.get_decision("rev_e", None) is None


async def test_save_is_an_upsert_by_review_id(storage: Storage) -> None:
    pending = make("rev_f", verdict=Verdict.escalate)
    await storage.store.save_decision(pending, "t1")
    final = pending.model_copy(update={"verdict": Verdict.block,
                                       "escalation": EscalationInfo(id="esc_rev_f", status="resolved", action="block")})
    await storage.store.save_decision(final, "t1")
    await storage.store.save_decision(final, "t1")
    assert (await storage.store.get_decision("rev_f", "t1")).verdict is Verdict.block  # type: ignore[union-attr]
    assert await storage.store.count_decisions("t1") == 1
    assert await storage.store.list_escalations(EscalationQuery(tenant="t1", status="pending")) == []
    resolved = await storage.store.list_escalations(EscalationQuery(tenant="t1", status="resolved"))
    assert [x.review_id for x in resolved] == ["rev_f"]


async def test_escalations_listed_oldest_first_with_filters(storage: Storage) -> None:
    await storage.store.save_decision(make("rev_new", verdict=Verdict.escalate, minutes_ago=1), "t1")
    await storage.store.save_decision(make("rev_old", verdict=Verdict.escalate, minutes_ago=30,
                                           domain=Domain.cyber), "t1")
    await storage.store.save_decision(make("rev_other", verdict=Verdict.escalate), "t2")
    await storage.store.save_decision(make("rev_ok"), "t1")
    listed = await storage.store.list_escalations(EscalationQuery(tenant="t1"))
    assert [d.review_id for d in listed] == ["rev_old", "rev_new"]
    cyber = await storage.store.list_escalations(EscalationQuery(tenant="t1", domain="cyber"))
    assert [d.review_id for d in cyber] == ["rev_old"]
    older = await storage.store.list_escalations(
        EscalationQuery(tenant="t1", created_before=datetime.now(UTC) - timedelta(minutes=10)))
    assert [d.review_id for d in older] == ["rev_old"]
    page = await storage.store.list_escalations(EscalationQuery(tenant=None, limit=2, offset=1))
    assert len(page) == 2
    assert (await storage.store.get_by_escalation("esc_rev_old", "t1")).review_id == "rev_old"  # type: ignore[union-attr]
    assert await storage.store.get_by_escalation("esc_rev_old", "t2") is None


async def test_escalations_listed_newest_first_and_counted_with_the_same_filters(storage: Storage) -> None:
    store = storage.store
    for i, minutes in enumerate((30, 20, 10)):
        await store.save_decision(make(f"rev_{i}", verdict=Verdict.escalate, minutes_ago=minutes), "t1")
    await store.save_decision(make("rev_cyber", verdict=Verdict.escalate, minutes_ago=5, domain=Domain.cyber), "t1")
    await store.save_decision(make("rev_t2", verdict=Verdict.escalate), "t2")
    await store.save_decision(make("rev_ok"), "t1")
    newest = EscalationQuery(tenant="t1", newest_first=True, limit=2)
    assert [d.review_id for d in await store.list_escalations(newest)] == ["rev_cyber", "rev_2"]
    later = EscalationQuery(tenant="t1", newest_first=True, limit=2, offset=2)
    assert [d.review_id for d in await store.list_escalations(later)] == ["rev_1", "rev_0"]
    assert await store.count_escalations(newest) == 4  # limit and offset aside
    assert await store.count_escalations(EscalationQuery(tenant=None)) == 5
    assert await store.count_escalations(EscalationQuery(tenant="t1", domain="cyber")) == 1
    older = EscalationQuery(tenant="t1", created_before=datetime.now(UTC) - timedelta(minutes=15))
    assert await store.count_escalations(older) == 2
    assert await store.count_escalations(EscalationQuery(tenant="t1", status="resolved")) == 0


async def test_the_escalation_count_stops_one_past_its_cap(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A long history of closed items costs a count no more than the cap; past it, the count says "more".
    from service.store import postgres, sqlite

    for module in (sqlite, postgres):
        monkeypatch.setattr(module, "COUNT_CAP", 3)
    for i in range(6):
        await storage.store.save_decision(make(f"rev_c{i}", verdict=Verdict.escalate, minutes_ago=i), "t1")
    assert await storage.store.count_escalations(EscalationQuery(tenant="t1")) == 4
    assert await storage.store.count_escalations(EscalationQuery(tenant="t1", created_after=datetime.now(UTC)
                                                                 - timedelta(seconds=90))) == 2


async def test_escalations_filtered_by_kind_and_the_requests_session(storage: Storage) -> None:
    # What a turn-ended report looks up: the pending action escalations of one agent session, in one tenant.
    def of(review_id: str, session: str | None, *, kind: str = "action", minutes_ago: int = 0) -> Decision:
        d = make(review_id, verdict=Verdict.escalate, domain=Domain.tool_use, minutes_ago=minutes_ago)
        return d.model_copy(update={"kind": kind, "context": RequestContext(session_id=session)})

    store = storage.store
    await store.save_decision(of("rev_s1_old", "sess-1", minutes_ago=5), "t1")
    await store.save_decision(of("rev_s1_new", "sess-1"), "t1")
    await store.save_decision(of("rev_s2", "sess-2"), "t1")
    await store.save_decision(of("rev_none", None), "t1")
    await store.save_decision(of("rev_answer", "sess-1", kind="answer"), "t1")
    await store.save_decision(of("rev_t2", "sess-1"), "t2")
    done = of("rev_s1_done", "sess-1")
    await store.save_decision(done.model_copy(update={
        "verdict": Verdict.block, "escalation": EscalationInfo(id="esc_rev_s1_done", status="expired", action="block")
    }), "t1")
    query = EscalationQuery(tenant="t1", status="pending", kind="action", session_id="sess-1")
    assert [d.review_id for d in await store.list_escalations(query)] == ["rev_s1_old", "rev_s1_new"]
    assert [d.review_id for d in await store.list_escalations(
        EscalationQuery(tenant="t1", status="pending", session_id="sess-1"))] == ["rev_s1_old", "rev_s1_new", "rev_answer"]
    assert [d.review_id for d in await store.list_escalations(
        EscalationQuery(tenant="t1", status="pending", kind="answer"))] == ["rev_answer"]
    earlier = EscalationQuery(tenant="t1", status="pending", kind="action", session_id="sess-1",
                              created_before=datetime.now(UTC) - timedelta(minutes=1))
    assert [d.review_id for d in await store.list_escalations(earlier)] == ["rev_s1_old"]
    assert [d.review_id for d in await store.list_escalations(
        EscalationQuery(tenant="t1", status="pending", session_id="sess-1", kind="action", limit=1, offset=1)
    )] == ["rev_s1_new"]
    assert await store.list_escalations(EscalationQuery(tenant="t1", session_id="sess-")) == []
    assert await store.list_escalations(EscalationQuery(tenant="t3", session_id="sess-1")) == []
    # with the inbox's ordering too (an agent still holding one comes first)
    waiting = EscalationQuery(tenant="t1", session_id="sess-2", waiting_first=datetime.now(UTC))
    assert [d.review_id for d in await store.list_escalations(waiting)] == ["rev_s2"]


async def test_escalations_an_agent_still_waits_on_come_first_soonest_give_up_first(storage: Storage) -> None:
    store = storage.store
    await store.save_decision(make("rev_w_old", verdict=Verdict.escalate, minutes_ago=30), "t1")
    await store.save_decision(make("rev_w_new", verdict=Verdict.escalate, minutes_ago=1), "t1")
    await store.save_decision(make("rev_w_late", verdict=Verdict.escalate, minutes_ago=3, waiting_min=10), "t1")
    await store.save_decision(make("rev_w_soon", verdict=Verdict.escalate, minutes_ago=2, waiting_min=1), "t1")
    # an agent that gave up long ago (its withdrawal never arrived): back among the rest, by age
    await store.save_decision(make("rev_w_gone", verdict=Verdict.escalate, minutes_ago=20, waiting_min=-15), "t1")
    now = datetime.now(UTC)
    order = ["rev_w_soon", "rev_w_late", "rev_w_old", "rev_w_gone", "rev_w_new"]
    listed = await store.list_escalations(EscalationQuery(tenant="t1", waiting_first=now))
    assert [d.review_id for d in listed] == order
    for offset in range(6):  # every page boundary, inside the held rows, across them and past them
        for limit in (1, 2, 3):
            page = await store.list_escalations(
                EscalationQuery(tenant="t1", waiting_first=now, limit=limit, offset=offset)
            )
            assert [d.review_id for d in page] == order[offset : offset + limit], (offset, limit)
    # without it (the time-limit sweep): oldest first, an index scan
    plain = await store.list_escalations(EscalationQuery(tenant="t1"))
    assert [d.review_id for d in plain] == ["rev_w_old", "rev_w_gone", "rev_w_late", "rev_w_soon", "rev_w_new"]

    soon = listed[0]
    assert soon.escalation is not None and soon.escalation.waiting_until is not None
    resolved = soon.model_copy(update={"verdict": Verdict.approve, "escalation": soon.escalation.model_copy(
        update={"status": "resolved", "action": "approve"})})
    await store.save_decision(resolved, "t1")
    pending = await store.list_escalations(EscalationQuery(tenant="t1", waiting_first=datetime.now(UTC)))
    assert [d.review_id for d in pending][:1] == ["rev_w_late"]
    assert (await store.get_decision("rev_w_soon", "t1")) == resolved  # the hold stays on the record


async def test_a_store_from_before_waiting_agents_is_upgraded_in_place(any_settings: Settings) -> None:
    async with open_storage(any_settings) as s:
        await s.store.save_decision(make("rev_u_old", verdict=Verdict.escalate, minutes_ago=5), "t1")
    if any_settings.database_url:  # the table as an older version left it
        import psycopg

        with psycopg.connect(any_settings.database_url, autocommit=True) as conn:
            conn.execute("ALTER TABLE oversight_decisions DROP COLUMN waiting_until")
    else:
        import sqlite3

        with sqlite3.connect(any_settings.sqlite_path) as conn:
            conn.execute("DROP INDEX decisions_waiting")
            conn.execute("ALTER TABLE decisions DROP COLUMN waiting_until")
    async with open_storage(any_settings) as s:
        await s.store.save_decision(make("rev_u_held", verdict=Verdict.escalate, minutes_ago=1, waiting_min=5), "t1")
        listed = await s.store.list_escalations(EscalationQuery(tenant="t1", waiting_first=datetime.now(UTC)))
        assert [d.review_id for d in listed] == ["rev_u_held", "rev_u_old"]


def timed_id(when: datetime, n: int) -> str:
    """A review id minted at ``when`` (the uuid7 layout of ``new_review_id``; ``n`` stands for its random bits)."""
    return f"rev_{(int(when.timestamp() * 1000) << 80) | n:032x}"


async def test_recent_digests_are_the_newest_decisions_since_a_time_oldest_first(storage: Storage) -> None:
    now = datetime.now(UTC)
    saved: list[Decision] = []
    for n, (minutes_ago, verdict, version) in enumerate(
        [(90, Verdict.approve, "v1"), (50, Verdict.block, "v1"), (40, Verdict.approve, None),
         (30, Verdict.escalate, "v2"), (20, Verdict.approve, "v2"), (10, Verdict.rewrite, "v2")]
    ):
        created = now - timedelta(minutes=minutes_ago)
        d = make(timed_id(created, n), verdict=verdict).model_copy(update={
            "created_at": created,
            "model": FastModel(provider="acme", name="fast-chat", version=version),
            "response_class": ResponseClass.refusal if n % 2 else ResponseClass.full_compliance,
        })
        await storage.store.save_decision(d, f"t{n % 2}")  # every tenant counts
        saved.append(d)
    # A human approved the escalated review: it still counts as the reviewer's disagreement it was.
    escalated = saved[3]
    assert escalated.escalation is not None
    await storage.store.save_decision(escalated.model_copy(update={
        "verdict": Verdict.approve, "disagreement": False,
        "escalation": escalated.escalation.model_copy(update={"status": "resolved", "action": "approve"}),
    }), "t1")

    since = now - timedelta(minutes=60)
    digests = await storage.store.recent_digests(since, limit=100)
    assert [d.review_id for d in digests] == [d.review_id for d in saved[1:]]  # the one at -90 min is too old
    assert [(d.fast_model, d.disagreement, d.response_class, d.domain) for d in digests] == [
        ("fast-chat@v1", True, "refusal", "health"),
        ("fast-chat@unknown", False, "full_compliance", "health"),
        ("fast-chat@v2", True, "refusal", "health"),
        ("fast-chat@v2", False, "full_compliance", "health"),
        ("fast-chat@v2", True, "refusal", "health"),
    ]
    assert all(abs((d.created_at - s.created_at).total_seconds()) < 1e-3 for d, s in zip(digests, saved[1:], strict=True))

    newest = await storage.store.recent_digests(since, limit=2)  # the limit keeps the newest
    assert [d.review_id for d in newest] == [d.review_id for d in saved[4:]]
    assert await storage.store.recent_digests(now + timedelta(minutes=1), limit=10) == []


async def test_digests_after_follows_insertion_order_and_not_updates(storage: Storage) -> None:
    # A tail of the store (the drift monitor on every process) reads each decision once, in the order rows
    # were inserted, whoever inserted them; resolving an escalation later does not bring its row back.
    store = storage.store
    assert await store.digest_position() == 0
    assert await store.digests_after(0, limit=10) == []
    first = [make(new_review_id(), verdict=v) for v in (Verdict.approve, Verdict.escalate)]
    for d in first:
        await store.save_decision(d, "t1")
    start = await store.digest_position()
    seen = await store.digests_after(0, limit=10)
    assert [d.review_id for d in seen] == [d.review_id for d in first]
    assert seen[-1].position == start and seen[0].position < start
    assert [d.disagreement for d in seen] == [False, True]

    later = [make(new_review_id(), domain=Domain.finance, verdict=Verdict.block) for _ in range(3)]
    for d in later:
        await store.save_decision(d, "t2")
    escalated = first[1]
    assert escalated.escalation is not None
    await store.save_decision(escalated.model_copy(update={
        "verdict": Verdict.approve,
        "escalation": escalated.escalation.model_copy(update={"status": "resolved", "action": "approve"}),
    }), "t1")
    await store.save_decision(later[0], "t2")  # an idempotent repeat is an update too
    tail = await store.digests_after(start, limit=10)
    assert [d.review_id for d in tail] == [d.review_id for d in later]
    assert [d.domain for d in tail] == ["finance"] * 3
    assert await store.digest_position() == tail[-1].position
    # Paged by ``limit``; ``also`` asks again for positions a tail saw missing.
    page = await store.digests_after(start, limit=2)
    assert [d.review_id for d in page] == [d.review_id for d in later[:2]]
    again = await store.digests_after(tail[-1].position, limit=10, also=[seen[0].position, 10**12])
    assert [d.review_id for d in again] == [first[0].review_id]
    # The start-up refill stops where the tail starts.
    since = datetime.now(UTC) - timedelta(minutes=5)
    upto = await store.recent_digests(since, limit=10, upto=start)
    assert {d.review_id for d in upto} == {d.review_id for d in first}  # (ids minted in one ms sort randomly)


def test_review_ids_sort_by_creation_time() -> None:
    before = datetime.now(UTC) - timedelta(milliseconds=2)
    minted = [new_review_id() for _ in range(50)]
    after = datetime.now(UTC) + timedelta(milliseconds=2)
    assert all(review_id_floor(before) <= r < review_id_floor(after) for r in minted)
    millis = [r[4:16] for r in minted]  # the first 48 bits: the millisecond (random bits order ids within one)
    assert sorted(millis) == millis


async def test_escalation_backlog_counts_pending_escalations_per_domain_with_the_oldest(storage: Storage) -> None:
    assert await storage.store.escalation_backlog() == {}
    await storage.store.save_decision(make("rev_h1", verdict=Verdict.escalate, minutes_ago=30), "t1")
    await storage.store.save_decision(make("rev_h2", verdict=Verdict.escalate, minutes_ago=5), "t2")
    await storage.store.save_decision(make("rev_c1", verdict=Verdict.escalate, domain=Domain.cyber), "t1")
    await storage.store.save_decision(make("rev_ok", verdict=Verdict.block), "t1")  # not escalated
    resolved = make("rev_h3", verdict=Verdict.escalate, minutes_ago=60)
    await storage.store.save_decision(resolved, "t1")
    await storage.store.save_decision(resolved.model_copy(update={
        "verdict": Verdict.block, "escalation": EscalationInfo(id="esc_rev_h3", status="resolved", action="block")
    }), "t1")
    backlog = await storage.store.escalation_backlog()
    assert {d: n for d, (n, _) in backlog.items()} == {"health": 2, "cyber": 1}
    oldest = backlog["health"][1]
    assert abs((datetime.now(UTC) - oldest) - timedelta(minutes=30)) < timedelta(seconds=30)


async def test_decisions_survive_reopening(any_settings: Settings) -> None:
    async with open_storage(any_settings) as s:
        await s.store.save_decision(make("rev_g", request_id="r"), "t1")
    async with open_storage(any_settings) as s:
        assert (await s.store.find_by_request("t1", "r")).review_id == "rev_g"  # type: ignore[union-attr]
        await s.store.ping()


async def test_a_claim_excludes_every_other_holder_on_the_database_until_released(
    any_settings: Settings,
) -> None:
    # Two opens of one database stand for two processes (``--workers``, or replicas on PostgreSQL).
    async with open_storage(any_settings) as one, open_storage(any_settings) as two:
        async with one.store.claim("escalation:esc_1") as first:
            assert first is True
            async with two.store.claim("escalation:esc_1") as second:
                assert second is False  # held by the other process: refused at once
            async with one.store.claim("escalation:esc_1") as again:
                assert again is False  # and by this one, until released
            async with two.store.claim("escalation:esc_2") as other:
                assert other is True  # other keys are independent
        async with two.store.claim("escalation:esc_1") as after:
            assert after is True  # released on exit, also when the block raised
        with pytest.raises(RuntimeError):
            async with one.store.claim("escalation:esc_3") as held:
                assert held is True
                raise RuntimeError("resolver failed")
        async with two.store.claim("escalation:esc_3") as after_error:
            assert after_error is True


async def test_a_claim_left_by_a_dead_holder_is_free_again(any_settings: Settings) -> None:
    async with open_storage(any_settings) as survivor, open_storage(any_settings) as dead:
        # A holder that dies inside its claim: its block never exits, nothing releases the claim.
        claim = dead.store.claim("escalation:esc_9", ttl_s=1.0)  # long enough to outlast a loaded machine's pause
        assert await claim.__aenter__() is True
        async with survivor.store.claim("escalation:esc_9") as while_alive:
            assert while_alive is False
        if dead.backend == "postgres":
            # The process is gone: the server ends its connection (as on a crash) and with it the lock.
            holder = """SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1
                        AND ((classid::bigint << 32) | objid::bigint) = hashtextextended(%s, 0)"""
            async with survivor.pool.connection() as conn:
                pids = [r["pid"] for r in await (await conn.execute(holder, ("escalation:esc_9",))).fetchall()]
                assert len(pids) == 1
                await conn.execute("SELECT pg_terminate_backend(%s)", (pids[0],))
                for _ in range(500):  # termination is asynchronous: wait until the backend is gone
                    if not await (await conn.execute(holder, ("escalation:esc_9",))).fetchall():
                        break
                    await asyncio.sleep(0.01)
        else:
            await asyncio.sleep(1.1)  # SQLite has no session that ends: the claim lapses after its ttl
        async with survivor.store.claim("escalation:esc_9") as later:
            assert later is True
        with contextlib.suppress(Exception):  # the dead holder's own exit: its connection is gone
            await claim.__aexit__(None, None, None)


async def test_decisions_are_listed_newest_first_with_filters_and_a_cursor(storage: Storage) -> None:
    now = datetime.now(UTC)
    rows = [(70, Verdict.approve, Domain.health, "t1"), (50, Verdict.block, Domain.cyber, "t1"),
            (40, Verdict.block, Domain.health, "t2"), (30, Verdict.escalate, Domain.health, "t1"),
            (20, Verdict.block, Domain.health, "t1"), (10, Verdict.approve, Domain.finance, "t1")]
    ids = []
    for n, (minutes_ago, verdict, domain, tenant) in enumerate(rows):
        created = now - timedelta(minutes=minutes_ago)
        d = make(timed_id(created, n), verdict=verdict, domain=domain).model_copy(update={"created_at": created})
        await storage.store.save_decision(d, tenant)
        ids.append(d.review_id)
    listed = await storage.store.list_decisions(DecisionQuery(tenant="t1"))
    assert [d.review_id for d in listed] == [ids[5], ids[4], ids[3], ids[1], ids[0]]  # newest first, t1 only
    blocked = await storage.store.list_decisions(DecisionQuery(tenant="t1", verdict="block"))
    assert [d.review_id for d in blocked] == [ids[4], ids[1]]
    health = await storage.store.list_decisions(DecisionQuery(tenant="t1", domain="health", kind="answer"))
    assert [d.review_id for d in health] == [ids[4], ids[3], ids[0]]
    recent = await storage.store.list_decisions(DecisionQuery(tenant="t1", since=now - timedelta(minutes=35)))
    assert [d.review_id for d in recent] == [ids[5], ids[4], ids[3]]
    page = await storage.store.list_decisions(DecisionQuery(tenant="t1", limit=2))
    rest = await storage.store.list_decisions(DecisionQuery(tenant="t1", limit=2, before=page[-1].review_id))
    assert [d.review_id for d in page + rest] == [ids[5], ids[4], ids[3], ids[1]]
    everyone = await storage.store.list_decisions(DecisionQuery(verdict="block"))
    assert [d.review_id for d in everyone] == [ids[4], ids[2], ids[1]]
    assert await storage.store.list_decisions(DecisionQuery(tenant="t1", kind="action")) == []


async def test_a_slow_review_is_listed_by_when_it_was_decided_not_when_it_started(storage: Storage) -> None:
    # A review that waited on a model reviewer: its id was minted at the start, its decision came 12 s later,
    # after a quick review that started (and was decided) in between. A poller asking for what was decided since
    # its last poll must get it, and "newest first" means the most recently decided first.
    now = datetime.now(UTC)
    slow_start, quick, slow_end = now - timedelta(seconds=14), now - timedelta(seconds=8), now - timedelta(seconds=2)
    slow = make(timed_id(slow_start, 1)).model_copy(update={"created_at": slow_end})
    fast = make(timed_id(quick, 2)).model_copy(update={"created_at": quick})
    old = make(timed_id(now - timedelta(minutes=5), 3), minutes_ago=5)
    for d in (old, fast, slow):
        await storage.store.save_decision(d, "t1")
    polled = await storage.store.list_decisions(DecisionQuery(tenant="t1", since=now - timedelta(seconds=5)))
    assert [d.review_id for d in polled] == [slow.review_id]
    # an offset written another way is the same instant
    east = (now - timedelta(seconds=5)).astimezone(timezone(timedelta(hours=2)))
    assert [d.review_id for d in await storage.store.list_decisions(DecisionQuery(tenant="t1", since=east))] == [
        slow.review_id
    ]
    listed = await storage.store.list_decisions(DecisionQuery(tenant="t1"))
    assert [d.review_id for d in listed] == [slow.review_id, fast.review_id, old.review_id]
    page = await storage.store.list_decisions(DecisionQuery(tenant="t1", limit=1))
    rest = await storage.store.list_decisions(DecisionQuery(tenant="t1", limit=5, before=page[-1].review_id))
    assert [d.review_id for d in page + rest] == [slow.review_id, fast.review_id, old.review_id]
