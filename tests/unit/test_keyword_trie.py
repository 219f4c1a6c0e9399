"""Triage's keyword trie finds exactly what a longest-first alternation of the same keywords finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from service.policy.engine import keyword_trie
from service.policy.loader import load_policies

SHIPPED = {
    domain: sorted({w.strip().lower() for w in policy.triage.keywords if w.strip()})
    for domain, policy in load_policies().policies.items()
}
_PIECES = sorted({w for words in SHIPPED.values() for w in words} | {" ", "-", ".", "\n", "s", "ing", "x", "é"})


def _plain(words: list[str]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternation})")


def _trie(words: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{keyword_trie(words)})")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_the_trie_matches_the_plain_alternation_on_the_shipped_keywords(text: str) -> None:
    for domain, words in SHIPPED.items():
        if words:
            assert _trie(words).findall(text) == _plain(words).findall(text), (domain, text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="ab.-( ", min_size=1, max_size=4), min_size=1, max_size=8, unique=True),
    st.text(alphabet="ab.-( x", max_size=40),
)
def test_the_trie_matches_the_plain_alternation_on_keywords_that_prefix_each_other(words: list[str], text: str) -> None:
    # regex metacharacters, keywords that are prefixes of others, and shared stems
    assert _trie(words).findall(text) == _plain(words).findall(text), (words, text)


def test_the_longest_keyword_at_a_position_wins() -> None:
    pattern = _trie(["dose", "dosage", "doses", "diagnos"])
    assert pattern.findall("doses of a dosage; the dose; diagnosis; overdose") == ["doses", "dosage", "dose", "diagnos"]
