"""Deterministic, explainable checks: triage and the policy rules. Cheap; always runs.

Everything here is a pure function of its arguments and the loaded ``PolicySet``; regexes are compiled
once when the policies load.
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass

import regex

from service.policy.bounds import PATTERN_TIMEOUT_S, PatternTimeout
from service.policy.casefold import lowered
from service.policy.model import DomainPolicy, PolicySet, Rule, RulePattern, sentence_around
from service.policy.prefilter import LITERALS
from service.schemas import Evidence, Finding
from service.vocabulary import Domain, ResponseClass, Risk, Severity

_EVIDENCE_MAX = 300

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TriageResult:
    """Where triage placed a request, and why."""

    domain: Domain
    risk: Risk
    inferred: bool
    matched: tuple[str, ...] = ()
    also: tuple[Domain, ...] = ()
    """Other domains the text carries evidence of (enough keywords to place it there on its own): their rules
    run too, so words added to an answer cannot move it out of reach of the rules it should meet."""


class Triage:
    """Infers a domain from the policies' keywords when the caller does not give one."""

    def __init__(self, policies: PolicySet) -> None:
        self._policies = policies
        self._patterns: list[tuple[Domain, re.Pattern[str]]] = []
        for domain, policy in policies.policies.items():
            words = [w.strip().lower() for w in policy.triage.keywords if w.strip()]
            if not words:
                continue
            # Keywords match at a word start; a keyword may be a stem ("diagnos" matches "diagnosis"). The text
            # is lower-cased once instead of matching with re.IGNORECASE, which is ~2.5x slower per pattern.
            self._patterns.append((domain, re.compile(rf"(?<![\w-])(?:{keyword_trie(words)})")))

    def __call__(self, prompt: str, output: str, hint: Domain | None) -> TriageResult:
        scored: list[tuple[int, int, Domain, tuple[str, ...]]] = []
        # A curly apostrophe (U+2019, as phones type it) reads as "'": "my ex\u2019s instagram" meets "ex's instagram".
        prompt, head = prompt.lower().translate(_APOSTROPHES), output[:4000].lower().translate(_APOSTROPHES)
        for domain, pattern in self._patterns:
            in_prompt = set(pattern.findall(prompt))
            only_output = set(pattern.findall(head)) - in_prompt
            # Evidence: two keywords of the answer, or one of the question (which says more than the answer).
            if 2 * len(in_prompt) + len(only_output) >= 2:
                scored.append((len(in_prompt), len(only_output), domain, tuple(sorted(in_prompt | only_output))))
        # The question places the request first; the answer only among domains the question says as much of.
        # The answer is untrusted text: words added to it cannot outvote the question (their domain's rules
        # still run, as ``also``).
        scored.sort(key=lambda t: (-t[0], -t[1]))  # stable: full ties keep the policies' order
        if hint is not None:
            also = tuple(d for _, _, d, _ in scored if d is not hint)
            return TriageResult(hint, self._policies[hint].risk_tier, inferred=False, also=also)
        if not scored:
            return TriageResult(Domain.general, self._policies[Domain.general].risk_tier, inferred=True)
        _, _, domain, matched = scored[0]
        also = tuple(d for _, _, d, _ in scored[1:])
        return TriageResult(domain, self._policies[domain].risk_tier, inferred=True, matched=matched, also=also)


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
"""Apostrophes a keyword may be typed with, read as the ASCII one the policies write (one for one: same length)."""

_Trie = dict[str, "_Trie"]


def keyword_trie(words: list[str]) -> str:
    """One regex alternation of ``words`` factored into a character trie: ``dos(?:age|e)`` for dose, dosage.

    It matches what ``longest|...|shortest`` matches at each position (the longest keyword there: a node tries
    its longer continuations before ending), but ``re`` tries a handful of first characters per position
    instead of every keyword, ~1.3-1.6x faster on the shipped keywords.
    """
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a keyword ends here

    def emit(node: _Trie) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        if "" not in node:
            return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"{branches[0]}?" if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{'|'.join(branches)})?"

    return emit(trie)


def _evidence(text: str, m: re.Match[str] | regex.Match[str], source: str) -> Evidence:
    start, end = m.span()
    if end - start > _EVIDENCE_MAX:
        end = start + _EVIDENCE_MAX
    return Evidence(text=text[start:end], source=source, start=start, end=end)  # type: ignore[arg-type]


def _rule_finding(
    rule: Rule,
    output: str,
    prompt: str,
    conversation: str,
    response_class: ResponseClass | None,
    low: dict[str, str | None],
    asked: str | None = None,
) -> Finding | None:
    match = rule.match
    compiled = rule.compiled
    gate = compiled.prompt_patterns
    if (
        gate
        and not any(p.search(prompt, low["prompt"]) for p in gate)
        and not (asked and any(p.search(asked, low["asked"]) for p in gate))
    ):
        return None
    if compiled.prompt_unless and any(
        p.affirmed(text) for p in compiled.prompt_unless for text in (prompt, asked or "") if text
    ):
        return None
    if match.response_class:
        if response_class in match.response_class:
            return Finding(rule=rule.id, severity=rule.severity, message=rule.message)
        if not match.patterns:
            return None
    targets: list[tuple[str, str, str | None]]
    if match.target == "output":
        targets = [("output", output, low["output"])]
    elif match.target == "prompt":
        targets = [("messages", prompt, low["prompt"])]
    elif match.target == "conversation":
        targets = [("messages", conversation, low["conversation"])]
    elif conversation:
        targets = [("output", output, low["output"]), ("messages", conversation, low["conversation"])]
    else:
        targets = [("output", output, low["output"]), ("messages", prompt, low["prompt"])]
    for source, text, text_low in targets:
        if not text:
            continue
        for pattern in compiled.patterns:
            m = pattern.search(text, text_low)
            if m is None:
                continue
            if compiled.all_of and not all(p.search(text, text_low) for p in compiled.all_of):
                continue
            # An exemption is what the answer does: for a match in the question (target any), the answer's text is
            # read for it, not the question's ("can I wait it out?" answered "No. Call 911 now" dismisses nothing)
            exempt_in = output if source == "messages" and match.target == "any" else text
            if compiled.unless and any(p.affirmed(exempt_in) for p in compiled.unless):
                return None
            if compiled.unless_in_sentence:
                m = _unexempted(pattern, text, m, compiled.unless_in_sentence)
                if m is None:
                    continue
            return Finding(
                rule=rule.id, severity=rule.severity, message=rule.message, evidence=_evidence(text, m, source)
            )
    return None


