"""The review graph's state: plain JSON-ready values so checkpoints stay small and portable."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict


class ReviewInput(TypedDict):
    """What a caller hands the graph."""

    review_id: str
    """Oversight's id for this review; also the LangGraph thread id."""
    kind: Literal["answer", "action"]
    tenant: str
    """The tenant of the API key that submitted the request."""
    trace_id: str
    """W3C trace id of the request span (32 hex)."""
    request: dict[str, Any]
    """The validated ReviewRequest / ActionReviewRequest, dumped to JSON-ready values."""
    request_digest: NotRequired[str]
    """With an idempotency key: the request's digest, recorded on the decision (``Decision.request_digest``)."""
    requested_by_key: NotRequired[str]
    """The id of the API key that sent the request (absent in open mode and from the CLI). Only that key, or an
    admin's, may report that an escalated action ran."""
    deadline_at: float
    """Wall-clock (epoch seconds) deadline for the reviewer; survives a checkpoint."""
    started_at: NotRequired[float]
    """Wall-clock (epoch seconds) start of the request. Without a ``timeout_ms`` or a domain in the request,
    triage moves ``deadline_at`` to this plus the inferred domain's ``timeout_ms``."""
    hitl: NotRequired[bool]
    """True when the graph runs with a checkpointer and may pause for a human. The fast path runs without
    one and hands an escalation over (ends before ``record``); the caller continues it on the checkpointed
    graph, so only escalations pay for a durable checkpoint."""
    mode: Literal["enforce", "label"]
    """``enforce``: escalations wait for a human. ``label`` (audits): record what would happen, never pause."""


class ReviewState(ReviewInput, total=False):
    """Everything the nodes write, in the order they write it."""

    domain: str
    risk: str
    inferred: bool
    also_domains: list[str]
    """Other domains triage found evidence of; their pattern rules run in the policy check too."""
    sampled: bool
    """Low-risk traffic chosen for the audit sample (reviewed anyway)."""
    findings: list[dict[str, Any]]
    """Deterministic findings from the policy check (JSON of ``Finding``) on the original output."""
    original_blocked: bool
    """The original answer had a finding at or above the block threshold and a rewrite was tried instead: however the
    rewrite rounds end, the original is never released (an escalation from them is a block)."""
    first_critique: str
    """The critique of the round that first proposed a rewrite (what was wrong with the original)."""
    rewrite_findings: list[dict[str, Any]]
    """After a revision: the policy check's findings on the rewrite now in ``output``. The reviewer is shown
    these, and ``decide`` rules on them (with the reviewer's), since the rewrite is what would be released."""
    analysis: dict[str, Any]
    output: str
    """The text currently under review: the original, then each rewrite."""
    revisions: int
    reviewer: dict[str, Any]
    """Which reviewer ran and how: provider, model, outcome, error, attempts, latency, usage."""
    proposal: dict[str, Any] | None
    """The reviewer's verdict (JSON of ``ReviewerVerdict``) when it produced one."""
    ruling: dict[str, Any]
    """``{"verdict", "reason", "flagged"}`` from ``service.policy.decide``."""
    decision: dict[str, Any]
    """The recorded Decision (JSON)."""
    resolution: dict[str, Any]
    """A human's answer to an escalation: action, output, note, by, at."""
    warnings: list[str]
    timings: dict[str, float]
