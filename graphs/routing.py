"""Routing: each function returns where a review goes next (a node, or a step inside the review node)."""

from __future__ import annotations

from typing import Literal

from graphs.state import ReviewState
from service.policy.decide import REWRITE_TO_CHECK


def after_policy_check(state: ReviewState) -> Literal["review", "decide"]:
    """Low-risk traffic skips the reviewer unless it was drawn for the audit sample."""
    if state["risk"] == "low" and not state.get("sampled"):
        return "decide"
    return "review"


def _hand_off(state: ReviewState) -> bool:
    """An escalation that must wait for a human, on a run that cannot pause (no checkpointer)."""
    return (
        state["ruling"]["verdict"] == "escalate"
        and state.get("mode", "enforce") == "enforce"
        and not state.get("hitl", False)
    )


def after_decide(state: ReviewState) -> Literal["revise", "done"]:
    # Only a new rewrite is re-checked; ``reviewer_approved_rewrite`` releases the text that was re-checked already.
    ruling = state["ruling"]
    return "revise" if ruling["verdict"] == "rewrite" and ruling["reason"] in REWRITE_TO_CHECK else "done"


def after_revise(state: ReviewState) -> Literal["review", "done"]:
    return "review" if state["ruling"]["reason"] == "revision_pending" else "done"


def after_review(state: ReviewState) -> Literal["record", "__end__"]:
    """Record the decision, or hand an escalation over when this run cannot pause for a human."""
    return "__end__" if _hand_off(state) else "record"


def after_record(state: ReviewState) -> Literal["human", "__end__"]:
    if state["ruling"]["verdict"] == "escalate" and state.get("mode", "enforce") == "enforce":
        return "human"
    return "__end__"
