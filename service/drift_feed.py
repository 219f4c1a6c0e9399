"""Feeds a process's ``DriftMonitor`` with every process's decisions, read from the store in insertion order.

A service with several workers or replicas writes to one database; each process follows that database with a
``DigestTail``, so each one's monitor counts the whole traffic and ``GET /v1/drift`` gives the same answer
whichever process serves it. At start-up ``start`` refills the monitor from the stored decisions of its last two
windows; after that ``catch_up`` (every ``OVERSIGHT_DRIFT_TAIL_S`` seconds, and before ``/v1/drift`` and
``/metrics`` answer) feeds what was inserted since.

Positions are the store's insertion order (``DecisionDigest.position``). On PostgreSQL they come from a
sequence, so a row can commit after a row with a larger position has been read: the tail remembers the
positions it skipped and asks for them again for ``gap_ttl_s`` seconds (rows that were never written, such as
a sequence value an idempotent repeat burned, expire from that list). The same holds at start-up: the positions
below the newest one that have no committed row yet (inserts in flight at that moment) are remembered too.

A decision no reviewer judged is left out of every rate: one the domain's ``on_reviewer_error`` decided, and one a
finding blocked while its reviewer failed or abstained (reason ``blocking_finding``, ``reviewer_outcome.kind``
``error`` or ``abstain``; the store's digest reads both, ``store.base.digest_flags``). Counted, such blocks were the
only decisions of a series left in an outage, a disagreement each: the rate rose with the outage.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection
from datetime import UTC, datetime

from service.drift import DriftMonitor
from service.store.base import DecisionDigest, DecisionStore

log = logging.getLogger("oversight.drift")

MAX_GAPS = 10_000
"""Positions remembered as missing at most (the oldest are dropped first)."""
START_SPAN = 1024
"""Positions below the newest one checked at start-up for inserts still in flight: more than the inserts a fleet
has open at once."""


class DigestTail:
    """Follows ``store`` for ``monitor``: every decision is observed once, at its creation time."""

    def __init__(
        self,
        monitor: DriftMonitor,
        store: DecisionStore,
        *,
        batch: int = 5000,
        gap_ttl_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.monitor, self.store = monitor, store
        self.batch, self.gap_ttl_s, self.clock, self.wall = batch, gap_ttl_s, clock, wall
        self.future_dated = 0
        """Decisions dated after this process's clock (a replica or batch run whose clock is ahead), counted now."""
        self.position: int | None = None
        self.gaps: dict[int, float] = {}  # missing position -> when first missed (clock)
        self.fed = 0
        self.read_at: float | None = None
        """Wall-clock time of the last read that reached the store (``oversight_drift_feed_read_timestamp_seconds``)."""
        self.unjudged = 0
        """Decisions read but not counted at all: no reviewer judged them (it failed or abstained): decided by
        ``on_reviewer_error`` (``DecisionDigest.classified``) or blocked by a finding meanwhile."""
        self.errors = 0
        """Reads that failed (counted by the caller that caught the error)."""
        self._lock = asyncio.Lock()

    async def start(self, now: float, limit: int) -> int:
        """Refill from the newest ``limit`` decisions of the monitor's last two windows; the tail goes on from
        there. Returns how many were fed."""
        async with self._lock:
            position = await self.store.digest_position()
            # An insert that took a position below ``position`` and has not committed yet is neither in the refill
            # nor after ``position``: such positions are remembered as missing, like gaps seen while following.
            # The committed positions are read before the refill, so a row that commits in between is either
            # fed by the refill or remembered, never both.
            first = max(0, position - START_SPAN)
            committed = {d.position for d in await self.store.digests_after(first, START_SPAN)}
            digests: list[DecisionDigest] = []
            if limit > 0:
                since = datetime.fromtimestamp(now - 2 * self.monitor.config.window_s, UTC)
                digests = await self.store.recent_digests(since, limit, upto=position)
            self._feed(digests)
            self.position = position
            self._missing_except(first + 1, position + 1, committed | {d.position for d in digests})
            self.read_at = time.time()
            return len(digests)

    async def catch_up(self) -> int:
        """Feed every decision inserted since the last call (and any missed row that has committed since).
        Returns how many were fed. Concurrent calls wait for each other, so nothing is fed twice."""
        async with self._lock:
            if self.position is None:
                self.position = await self.store.digest_position()
            total = 0
            while True:
                self._expire_gaps()
                rows = await self.store.digests_after(self.position, self.batch, also=tuple(self.gaps))
                total += self._feed(rows)
                fresh = 0
                for d in rows:
                    pos = d.position
                    if pos in self.gaps:
                        del self.gaps[pos]
                    elif pos > self.position:
                        fresh += 1
                        if pos > self.position + 1:
                            self._missing(self.position + 1, pos)
                        self.position = pos
                if fresh < self.batch:
                    self.read_at = time.time()
                    return total

    def _missing(self, first: int, end: int) -> None:
        self._missing_except(first, end, ())

    def _missing_except(self, first: int, end: int, present: Collection[int]) -> None:
        now = self.clock()
        for pos in range(max(first, end - MAX_GAPS), end):
            if pos not in present:
                self.gaps[pos] = now
        while len(self.gaps) > MAX_GAPS:
            del self.gaps[next(iter(self.gaps))]

    def _expire_gaps(self) -> None:
        if self.gaps:
            horizon = self.clock() - self.gap_ttl_s
            for pos in [p for p, at in self.gaps.items() if at < horizon]:
                del self.gaps[pos]

    def _feed(self, digests: list[DecisionDigest]) -> int:
        observe = self.monitor.observe
        n = 0
        now = self.wall()
        for d in digests:
            ts = d.created_at.timestamp()
            if ts > now:
                # Dated ahead of this clock: counted now. Counted at its own time, a decision two windows ahead
                # opened a bucket in the future that dropped the series' whole window and took every decision after
                # it, until the clock caught up (drift went blind: no samples, alerts closed).
                self.future_dated += 1
                if self.future_dated == 1 or self.future_dated % 1000 == 0:
                    log.warning(
                        "drift: decision %s is dated %.0f s ahead of this clock (a clock ahead elsewhere?): counted "
                        "now (%d so far)",
                        d.review_id,
                        ts - now,
                        self.future_dated,
                    )
                ts = now
            if not d.classified:
                # The reviewer failed or abstained: it says nothing of the fast model's disagreement with the reviewer,
                # and its response class comes from another classifier (the local analysis) than the reviewed
                # decisions' (the reviewer's), so an outage would read as a refusal-rate jump. Left out of every rate,
                # a decision blocked by a finding meanwhile too (the digest reads its reviewer outcome): counted, the
                # blocks would be all that is left of a series during an outage, and its disagreement rate would rise.
                self.unjudged += 1
                continue
            try:
                # low-risk traffic approved with no reviewer call: its class counts (one classifier for all of it),
                # its "agreement" does not (no reviewer judged it)
                observe(
                    d.domain,
                    d.fast_model,
                    disagreement=d.disagreement if d.judged else None,
                    response_class=d.response_class,
                    ts=ts,
                )
                n += 1
            except ValueError:  # a row this version cannot count (an unknown response class): skip it
                log.warning("drift monitor skipped %s", d.review_id)
        self.fed += n
        return n
