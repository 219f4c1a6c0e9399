"""Edge functions: each returns the name of the next node."""

from __future__ import annotations

from typing import Literal

from graphs.state import ReviewState


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


def after_decide(state: ReviewState) -> Literal["revise", "record", "__end__"]:
    if state["ruling"]["verdict"] == "rewrite":
        return "revise"
    return "__end__" if _hand_off(state) else "record"


def after_revise(state: ReviewState) -> Literal["review", "record", "__end__"]:
    if state["ruling"]["reason"] == "revision_pending":
        return "review"
    return "__end__" if _hand_off(state) else "record"


def after_record(state: ReviewState) -> Literal["human", "__end__"]:
    if state["ruling"]["verdict"] == "escalate" and state.get("mode", "enforce") == "enforce":
        return "human"
    return "__end__"
