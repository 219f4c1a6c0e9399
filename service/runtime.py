"""The running review system: policies, reviewers, storage and the compiled graph, built once.

Both the HTTP API and the CLI go through ``Runtime``; nothing here knows about HTTP.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from langchain_core.runnables import RunnableConfig
from langgraph.types import Command
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.util.instrumentation import InstrumentationScope

from graphs import ReviewPorts, build_review_graph
from graphs.ports import Observer
from graphs.review import build_review_runner
from graphs.state import ReviewInput
from prompts import validate_prompts
from service.errors import Conflict, NotFound
from service.policy.loader import load_policies
from service.policy.model import PolicySet
from service.policy.service import PolicyService
from service.reviewers.pool import ReviewerPool
from service.schemas import ActionReviewRequest, Decision, ReviewRequest
from service.settings import Settings
from service.store import DuplicateRequest, Storage, open_storage
from service.telemetry import format_trace_id, review_span
from service.vocabulary import Domain

_tracer = trace.get_tracer("oversight")
_SCOPE = InstrumentationScope("oversight")


def decision_attributes(decision: Decision) -> dict[str, str | bool | int]:
    """The decision as span attributes (a block or escalate is a handled outcome: status stays unset)."""
    attrs: dict[str, str | bool | int] = {
        "oversight.verdict": decision.verdict.value,
        "oversight.domain": decision.domain.value,
        "oversight.disagreement": decision.disagreement,
        "oversight.risk": decision.risk.value,
        "oversight.policy_version": decision.policy_version,
        "oversight.prompt_version": decision.prompt_version,
        "oversight.reviewer.provider": decision.reviewer.provider,
        "oversight.reviewer.model": decision.reviewer.model,
        "oversight.reviewer.outcome": decision.reviewer_outcome.kind.value,
        "oversight.fast_model": decision.model.label(),
        "oversight.findings": len(decision.findings),
    }
    if decision.response_class is not None:
        attrs["oversight.response_class"] = decision.response_class.value
    if decision.escalation_id:
        attrs["oversight.escalation_id"] = decision.escalation_id
    return attrs


def new_review_id() -> str:
    """A time-ordered, unguessable review id: ``rev_`` + 32 hex (uuid7 layout)."""
    ms = int(time.time() * 1000)
    rand = int.from_bytes(os.urandom(10)) & ((1 << 74) - 1)  # what uuid4().int gives, without the UUID object
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return f"rev_{value:032x}"


class _Sampler:
    """The low-risk audit sample, decided by the request itself: its ``id`` when it has one, else a digest of what
    is under review. The same turn is picked (or not) on every run of an audit, resumed or re-run, in any order
    (a random draw per call picked different turns each time). ``seed`` (``OVERSIGHT_AUDIT_SEED``) picks another
    sample of the same size."""

    def __init__(self, seed: int | None) -> None:
        self._salt = b"" if seed is None else str(seed).encode()

    def __call__(self, rate: float, request: dict[str, Any]) -> bool:
        if rate <= 0:
            return False
        if rate >= 1:
            return True
        rid = request.get("id")
        key = (
            f"id:{rid}".encode()
            if rid
            else request_digest("action" if "action" in request else "answer", request).encode()
        )
        draw = int.from_bytes(hashlib.sha256(self._salt + b"\0" + key).digest()[:8], "big") / 2**64
        return draw < rate


UNDER_REVIEW = {"answer": ("domain", "messages", "output"), "action": ("action",)}
"""What a request id names: the text or the action under review. The rest (delivery options, the fast model's
label, the caller's context, an agent's goal and transcript tail as read at the time) may differ on a retry."""


def request_digest(kind: str, body: dict[str, Any]) -> str:
    """sha256 of the kind and what is under review (canonical JSON)."""
    subject = {"kind": kind, **{k: body.get(k) for k in UNDER_REVIEW[kind]}}
    try:
        canonical = orjson.dumps(subject, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # orjson stops at integers past 64 bits (an agent's tool input may hold one)
        canonical = json.dumps(subject, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return "sha256:" + hashlib.sha256(canonical).hexdigest()


def _check_same_request(
    request_id: str, kind: str, digest: str, known: str | None, stored: Decision | None = None
) -> None:
    """A repeated id must carry the same request (409 ``duplicate_request`` otherwise), so that an id reused by
    mistake, or by an agent, can never return another request's decision. ``known`` is the digest of the
    request the id was first used for; decisions stored before digests were recorded have none, and there only
    the kind (answer or action) can be compared."""
    same = known == digest if known is not None else stored is None or stored.kind == kind
    if not same:
        where = f"review {stored.review_id}" if stored is not None else "its review is in progress"
        raise DuplicateRequest(
            f"request id {request_id!r} was already used for a different request ({where}); "
            "an id names one request: send a new id for a new request",
            field="id",
        )


class Runtime:
    """Everything a review needs, opened once and shared by every request."""

    def __init__(
        self,
        settings: Settings,
        policies: PolicySet,
        storage: Storage,
        reviewers: ReviewerPool,
        observers: list[Observer] | None = None,
    ) -> None:
        self.settings = settings
        self.policies = policies
        self.policy_service = PolicyService(policies)
        self.storage = storage
        self.store = storage.store
        self.reviewers = reviewers
        self.observers: list[Observer] = observers if observers is not None else []
        self.ports = ReviewPorts(
            policies=self.policy_service,
            reviewers=reviewers,
            store=storage.store,
            sampler=_Sampler(settings.audit_seed),
            observers=self.observers,
            cross_model=settings.cross_model,
        )
        # Fast path without a checkpointer (straight through by default, or the compiled graph);
        # escalations continue on the durable graph (same nodes).
        self.graph = build_review_graph(self.ports, None)
        self.runner = build_review_runner(self.ports)
        self.hitl_graph = build_review_graph(self.ports, storage.checkpointer)
        # (tenant, request id) -> the review in progress and its request digest
        self._inflight: dict[tuple[str, str], tuple[asyncio.Future[Decision], str]] = {}
        self._escalated_spans: dict[str, trace.SpanContext] = {}  # review_id -> root span, for resume's link

    @classmethod
    @asynccontextmanager
    async def open(cls, settings: Settings, *, reviewer: Any = None) -> AsyncIterator[Runtime]:
        """Load policies, open storage, build reviewers and the graph; close them on exit."""
        policies = load_policies(settings.policy_dir)
        validate_prompts(settings.prompt_dir)  # a bad template stops start-up, naming its file
        reviewers = ReviewerPool(policies, settings, default=reviewer)
        try:
            async with open_storage(settings) as storage:
                yield cls(settings, policies, storage, reviewers)
        finally:
            await reviewers.aclose()

    # -- reviews --------------------------------------------------------------------------------------
    def _deadline(self, timeout_ms: int | None, domain: Domain | None) -> float:
        if timeout_ms is None:
            timeout_ms = self.policies[domain or Domain.general].timeout_ms if domain else 10_000
        return time.time() + timeout_ms / 1000

    async def review(
        self,
        request: ReviewRequest | ActionReviewRequest,
        tenant: str,
        *,
        parent: otel_context.Context | None = None,
        mode: str = "enforce",
        key_id: str | None = None,
    ) -> Decision:
        """Review one answer or action; idempotent on ``request.id`` within a tenant.

        ``mode="label"`` (audits) runs the same graph but never pauses for a human and stores nothing.
        ``key_id``: the API key that sent the request, kept with an escalation's thread (``requested_by_key``) so
        that only that key (or an admin's) can report the action ran (``EscalationService.ran``).
        """
        if request.id is None or mode == "label":
            return await self._run(request, tenant, parent, mode, key_id=key_id)
        key = (tenant, request.id)
        body = request.model_dump(mode="json", exclude_none=True)
        kind = "action" if isinstance(request, ActionReviewRequest) else "answer"
        digest = request_digest(kind, body)
        existing = self._inflight.get(key)
        if existing is not None:  # the same id is being looked up or reviewed right now: share its result
            _check_same_request(request.id, kind, digest, existing[1])
            decision = await asyncio.shield(existing[0])
            # The first request may have found the id stored for another request: this one is compared too.
            _check_same_request(request.id, kind, digest, decision.request_digest, decision)
            return decision
        # Claim the id before the first await: a request with the same id that arrives while this one looks in
        # the store (or is reviewed) finds the claim above and waits for this decision instead of running its own
        # review (and its own reviewer call).
        future: asyncio.Future[Decision] = asyncio.get_running_loop().create_future()
        self._inflight[key] = (future, digest)
        try:
            decision = await self._review_once(
                request, request.id, tenant, parent, mode, body=body, digest=digest, key_id=key_id
            )
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it themselves
            raise
        finally:
            self._inflight.pop(key, None)
        future.set_result(decision)
        _check_same_request(request.id, kind, digest, decision.request_digest, decision)
        return decision

    async def _review_once(
        self,
        request: ReviewRequest | ActionReviewRequest,
        request_id: str,
        tenant: str,
        parent: otel_context.Context | None,
        mode: str,
        *,
        body: dict[str, Any],
        digest: str,
        key_id: str | None = None,
    ) -> Decision:
        """The decision for a claimed request id: the stored one, else a new review (stored by the graph).

        The caller compares the request with the decision's ``request_digest`` (409 when the id was used for
        another request).
        """
        stored = await self.store.find_by_request(tenant, request_id)
        if stored is not None:
            return stored
        try:
            return await self._run(request, tenant, parent, mode, body=body, digest=digest, key_id=key_id)
        except DuplicateRequest:  # another process stored this id between our lookup and our insert
            stored = await self.store.find_by_request(tenant, request_id)
            if stored is None:
                raise
            return stored

    async def _run(
        self,
        request: ReviewRequest | ActionReviewRequest,
        tenant: str,
        parent: otel_context.Context | None,
        mode: str = "enforce",
        *,
        body: dict[str, Any] | None = None,
        digest: str | None = None,
        key_id: str | None = None,
    ) -> Decision:
        kind = "action" if isinstance(request, ActionReviewRequest) else "answer"
        review_id = new_review_id()
        domain = getattr(request, "domain", None) if kind == "answer" else Domain.tool_use
        with review_span(
            _tracer, _SCOPE, "oversight.review", context=parent, attributes={"oversight.review_id": review_id}
        ) as span:
            state: ReviewInput = {
                "review_id": review_id,
                "kind": kind,  # type: ignore[typeddict-item]
                "tenant": tenant,
                "trace_id": format_trace_id(span.get_span_context().trace_id),
                "request": body if body is not None else request.model_dump(mode="json", exclude_none=True),
                "deadline_at": self._deadline(request.timeout_ms, domain),
                "started_at": time.time(),
                "mode": mode,  # type: ignore[typeddict-item]
            }
            if digest is not None:
                state["request_digest"] = digest
            if key_id is not None:
                state["requested_by_key"] = key_id
            config: RunnableConfig = {"configurable": {"thread_id": review_id}}
            if self.settings.review_executor == "direct":
                result = await self.runner(state)
            else:
                result = await self.graph.ainvoke(state, config)
            if "decision" not in result:  # handed off: an escalation that waits for a human
                try:
                    result = await self._hand_off(result, config)
                except DuplicateRequest:
                    # Another process recorded this request id first: this review's paused thread is nobody's.
                    await self.storage.checkpointer.adelete_thread(review_id)
                    raise
            recorded = result["decision"]  # the runner's Decision, or the graph's JSON form of it
            decision = recorded if isinstance(recorded, Decision) else Decision.model_validate(recorded)
            if decision.escalation_id and mode == "enforce":
                self._remember_escalation(review_id, span.get_span_context())
            if span.is_recording():
                span.set_attributes(decision_attributes(decision))
                for f in decision.findings:
                    span.add_event(
                        "oversight.finding",
                        {"oversight.finding.rule": f.rule, "oversight.finding.severity": f.severity.value},
                    )
            return decision

    async def _hand_off(self, values: dict[str, Any], config: RunnableConfig) -> dict[str, Any]:
        """Continue an escalation on the checkpointed graph: record the pending decision, then pause.

        ``aupdate_state`` checkpoints the thread before ``record`` runs; ``durability="exit"`` writes the paused
        thread once, at the interrupt, before this returns — so an acknowledged escalation is always resumable.
        A crash in between leaves a thread waiting before ``record``, which ``resume`` finishes first
        (``record`` is an upsert, safe to run twice).
        """
        await self.hitl_graph.aupdate_state(config, {**values, "hitl": True}, as_node="review")
        result: dict[str, Any] = await self.hitl_graph.ainvoke(None, config, durability="exit")
        return result

    def _remember_escalation(self, review_id: str, context: trace.SpanContext) -> None:
        if len(self._escalated_spans) >= 10_000:  # bounded: the oldest entries go first
            self._escalated_spans.pop(next(iter(self._escalated_spans)))
        self._escalated_spans[review_id] = context

    async def get(self, review_id: str, tenant: str | None) -> Decision:
        decision = await self.store.get_decision(review_id, tenant)
        if decision is None:
            raise NotFound(f"no review {review_id!r}", field="review_id")
        return decision

    async def resume(self, review_id: str, resolution: dict[str, Any]) -> Decision:
        """Resume an escalated review's thread with a human's resolution; returns the final decision."""
        config: RunnableConfig = {"configurable": {"thread_id": review_id}}
        with _tracer.start_as_current_span("oversight.resolve", attributes={"oversight.review_id": review_id}) as span:
            snapshot = await self.hitl_graph.aget_state(config)
            if snapshot.next == ("record",):  # crashed between hand-off and pause: finish recording first
                await self.hitl_graph.ainvoke(None, config, durability="sync")
                snapshot = await self.hitl_graph.aget_state(config)
            if snapshot.next != ("human",):
                raise Conflict(f"review {review_id!r} is not waiting for a human", field="review_id")
            result = await self.hitl_graph.ainvoke(Command(resume=resolution), config, durability="sync")
            decision = Decision.model_validate(result["decision"])
            # Link to the escalated review's trace: its root span when this process recorded it, else the
            # trace id alone (span id unknown after a restart or on another replica).
            origin = self._escalated_spans.pop(review_id, None)
            if origin is None and decision.trace_id.strip("0"):
                origin = trace.SpanContext(int(decision.trace_id, 16), 0, is_remote=True)
            if origin is not None:
                span.add_link(origin, {"oversight.link": "escalated_review", "oversight.review_id": review_id})
            span.set_attributes(decision_attributes(decision))
        return decision

    async def ready(self) -> None:
        """Raise unless the store answers and the graph is compiled."""
        await self.store.ping()
        if self.graph is None:
            raise RuntimeError("graph not built")
