"""The decision table, row by row, and exhaustively over its inputs."""

from __future__ import annotations

import itertools

import pytest

from service.policy.decide import Proposal, Ruling, after_revision, decide
from service.policy.loader import load_policies
from service.policy.model import DomainPolicy
from service.schemas import Finding
from service.vocabulary import Domain, OnReviewerError, ReviewerOutcomeKind, Severity, Verdict

POLICIES = load_policies()
HEALTH = POLICIES[Domain.health]
GENERAL = POLICIES[Domain.general]


def f(sev: Severity) -> Finding:
    return Finding(rule=f"test.{sev.value}", severity=sev, message="m")


def verdict(v: Verdict, conf: float = 0.9, rewrite: bool = False) -> Proposal:
    return Proposal(outcome=ReviewerOutcomeKind.verdict, verdict=v, confidence=conf, has_rewrite=rewrite)


@pytest.mark.parametrize(
    ("kind", "findings", "proposal", "policy", "expected"),
    [
        # row 1: blocking finding
        ("answer", [f(Severity.critical)], verdict(Verdict.approve), HEALTH, Ruling(Verdict.block, "blocking_finding")),
        ("answer", [f(Severity.critical)], verdict(Verdict.rewrite, rewrite=True), HEALTH,
         Ruling(Verdict.rewrite, "blocking_finding_rewritten")),
        ("action", [f(Severity.critical)], verdict(Verdict.rewrite, rewrite=True), HEALTH,
         Ruling(Verdict.block, "blocking_finding")),
        ("answer", [f(Severity.critical)], Proposal(ReviewerOutcomeKind.error), HEALTH,
         Ruling(Verdict.block, "blocking_finding")),
        # row 2: reviewer failure follows on_reviewer_error
        ("answer", [], Proposal(ReviewerOutcomeKind.error), HEALTH, Ruling(Verdict.escalate, "reviewer_error")),
        ("answer", [], Proposal(ReviewerOutcomeKind.abstain), HEALTH, Ruling(Verdict.escalate, "reviewer_abstain")),
        ("answer", [], Proposal(ReviewerOutcomeKind.error), GENERAL,
         Ruling(Verdict.approve, "reviewer_error_flagged", flagged=True)),
        # row 3: not reviewed
        ("answer", [], Proposal(ReviewerOutcomeKind.skipped), GENERAL, Ruling(Verdict.approve, "low_risk_unreviewed")),
        ("answer", [f(Severity.high)], Proposal(ReviewerOutcomeKind.skipped), GENERAL,
         Ruling(Verdict.escalate, "unreviewed_finding")),
        # rows 4-9: reviewer verdicts
        ("answer", [], verdict(Verdict.escalate), HEALTH, Ruling(Verdict.escalate, "reviewer_escalated")),
        ("answer", [], verdict(Verdict.approve, conf=0.3), HEALTH, Ruling(Verdict.escalate, "low_confidence")),
        ("answer", [], verdict(Verdict.block), HEALTH, Ruling(Verdict.block, "reviewer_blocked")),
        ("answer", [], verdict(Verdict.rewrite, rewrite=True), HEALTH, Ruling(Verdict.rewrite, "reviewer_rewrote")),
        ("action", [], verdict(Verdict.rewrite, rewrite=True), HEALTH,
         Ruling(Verdict.escalate, "rewrite_not_applicable")),
        ("answer", [f(Severity.high)], verdict(Verdict.approve), HEALTH,
         Ruling(Verdict.escalate, "reviewer_overlooked_finding")),
        ("answer", [f(Severity.medium)], verdict(Verdict.approve), HEALTH, Ruling(Verdict.approve, "reviewer_approved")),
    ],
)
def test_decision_table_rows(
    kind: str, findings: list[Finding], proposal: Proposal, policy: DomainPolicy, expected: Ruling
) -> None:
    assert decide(kind, findings, proposal, policy) == expected  # type: ignore[arg-type]


SEVERITIES: list[Severity | None] = [None, *Severity]
OUTCOMES = [
    Proposal(ReviewerOutcomeKind.error),
    Proposal(ReviewerOutcomeKind.abstain),
    Proposal(ReviewerOutcomeKind.skipped),
    *(verdict(v, conf, v is Verdict.rewrite) for v in Verdict for conf in (0.2, 0.9)),
]


@pytest.mark.parametrize("domain", list(Domain))
def test_exhaustive_no_silent_approve_in_high_risk(domain: Domain) -> None:
    """Over every input combination: a failed reviewer never approves where the policy fails closed,
    a blocking finding never approves, and only a reviewer approval (or a low-risk skip) approves."""
    policy = POLICIES[domain]
    for kind, sev, proposal in itertools.product(("answer", "action"), SEVERITIES, OUTCOMES):
        findings = [f(sev)] if sev else []
        ruling = decide(kind, findings, proposal, policy)  # type: ignore[arg-type]
        if ruling.verdict is not Verdict.approve:
            continue
        assert sev is None or sev.rank < policy.thresholds.rewrite_severity.rank, (kind, sev, proposal)
        if proposal.outcome in (ReviewerOutcomeKind.error, ReviewerOutcomeKind.abstain):
            assert policy.on_reviewer_error is OnReviewerError.approve_flagged
            assert ruling.flagged
        elif proposal.outcome is ReviewerOutcomeKind.verdict:
            assert proposal.verdict is Verdict.approve
            assert proposal.confidence is not None and proposal.confidence >= policy.thresholds.min_confidence
        if kind == "action":
            assert ruling.verdict is not Verdict.rewrite


def test_shipped_high_risk_policies_fail_closed() -> None:
    for domain in (Domain.health, Domain.finance, Domain.cyber, Domain.tool_use):
        assert POLICIES[domain].on_reviewer_error is OnReviewerError.escalate


def test_after_revision() -> None:
    assert after_revision([], 1, HEALTH) == "accept"
    assert after_revision([f(Severity.medium)], 1, HEALTH) == "accept"
    assert after_revision([f(Severity.high)], 1, HEALTH) == "review_again"
    assert after_revision([f(Severity.high)], HEALTH.thresholds.max_revisions, HEALTH) == "escalate"
