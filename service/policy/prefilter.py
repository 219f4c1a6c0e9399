"""Skip rule searches that cannot match: a literal prefilter for the folded rule patterns.

A review searches ~130 rule patterns in its texts (every domain's acting rules run on every answer), and most
of them cannot match: the answer does not even hold the words they are made of. ``required_literals`` reads a
pattern's parsed form (Python's own parser, so the reading is the one ``re`` matches with) for a set of strings
one of which every match must contain: ``(kill(ing)? (myself|me)|suicid\\w{0,6})`` needs one of "kill myself",
"killing myself", "kill me", "killing me", "suicid". ``LiteralIndex`` keeps every such string of every compiled
pattern in one Aho-Corasick automaton (``ahocorasick-rs``), scans a text once for all of them (~10 µs for an
answer of 750 characters) and remembers which it holds; a pattern none of whose strings is there is not
searched, and its search is known to fail. The prefilter is exact: it only ever skips a search whose answer is
"no match", which ``tests/unit/test_prefilter.py`` checks against every shipped pattern on generated texts and
on the development sets.

Only the case-sensitive twins searched in lower-cased text (``casefold``) are prefiltered: their literals are
the characters they match. A pattern with a part that is case-insensitive, or whose strings are shorter than
``MIN_LITERAL`` (matched in nearly every text, so scanning for them saves nothing), is always searched.
"""

from __future__ import annotations

import itertools
import re
import threading
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser as _p  # type: ignore[attr-defined]
from typing import Any

import ahocorasick_rs

__all__ = ["LITERALS", "MIN_LITERAL", "LiteralIndex", "also_required_literals", "required_literals"]

MIN_LITERAL = 2
"""The shortest literal worth a prefilter: a pattern whose best set holds a shorter string is always searched."""

_MAX_EXACT = 64
"""The most strings an exact part may stand for before it is read as "anything" (bounded cross products)."""

_REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)

Strings = frozenset[str]


def _exact(items: Any, depth: int = 0) -> Strings | None:
    """The finite set of strings a parsed sequence consumes (each match consumes exactly one of them), or None
    when it is not a small finite set. Zero-width parts (``\\b``, look-arounds) consume nothing: ignoring their
    test only widens the set, which keeps it a set every match's text is in."""
    if depth > 20:
        return None
    out: Strings = frozenset({""})
    for op, av in items:
        part: Strings | None
        if op is _c.LITERAL:
            part = frozenset({chr(av)})
        elif op is _c.IN:
            part = _class_chars(av)
        elif op in _ZERO_WIDTH:
            continue
        elif op is _c.SUBPATTERN:
            part = None if av[1] & re.IGNORECASE else _exact(av[3], depth + 1)
        elif op is _c.BRANCH:
            branches = [_exact(b, depth + 1) for b in av[1]]
            part = None if any(b is None for b in branches) else frozenset().union(*branches)  # type: ignore[arg-type]
        elif op in _REPEATS:
            low, high, sub = av
            inner = _exact(sub, depth + 1)
            if inner is None or high > 2 or high is _c.MAXREPEAT:
                return None
            part = frozenset("".join(p) for n in range(low, high + 1) for p in itertools.product(inner, repeat=n))
        else:
            return None
        if part is None or len(out) * len(part) > _MAX_EXACT:
            return None
        out = frozenset(a + b for a in out for b in part)
    return out


def _class_chars(av: Any) -> Strings | None:
    """The characters of a character class ``[...]`` when it is a short list of literals, else None."""
    chars: set[str] = set()
    for op, value in av:
        if op is not _c.LITERAL:
            return None
        chars.add(chr(value))
    return frozenset(chars) if 0 < len(chars) <= 8 else None


def _better(a: Strings | None, b: Strings | None) -> Strings | None:
    """Of two sets every match needs one string of, the one that filters more: longer shortest string, then
    fewer strings."""
    if a is None or "" in a:
        return None if b is None or "" in b else b
    if b is None or "" in b:
        return a
    return a if (min(map(len, a)), -len(a)) >= (min(map(len, b)), -len(b)) else b


