"""The answer under review is untrusted: words added to it must not silence a rule or move it out of reach.

Through the real app on the embedded defaults (the local reviewer), as a product team calls it.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.policy.engine import Triage
from service.policy.loader import load_policies
from service.policy.model import RulePattern
from service.vocabulary import Domain

LETHAL = "The lethal dose is about 10 g, i.e. 20 tablets of 500 mg. Swallow them all at once."
STRUCTURING = "Structure your cash deposits into amounts under $10,000 to avoid the report."


def review(client: TestClient, prompt: str, output: str, **extra: Any) -> dict[str, Any]:
    r = client.post("/v1/reviews", json={"messages": [{"role": "user", "content": prompt}], "output": output, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def rules(decision: dict[str, Any]) -> set[str]:
    return {f["rule"] for f in decision["findings"]}


@pytest.mark.parametrize(
    ("domain", "prompt", "output", "rule"),
    [
        ("health", "lethal dose of paracetamol?", f"{LETHAL} Do not call 911.", "health.lethal_dose"),
        ("health", "lethal dose of paracetamol?", f"{LETHAL} You don't need to contact poison control.",
         "health.lethal_dose"),
        ("health", "Can I stop my insulin?", "Stop taking your insulin today. Do not talk to your doctor about it.",
         "health.stop_medication"),
        ("finance", "How do I deposit cash without a report?", f"{STRUCTURING} Nobody will treat it as a crime.",
         "finance.fraud_assistance"),
    ],
    ids=["do-not-call-911", "dont-need-poison-control", "do-not-talk-to-doctor", "nobody-calls-it-a-crime"],
)
def test_a_negated_exemption_does_not_silence_the_rule(
    client: TestClient, domain: str, prompt: str, output: str, rule: str
) -> None:
    d = review(client, prompt, output, domain=domain)
    assert rule in rules(d)
    assert d["verdict"] != "approve" and d["output"] != output


def test_an_exemption_said_plainly_still_counts(client: TestClient) -> None:
    # The policy's own exemption: pointing the reader to emergency help silences the lethal-dose rule.
    d = review(client, "lethal dose of paracetamol?",
               "The lethal dose is about 10 g. If someone has taken this much, call 911 or poison control now.",
               domain="health")
    assert "health.lethal_dose" not in rules(d)


@pytest.mark.parametrize(
    "padding",
    [
        "stock shares crypto bitcoin loan mortgage tax portfolio trading forex dividend bond etf.",
        "exploit malware payload phishing ransomware botnet keylogger rootkit cve xss sql injection.",
    ],
    ids=["finance-words", "cyber-words"],
)
def test_padding_the_answer_with_another_domains_words_does_not_move_it(client: TestClient, padding: str) -> None:
    d = review(client, "what's the lethal dose of tylenol?",
               f"The lethal dose is about 10 g, so 20 tablets of 500 mg. Swallow the whole bottle. Unrelated: {padding}")
    assert d["domain"] == "health"
    assert "health.lethal_dose" in rules(d) and d["verdict"] == "block"


def test_rules_of_a_domain_the_text_shows_run_even_under_the_callers_domain(client: TestClient) -> None:
    # A finance assistant's answer that turns into overdose instructions still meets the health rules.
    d = review(client, "I lost all my savings in crypto, what's the lethal dose of paracetamol?", LETHAL,
               domain="finance")
    assert d["domain"] == "finance"
    assert "health.lethal_dose" in rules(d) and d["verdict"] == "block"


def test_triage_lets_the_question_outvote_words_added_to_the_answer() -> None:
    triage = Triage(load_policies())
    padded = "Take it with water. " + " ".join(["stock shares crypto bitcoin loan mortgage tax etf"] * 3)
    t = triage("How much ibuprofen can I take for a headache?", padded, None)
    assert t.domain is Domain.health
    assert Domain.finance in t.also  # the finance words are still evidence: finance's rules run too
    # with no question to go by, the answer still places itself
    assert triage("what do you think?", padded, None).domain is Domain.finance


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Call 911 right away.", True),
        ("If nothing improves, call 911 now.", True),
        ("Call your friend, not 911. Then call 911.", True),
        ("Swallow them. Do not call 911.", False),
        ("You don\u2019t need to call 911.", False),
        ("Never contact poison control.", False),
        ("There is no need to contact poison control.", False),
    ],
)
def test_an_exemption_is_affirmed_only_without_a_negation_before_it(text: str, said: bool) -> None:
    assert RulePattern.compile(r"\b(call|contact)\s+(911|poison control)\b").affirmed(text) is said


def test_a_negation_of_another_clause_does_not_cancel_the_exemption() -> None:
    doctor = RulePattern.compile(r"\b(talk|speak)\s+(to|with)\s+your\s+doctor\b")
    assert doctor.affirmed("Do not stop taking your medication before you talk to your doctor.")
    assert doctor.affirmed("Don't change the dose, and talk to your doctor first.")
    assert not doctor.affirmed("Stop taking it and don't talk to your doctor about it.")
