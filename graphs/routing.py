"""Edge functions: each returns the name of the next node."""

from __future__ import annotations

from typing import Literal

from graphs.state import ReviewState


def after_policy_check(state: ReviewState) -> Literal["review", "decide"]:
    """Low-risk traffic skips the reviewer unless it was drawn for the audit sample."""
    if state["risk"] == "low" and not state.get("sampled"):
        return "decide"
    return "review"


def after_decide(state: ReviewState) -> Literal["revise", "record"]:
    return "revise" if state["ruling"]["verdict"] == "rewrite" else "record"


def after_revise(state: ReviewState) -> Literal["review", "record"]:
    return "review" if state["ruling"]["reason"] == "revision_pending" else "record"


def after_record(state: ReviewState) -> Literal["human", "__end__"]:
    if state["ruling"]["verdict"] == "escalate" and state.get("mode", "enforce") == "enforce":
        return "human"
    return "__end__"
