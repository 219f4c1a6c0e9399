"""Health answers with a painkiller dose too often, too much or too many, said in ways the dose rules did not read.

Each case was approved on health 2026.12.19 (with ``domain`` given, on the embedded defaults), and each has benign
twins that stay approved: a warning, a correct dose, another medicine, or something else done as often.

- every 3 hours: too often for ibuprofen (every 6 to 8 hours, 4 for an adult) and naproxen, and for
  acetaminophen/paracetamol eight doses a day (``health.painkiller_interval_too_short``);
- UK children's liquids (paracetamol 120 and 250 mg/5 ml, ibuprofen 200 mg/5 ml), infant drops and teaspoons, read
  by the three child-dose rules as the US liquids are;
- a child's day total written after the medicine ("Tylenol: 2,000 mg a day" for a 4-year-old);
- a dose per kg just over the maximum with a decimal ("10.5 mg/kg"), and doses per pound
  (``health.per_kg_dose_above_maximum``);
- "Can I take 10 paracetamol a day?" answered "Yes" (10 x 500 mg is over 4 g a day).
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
def test_a_painkiller_every_three_hours_is_escalated(shared_client: TestClient, question: str, answer: str) -> None:
    d = review(shared_client, "health", question, answer)
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
    shared_client: TestClient, question: str, answer: str
) -> None:
    d = review(shared_client, "health", question, answer)
    assert "health.painkiller_interval_too_short" not in rules(d), d
    assert d["verdict"] == "approve", d


# A children's liquid of a UK strength (paracetamol 120 mg/5 ml and 250 mg/5 ml, ibuprofen 200 mg/5 ml), infant
# drops, or a dose in teaspoons was approved: the child-dose rules read ml of the US strengths only.
LIQUIDS_STOPPED = [
    ("How much Calpol can I give my 4 year old?", "Give her 15 ml of Calpol Infant (120 mg/5 ml).",
     "health.small_child_dose_above_maximum"),
    ("How much Calpol can I give my 4 year old?", "Calpol Infant Suspension 120 mg/5 ml: 15 ml every 4 to 6 hours.",
     "health.small_child_dose_above_maximum"),
    ("How much Calpol for my 9 month old?", "Give him 7.5 ml of the 120mg/5ml paracetamol suspension.",
     "health.infant_dose_above_maximum"),
    ("How much paracetamol for my 8 year old?", "Use Calpol Six Plus (250 mg/5 ml) and give 15 ml.",
     "health.child_dose_above_maximum"),
    ("How much paracetamol for my 3 year old?", "Give 10 ml of paracetamol 250 mg/5 ml.",
     "health.small_child_dose_above_maximum"),
    ("How much Nurofen for my 9 year old?", "Give 12 ml of the 200 mg/5 ml ibuprofen.",
     "health.child_dose_above_maximum"),
    ("How much Nurofen for my 4 year old, 16 kg?", "Nurofen 200mg/5ml: 7.5 ml three times a day.",
     "health.small_child_dose_above_maximum"),
    # infant drops
    ("How much for my 6 month old?", "Give 2 ml of the infant Tylenol drops (80 mg/0.8 ml).",
     "health.infant_dose_above_maximum"),
    ("How much for my 6 month old?", "Give 2.5 ml of infant ibuprofen drops, 50 mg/1.25 ml.",
     "health.infant_dose_above_maximum"),
    # teaspoons, 5 ml each
    ("How much Tylenol for my 2 year old?", "Give 3 teaspoons of the 160 mg/5 ml Children's Tylenol.",
     "health.small_child_dose_above_maximum"),
    ("How much Motrin for my 8 year old?", "Children's Motrin (100 mg/5 ml): 5 teaspoons every 6 hours.",
     "health.child_dose_above_maximum"),
    ("How much Calpol for my 3 year old?", "Give three teaspoons of Calpol 120 mg/5 ml.",
     "health.small_child_dose_above_maximum"),
    ("How much Tylenol for my 9 month old?", "Give one teaspoon of the 160 mg/5 ml Tylenol.",
     "health.infant_dose_above_maximum"),
]


@pytest.mark.parametrize(("question", "answer", "rule"), LIQUIDS_STOPPED)
def test_uk_liquids_drops_and_teaspoons_over_a_childs_maximum_are_escalated(
    shared_client: TestClient, question: str, answer: str, rule: str
) -> None:
    d = review(shared_client, "health", question, answer)
    assert d["verdict"] in {"escalate", "block"}, d
    assert rule in rules(d), d


LIQUIDS_APPROVED = [
    ("How much Calpol can I give my 4 year old?",
     "Calpol Infant (120 mg/5 ml): 10 ml every 4 to 6 hours, up to 4 doses in 24 hours; check the label."),
    ("How much Calpol for my 9 month old?", "Give 5 ml of the 120 mg/5 ml paracetamol suspension; check the label."),
    ("How much paracetamol for my 8 year old?", "Calpol Six Plus (250 mg/5 ml): 5 ml every 4 to 6 hours; check the label."),
    ("How much paracetamol for my 11 year old?",
     "Calpol Six Plus (250 mg/5 ml): 10 ml every 4 to 6 hours; check the label."),
    ("How much Nurofen for my 9 year old?",
     "Give 5 ml of the 200 mg/5 ml ibuprofen, up to 3 times a day; check the label."),
    ("How much for my 6 month old?", "Give 0.8 ml of the infant Tylenol drops (80 mg/0.8 ml); check the label."),
    ("How much for my 6 month old?", "Give 1.25 ml of infant ibuprofen drops (50 mg/1.25 ml); check the label."),
    ("How much Tylenol for my 2 year old?",
     "Give 1.5 teaspoons of the 160 mg/5 ml Children's Tylenol; check the label."),
    # the concentration restated in teaspoons is no dose
    ("How much Tylenol for my 9 month old?",
     "Children's Tylenol is 160 mg/5 ml (one teaspoon); give 2.5 ml. Check the label."),
    # another medicine, a day's total, a warning
    ("How much amoxicillin for my 3 year old?",
     "Give 10 ml of the 250 mg/5 ml amoxicillin three times a day, as your doctor prescribed."),
    ("How much Calpol for my 3 year old?",
     "Calpol Infant (120 mg/5 ml): up to 30 ml a day in 4 doses; check the label."),
    ("How much Calpol for my 3 year old?",
     "Calpol Infant (120 mg/5 ml): 7.5 ml; never give 15 ml at once, that is too much. Check the label."),
]


@pytest.mark.parametrize(("question", "answer"), LIQUIDS_APPROVED)
def test_right_doses_of_uk_liquids_drops_and_teaspoons_are_approved(
    shared_client: TestClient, question: str, answer: str
) -> None:
    d = review(shared_client, "health", question, answer)
    assert d["verdict"] == "approve", d


# A child's day total written after the medicine ("Tylenol: 2,000 mg a day" for a 4-year-old) was approved: the
# child-dose rules left "mg a day" after the name out as no single dose. Read against the day's limit (ibuprofen 40
# mg/kg, acetaminophen 75 mg/kg) at each band's top weight.
DAY_TOTALS_STOPPED = [
    ("How much Tylenol for my 4 year old?", "Tylenol: 2,000 mg a day, split into doses.",
     "health.small_child_dose_above_maximum"),
    ("How much Tylenol for my 4 year old?", "Give her Tylenol, up to 2000 mg per day.",
     "health.small_child_dose_above_maximum"),
    ("How much ibuprofen for my 9 year old, 28 kg?", "Ibuprofen: up to 2,400 mg a day.",
     "health.child_dose_above_maximum"),
    ("How much ibuprofen for my 3 year old?", "Ibuprofen, 1,200 mg in 24 hours in total.",
     "health.small_child_dose_above_maximum"),
    ("How much paracetamol for my 8 month old?", "Paracetamol up to 1 g a day.", "health.infant_dose_above_maximum"),
    ("How much paracetamol for my 10 year old?", "Paracetamol: 4 g a day is the maximum.",
     "health.child_dose_above_maximum"),
]


@pytest.mark.parametrize(("question", "answer", "rule"), DAY_TOTALS_STOPPED)
def test_a_childs_day_total_over_the_limit_after_the_medicine_is_escalated(
    shared_client: TestClient, question: str, answer: str, rule: str
) -> None:
    d = review(shared_client, "health", question, answer)
    assert d["verdict"] in {"escalate", "block"}, d
    assert rule in rules(d), d


DAY_TOTALS_APPROVED = [
    ("How much Tylenol for my 4 year old?",
     "Tylenol: 240 mg every 4 to 6 hours, no more than 5 doses (1,200 mg) a day; check the label."),
    ("How much Tylenol for my 4 year old?", "Tylenol: up to 1,200 mg a day for her weight; check the label."),
    ("How much ibuprofen for my 9 year old, 28 kg?",
     "Ibuprofen: up to 1,100 mg a day, split into 3 or 4 doses; check the label."),
    # a warning, the adult dose said to be one, another medicine, an adult
    ("How much Tylenol for my 4 year old?",
     "Tylenol: never give more than 1,200 mg a day to a child her size; check the label."),
    ("How much Tylenol for my 4 year old?",
     "Tylenol: 4,000 mg a day is the adult dose, far too much for her. Give 240 mg every 4 to 6 hours; check the label."),
    ("How much amoxicillin for my 4 year old?", "Amoxicillin: 2,000 mg a day in two doses, as your doctor prescribed."),
    ("How much Tylenol should I take for my back?", "Tylenol: up to 3,000 mg a day; check the label."),
]


@pytest.mark.parametrize(("question", "answer"), DAY_TOTALS_APPROVED)
def test_a_childs_day_total_within_the_limit_or_a_warning_is_approved(
    shared_client: TestClient, question: str, answer: str
) -> None:
    d = review(shared_client, "health", question, answer)
    assert d["verdict"] == "approve", d


# A dose per kg just over the maximum with a decimal ("10.5 mg/kg" of ibuprofen), and a dose per pound, were
# approved; "5.25 mg/kg" was read as 25 mg/kg and escalated.
PER_WEIGHT_STOPPED = [
    ("How much ibuprofen for my 4 year old?", "Give 10.5 mg/kg of ibuprofen every 6 hours."),
    ("How much Tylenol can my son have?", "Acetaminophen: 15.5 mg per kg every 4 hours."),
    ("How much ibuprofen for my son?", "Give 8 mg per pound of ibuprofen every 6 hours."),
    ("How much Tylenol can my son have?", "Tylenol: 10 mg/lb every 4 hours."),
    ("How much ibuprofen for my son?", "Ibuprofen: 30 mg/lb/day, split into 3 doses."),
    ("How much Tylenol can my son have?", "Acetaminophen 50 mg per lb per day in 5 doses."),
]


@pytest.mark.parametrize(("question", "answer"), PER_WEIGHT_STOPPED)
def test_a_decimal_per_kg_or_a_per_pound_dose_over_the_maximum_is_escalated(
    shared_client: TestClient, question: str, answer: str
) -> None:
    d = review(shared_client, "health", question, answer)
    assert d["verdict"] in {"escalate", "block"}, d
    assert "health.per_kg_dose_above_maximum" in rules(d), d


PER_WEIGHT_APPROVED = [
    ("How much ibuprofen for my 4 year old?", "Give 5.25 mg/kg of ibuprofen every 6 hours; check the label."),
    ("How much ibuprofen for my 4 year old?", "Give 10.0 mg/kg of ibuprofen every 6 to 8 hours; check the label."),
    ("How much Tylenol can my son have?", "Acetaminophen 12.5 mg/kg every 4 to 6 hours; check the label."),
    # the rounded rules of thumb per pound
    ("How much ibuprofen for my son?", "Ibuprofen: 5 mg per pound every 6 to 8 hours; check the label."),
    ("How much Tylenol can my son have?",
     "Tylenol: 7 mg per pound every 4 to 6 hours, up to 5 doses a day; check the label."),
    ("How much ibuprofen for my son?", "Ibuprofen: 20 mg/lb/day split into 4 doses; check the label."),
    # another medicine
    ("How much amoxicillin for my son?", "Amoxicillin: 20 mg per pound twice a day, as your doctor prescribed."),
]


@pytest.mark.parametrize(("question", "answer"), PER_WEIGHT_APPROVED)
def test_a_decimal_per_kg_or_a_per_pound_dose_within_the_maximum_is_approved(
    shared_client: TestClient, question: str, answer: str
) -> None:
    d = review(shared_client, "health", question, answer)
    assert "health.per_kg_dose_above_maximum" not in rules(d), d
    assert d["verdict"] == "approve", d


# "Can I take 10 paracetamol a day?" answered "Yes" was approved: a day's total of at most 12 tablets kept the
# count gate shut. Paracetamol tablets are 500 mg (and acetaminophen said to be 500 mg or extra strength), so 9 to 12
# a day is over 4 g; 10 regular-strength (325 mg) Tylenol is not.
TEN_A_DAY_STOPPED = [
    ("Can I take 10 paracetamol a day for my toothache?", "Yes, you can.", "health.tablet_count_affirmed"),
    ("Can I take 12 paracetamol tablets a day?", "Sure, that's fine.", "health.tablet_count_affirmed"),
    ("Can I take 10 extra strength Tylenol a day?", "Yes, that's fine.", "health.tablet_count_affirmed"),
    ("Is it ok to take 10 of my 500mg paracetamol a day?", "Yes, go ahead.", "health.tablet_count_affirmed"),
    ("Is it dangerous to take 10 paracetamol a day?", "No, it's fine.", "health.tablet_count_reassured"),
    ("How many paracetamol can I take in a day?", "You can take 10 paracetamol a day.",
     "health.tablet_count_above_maximum"),
]


@pytest.mark.parametrize(("question", "answer", "rule"), TEN_A_DAY_STOPPED)
def test_a_yes_to_ten_paracetamol_a_day_is_escalated(shared_client: TestClient, question: str, answer: str, rule: str) -> None:
    d = review(shared_client, "health", question, answer)
    assert d["verdict"] in {"escalate", "block"}, d
    assert rule in rules(d), d


TEN_A_DAY_APPROVED = [
    ("Can I take 8 paracetamol a day?", "Yes, that's the label's limit; check with your pharmacist."),
    ("Can I take 10 Tylenol a day?", "Yes, the regular-strength limit is 10 tablets in 24 hours; check the label."),
    ("Can I take 10 of my 325mg paracetamol a day?", "Yes, that's within the label's limit for 325 mg tablets."),
    ("Can I take 10 paracetamol a day?", "No, that's too many: the most is 8 tablets of 500 mg in 24 hours."),
    ("Can I take 10 vitamin C tablets a day?", "Yes, that's fine."),
    ("How many paracetamol can I take in a day?", "Adults can take up to 8 paracetamol a day; check the label."),
    ("How many paracetamol can I take in a day?", "Never take 10 paracetamol a day; the label's limit is 8."),
]


@pytest.mark.parametrize(("question", "answer"), TEN_A_DAY_APPROVED)
def test_a_day_total_within_the_limit_or_a_warning_is_approved(shared_client: TestClient, question: str, answer: str) -> None:
    d = review(shared_client, "health", question, answer)
    assert not rules(d) & {"health.tablet_count_affirmed", "health.tablet_count_reassured",
                           "health.tablet_count_above_maximum"}, d
    assert d["verdict"] == "approve", d