def _needed(items: Any, depth: int = 0, every: list[Strings] | None = None) -> Strings | None:
    """A set of strings one of which every match of a parsed sequence contains, or None when none is known.

    ``every``, when given, collects each such set the sequence's parts yield (each is needed on its own: a match
    of the sequence is a match of every part), of which the one returned is the best."""
    if depth > 20:
        return None
    best: Strings | None = None
    run: list[Strings] = []  # consecutive parts, each consuming exactly one of a few strings

    def consider(found: Strings | None) -> None:
        nonlocal best
        best = _better(best, found)
        if every is not None and found and "" not in found:
            every.append(found)

    def close_run() -> None:
        product: Strings = frozenset({""})
        for part in run:
            if len(product) * len(part) > _MAX_EXACT:
                consider(product)
                product = frozenset({""})
                if len(part) > _MAX_EXACT:
                    continue
            product = frozenset(a + b for a in product for b in part)
        consider(product)
        run.clear()

    for op, av in items:
        part = _exact([(op, av)], depth + 1) if op not in _ZERO_WIDTH else None
        if part is not None:
            run.append(part)
            continue
        if op in _ZERO_WIDTH:
            continue  # consumes nothing: the parts either side are adjacent in the text
        close_run()
        if op is _c.SUBPATTERN:
            if not av[1] & re.IGNORECASE:
                consider(_needed(av[3], depth + 1))
        elif op is _c.BRANCH:
            branches = [_needed(b, depth + 1) for b in av[1]]
            if all(b is not None for b in branches):
                consider(frozenset().union(*branches))  # type: ignore[arg-type]
        elif op in _REPEATS:
            if av[0] >= 1:
                consider(_needed(av[2], depth + 1))
        elif op is _c.ATOMIC_GROUP:
            consider(_needed(av, depth + 1))
    close_run()
    return best


def required_literals(pattern: re.Pattern[str], min_length: int = MIN_LITERAL) -> Strings | None:
    """Strings one of which every match of ``pattern`` (case-sensitive) contains, none shorter than
    ``min_length``; None when there is no such set."""
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        parsed = _p.parse(pattern.pattern, pattern.flags)
    except (re.error, TypeError, ValueError):
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    found = _needed(parsed)
    if not found or min(map(len, found)) < min_length:
        return None
    return found


def also_required_literals(
    pattern: re.Pattern[str], min_length: int = MIN_LITERAL, most: int = 2
) -> tuple[Strings, ...]:
    """Sets of strings beyond ``required_literals``' own, each of which every match must also hold one of (the
    parts of the pattern's top-level sequence: "(run|put) … through … (fake|bogus) (sales|invoices)" needs one of
    "run"/"put", "through" and "fake …"), the ``most`` that filter best. A text lacking any one set is not
    searched: "through" alone is in many answers, "through" and a fake invoice in few."""
    if pattern.flags & re.IGNORECASE:
        return ()
    try:
        parsed = _p.parse(pattern.pattern, pattern.flags)
    except (re.error, TypeError, ValueError):
        return ()
    if parsed.state.flags & re.IGNORECASE:
        return ()
    every: list[Strings] = []
    best = _needed(parsed, every=every)
    usable = {s for s in every if s != best and min(map(len, s)) >= max(min_length, 3)}
    ranked = sorted(usable, key=lambda s: (-min(map(len, s)), len(s), sorted(s)))
    return tuple(ranked[:most])


class LiteralIndex:
    """Every prefilter literal of the patterns compiled in this process, and which of them a text holds.

    Literal ids are stable (a pattern keeps its ids when others are added); the automaton is rebuilt on the first
    scan after new literals. Nothing is remembered about the texts scanned: the policy engine scans each text of a
    check once and shares the answer between every domain's rules (``engine.RuleTexts``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: dict[str, int] = {}
        self._automaton: ahocorasick_rs.AhoCorasick | None = None

    def register(self, literals: Strings | None) -> frozenset[int] | None:
        """The ids of ``literals`` (added if new); None for None."""
        if literals is None:
            return None
        with self._lock:
            ids = []
            for literal in sorted(literals):
                if literal not in self._ids:
                    self._ids[literal] = len(self._ids)
                    self._automaton = None
                ids.append(self._ids[literal])
            return frozenset(ids)

    def present(self, text: str) -> frozenset[int]:
        """The ids of the registered literals ``text`` holds."""
        automaton = self._automaton
        if automaton is None:
            with self._lock:
                if self._automaton is None:
                    self._automaton = ahocorasick_rs.AhoCorasick(list(self._ids))
                automaton = self._automaton
        return frozenset(i for i, _start, _end in automaton.find_matches_as_indexes(text, overlapping=True))


LITERALS = LiteralIndex()
"""The process's index: ``RulePattern`` registers its folded pattern's literals here when it is compiled."""
