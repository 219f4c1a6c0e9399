"""The reviewer seam: one small protocol, several providers.

A reviewer reads one item (an answer or an agent action, with its conversation) and proposes a verdict.
It never decides: ``service.policy.decide`` does. Failures are raised as ``ReviewerError`` subclasses and
turned into a ``ReviewerOutcome`` by the graph, never into an approval::

    ReviewerError                 (code: reviewer_error)
    ├── ReviewerTimeout           the deadline passed           (reviewer_timeout)
    ├── ReviewerUnavailable       network / 5xx / 429 exhausted  (reviewer_unavailable)
    ├── ReviewerRejected          4xx the retry layer cannot fix (reviewer_rejected)
    ├── ReviewerInvalidOutput     garbage after one repair       (reviewer_invalid_output)
    └── ReviewerAbstained         the model refused or was cut off (reviewer_abstained)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, model_validator

from service.policy.model import DomainPolicy
from service.schemas import Finding
from service.vocabulary import Domain, ResponseClass, Verdict


class ReviewerVerdict(BaseModel):
    """The structured verdict every reviewer returns, whatever its vendor."""

    model_config = ConfigDict(extra="forbid")

    verdict: Verdict
    critique: str = Field(max_length=8000)
    response_class: ResponseClass | None = None
    findings: list[Finding] = Field(default_factory=list)
    rewrite: str | None = Field(default=None, description="Replacement text; only with verdict rewrite.")
    confidence: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _rewrite_only_with_rewrite(self) -> ReviewerVerdict:
        if self.verdict is Verdict.rewrite and not (self.rewrite and self.rewrite.strip()):
            raise ValueError("verdict rewrite needs a non-empty `rewrite`")
        if self.verdict is not Verdict.rewrite and self.rewrite:
            raise ValueError("`rewrite` is only allowed with verdict rewrite")
        return self


@dataclass(slots=True)
class Analysis:
    """What the deterministic policy check learned, shared with the reviewer so it is not computed twice."""

    response_class: ResponseClass | None = None
    response_class_confidence: float = 0.0
    features: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class ReviewItem:
    """One thing to review. Every text field here is untrusted data."""

    kind: Literal["answer", "action"]
    domain: Domain
    policy: DomainPolicy
    output: str
    prompt: str = ""
    messages: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    analysis: Analysis = field(default_factory=Analysis)
    action: dict[str, Any] | None = None
    goal: str | None = None
    deadline: float = field(default_factory=lambda: time.monotonic() + 10.0)
    revision: int = 0

    def remaining(self) -> float:
        """Seconds left before the deadline (never negative)."""
        return max(0.0, self.deadline - time.monotonic())


@dataclass(slots=True)
class ReviewerResult:
    """A reviewer's successful answer, with what it cost."""

    verdict: ReviewerVerdict
    provider: str
    model: str
    prompt_version: str = ""
    attempts: int = 1
    latency_ms: float = 0.0
    usage: dict[str, int] = field(default_factory=dict)


class ReviewerError(Exception):
    """A reviewer call failed; the domain's ``on_reviewer_error`` decides what happens."""

    code = "reviewer_error"

    def __init__(self, message: str, *, attempts: int = 1, usage: dict[str, int] | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.usage = usage or {}


class ReviewerTimeout(ReviewerError):
    code = "reviewer_timeout"


class ReviewerUnavailable(ReviewerError):
    code = "reviewer_unavailable"


class ReviewerRejected(ReviewerError):
    code = "reviewer_rejected"


class ReviewerInvalidOutput(ReviewerError):
    code = "reviewer_invalid_output"


class ReviewerAbstained(ReviewerError):
    """The reviewer model refused to review, or stopped at its token limit."""

    code = "reviewer_abstained"


@runtime_checkable
class Reviewer(Protocol):
    """Anything that can review an item. Implementations must honour ``item.deadline``."""

    provider: str
    model: str

    async def review(self, item: ReviewItem) -> ReviewerResult:
        """Return a verdict or raise ``ReviewerError``."""
        ...

    async def aclose(self) -> None:
        """Release clients and connections."""
        ...
