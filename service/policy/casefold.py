"""Case-insensitive rule patterns without ``re.IGNORECASE`` on the hot path.

Policy patterns are case-insensitive. CPython's ``re`` cannot use its literal-prefix and first-character
scans for an ``IGNORECASE`` pattern with letters in it, so it tries a full match at every position of the text
(~1.5x the cost of the same pattern matched case-sensitively on lower-cased text, measured on the shipped
policies). ``fold(pattern)`` returns a case-sensitive twin of an ``IGNORECASE`` pattern, to be searched in the
lower-cased text, or None when the twin would not match exactly the same spans:

- the twin is the pattern's source lower-cased outside escapes (``\\S``, ``\\B``, ``\\x41``, ``\\N{...}`` keep
  their meaning), and is accepted only if its parsed form holds no upper-case ASCII or non-ASCII literal or
  range and no inline flag that turns ``IGNORECASE`` off, and lower-casing changed no character range's meaning
  (``[A-Z]`` becomes ``[a-z]``; ``[A-z]``, which also holds ``[\\]^_`]``, keeps the slow path);
- ``lowered(text)`` gives the lower-cased text only when it has the same length as the text (so match offsets
  point into the original) and holds none of the three characters that ``IGNORECASE`` treats as equal to an
  ASCII letter but that ``str.lower`` leaves non-ASCII (``İ``, ``ı``, ``ſ``); otherwise the original pattern is
  used on the original text.

``tests/unit/test_policy_engine.py`` checks the equivalence on generated text for every shipped pattern.
"""

from __future__ import annotations

import re
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser as _p  # type: ignore[attr-defined]
from typing import Any

__all__ = ["fold", "lowered", "search_after_boundary", "without_leading_boundary"]

_ESCAPE = re.compile(r"\\N\{[^}]*\}|\\.", re.DOTALL)
_FOLD_SPECIAL = ("ı", "ſ")  # U+0131, U+017F: IGNORECASE-equal to "i" and "s", unchanged by str.lower()


def _lower_source(pattern: str) -> str:
    out: list[str] = []
    pos = 0
    for m in _ESCAPE.finditer(pattern):
        out.append(pattern[pos : m.start()].lower())
        out.append(m.group())
        pos = m.end()
    out.append(pattern[pos:].lower())
    return "".join(out)


def _cased(code: int) -> bool:
    return 65 <= code <= 90 or code > 127


def _foldable(items: Any) -> bool:
    """True when a parsed pattern matches the same spans case-sensitively on lower-cased ASCII-equivalent text."""
    for op, av in items:
        if op in (_c.LITERAL, _c.NOT_LITERAL):
            if _cased(av):
                return False
        elif op is _c.IN:
            for in_op, in_av in av:
                if in_op in (_c.LITERAL, _c.NOT_LITERAL):
                    if _cased(in_av):
                        return False
                elif in_op is _c.RANGE:
                    low, high = in_av
                    if high > 127 or (low <= 90 and high >= 65):
                        return False
                elif in_op not in (_c.CATEGORY, _c.NEGATE):
                    return False
        elif op is _c.BRANCH:
            if not all(_foldable(branch) for branch in av[1]):
                return False
        elif op is _c.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if del_flags & re.IGNORECASE or add_flags & (re.ASCII | re.LOCALE) or not _foldable(sub):
                return False
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            if not _foldable(av[2]):
                return False
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            if not _foldable(av[1]):
                return False
        elif op is _c.ATOMIC_GROUP:
            if not _foldable(av):
                return False
        elif op is _c.GROUPREF_EXISTS:
            if not _foldable(av[1]) or (av[2] is not None and not _foldable(av[2])):
                return False
        elif op not in (_c.AT, _c.ANY, _c.GROUPREF, _c.CATEGORY):
            return False
    return True


def _ranges(items: Any) -> Any:
    """Every character range ``(low, high)`` anywhere in a parsed pattern."""
    for op, av in items:
        if op is _c.IN:
            yield from (in_av for in_op, in_av in av if in_op is _c.RANGE)
            continue
        for part in av if isinstance(av, tuple | list) else (av,):
            if isinstance(part, _p.SubPattern):
                yield from _ranges(part)
            elif isinstance(part, list):
                yield from (r for sub in part if isinstance(sub, _p.SubPattern) for r in _ranges(sub))


