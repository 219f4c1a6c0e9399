"""Rule patterns whose search can take more than linear time, and the time limit they run under.

The policy check runs on the service's event loop, and CPython's ``re`` holds the interpreter while it searches:
one slow search stalls every request in the process. A repeat with no upper bound over a broad class
(``<form[^>]+action=``, ``(\\w+\\s?)+x``) lets the search from each start position run to the end of the text,
so 200 KB of ``<form`` took 96 s. Bounding the repeat (``[^>]{1,300}``) keeps the work per start position
constant.

The shipped policies bound every broad repeat (a test checks it). A team's own policy may not: such a pattern
is compiled with the ``regex`` package instead, whose searches take a time limit (``PATTERN_TIMEOUT_S``), and a
search that runs out counts as a match (``PatternTimeout``): a check that could not finish never approves.
``oversight policies check`` and start-up name every such pattern.
"""

from __future__ import annotations

from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser as _p  # type: ignore[attr-defined]
from typing import Any

__all__ = ["PATTERN_TIMEOUT_S", "PatternTimeout", "unbounded_repeats"]

PATTERN_TIMEOUT_S = 0.25
"""Time limit of one search of a pattern with an unbounded broad repeat. A linear search of the largest answer
the API accepts (256 KiB) takes a few milliseconds."""

_NARROW = ([(_c.CATEGORY, _c.CATEGORY_SPACE)], [(_c.CATEGORY, _c.CATEGORY_DIGIT)])


class PatternTimeout(Exception):
    """A time-limited rule pattern did not finish its search."""

    def __init__(self, pattern: str) -> None:
        super().__init__(f"rule pattern {pattern!r} did not finish within {PATTERN_TIMEOUT_S} s")
        self.pattern = pattern


def unbounded_repeats(pattern: str, flags: int = 0) -> int:
    """How many repeats in ``pattern`` have no upper bound (``+``, ``*``, ``{n,}``) over anything broader than
    whitespace, digits or one literal character. Zero means every search is linear in the text's length."""
    return _count(_p.parse(pattern, flags))


def _count(items: Any) -> int:
    found = 0
    for op, av in items:
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            _lo, hi, body = av
            body = list(body)
            narrow = len(body) == 1 and (body[0][0] is _c.LITERAL or (body[0][0] is _c.IN and body[0][1] in _NARROW))
            if hi == _c.MAXREPEAT and not narrow:
                found += 1
            found += _count(body)
        elif op is _c.SUBPATTERN:
            found += _count(av[3])
        elif op is _c.BRANCH:
            found += sum(_count(alternative) for alternative in av[1])
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            found += _count(av[1])
        elif op is _c.ATOMIC_GROUP:
            found += _count(av)
        elif op is _c.GROUPREF_EXISTS:  # (?(1)yes|no)
            found += _count(av[1]) + (_count(av[2]) if av[2] is not None else 0)
    return found
