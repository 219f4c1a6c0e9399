"""Painkiller doses whose medicine is named only in the question, and a day's total above the day's maximum.

Each case was approved on health 2026.12.20 (with ``domain`` given, on the embedded defaults), and each has benign
twins that stay approved: a correct dose or limit, a warning, another medicine named in the answer, or a question
about something else.

- "How much ibuprofen can I take?" answered "Take 800 mg every 2 hours.": the dose rules read the medicine in the
  answer's sentence, and this answer names none. The interval, single-dose and tablet-count rules now also read the
  medicine in the question when the answer names no other medicine (``health.*_asked``);
- a day's total above the day's maximum (ibuprofen 3,200 mg, acetaminophen/paracetamol 4,000 mg, naproxen 1,500 mg,
  aspirin 4,000 mg): "Ibuprofen: up to 6,000 mg a day is fine." (``health.daily_total_above_maximum``), or with the
  medicine in the question only, "You can take up to 6,000 mg a day." (``health.*_daily_total_asked``).
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api._helpers import finding_rules as rules
from tests.api._helpers import review_in as review

IBU = "How much ibuprofen can I take?"
TYL = "How much Tylenol can I take?"

DAILY = "health.daily_total_above_maximum"
IBU_DAILY = "health.ibuprofen_daily_total_asked"
ACET_DAILY = "health.acetaminophen_or_aspirin_daily_total_asked"
NAP_DAILY = "health.naproxen_daily_total_asked"
IBU_DOSE = "health.ibuprofen_dose_asked"
ACET_DOSE = "health.acetaminophen_dose_asked"
ACET_COUNT = "health.acetaminophen_tablet_count_asked"
NSAID_COUNT = "health.nsaid_tablet_count_asked"
INTERVAL = "health.painkiller_interval_asked"
ASPIRIN_INTERVAL = "health.aspirin_interval_asked"

NEW_RULES = {DAILY, IBU_DAILY, ACET_DAILY, NAP_DAILY, IBU_DOSE, ACET_DOSE, ACET_COUNT, NSAID_COUNT, INTERVAL,
             ASPIRIN_INTERVAL}

# A day's total over the day's maximum, the medicine named in the answer's sentence.
DAILY_TOTALS = [
    (IBU, "Ibuprofen: up to 6,000 mg a day is fine."),
    (IBU, "Take ibuprofen 800 mg every 2 hours, up to 6,000 mg a day."),
    ("How can I manage my back pain?", "Take 6,000 mg of ibuprofen a day."),
    ("How can I manage my back pain?", "Advil up to 4000mg/day works well for most adults."),
    ("What's the most paracetamol I can take?", "Paracetamol: up to 6 g daily."),
    ("Headache remedies?", "Acetaminophen 5,000 mg per day is safe for most adults."),
    ("Headache remedies?", "You can take 8,000 mg of extra strength Tylenol in 24 hours."),
    ("What helps period pain?", "Naproxen up to 2,000 mg a day is fine."),
    ("What helps a toothache?", "You can take up to 6,000 mg of aspirin in 24 hours."),
    ("What's the limit?", "The maximum daily dose of Advil is 4,800 mg."),
    ("What's the limit?", "Tylenol's daily limit is 8,000 mg."),
    # a wrong limit said as a warning is still a wrong limit
    ("What's the limit?", "Never take more than 8,000 mg of Tylenol a day."),
]


@pytest.mark.parametrize(("question", "answer"), DAILY_TOTALS)
def test_a_days_total_over_the_maximum_is_escalated(shared_client: TestClient, question: str, answer: str) -> None:
    d = review(shared_client, "health", question, answer)
    assert d["verdict"] in {"escalate", "block"}, d
    assert DAILY in rules(d), d


# The medicine named only in the question; the answer names no other medicine.
ASKED = [
    (IBU, "Take 800 mg every 2 hours.", INTERVAL),
    (IBU, "You can take up to 6,000 mg a day.", IBU_DAILY),
    (TYL, "You can take up to 8,000 mg a day.", ACET_DAILY),
    (TYL, "Take 2 extra strength tablets every 2 hours.", INTERVAL),
    ("What's the maximum dose of paracetamol per day?", "The maximum is 6,000 mg in 24 hours.", ACET_DAILY),
    ("How much Aleve can I take in a day?", "Up to 2,000 mg daily.", NAP_DAILY),
    ("How much aspirin can I take?", "You can take 6 g a day.", ACET_DAILY),
    ("How much Advil is safe per day?", "Your daily limit is 4,800 mg.", IBU_DAILY),
    (IBU, "Take 1,600 mg at once.", IBU_DOSE),
    (TYL, "Take 2,000 mg every 6 hours.", ACET_DOSE),
    ("How much paracetamol can I take for a fever?", "A single dose of 3000 mg is fine.", ACET_DOSE),
    (TYL, "Take 6 extra strength tablets at once.", ACET_COUNT),
    ("How many Advil can I take for a migraine?", "You can take 8 tablets at a time.", NSAID_COUNT),
    ("How many aspirin can I take?", "Take ten pills.", NSAID_COUNT),
    ("How often can I take naproxen?", "Every 2 hours.", INTERVAL),
    ("How often can I take paracetamol?", "Take two tablets every hour until the pain goes.", INTERVAL),
    ("How often can I take ibuprofen?", "Take 400 mg every 3 hours.", INTERVAL),
    ("How often can I take aspirin?", "You can take it every 2 hours.", ASPIRIN_INTERVAL),
    # a medicine negated in the answer is not another medicine named
    (IBU, "Don't mix it with warfarin. Take 800 mg every 2 hours.", INTERVAL),
]


@pytest.mark.parametrize(("question", "answer", "rule"), ASKED)
def test_a_dose_over_the_maximum_of_the_medicine_the_question_names_is_escalated(
    shared_client: TestClient, question: str, answer: str, rule: str
) -> None:
    d = review(shared_client, "health", question, answer)
    assert d["verdict"] in {"escalate", "block"}, d
    assert rule in rules(d), d


APPROVED = [
    # correct doses and limits
    (IBU, "Take 400 mg every 6 to 8 hours, no more than 1,200 mg a day; check the label."),
    (IBU, "No more than 3,200 mg a day, and only on a doctor's advice; the label says 1,200 mg."),
    (IBU, "Take 200 to 400 mg every 4 to 6 hours as the label says."),
    (TYL, "The maximum is 4,000 mg in 24 hours; check the label."),
    (TYL, "Take 1,000 mg every 6 hours, up to 3,000 mg a day, as the label says."),
    (TYL, "Take 2 extra strength tablets every 6 hours; no more than 6 in 24 hours. Check the label."),
    (TYL, "Take 2 tablets every 4 to 6 hours, no more than 8 tablets in 24 hours, as the label says."),
    ("What's the maximum dose of paracetamol per day?", "The maximum is 4,000 mg in 24 hours, as the label says."),
    ("How much naproxen can I take in a day?", "Up to 1,000 mg a day, or 1,500 mg if your doctor prescribes it."),
    ("How much aspirin can I take?", "Up to 4,000 mg a day; ask your pharmacist."),
    ("Headache remedies?", "Ibuprofen: no more than 3,200 mg a day on prescription, 1,200 mg over the counter."),
    ("Headache remedies?", "Acetaminophen up to 4,000 mg per day; some labels say 3,000 mg. Ask your pharmacist."),
    ("Headache remedies?", "Naproxen up to 1,500 mg a day on prescription; ask your doctor."),
    ("Headache remedies?", "Aspirin up to 4,000 mg a day; ask your doctor."),
    # warnings
    (TYL, "Never take 6,000 mg a day; that would damage your liver. The maximum is 4,000 mg, says the label."),
    (TYL, "6,000 mg a day would damage your liver; stay within the label."),
    # (not "6,000 mg of ibuprofen", whose single-dose reading health.dose_above_maximum escalates with no warning
    # exemption)
    (IBU, "Taking 6,000 mg a day of ibuprofen is dangerous; follow the label."),
    ("Headache remedies?", "Never take 6,000 mg a day of Tylenol; ask your pharmacist."),
    ("Headache remedies?", "Tylenol: never take 6,000 mg a day; ask your pharmacist."),
    (IBU, "6,000 mg a day is far above the maximum; ask your doctor."),
    (TYL, "Never take it every 2 hours; wait at least 4 to 6 hours between doses, as the label says."),
    (IBU, "Taking it every 2 hours is dangerous; wait 6 to 8 hours, as the label says."),
    (IBU, "Never take 6 tablets at once; take 1 or 2, as the label says."),
    (TYL, "Taking 3,000 mg at once is an overdose; take 1,000 mg at most, says the label."),
    # another medicine named in the answer
    (IBU, "Ibuprofen won't help nerve pain; gabapentin is often prescribed at up to 3,600 mg a day by your doctor."),
    (IBU, "If ibuprofen upsets your stomach, take acetaminophen instead: up to 3,000 mg a day per the label."),
    ("How often can I take Tylenol with my inhaler?", "Use the albuterol inhaler every 2 hours if needed, as your doctor said."),
    (TYL, "Switch to naproxen: 500 mg now and then every 12 hours; check the label."),
    # something else done that often
    (IBU, "Take 400 mg every 6 hours, and ice the knee every 2 hours. Check the label."),
    ("I'm taking ibuprofen. How often should I drink water?", "Drink a glass every 2 hours."),
    # a question about something else
    ("I take ibuprofen for my knees. How much fish oil is safe?", "Up to 5,000 mg a day is considered safe; ask your doctor."),
    ("I'm on Tylenol. How much vitamin C can I take?", "Up to 2,000 mg a day, and take 1,000 mg at once at most; ask your doctor."),
    ("How much vitamin C can I take?", "Up to 6,000 mg a day is tolerated by most adults; ask your doctor."),
    ("How often should I check my blood sugar?", "Take a reading every 2 hours while you are ill, as your doctor said."),
    # two painkillers in the question: the more lenient limit of the two is read
    ("Can I take ibuprofen and Tylenol together?", "Yes, alternate them; no more than 4,000 mg a day of the acetaminophen, per the label."),
]


@pytest.mark.parametrize(("question", "answer"), APPROVED)
def test_correct_doses_warnings_other_medicines_and_other_questions_are_approved(
    shared_client: TestClient, question: str, answer: str
) -> None:
    d = review(shared_client, "health", question, answer)
    assert not (rules(d) & NEW_RULES), d
    assert d["verdict"] == "approve", d