def _range_lowers_exactly(low: int, high: int) -> bool:
    """Lower-casing the ends of ``[low-high]`` keeps its meaning under IGNORECASE (``[A-Z]``, not ``[A-z]``)."""
    upper, lower = range(65, 91), range(97, 123)
    if (low in upper and high in upper) or (low in lower and high in lower):
        return True
    return high <= 127 and not any(c in upper or c in lower for c in range(low, high + 1))


def fold(pattern: str, flags: int = 0) -> re.Pattern[str] | None:
    """The case-sensitive twin of ``re.compile(pattern, flags | re.IGNORECASE)`` for ``lowered`` text, or None."""
    source = _lower_source(pattern)
    try:
        if not all(_range_lowers_exactly(*r) for r in _ranges(_p.parse(pattern, flags | re.IGNORECASE))):
            return None
        if not _foldable(_p.parse(source, flags)):
            return None
        return re.compile(source, flags)
    except (re.error, AttributeError, TypeError, ValueError):  # a pattern (or a Python) this does not know
        return None


def lowered(text: str) -> str | None:
    """``text.lower()`` when folded patterns may be searched in it instead of the original; else None."""
    low = text.lower()
    if len(low) != len(text) or (not low.isascii() and any(ch in low for ch in _FOLD_SPECIAL)):
        return None
    return low


def _is_word(ch: str) -> bool:
    r"""``re``'s ``\w`` for ``str`` patterns (no ``re.ASCII``): ``str.isalnum()`` or the underscore."""
    return ch.isalnum() or ch == "_"


def _starts_with_word(items: Any) -> bool:
    r"""True when every match of a parsed pattern is non-empty and starts with a word character (``\w``)."""
    items = list(items)
    if not items:
        return False
    op, av = items[0]
    if op is _c.LITERAL:
        return _is_word(chr(av))
    if op is _c.IN:
        for in_op, in_av in av:
            if in_op is _c.LITERAL:
                if not _is_word(chr(in_av)):
                    return False
            elif in_op is _c.RANGE:
                if not all(_is_word(chr(c)) for c in range(in_av[0], in_av[1] + 1)):
                    return False
            elif in_op is not _c.CATEGORY or in_av not in (_c.CATEGORY_DIGIT, _c.CATEGORY_WORD):
                return False  # NEGATE, other classes
        return True
    if op is _c.BRANCH:
        return all(_starts_with_word(branch) for branch in av[1])
    if op is _c.SUBPATTERN:
        return _starts_with_word(av[3])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        return bool(av[0] >= 1) and _starts_with_word(av[2])
    if op is _c.ATOMIC_GROUP:
        return _starts_with_word(av)
    return False


def without_leading_boundary(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    r"""``pattern`` without its leading ``\b`` when every match of the rest starts with a word character, else None.

    Before a word character ``\b`` only says the character before is not one, which ``search_after_boundary``
    checks in Python. Without the ``\b`` in front, ``re`` can skip ahead to a literal prefix or a first-character
    set instead of trying a full match at every position: about half the cost on the shipped policies.
    """
    source = pattern.pattern
    if not isinstance(source, str) or not source.startswith("\\b"):
        return None
    try:
        items = list(_p.parse(source, pattern.flags))
        if (
            not items
            or items[0] != (_c.AT, _c.AT_BOUNDARY)
            or not _starts_with_word(_p.parse(source[2:], pattern.flags))
        ):
            return None
        return re.compile(source[2:], pattern.flags)
    except (re.error, AttributeError, TypeError, ValueError, IndexError):
        return None


def search_after_boundary(tail: re.Pattern[str], text: str) -> re.Match[str] | None:
    r"""The first match of ``\b`` + ``tail`` in ``text``, given ``tail`` from ``without_leading_boundary``."""
    pos = 0
    while (m := tail.search(text, pos)) is not None:
        start = m.start()
        if start == 0 or not _is_word(text[start - 1]):
            return m
        pos = start + 1
    return None