_MAX_EXEMPTED = 100
"""Matches of one pattern checked for a sentence exemption; past this many, the rule fires on the next one."""


def _unexempted(
    pattern: RulePattern, text: str, first: re.Match[str] | regex.Match[str], exemptions: list[RulePattern]
) -> re.Match[str] | regex.Match[str] | None:
    """The first match of ``pattern`` (from ``first`` on) whose own sentence says none of ``exemptions``."""
    later = (m for m in pattern.finditer(text) if m.start() > first.start())
    for n, m in enumerate(itertools.chain([first], later)):
        if n == _MAX_EXEMPTED:
            return m
        sentence = sentence_around(text, m.start(), m.end())
        if not any(p.affirmed(sentence) for p in exemptions):
            return m
    return None


def _checked(
    rule: Rule,
    output: str,
    prompt: str,
    conversation: str,
    response_class: ResponseClass | None,
    low: dict[str, str | None],
    asked: str | None,
) -> Finding | None:
    """``_rule_finding``; a check that ran out of time (``bounds.PatternTimeout``) counts as a match, so that a
    text built to be slow to check cannot pass for one that was checked."""
    try:
        return _rule_finding(rule, output, prompt, conversation, response_class, low, asked)
    except PatternTimeout as exc:
        log.warning("policy rule %s: %s; counted as a match", rule.id, exc)
        return Finding(
            rule=rule.id,
            severity=rule.severity,
            message=f"{rule.message} (This rule's check did not finish within {PATTERN_TIMEOUT_S} s on this text, "
            "so it counts as a match.)",
        )


_NOTHING: frozenset[int] = frozenset()


def _held(text: str | None, low: str | None) -> frozenset[int] | None:
    if not text:
        return _NOTHING  # an empty text is not searched
    return LITERALS.present(low) if low is not None else None


def _lacks(held: frozenset[int] | None, needs: frozenset[int]) -> bool:
    return held is not None and needs.isdisjoint(held)


def check_rules(
    policy: DomainPolicy,
    *,
    output: str,
    prompt: str = "",
    conversation: str = "",
    response_class: ResponseClass | None = None,
    asked: str | None = None,
) -> list[Finding]:
    """Run every rule of one domain; one finding per matching rule, worst first.

    ``prompt`` is the last user turn; ``asked``, when the conversation has several, all of them: a rule's
    ``prompt_patterns`` gate passes if either matches.
    """
    # Each text is lower-cased once for the rules' case-sensitive twins (``service.policy.casefold``).
    low_prompt = lowered(prompt)
    low: dict[str, str | None] = {
        "output": lowered(output),
        "prompt": low_prompt,
        "conversation": low_prompt if conversation == prompt else lowered(conversation),
    }
    if asked == prompt:
        asked = None
    if asked:
        low["asked"] = lowered(asked)
    # Which prefilter literals each text holds (``service.policy.prefilter``): a rule whose question gate, or whose
    # every pattern, needs one that none of the texts it is searched in holds cannot fire (``_rule_finding`` would
    # return None), and is not run. None: not known (a text the folded patterns are not searched in).
    in_output, in_prompt = _held(output, low["output"]), _held(prompt, low["prompt"])
    in_conversation, in_asked = _held(conversation, low["conversation"]), _held(asked, low.get("asked"))
    in_targets = {
        "output": (in_output, in_output),
        "prompt": (in_prompt, in_prompt),
        "conversation": (in_conversation, in_conversation),
        "any": (in_output, in_conversation if conversation else in_prompt),
    }
    findings = []
    for rule in policy.rules:
        gate, needs = rule.prefilter
        if gate is not None and _lacks(in_prompt, gate) and _lacks(in_asked, gate):
            continue
        if needs is not None:
            first, second = in_targets[rule.match.target]
            if _lacks(first, needs) and _lacks(second, needs):
                continue
        if (f := _checked(rule, output, prompt, conversation, response_class, low, asked)) is not None:
            findings.append(f)
    findings.sort(key=lambda f: f.severity.rank, reverse=True)
    return findings


def worst(findings: list[Finding]) -> Severity | None:
    """The highest severity among findings."""
    return max((f.severity for f in findings), key=lambda s: s.rank, default=None)


def at_least(findings: list[Finding], severity: Severity) -> list[Finding]:
    """The findings at or above a severity."""
    return [f for f in findings if f.severity.rank >= severity.rank]
