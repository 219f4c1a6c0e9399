"""The ``DecisionStore`` seam: decisions are durable before the HTTP answer is sent.

Two implementations pass one conformance suite (``tests/conformance/test_store.py``): SQLite (WAL,
the embedded default) and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from service.errors import Conflict
from service.policy.decide import UNJUDGED
from service.schemas import Decision


class DuplicateRequest(Conflict):
    """Another review already holds this (tenant, request id)."""

    code = "duplicate_request"


COUNT_CAP = 10_000
"""``count_escalations`` counts no further than one past this."""


@dataclass(frozen=True, slots=True)
class EscalationQuery:
    """Filters for listing escalated reviews. ``tenant=None`` means every tenant (admin only)."""

    tenant: str | None = None
    status: str | None = "pending"
    domain: str | None = None
    created_before: datetime | None = None
    created_after: datetime | None = None
    limit: int = 50
    offset: int = 0
    waiting_first: datetime | None = None
    """Set to now: the escalations an agent still holds at that time come first (soonest give-up first), then
    the rest oldest first, as the inbox lists them. Unset: oldest first (an index scan, for the time-limit sweep)."""
    newest_first: bool = False
    """Newest first (by creation time) instead of oldest first: what a reviewer wants of the closed items. Not
    with ``waiting_first``."""
    kind: str | None = None
    """Only reviews of this kind (``answer``, ``action``)."""
    session_id: str | None = None
    """Only reviews whose request's ``context.session_id`` is exactly this (kept in the decision's body: the
    agent's session, which the Claude Code hook sends there). Meant with ``status="pending"``: the partial index
    on pending rows finds the few candidates, and the body is read only for them."""


@dataclass(frozen=True, slots=True)
class DecisionQuery:
    """Filters for listing decisions, newest first. ``tenant=None`` means every tenant (admin only)."""

    tenant: str | None = None
    domain: str | None = None
    verdict: str | None = None
    kind: str | None = None
    since: datetime | None = None
    """Only decisions created (decided) at or after this time, whenever their review started."""
    before: str | None = None
    """The cursor of the next page: only decisions listed after this review (the last one of the previous page)
    in the list's order, newest ``created_at`` first."""
    limit: int = 50


def waiting_first_page(held: list[Any], offset: int, limit: int) -> tuple[list[Any], tuple[int, int] | None]:
    """Split a waiting-first page: ``held`` is the first ``offset + limit`` held rows (or all of them, if fewer).
    Returns the held part of the page and, when the page goes past the held rows, (limit, offset) for the rest."""
    page = held[offset : offset + limit]
    if len(held) >= offset + limit:
        return page, None
    return page, (limit - len(page), max(0, offset - len(held)))


UNREVIEWED: frozenset[str] = frozenset({"low_risk_unreviewed"})
"""Reasons of a decision approved with no reviewer call (low-risk traffic outside the audit sample)."""

NOT_JUDGED: frozenset[str] = UNJUDGED | UNREVIEWED
"""Reasons of a decision no review judged (``DecisionDigest.judged`` False): the reviewer failed or abstained and
the domain's ``on_reviewer_error`` gave the verdict (``service.policy.decide.UNJUDGED``), or triage let it through
with no reviewer call. The drift monitor leaves them out of every rate."""


@dataclass(frozen=True, slots=True)
class DecisionDigest:
    """What live rates are computed from, for one stored decision (no texts)."""

    review_id: str
    created_at: datetime
    domain: str
    fast_model: str
    """``name@version`` (``FastModel.label()``)."""
    disagreement: bool
    """As the decision was first recorded: an escalated review counts as a disagreement even after a human
    approved it (the reviewer did not approve it, which is what the rate measures)."""
    response_class: str | None
    position: int = 0
    """Where the row sits in the store's insertion order (SQLite ``rowid``, PostgreSQL ``seq``): rows inserted
    later have larger positions, and an update (an escalation resolved) keeps the position. A tail of the
    store follows it with ``digests_after``."""
    judged: bool = True
    """False when no review judged the decision (``NOT_JUDGED``: the reviewer failed or abstained, or a low-risk
    answer was approved with no reviewer call; or its ``reviewer_outcome.kind`` is ``error`` or ``abstain``, as for a
    block by a finding while the reviewer failed): the drift monitor leaves it out of the disagreement rate."""
    classified: bool = True
    """False when the reviewer failed or abstained (``UNJUDGED``, or ``reviewer_outcome.kind`` ``error`` /
    ``abstain`` whatever the reason: ``digest_flags``): the response class then comes from the local
    analysis instead of the reviewer that classifies the other decisions, so the drift monitor leaves it out of
    the response-class rates too (a vendor outage would read as a refusal-rate jump). A low-risk answer approved
    with no reviewer call keeps its class: the same deterministic analysis classifies every such answer, and that
    traffic is where a new fast model's over-refusal shows."""


_NO_REVIEWER = frozenset({"error", "abstain"})
"""``reviewer_outcome.kind`` of a decision no reviewer judged: it erred or abstained (and any fallback too)."""


