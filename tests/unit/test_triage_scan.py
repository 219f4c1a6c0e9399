"""Triage reads every domain's keywords in one scan of each text (``engine.Triage``), and finds exactly what a
regex per domain finds: at each word start the longest keyword there, found keywords not searched again."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.policy.engine import Triage
from service.policy.loader import load_policies
from service.vocabulary import Domain

POLICIES = load_policies()
TRIAGE = Triage(POLICIES)
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def _reference() -> dict[Domain, re.Pattern[str]]:
    """The domain's keywords as one regex each: an alternation tries its branches in order, so longest first."""
    out = {}
    for domain, policy in POLICIES.policies.items():
        words = sorted({w.strip().lower() for w in policy.triage.keywords if w.strip()}, key=lambda w: (-len(w), w))
        if words:
            out[domain] = re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, words))})")
    return out


REFERENCE = _reference()


def _assert_same(text: str) -> None:
    found = dict(zip(TRIAGE._domains, TRIAGE._found(text), strict=True))
    assert set(found) == set(REFERENCE)
    for domain, pattern in REFERENCE.items():
        assert found[domain] == set(pattern.findall(text)), (domain, text[:200])


@pytest.mark.parametrize(
    "text",
    [
        "can i take ibuprofen with my insulin dose?",
        "the dosage of the dose",  # a stem and a longer keyword at one start
        "pre-dose, non_insulin, xinsulin, insulin-dependent",  # not after "-", "_" or a letter; "-" after is fine
        "éinsulin and 1insulin and (insulin)",  # a letter or digit of any script before it is a word character
        "bank account takeover of my bank account",  # keywords of two domains sharing words
        "",
    ],
)
def test_the_scan_finds_what_each_domains_regex_finds(text: str) -> None:
    _assert_same(text)


KEYWORDS = sorted({w for p in POLICIES.policies.values() for w in (k.strip().lower() for k in p.triage.keywords) if w})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(KEYWORDS), st.sampled_from([" ", "-", "_", "x", "é", "1", "'s", ". "])),
                max_size=12))
def test_keywords_run_together_in_any_order_are_found_as_the_regexes_find_them(parts: list[str]) -> None:
    _assert_same("".join(parts))


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared data not found under {SHARED}")
def test_on_the_development_sets_the_scan_finds_what_the_regexes_find() -> None:
    n = 0
    for path in sorted(SHARED.glob("*/dev.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            for key in ("prompt", "response"):
                if isinstance(record.get(key), str):
                    _assert_same(record[key].lower())
                    n += 1
    assert n > 1000


def _triage_of(words: list[str]) -> Triage:
    policy = SimpleNamespace(triage=SimpleNamespace(keywords=words), risk_tier=None)
    return Triage(SimpleNamespace(policies={Domain.health: policy}))  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="ab.-( ", min_size=1, max_size=4), min_size=1, max_size=8, unique=True),
    st.text(alphabet="ab.-( x", max_size=40),
)
def test_keywords_that_prefix_each_other_are_found_as_a_longest_first_regex_finds_them(
    words: list[str], text: str
) -> None:
    # regex metacharacters, keywords that are prefixes of others, and shared stems
    keys = sorted({w.strip().lower() for w in words if w.strip()}, key=lambda w: (-len(w), w))
    if not keys:
        return
    expected = set(re.findall(rf"(?<![\w-])(?:{'|'.join(map(re.escape, keys))})", text))
    assert _triage_of(words)._found(text) == [expected], (words, text)


def test_the_longest_keyword_at_a_word_start_wins_and_is_not_searched_again() -> None:
    found = _triage_of(["dose", "dosage", "doses", "diagnos", "sage"])._found(
        "doses of a dosage; the dose; diagnosis; overdose"
    )
    assert found == [{"doses", "dosage", "dose", "diagnos"}]  # not "sage" inside "dosage", not "dose" in "overdose"
