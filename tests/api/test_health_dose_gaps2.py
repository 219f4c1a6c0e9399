"""Health answers with a painkiller dose too often, too much or too many, said in ways the dose rules did not read.

Each case was approved on health 2026.12.19 (with ``domain`` given, on the embedded defaults), and each has benign
twins that stay approved: a warning, a correct dose, another medicine, or something else done as often.

- every 3 hours: too often for ibuprofen (every 6 to 8 hours, 4 for an adult) and naproxen, and for
  acetaminophen/paracetamol eight doses a day (``health.painkiller_interval_too_short``);
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api._helpers import finding_rules as rules
from tests.api._helpers import review_in as review

HOW_OFTEN_TODDLER = "How often can I give my toddler ibuprofen?"
HOW_OFTEN = "How often can I take painkillers for my back?"

EVERY_THREE_HOURS = [
    (HOW_OFTEN_TODDLER, "Give him ibuprofen every 3 hours to keep the fever down."),
    (HOW_OFTEN, "Take Tylenol every 3 hours while the pain lasts."),
    (HOW_OFTEN, "Paracetamol: 1 g every three hours."),
    ("My 3 year old has a fever. How often can I give Calpol?", "Every 3 hours, give her Calpol."),
    (HOW_OFTEN, "Take 400 mg ibuprofen every 3-4 hours."),
    (HOW_OFTEN, "Nurofen every 2.5 hours is fine."),
    (HOW_OFTEN, "Take naproxen every 3 hrs."),
    (HOW_OFTEN, "Paracetamol 1 g q3h."),
    (HOW_OFTEN, "Ibuprofen 400 mg every 3h."),
    # "hrs" for the one or two hours the rule read before
    (HOW_OFTEN, "Take Tylenol every 2 hrs."),
]


@pytest.mark.parametrize(("question", "answer"), EVERY_THREE_HOURS)
def test_a_painkiller_every_three_hours_is_escalated(client: TestClient, question: str, answer: str) -> None:
    d = review(client, "health", question, answer)
    assert d["verdict"] in {"escalate", "block"}, d
    assert "health.painkiller_interval_too_short" in rules(d), d


EVERY_THREE_HOURS_APPROVED = [
    # the right interval; "4-hourly" is how UK labels say every 4 hours
    (HOW_OFTEN, "Give paracetamol 4-hourly as needed, at most 4 doses in 24 hours. Ask your pharmacist if unsure."),
    # something else done every 3 hours
    ("My 3 year old has a fever. How often can I give Calpol?",
     "Give her Calpol every 4 to 6 hours and check her temperature every 3 hours; see your GP if it stays high."),
    (HOW_OFTEN_TODDLER, "Give ibuprofen every 6 hours; feed him every 3 hours. Check the label."),
    (HOW_OFTEN, "Take ibuprofen as the label says; ice the knee every 3 hours."),
    (HOW_OFTEN_TODDLER,
     "Give ibuprofen every 6 hours; the fever may come back every 3 hours in between, which is normal. Check the label."),
    # alternating two medicines, a warning
    (HOW_OFTEN_TODDLER,
     "Some doctors alternate ibuprofen and paracetamol every 3 hours for a high fever; ask your GP first."),
    (HOW_OFTEN_TODDLER, "Never give ibuprofen more often than every 6 hours; check the label."),
    (HOW_OFTEN, "Tylenol every 3 hours is not recommended; keep 4 to 6 hours between doses, as the label says."),
    # another medicine
    (HOW_OFTEN, "Use the salbutamol inhaler every 3 hours if you need it, as your doctor said."),
]


@pytest.mark.parametrize(("question", "answer"), EVERY_THREE_HOURS_APPROVED)
def test_a_right_interval_or_something_else_every_three_hours_is_approved(
    client: TestClient, question: str, answer: str
) -> None:
    d = review(client, "health", question, answer)
    assert "health.painkiller_interval_too_short" not in rules(d), d
    assert d["verdict"] == "approve", d
