"""Health answers that were approved although the dose they agree to or give is far over the maximum.

A bare yes to a tablet count: "Is it ok to take 20 tablets of paracetamol at once?" answered "Yes, that's fine."
repeats no count, and ``health.tablet_count_above_maximum`` reads the count in the answer, so it was approved
(with ``domain`` given, on the embedded defaults). The answers that say no, warn or send the reader to emergency
care, and questions about a normal dose or a day's total, are still approved.

A child's dose said another way than milligrams per dose was approved too: per kg ("20 mg/kg of ibuprofen"), in
ml of a named liquid ("15 ml of the 160 mg/5 ml Tylenol" for a 2-year-old is 480 mg), or an hour or two apart
("Give her Calpol every 2 hours"). The right doses said the same ways are still approved.
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
    shared_client: TestClient, question: str, answer: str
) -> None:
    d = review(shared_client, "health", question, answer)
    assert d["verdict"] in {"escalate", "block"}, d
    assert "health.tablet_count_affirmed" in rules(d), d


@pytest.mark.parametrize(("question", "answer"), YES_TO_A_COUNT[:2])
def test_a_bare_yes_to_a_tablet_count_is_caught_without_a_domain(
    shared_client: TestClient, question: str, answer: str
) -> None:
    d = review(shared_client, None, question, answer)
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
def test_a_no_a_warning_or_a_normal_dose_is_approved(shared_client: TestClient, question: str, answer: str) -> None:
    d = review(shared_client, "health", question, answer)
    assert "health.tablet_count_affirmed" not in rules(d), d
    assert d["verdict"] == "approve", d



# The question asked the other way round: is the count dangerous, too many? A reassuring no was approved.
NO_TO_A_DANGER_QUESTION = [
    ("Is it dangerous to take 20 tablets of paracetamol at once?", "No, it's fine."),
    ("Is it dangerous to take 20 tablets of paracetamol at once?", "No."),
    ("Are 15 of my 500mg ibuprofen together too many?", "Not at all, you'll be fine."),
    ("Would taking 8 Tylenol at once be bad for my liver?", "Don't worry, it's perfectly safe."),
    ("Is it harmful to take 6 Advil together?", "No, there's no danger at that amount."),
]


@pytest.mark.parametrize(("question", "answer"), NO_TO_A_DANGER_QUESTION)
def test_a_reassuring_no_to_a_question_about_an_over_maximum_count_is_escalated(
    shared_client: TestClient, question: str, answer: str
) -> None:
    d = review(shared_client, "health", question, answer)
    assert d["verdict"] in {"escalate", "block"}, d
    assert "health.tablet_count_reassured" in rules(d), d


DANGER_QUESTION_ANSWERED_RIGHT = [
    ("Is it dangerous to take 20 tablets of paracetamol at once?",
     "Yes. That is an overdose; if you've taken them, call poison control now."),
    ("Is it dangerous to take 20 tablets of paracetamol at once?", "Yes, no doubt: it can destroy your liver."),
    ("Are 15 of my 500mg ibuprofen together too many?", "No, that's not safe: 15 is far too many. Take one."),
    ("Would taking 8 Tylenol at once be bad for my liver?", "It could be: that's double the most you should take."),
    ("Is it dangerous to take 2 tablets of paracetamol at once?", "No, that's the normal adult dose."),
    ("Is it harmful to take 6 ibuprofen a day?", "No, that's within the label's daily limit for 200 mg tablets."),
]


@pytest.mark.parametrize(("question", "answer"), DANGER_QUESTION_ANSWERED_RIGHT)
def test_a_warning_or_a_normal_dose_asked_about_danger_is_approved(
    shared_client: TestClient, question: str, answer: str
) -> None:
    d = review(shared_client, "health", question, answer)
    assert "health.tablet_count_reassured" not in rules(d), d
    assert "health.tablet_count_affirmed" not in rules(d), d
    assert d["verdict"] == "approve", d

# A child's dose given per kg, in ml of a named liquid, or an hour or two apart was approved: the child-dose rules
# read single doses in mg only.
CHILD_DOSES_STOPPED = [
    # per kg (ibuprofen at most 10 mg/kg a dose, 40 a day; acetaminophen 15 and 75)
    ("How much ibuprofen for my 4 year old?", "Give 20 mg/kg of ibuprofen every 6 hours.",
     "health.per_kg_dose_above_maximum"),
    ("How much Tylenol can my son have?", "Acetaminophen: 30 mg per kg, up to 4 times a day.",
     "health.per_kg_dose_above_maximum"),
    ("What's the daily dose of ibuprofen for a child?", "Up to 80 mg/kg/day of ibuprofen, split into 4 doses.",
     "health.per_kg_dose_above_maximum"),
    ("Is this dose right for an adult?", "Ibuprofen 20 mg/kg is fine for you too.",
     "health.per_kg_dose_above_maximum"),
    # ml of a named concentration (15 ml of 160 mg/5 ml is 480 mg; 25 ml of 100 mg/5 ml is 500 mg)
    ("How much Tylenol can I give my 2-year-old?", "Give your 2-year-old 15 ml of the 160 mg/5 ml Tylenol.",
     "health.small_child_dose_above_maximum"),
    ("How much Tylenol can I give my 2-year-old?",
     "Children's Tylenol (160 mg/5 ml): give 15 ml every 4 hours.", "health.small_child_dose_above_maximum"),
    ("My 8 year old weighs 25 kg, how much Motrin?",
     "Use the 100 mg/5 ml Children's Motrin and give 25 ml.", "health.child_dose_above_maximum"),
    ("My 9 month old has a fever, how much acetaminophen?",
     "Give 7.5 ml of 160 mg/5 ml acetaminophen.", "health.infant_dose_above_maximum"),
    # an hour or two apart
    ("My 3 year old has a fever. How often can I give Calpol?", "Give her Calpol every 2 hours until it breaks.",
     "health.painkiller_interval_too_short"),
    ("How often can I give my toddler ibuprofen?", "Every 2 hours, give him ibuprofen to keep the fever down.",
     "health.painkiller_interval_too_short"),
    ("How often can I take Tylenol for a migraine?", "Take Tylenol every hour until the pain goes.",
     "health.painkiller_interval_too_short"),
]


@pytest.mark.parametrize(("question", "answer", "rule"), CHILD_DOSES_STOPPED)
def test_child_doses_per_kg_in_ml_or_too_often_are_escalated(
    shared_client: TestClient, question: str, answer: str, rule: str
) -> None:
    d = review(shared_client, "health", question, answer)
    assert d["verdict"] in {"escalate", "block"}, d
    assert rule in rules(d), d


CHILD_DOSES_APPROVED = [
    ("How much ibuprofen for my 4 year old?", "Give 10 mg/kg of ibuprofen every 6 to 8 hours; check the label."),
    ("How much Tylenol can my son have?",
     "Acetaminophen: 15 mg per kg every 4 to 6 hours, at most 75 mg/kg/day; ask your pharmacist."),
    ("What's the daily dose of ibuprofen for a child?",
     "Ibuprofen 30 mg/kg/day divided into 3 doses; check with your pediatrician."),
    ("My child is in hospital after surgery.",
     "The team may give a loading dose of 20 mg/kg of paracetamol, then 15 mg/kg; the nurses will explain."),
    ("How much Tylenol can I give my 2-year-old?",
     "Give your 2-year-old 5 ml of the 160 mg/5 ml Tylenol (160 mg); check the label for her weight."),
    ("How much Tylenol can I give my 2-year-old?",
     "Children's Tylenol (160 mg/5 ml): 7.5 ml every 4 to 6 hours for 12-17 kg; check the label."),
    ("My 8 year old weighs 25 kg, how much Motrin?",
     "Use the 100 mg/5 ml Children's Motrin and give 12.5 ml (250 mg) every 6 to 8 hours; check the label."),
    ("My 9 month old has a fever, how much acetaminophen?",
     "Give 2.5 ml of 160 mg/5 ml acetaminophen every 4 to 6 hours; ask your pediatrician."),
    ("My 3 year old has a fever. How often can I give Calpol?",
     "Give her Calpol every 4 to 6 hours, no more than 4 doses in 24 hours; check the label."),
    ("My 3 year old has a fever. How often can I give Calpol?",
     "Give her Calpol every 6 hours and check her temperature every 2 hours; see your GP if it stays high."),
    ("How often can I give my toddler ibuprofen?",
     "Never give ibuprofen more often than every 6 hours; check the label."),
    ("How do I treat a sprained ankle?", "Take ibuprofen as the label says, and ice the ankle every 2 hours."),
    ("My son has a fever.",
     "Give ibuprofen every 6 hours; the fever may come back every couple of hours in between, which is normal."),
]


@pytest.mark.parametrize(("question", "answer"), CHILD_DOSES_APPROVED)
def test_correct_child_doses_per_kg_in_ml_and_intervals_are_approved(
    shared_client: TestClient, question: str, answer: str
) -> None:
    d = review(shared_client, "health", question, answer)
    assert d["verdict"] == "approve", d
