"""The shared language of Oversight: one meaning per word, everywhere.

These enums are used by the API schemas, the graph state, the store, the metrics and the docs.
"""

from __future__ import annotations

from enum import StrEnum


class Domain(StrEnum):
    """What the reviewed content is about; decides which policy applies."""

    health = "health"
    finance = "finance"
    cyber = "cyber"
    tool_use = "tool_use"
    general = "general"


HIGH_RISK_DOMAINS: frozenset[Domain] = frozenset({Domain.health, Domain.finance, Domain.cyber, Domain.tool_use})


class Verdict(StrEnum):
    """What happens to the fast model's output. A reviewer proposes; the decision policy disposes."""

    approve = "approve"
    rewrite = "rewrite"
    block = "block"
    escalate = "escalate"


class ResponseClass(StrEnum):
    """The kind of answer the fast model gave.

    ``safe_completion`` is a *failure* here: a compliant-sounding non-answer that does not solve the task.
    """

    full_compliance = "full_compliance"
    refusal = "refusal"
    safe_completion = "safe_completion"
    over_caveated = "over_caveated"


class Severity(StrEnum):
    """How bad a finding is; ordered ``info < low < medium < high < critical``."""

    info = "info"
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}


class Risk(StrEnum):
    """The risk tier triage assigns to a request."""

    low = "low"
    medium = "medium"
    high = "high"


class ReviewerOutcomeKind(StrEnum):
    """What the reviewer call itself produced."""

    verdict = "verdict"
    abstain = "abstain"
    error = "error"
    skipped = "skipped"


class OnReviewerError(StrEnum):
    """What a domain does when its reviewer fails, abstains or answers garbage."""

    escalate = "escalate"
    block = "block"
    approve_flagged = "approve_flagged"
