"""The policy port: triage, rule checks and analysers over the loaded policies (built once at start-up)."""

from __future__ import annotations

from typing import Any

from service.policy.engine import Triage, TriageResult, check_rules
from service.policy.model import DomainPolicy, PolicySet
from service.reviewers._textclass import classify as classify_answer
from service.reviewers.base import Analysis
from service.schemas import Evidence, Finding
from service.vocabulary import Domain, Risk

_RISK_ORDER = {Risk.low: 0, Risk.medium: 1, Risk.high: 2}


class PolicyService:
    """Implements ``graphs.ports.PolicyPort`` over a ``PolicySet``."""

    def __init__(self, policies: PolicySet) -> None:
        self.policies = policies
        self._triage = Triage(policies)
        self._everywhere = tuple(d for d, p in policies.policies.items() if p.applies_everywhere)
        # Each domain's pattern rules at or above the severity it acts on (its rewrite threshold): they run on
        # every answer, whatever triage's keywords placed it in, so a reverse shell asked for without the word
        # "shell" still meets cyber's rules.
        self._danger: dict[Domain, DomainPolicy] = {}
        self._rule_domain: dict[str, Domain] = {}
        for d, p in policies.policies.items():
            floor = p.thresholds.rewrite_severity.rank
            acting = [r for r in p.rules if r.severity.rank >= floor and not r.match.response_class]
            self._danger[d] = p.model_copy(update={"rules": acting})
            self._rule_domain.update({r.id: d for r in p.rules})

    @property
    def version(self) -> str:
        return self.policies.version

    def policy(self, domain: Domain) -> DomainPolicy:
        return self.policies[domain]

    def triage(self, prompt: str, output: str, hint: Domain | None) -> TriageResult:
        return self._triage(prompt, output, hint)

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
        if not classify:  # a rewrite's re-check: only the rules decide whether it is accepted
            rules = check_rules(
                self.policies[domain], output=output, prompt=prompt, conversation=conversation, asked=asked
            )
            return self._with_other_domains(rules, domain, also, output, prompt, conversation, asked), Analysis()
        tc = classify_answer(prompt, output)
        analysis = Analysis(
            response_class=tc.response_class, response_class_confidence=tc.confidence, features=tc.features
        )
        findings = check_rules(
            self.policies[domain],
            output=output,
            prompt=prompt,
            conversation=conversation,
            response_class=tc.response_class,
            asked=asked,
        )
        findings = self._with_other_domains(findings, domain, also, output, prompt, conversation, asked)
        analysis.placed = self._placed(domain, findings)
        if tc.spans:
            # Point response-class findings at the sentence that decided the class.
            start, end, _label = tc.spans[0]
            findings = [
                f.model_copy(
                    update={"evidence": Evidence(text=output[start:end][:300], source="output", start=start, end=end)}
                )
                if f.evidence is None and f.rule.endswith((".refusal", ".safe_completion", ".over_caveated"))
                else f
                for f in findings
            ]
        return findings, analysis

    def _with_other_domains(
        self,
        findings: list[Finding],
        domain: Domain,
        also: tuple[Domain, ...],
        output: str,
        prompt: str,
        conversation: str,
        asked: str | None,
    ) -> list[Finding]:
        """Add the pattern rules of the other domains triage found evidence of, and of every domain whose policy
        ``applies_everywhere`` (``general``'s baseline rules), worst first, one finding per rule.

        Their response-class rules (``health.refusal`` ...) are left out: a refusal is judged in the request's
        own domain."""
        also = (*also, *(d for d in self._everywhere if d is not domain and d not in also))
        rest = [d for d in self._danger if d is not domain and d not in also and self._danger[d].rules]
        seen = {f.rule for f in findings}
        merged = list(findings)
        for policy in [*(self.policies[d] for d in also), *(self._danger[d] for d in rest)]:
            for f in check_rules(policy, output=output, prompt=prompt, conversation=conversation, asked=asked):
                if f.rule not in seen:
                    seen.add(f.rule)
                    merged.append(f)
        merged.sort(key=lambda f: f.severity.rank, reverse=True)
        return merged

    def _placed(self, domain: Domain, findings: list[Finding]) -> Domain | None:
        """The domain of the worst finding at or above its own domain's rewrite threshold, when that domain's risk
        tier is above ``domain``'s: the answer is evidently of that domain, whatever its words placed it in."""
        tier = _RISK_ORDER[self.policies[domain].risk_tier]
        for f in findings:  # worst first
            owner = self._rule_domain.get(f.rule)
            if owner is None or owner is domain:
                continue
            policy = self.policies[owner]
            if f.severity.rank >= policy.thresholds.rewrite_severity.rank and _RISK_ORDER[policy.risk_tier] > tier:
                return owner
        return None

    def check_action(
        self, *, tool: str, input: dict[str, Any], cwd: str | None, goal: str | None, transcript: list[str]
    ) -> tuple[list[Finding], Risk]:
        from service.policy.action_model import ActionPolicy
        from service.policy.actions import analyse_action

        policy = self.policies[Domain.tool_use]
        actions = policy.actions or ActionPolicy()
        result = analyse_action(tool, input, cwd, actions, goal=goal, transcript_texts=transcript)
        findings = list(result.findings)
        findings.sort(key=lambda f: f.severity.rank, reverse=True)
        return findings, result.risk
