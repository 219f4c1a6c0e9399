"""The decision table, row by row, and exhaustively over its inputs."""

from __future__ import annotations

import itertools

import pytest

from service.policy.decide import REASONS, Proposal, Ruling, after_revision, decide
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
        # a rewrite the reviewer is not sure of does not replace a blocked answer (row 5's threshold applies)
        ("answer", [f(Severity.critical)], verdict(Verdict.rewrite, conf=0.05, rewrite=True), HEALTH,
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


@pytest.mark.parametrize(
    ("findings", "proposal", "expected"),
    [
        # the reviewer approves its rewrite: the rewrite is released, never the original it rejected
        ([], verdict(Verdict.approve), Ruling(Verdict.rewrite, "reviewer_approved_rewrite")),
        ([f(Severity.medium)], verdict(Verdict.approve), Ruling(Verdict.rewrite, "reviewer_approved_rewrite")),
        # ... but not while the rules still flag the rewrite
        ([f(Severity.high)], verdict(Verdict.approve), Ruling(Verdict.escalate, "reviewer_overlooked_finding")),
        ([], verdict(Verdict.approve, conf=0.3), Ruling(Verdict.escalate, "low_confidence")),
        ([], verdict(Verdict.rewrite, rewrite=True), Ruling(Verdict.rewrite, "reviewer_rewrote")),
        ([f(Severity.high)], Proposal(ReviewerOutcomeKind.error), Ruling(Verdict.escalate, "reviewer_error")),
    ],
)
def test_decision_table_after_a_revision(findings: list[Finding], proposal: Proposal, expected: Ruling) -> None:
    assert decide("answer", findings, proposal, GENERAL, revised=True) == expected


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
    sure = policy.thresholds.min_confidence
    for kind, sev, proposal, revised in itertools.product(
        ("answer", "action"), SEVERITIES, OUTCOMES, (False, True)
    ):
        findings = [f(sev)] if sev else []
        ruling = decide(kind, findings, proposal, policy, revised=revised)  # type: ignore[arg-type]
        assert ruling.reason in REASONS, ruling  # every reason is a known code (the metrics label)
        if ruling.verdict is Verdict.rewrite:  # only text the reviewer wrote or approved, when it was sure
            assert kind == "answer" and proposal.confidence is not None and proposal.confidence >= sure
            assert proposal.verdict is Verdict.rewrite or (revised and proposal.verdict is Verdict.approve)
        if ruling.verdict is not Verdict.approve:
            continue
        assert not (revised and kind == "answer"), "an approval after a revision would release the original the reviewer rewrote"
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
