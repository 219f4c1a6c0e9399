"""``build_review_graph``: the review workflow, compiled once with its dependencies.

::

    triage → policy_check ─┬─► review → decide ─┬─► record ─┬─► END
                           └──────────► decide  │           └─► human (interrupt) → finalize → END
                                                ├─► revise ─┬─► review   (still flagged, budget left)
                                                │           └─► record
                                                └─► END      (hand-off: an escalation on a run that
                                                              cannot pause; see ``ReviewState.hitl``)

Compiled twice by the runtime: without a checkpointer for the fast path (no checkpoint cost per review),
and with the durable checkpointer for escalations, which continue there via ``aupdate_state``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from opentelemetry import trace

from graphs import routing
from graphs.nodes import ReviewNodes
from graphs.ports import ReviewPorts
from graphs.state import ReviewInput, ReviewState

Node = Callable[[ReviewState], Awaitable[dict[str, Any]]]
_tracer = trace.get_tracer("oversight.graph")


def _instrument(name: str, fn: Node) -> Node:
    """Wrap a node in a span and record its wall time in ``timings``."""
    span_name = f"oversight.node.{name}"

    async def node(state: ReviewState) -> dict[str, Any]:
        started = time.perf_counter()
        with _tracer.start_as_current_span(span_name):
            update = await fn(state)
        timings = dict(state.get("timings") or {})
        key = f"{name}" if name not in timings else f"{name}_{len([k for k in timings if k.startswith(name)])}"
        timings[key] = round((time.perf_counter() - started) * 1000, 3)
        update["timings"] = timings
        return update

    node.__name__ = name
    return node


def build_review_graph(
    ports: ReviewPorts, checkpointer: BaseCheckpointSaver[Any] | None
) -> CompiledStateGraph[ReviewState, None, ReviewInput, ReviewState]:
    """Build and compile the review graph. Call once at start-up, never per request."""
    nodes = ReviewNodes(ports)
    g: StateGraph[ReviewState, None, ReviewInput, ReviewState] = StateGraph(ReviewState, input_schema=ReviewInput)
    for name in ("triage", "policy_check", "review", "decide", "revise", "record", "human", "finalize"):
        fn: Node = getattr(nodes, name)
        g.add_node(name, fn if name == "human" else _instrument(name, fn))  # type: ignore[call-overload]
    g.add_edge(START, "triage")
    g.add_edge("triage", "policy_check")
    g.add_conditional_edges("policy_check", routing.after_policy_check, ["review", "decide"])
    g.add_edge("review", "decide")
    g.add_conditional_edges("decide", routing.after_decide, ["revise", "record", END])
    g.add_conditional_edges("revise", routing.after_revise, ["review", "record", END])
    g.add_conditional_edges("record", routing.after_record, ["human", END])
    g.add_edge("human", "finalize")
    g.add_edge("finalize", END)
    return g.compile(checkpointer=checkpointer, name="oversight-review")
