"""Which reviewer serves each domain: built once at start-up, clients reused for every request."""

from __future__ import annotations

from service.bulkhead import Bulkheads
from service.policy.model import PolicySet
from service.reviewers.base import Reviewer
from service.reviewers.registry import create_reviewer
from service.settings import Settings
from service.vocabulary import Domain


class ReviewerPool:
    """Implements ``graphs.ports.ReviewerPort``. A domain that names a reviewer wins over the global one."""

    def __init__(self, policies: PolicySet, settings: Settings, default: Reviewer | None = None) -> None:
        self._by_spec: dict[str, Reviewer] = {}
        self._primary: dict[Domain, Reviewer] = {}
        self._fallback: dict[Domain, Reviewer | None] = {}
        for domain, policy in policies.policies.items():
            spec = policy.reviewer or settings.reviewer
            self._primary[domain] = default if (default and not policy.reviewer) else self._get(spec, settings)
            self._fallback[domain] = self._get(policy.fallback_reviewer, settings) if policy.fallback_reviewer else None
        # Per-domain bulkheads; a shared rate budget and circuit breaker per reviewer (service.bulkhead).
        self.bulkheads = Bulkheads(
            settings.reviewer_max_in_flight,
            circuit_failures=settings.reviewer_circuit_failures,
            circuit_open_s=settings.reviewer_circuit_open_s,
        )

    def _get(self, spec: str, settings: Settings) -> Reviewer:
        spec = spec.strip()
        if spec not in self._by_spec:
            self._by_spec[spec] = create_reviewer(spec, settings)
        return self._by_spec[spec]

    def primary(self, domain: Domain) -> Reviewer:
        return self.bulkheads.guard(domain, "primary", self._primary[domain])

    def fallback(self, domain: Domain) -> Reviewer | None:
        reviewer = self._fallback[domain]
        return self.bulkheads.guard(domain, "fallback", reviewer) if reviewer is not None else None

    def describe(self) -> str:
        """Which reviewer serves each domain, in one line for the start-up log: "health, finance: anthropic:
        claude-opus-4-6 (fallback local:rules-v1); general: local:rules-v1"."""
        groups: dict[str, list[str]] = {}
        for domain, primary in self._primary.items():
            fallback = self._fallback[domain]
            text = f"{primary.provider}:{primary.model}"
            if fallback is not None:
                text += f" (fallback {fallback.provider}:{fallback.model})"
            groups.setdefault(text, []).append(domain.value)
        return "; ".join(f"{', '.join(domains)}: {text}" for text, domains in groups.items())

    def all(self) -> list[Reviewer]:
        """Every distinct reviewer in use."""
        unique: dict[int, Reviewer] = {id(r): r for r in self._primary.values()}
        unique.update({id(r): r for r in self._fallback.values() if r is not None})
        return list(unique.values())

    async def aclose(self) -> None:
        for reviewer in self.all():
            await reviewer.aclose()
