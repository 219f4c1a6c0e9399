"""The decision policy: a small pure function from (findings, reviewer proposal, domain policy) to a verdict.

The table, in order (first row that applies wins):

=====  ===========================================================  ===================================
row    condition                                                    ruling
=====  ===========================================================  ===================================
1      a finding at or above ``block_severity``                     ``rewrite`` if the reviewer proposed
                                                                    one for an answer with at least
                                                                    ``min_confidence`` (it is re-checked),
                                                                    else ``block``
2      the reviewer errored or abstained                            the domain's ``on_reviewer_error``:
                                                                    escalate / block / approve (flagged;
                                                                    escalate instead when a finding is at
                                                                    or above ``rewrite_severity``)
3      no reviewer call (low risk, not sampled)                     ``escalate`` if a finding is at or above
                                                                    ``rewrite_severity``, else ``approve``
4      the reviewer says escalate                                   ``escalate``
5      reviewer confidence below ``min_confidence``                 ``escalate``
6      the reviewer says block                                      ``block``
7      the reviewer says rewrite                                    ``rewrite`` (answers);
                                                                    ``escalate`` (actions cannot be rewritten)
8      the reviewer approves but a finding is at or above           ``escalate`` (the rules and the reviewer
       ``rewrite_severity``                                         disagree: a human breaks the tie)
9      otherwise                                                    ``approve``; after a revision
                                                                    (``revised``) the reviewer approved the
                                                                    rewrite under review: ``rewrite``
=====  ===========================================================  ===================================

With ``revised``, ``findings`` are those of the rewrite now under review (the original's were handled by the
round that rewrote it): a reviewer that approves a rewrite the rules still flag is row 8, a human. Nothing
approves after a revision (that would release the original the reviewer rewrote): rows 2 and 3 escalate where
they would approve.

After a rewrite, ``after_revision`` decides whether the rewritten text is accepted, goes back to the
reviewer, or is escalated once the revision budget is spent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from service.policy.model import DomainPolicy
from service.schemas import Finding
from service.vocabulary import OnReviewerError, ReviewerOutcomeKind, Verdict

Kind = Literal["answer", "action"]


@dataclass(frozen=True, slots=True)
class Proposal:
    """What the reviewer call produced, reduced to what the decision needs."""

    outcome: ReviewerOutcomeKind
    verdict: Verdict | None = None
    confidence: float | None = None
    has_rewrite: bool = False


@dataclass(frozen=True, slots=True)
class Ruling:
    """The decided verdict and a stable reason code (recorded, counted, shown to humans)."""

    verdict: Verdict
    reason: str
    flagged: bool = False


REASONS = frozenset(
    {
        "blocking_finding",
        "blocking_finding_rewritten",
        "reviewer_error",
        "reviewer_abstain",
        "reviewer_error_flagged",
        "reviewer_abstain_flagged",
        "unreviewed_finding",
        "low_risk_unreviewed",
        "reviewer_escalated",
        "low_confidence",
        "reviewer_blocked",
        "reviewer_rewrote",
        "rewrite_not_applicable",
        "reviewer_overlooked_finding",
        "reviewer_approved",
        "reviewer_approved_rewrite",
        "revision_budget_exhausted",
    }
)
"""Every reason code a decision can carry (``Decision.reason``; the metrics' ``reason`` label)."""

UNJUDGED = frozenset({"reviewer_error", "reviewer_abstain", "reviewer_error_flagged", "reviewer_abstain_flagged"})
"""Reasons of a decision no review judged: the reviewer failed or abstained and the domain's ``on_reviewer_error``
gave the verdict. Such a decision says nothing about the fast model: the drift monitor's disagreement rate and
``oversight_disagreements_total`` leave it out (a vendor outage is not a fast-model drift)."""

REWRITE_TO_CHECK = frozenset({"blocking_finding_rewritten", "reviewer_rewrote"})
"""Reasons whose ``rewrite`` is a new text from the reviewer: it goes through the revise step's re-check."""


def decide(
    kind: Kind, findings: list[Finding], proposal: Proposal, policy: DomainPolicy, *, revised: bool = False
) -> Ruling:
    """Apply the decision table above."""
    t = policy.thresholds
    worst_rank = max((f.severity.rank for f in findings), default=-1)
    sure = proposal.confidence is not None and proposal.confidence >= t.min_confidence

    if worst_rank >= t.block_severity.rank:
        if kind == "answer" and proposal.verdict is Verdict.rewrite and proposal.has_rewrite and sure:
            return Ruling(Verdict.rewrite, "blocking_finding_rewritten")
        return Ruling(Verdict.block, "blocking_finding")

    needs_human = worst_rank >= t.rewrite_severity.rank
    if proposal.outcome in (ReviewerOutcomeKind.error, ReviewerOutcomeKind.abstain):
        mode = policy.on_reviewer_error
        if mode is OnReviewerError.escalate or (mode is OnReviewerError.approve_flagged and (needs_human or revised)):
            return Ruling(Verdict.escalate, f"reviewer_{proposal.outcome.value}")
        if mode is OnReviewerError.block:
            return Ruling(Verdict.block, f"reviewer_{proposal.outcome.value}")
        return Ruling(Verdict.approve, f"reviewer_{proposal.outcome.value}_flagged", flagged=True)

    if proposal.outcome is ReviewerOutcomeKind.skipped or proposal.verdict is None:
        if needs_human or revised:
            return Ruling(Verdict.escalate, "unreviewed_finding")
        return Ruling(Verdict.approve, "low_risk_unreviewed")

    if proposal.verdict is Verdict.escalate:
        return Ruling(Verdict.escalate, "reviewer_escalated")
    if not sure:
        return Ruling(Verdict.escalate, "low_confidence")
    if proposal.verdict is Verdict.block:
        return Ruling(Verdict.block, "reviewer_blocked")
    if proposal.verdict is Verdict.rewrite:
        if kind == "action" or not proposal.has_rewrite:
            return Ruling(Verdict.escalate, "rewrite_not_applicable")
        return Ruling(Verdict.rewrite, "reviewer_rewrote")
    if needs_human:
        return Ruling(Verdict.escalate, "reviewer_overlooked_finding")
    # After a revision the text under review is the reviewer's own rewrite: approving it releases the rewrite.
    if revised and kind == "answer":
        return Ruling(Verdict.rewrite, "reviewer_approved_rewrite")
    return Ruling(Verdict.approve, "reviewer_approved")


def after_revision(
    findings_on_rewrite: list[Finding], revisions_done: int, policy: DomainPolicy
) -> Literal["accept", "review_again", "escalate"]:
    """What to do with a rewrite once the policy check has run over it again."""
    flagged = any(f.severity.rank >= policy.thresholds.rewrite_severity.rank for f in findings_on_rewrite)
    if not flagged:
        return "accept"
    if revisions_done < policy.thresholds.max_revisions:
        return "review_again"
    return "escalate"
