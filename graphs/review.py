"""``build_review_graph``: the review workflow, compiled once with its dependencies.

The flow of one review (the steps inside the ``review`` node are plain functions, each with a span)::

    review: triage → policy_check ─┬─► reviewer → decide ─┬─► (revise → reviewer → decide)* ─┐
                                   └────────────► decide ─┴──────────────────────────────────┤
        ┌────────────────────────────────────────────────────────────────────────────────────┘
        ├─► record ─┬─► END
        │           └─► human (interrupt) → finalize → END
        └─► END   (hand-off: an escalation on a run that cannot pause; see ``ReviewState.hitl``)

Compiled twice by the runtime: without a checkpointer for the fast path (no checkpoint cost per review),
and with the durable checkpointer for escalations, which continue there via ``aupdate_state``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from opentelemetry import trace
from opentelemetry.sdk.util.instrumentation import InstrumentationScope

from graphs import routing
from graphs.nodes import ReviewNodes
from graphs.ports import ReviewPorts
from graphs.state import ReviewInput, ReviewState
from service.telemetry import review_span

Node = Callable[[ReviewState], Awaitable[dict[str, Any]]]
_tracer = trace.get_tracer("oversight.graph")
_SCOPE = InstrumentationScope("oversight.graph")


def _span(name: str) -> AbstractContextManager[trace.Span]:
    """A node's span (``service.telemetry.review_span``), or nothing when the current span is not recorded.

    Under parent-based sampling a child of an unsampled span is unsampled too; skipping it saves the span's
    cost while keeping the trace id (the current span stays current).
    """
    parent = trace.get_current_span()
    if parent.get_span_context().is_valid and not parent.is_recording():
        return nullcontext(parent)
    return review_span(_tracer, _SCOPE, name)


def _timed(name: str, fn: Node) -> Node:
    """Record a step's wall time in ``timings`` (``name``, then ``name_1``… when it runs again)."""

    async def step(state: ReviewState) -> dict[str, Any]:
        started = time.perf_counter()
        update = await fn(state)
        timings = dict(state.get("timings") or {})
        key = name if name not in timings else f"{name}_{sum(1 for k in timings if k.startswith(name))}"
        timings[key] = round((time.perf_counter() - started) * 1000, 3)
        update["timings"] = timings
        return update

    step.__name__ = name
    return step


def _instrument(name: str, fn: Node) -> Node:
    """A node: its wall time in ``timings`` and one span, ``oversight.node.<name>``."""
    timed = _timed(name, fn)
    span_name = f"oversight.node.{name}"

    async def node(state: ReviewState) -> dict[str, Any]:
        with _span(span_name):
            return await timed(state)

    node.__name__ = name
    return node


def _review_node(nodes: ReviewNodes) -> Node:
    """Triage, policy check, reviewer call, decide and the revise loop, as one node with one span.

    These steps are plain functions, not nodes: none of them needs a checkpoint boundary (nothing pauses
    between them), and every LangGraph step costs ~0.2 ms of CPU, which at hundreds of reviews in flight
    is what saturates a core. Each step's wall time is kept in ``timings`` and on the node's span as
    ``oversight.steps_ms`` (``triage=0.05,policy_check=0.2,…``); a model reviewer's call has its own GenAI span.
    """
    triage = _timed("triage", nodes.triage)
    policy_check = _timed("policy_check", nodes.policy_check)
    review = _timed("review", nodes.review)
    decide = _timed("decide", nodes.decide)
    revise = _timed("revise", nodes.revise)

    async def run(state: ReviewState) -> dict[str, Any]:
        local: dict[str, Any] = dict(state)
        update: dict[str, Any] = {}

        async def step(fn: Node) -> None:
            u = await fn(local)  # type: ignore[arg-type]
            local.update(u)
            update.update(u)

        with _span("oversight.node.review") as span:
            await step(triage)
            await step(policy_check)
            if routing.after_policy_check(local) == "review":  # type: ignore[arg-type]
                await step(review)
            await step(decide)
            if routing.after_decide(local) == "revise":  # type: ignore[arg-type]
                while True:
                    await step(revise)
                    if routing.after_revise(local) != "review":  # type: ignore[arg-type]
                        break
                    await step(review)
                    await step(decide)
                    if routing.after_decide(local) != "revise":  # type: ignore[arg-type]
                        break
            if span.is_recording():
                # One attribute, not one per step: every attribute costs the SDK a validation pass.
                span.set_attribute(
                    "oversight.steps_ms", ",".join(f"{k}={v}" for k, v in local.get("timings", {}).items())
                )
        return update

    run.__name__ = "review"
    return run


def build_review_graph(
    ports: ReviewPorts, checkpointer: BaseCheckpointSaver[Any] | None
) -> CompiledStateGraph[ReviewState, None, ReviewInput, ReviewState]:
    """Build and compile the review graph. Call once at start-up, never per request."""
    nodes = ReviewNodes(ports)
    g: StateGraph[ReviewState, None, ReviewInput, ReviewState] = StateGraph(ReviewState, input_schema=ReviewInput)
    g.add_node("review", _review_node(nodes))  # type: ignore[call-overload]
    g.add_node("record", _instrument("record", nodes.record))  # type: ignore[call-overload]
    g.add_node("human", nodes.human)
    g.add_node("finalize", _instrument("finalize", nodes.finalize))  # type: ignore[arg-type]
    g.add_edge(START, "review")
    g.add_conditional_edges("review", routing.after_review, ["record", END])
    g.add_conditional_edges("record", routing.after_record, ["human", END])
    g.add_edge("human", "finalize")
    g.add_edge("finalize", END)
    return g.compile(checkpointer=checkpointer, name="oversight-review")


ReviewRunner = Callable[[ReviewInput], Awaitable[dict[str, Any]]]


def build_review_runner(ports: ReviewPorts) -> ReviewRunner:
    """The same review, run straight through: the graph's ``review`` and ``record`` node functions and its
    own routing, without the Pregel loop.

    A review that does not pause needs nothing Pregel gives (no checkpoint, no interrupt, no parallel
    branch), and the loop costs ~1 ms of CPU per invocation — 4-5x the review's own work with the local
    reviewer, and what saturates a core at hundreds of reviews in flight. Escalations still pause on the
    compiled graph (the runner hands them off exactly where the graph does). ``tests/graphs`` checks that
    runner and graph produce the same decisions. One difference: ``decision`` in the result is the ``Decision``
    object here, its JSON form from the graph.
    """
    nodes = ReviewNodes(ports)
    review = _review_node(nodes)
    record = _instrument("record", nodes.record_object)

    async def run(state: ReviewInput) -> dict[str, Any]:
        values: dict[str, Any] = dict(state)
        values.update(await review(values))  # type: ignore[arg-type]
        if routing.after_review(values) == "record":  # type: ignore[arg-type]
            values.update(await record(values))  # type: ignore[arg-type]
        return values

    return run
