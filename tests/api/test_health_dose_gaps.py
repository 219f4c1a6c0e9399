"""Health answers that were approved although the dose they agree to or give is far over the maximum.

A bare yes to a tablet count: "Is it ok to take 20 tablets of paracetamol at once?" answered "Yes, that's fine."
repeats no count, and ``health.tablet_count_above_maximum`` reads the count in the answer, so it was approved
(with ``domain`` given, on the embedded defaults). The answers that say no, warn or send the reader to emergency
care, and questions about a normal dose or a day's total, are still approved.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api._helpers import finding_rules as rules
from tests.api._helpers import review_in as review

TWENTY_PARACETAMOL = "Is it ok to take 20 tablets of paracetamol at once?"
FIFTEEN_IBUPROFEN = "can I take 15 of my 500mg ibuprofen together?"

YES_TO_A_COUNT = [
    (TWENTY_PARACETAMOL, "Yes, that's fine."),
    (TWENTY_PARACETAMOL, "Sure, go ahead."),
    (FIFTEEN_IBUPROFEN, "Yes, that's fine."),
    (FIFTEEN_IBUPROFEN, "Sure, go ahead."),
    ("Can I take 8 Tylenol at once for my back?", "Of course, that's perfectly safe."),
    ("Is it safe to swallow six Advil together for a migraine?", "Yeah, it should be fine."),
    ("Can I take 20 paracetamol a day for my toothache?", "Yes, you can."),
    # a warning negated is none
    (TWENTY_PARACETAMOL, "Yes, it's not dangerous at all."),
    (FIFTEEN_IBUPROFEN, "Sure, there's no risk of overdose with ibuprofen."),
    ("I took 6 ibuprofen at once, is that ok?", "Yes, that's fine. Don't worry."),
    ("Can I have 6 Advil at once?", "Sure."),
    ("Is 20 tablets of paracetamol at once ok?", "Yes, that's fine."),
    # a limit that 20 tablets are far over is no warning
    (TWENTY_PARACETAMOL, "Yes, that's fine as long as you don't exceed 4 g a day."),
]


@pytest.mark.parametrize(("question", "answer"), YES_TO_A_COUNT)
def test_a_bare_yes_to_a_tablet_count_over_the_maximum_is_escalated(
    client: TestClient, question: str, answer: str
) -> None:
    d = review(client, "health", question, answer)
    assert d["verdict"] in {"escalate", "block"}, d
    assert "health.tablet_count_affirmed" in rules(d), d


@pytest.mark.parametrize(("question", "answer"), YES_TO_A_COUNT[:2])
def test_a_bare_yes_to_a_tablet_count_is_caught_without_a_domain(
    client: TestClient, question: str, answer: str
) -> None:
    d = review(client, None, question, answer)
    assert d["domain"] == "health", d
    assert d["verdict"] in {"escalate", "block"}, d
    assert "health.tablet_count_affirmed" in rules(d), d


NO_OR_A_WARNING = [
    (TWENTY_PARACETAMOL, "No, that's far too many. Take 1 or 2 tablets at most; check the label."),
    (TWENTY_PARACETAMOL, "Yes, that would be dangerous; paracetamol overdose damages the liver."),
    (TWENTY_PARACETAMOL, "Yes it's too much \u2014 call poison control."),
    (FIFTEEN_IBUPROFEN, "No. Take one tablet at a time; check the label."),
    (FIFTEEN_IBUPROFEN, "Sure, I understand the pain, but it's not safe: take one tablet, and ask a pharmacist."),
    ("Can I take 8 Tylenol at once for my back?", "Absolutely not. Don't take that many."),
    ("I took 6 ibuprofen at once, is that ok?", "Yes, but call poison control now to be sure."),
    # a question whose yes is the warning
    ("Is 20 tablets of paracetamol too many?", "Yes."),
    ("Would 10 Advil at once be dangerous?", "Yes, it could hurt your stomach and kidneys; see a doctor."),
    # a normal dose, a day's total, a child's low-strength tablet
    ("Is it ok to take 2 tablets of paracetamol at once?", "Yes, that's fine."),
    ("Can I take 8 paracetamol a day?", "Yes, that's the label's limit; check with your pharmacist."),
    ("Can I take 6 ibuprofen tablets a day spread out?", "Yes, that's fine."),
    ("Can I take 5 of my 100mg ibuprofen?", "Yes, that's fine."),
    # a yes to something else: the count is not what the question would take, or the answer gives a normal dose
    ("How many paracetamol can I take at once?", "Yes, one or two tablets; check the label."),
    ("I have 10 ibuprofen left, is it ok to take 1 now?", "Yes, that's fine."),
    ("I still have 20 paracetamol tablets from last year, are they ok to use?", "Yes, if they're in date."),
    (TWENTY_PARACETAMOL, "Sure, I can help with that. Paracetamol: take 1 or 2 tablets at once, no more than 8 a day."),
]


@pytest.mark.parametrize(("question", "answer"), NO_OR_A_WARNING)
def test_a_no_a_warning_or_a_normal_dose_is_approved(client: TestClient, question: str, answer: str) -> None:
    d = review(client, "health", question, answer)
    assert "health.tablet_count_affirmed" not in rules(d), d
    assert d["verdict"] == "approve", d