def digest_flags(reason: str | None, outcome: str | None) -> tuple[bool, bool]:
    """``(judged, classified)`` of a stored decision, from its ``reason`` and ``reviewer_outcome.kind``.

    A decision no reviewer judged is neither, whatever its verdict: also one a finding blocked while the reviewer
    failed (reason ``blocking_finding``), which counted would be the only decisions of a series left in an outage,
    a disagreement each (``/metrics`` reads the decision the same way: ``response_class="unknown"``)."""
    if outcome in _NO_REVIEWER:
        return False, False
    return reason not in NOT_JUDGED, reason not in UNJUDGED


def review_id_floor(when: datetime) -> str:
    """The smallest review id minted at ``when`` or later.

    Review ids are ``rev_`` + 32 hex digits in the uuid7 layout (``service.runtime.new_review_id``): their first
    48 bits are the creation time in milliseconds, so ids sort by creation time and the primary key's index
    answers "the newest decisions" without an index of its own.
    """
    return f"rev_{int(when.timestamp() * 1000) << 80:032x}"


DECISION_ORDER = "created_at DESC, review_id DESC"
"""The order of ``list_decisions``: the most recently decided first. Not by review id: an id is minted when its
review starts, and a review that waits on a model reviewer (up to its ``timeout_ms``) is decided later than
reviews that started after it; a poller walking ids (or ``since`` on them) would miss its decision."""


def decision_filters(query: DecisionQuery, mark: str, table: str) -> tuple[list[str], list[Any]]:
    """The WHERE conditions and arguments of ``query`` (``mark``: the driver's placeholder; ``table``: the
    decisions table, for the cursor's row). ``since`` and ``before`` are on ``created_at``, as the list is ordered
    (``DECISION_ORDER``)."""
    where: list[str] = []
    args: list[Any] = []
    for column in ("tenant", "domain", "verdict", "kind"):
        value = getattr(query, column)
        if value is not None:
            where.append(f"{column} = {mark}")
            args.append(value)
    if query.since is not None:
        where.append(f"created_at >= {mark}")
        args.append(query.since.astimezone(UTC))
    if query.before is not None:  # after the cursor's row in DECISION_ORDER (created_at, then review id)
        where.append(f"(created_at, review_id) < (SELECT created_at, review_id FROM {table} WHERE review_id = {mark})")
        args.append(query.before)
    return where, args


class DecisionStore(Protocol):
    """Where decisions live."""

    async def setup(self) -> None:
        """Create tables if needed."""
        ...

    async def close(self) -> None: ...

    async def ping(self) -> None:
        """Raise if the store cannot answer a query."""
        ...

    async def save_decision(self, decision: Decision, tenant: str) -> None:
        """Insert or replace by ``review_id``; committed when this returns.

        Raises ``DuplicateRequest`` when another review holds the same ``(tenant, request_id)``.
        """
        ...

    async def get_decision(self, review_id: str, tenant: str | None) -> Decision | None:
        """The decision, or None (also when it belongs to another tenant)."""
        ...

    async def find_by_request(self, tenant: str, request_id: str) -> Decision | None:
        """The decision recorded for a caller's idempotency key."""
        ...

    async def get_by_escalation(self, escalation_id: str, tenant: str | None) -> Decision | None: ...

    async def list_escalations(self, query: EscalationQuery) -> list[Decision]:
        """Escalated reviews, oldest first (``newest_first``: newest first)."""
        ...

    async def count_escalations(self, query: EscalationQuery) -> int:
        """How many escalated reviews match ``query``'s filters (its order, ``limit`` and ``offset`` aside), counted
        up to ``COUNT_CAP + 1``: more than the cap is "more than the cap", so a long history costs no more."""
        ...

    async def list_decisions(self, query: DecisionQuery) -> list[Decision]:
        """Decisions matching ``query``, most recently decided first (``DECISION_ORDER``)."""
        ...

    async def count_decisions(self, tenant: str | None = None) -> int: ...

    async def escalation_backlog(self) -> dict[str, tuple[int, datetime]]:
        """Pending escalations of every tenant, per domain: ``{domain: (count, oldest created_at)}``."""
        ...

    async def recent_digests(self, since: datetime, limit: int, *, upto: int | None = None) -> list[DecisionDigest]:
        """Digests of the newest ``limit`` decisions (every tenant) created at or after ``since``, oldest first.

        "Newest" is by review id, which sorts by creation time (see ``review_id_floor``). ``upto``: only rows
        at or before that position (what ``digest_position`` said), so a tail that starts there sees the rest.
        """
        ...

    async def digest_position(self) -> int:
        """The position of the newest inserted decision (0 when the store is empty)."""
        ...

    async def digests_after(self, position: int, limit: int, also: Sequence[int] = ()) -> list[DecisionDigest]:
        """Digests of up to ``limit`` decisions inserted after ``position``, plus any row at a position in
        ``also`` (rows a tail saw missing, which may have committed since), in position order.

        On PostgreSQL positions come from a sequence: a row can commit after a row with a larger position,
        so a tail keeps the gaps it saw and asks for them again (``service.drift_feed.DigestTail``).
        """
        ...

    def claim(self, key: str, ttl_s: float = 120.0) -> AbstractAsyncContextManager[bool]:
        """Hold ``key`` exclusively across every process on this database while the block runs.

        Yields False, at once and without waiting, when another holder (this process or another one) has it.
        A holder that dies without releasing does not block forever: PostgreSQL drops its advisory lock with
        the connection; SQLite lets another process take a claim ``ttl_s`` seconds after it was made.
        """
        ...
