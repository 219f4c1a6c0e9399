"""The small protocols the review graph consumes. Nothing concrete lives here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from service.policy.engine import TriageResult
from service.policy.model import DomainPolicy
from service.reviewers.base import Analysis, Reviewer
from service.schemas import Decision, Finding
from service.vocabulary import Domain, Risk


class PolicyPort(Protocol):
    """Deterministic checks over the loaded policies."""

    @property
    def version(self) -> str: ...

    def policy(self, domain: Domain) -> DomainPolicy: ...

    def triage(self, prompt: str, output: str, hint: Domain | None) -> TriageResult: ...

    def check_answer(
        self,
        domain: Domain,
        *,
        output: str,
        prompt: str,
        conversation: str,
        classify: bool = True,
        asked: str | None = None,
        also: tuple[Domain, ...] = (),
    ) -> tuple[list[Finding], Analysis]:
        """Rules (and, with ``classify``, the response-class detectors) over one answer.

        ``asked``: every user turn of a multi-turn conversation (None with one turn); a rule's question gate
        also looks there, so an emergency told two turns ago still counts. ``also``: other domains triage found
        evidence of (``TriageResult.also``), whose pattern rules run too.
        """
        ...

    def check_action(
        self, *, tool: str, input: dict[str, Any], cwd: str | None, goal: str | None, transcript: list[str]
    ) -> tuple[list[Finding], Risk]: ...


class ReviewerPort(Protocol):
    """Which reviewer serves a domain (built once at start-up)."""

    def primary(self, domain: Domain) -> Reviewer: ...

    def fallback(self, domain: Domain) -> Reviewer | None: ...


class DecisionSink(Protocol):
    """Where decisions are made durable."""

    async def save_decision(self, decision: Decision, tenant: str) -> None: ...


class Sampler(Protocol):
    """Picks the low-risk audit sample: ``rate`` of the requests, the same ones every time a request is seen."""

    def __call__(self, rate: float, request: dict[str, Any]) -> bool: ...


class Observer(Protocol):
    """Told about every recorded decision (metrics, drift); must never raise."""

    def __call__(self, decision: Decision) -> None: ...


@dataclass(slots=True)
class ReviewPorts:
    """Everything the review graph needs from the outside world."""

    policies: PolicyPort
    reviewers: ReviewerPort
    store: DecisionSink
    sampler: Sampler
    observers: list[Observer] = field(default_factory=list)
    cross_model: str = "warn"
    """When the reviewer is the fast model itself: ``warn`` (a warning on the decision) or ``refuse`` (treated
    as a reviewer error, so the domain's ``on_reviewer_error`` applies)."""
