"""The policy port: triage, rule checks and analysers over the loaded policies (built once at start-up)."""

from __future__ import annotations

from typing import Any

from service.policy.engine import Triage, TriageResult, check_rules
from service.policy.model import DomainPolicy, PolicySet
from service.reviewers._textclass import classify as classify_answer
from service.reviewers.base import Analysis
from service.schemas import Evidence, Finding
from service.vocabulary import Domain, Risk


class PolicyService:
    """Implements ``graphs.ports.PolicyPort`` over a ``PolicySet``."""

    def __init__(self, policies: PolicySet) -> None:
        self.policies = policies
        self._triage = Triage(policies)

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
    ) -> tuple[list[Finding], Analysis]:
        if not classify:  # a rewrite's re-check: only the rules decide whether it is accepted
            rules = check_rules(
                self.policies[domain], output=output, prompt=prompt, conversation=conversation, asked=asked
            )
            return rules, Analysis()
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
