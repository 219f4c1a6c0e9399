"""The text as a reader sees it, for the rules to match: invisible characters and markup out, compatibility forms
folded.

``le\u200bthal``, ``Ye\u00ads, just stop`` and ``ｌｅｔｈａｌ`` show as "lethal", "Yes, just stop" and "lethal" on
screen, but a pattern for "lethal" does not match them: a fast model (or a prompt asking it to) could slip an
answer past every rule with one invisible character. The policy check (``service.policy.service``) matches the
rules on :func:`visible` text and maps each finding's evidence back to the text as sent (``Visible.span``), so the
console still highlights the right characters.

Taken out: every format character (Unicode category ``Cf``: zero-width space and joiners, the word joiner, the byte
order mark, the soft hyphen, bidirectional controls, tag characters …), the combining grapheme joiner and
variation selectors; markup that splits or wraps a word without showing (HTML comments and inline formatting tags,
markdown emphasis asterisks, a hyphen breaking a word across lines: ``The *lethal* dose``, ``le<!-- -->thal``).
Folded: NFKC compatibility forms (fullwidth and mathematical letters, ligatures), one character at a time; and
letters of other scripts that look like a Latin letter (Unicode's confusables, from ``confusable_homoglyphs``: a
Cyrillic ``а`` in "lethаl", a Greek ``ο`` in "stοp", "ԁоѕе" all in Cyrillic) — in a word made only of Latin
letters and such look-alikes. A word with a letter that looks like no Latin one ("таблетки", "φάρμακο") is of its
own script and left as it is, so Russian or Greek text is not turned into Latin. Latin letters that are a plain
letter by name but do not decompose to it (small capitals ``ʟᴇᴛʜᴀʟ``, ``ł``, ``ø``, ``ħ``) are read as that letter,
and HTML character references to a letter, digit, space or invisible character (``&#108;ethal``) as the character.

Besides that one text, other readings the rules take a second look at (``PolicyService`` adds only what they find
there, so a word that means what it says, such as "log4j", loses nothing): :func:`unleet` (leetspeak words as
letters, one for one), :func:`despaced` (runs of spaced-out single letters as words), :func:`decoded_text` and
:func:`decoded_hex` (base64 and hex runs that decode to text), :func:`rejoined` (a word cut in two by a line break,
a hyphen or a backtick) and :func:`unscrambled` (ROT13 or backwards text, where the disguise is named). Each costs
one scan of a text that has nothing to read again.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from confusable_homoglyphs.confusables import confusables_data  # type: ignore[import-untyped]

# Unicode's format characters (category Cf; a test checks this list against the running Python's database) …
_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
# … and the combining grapheme joiner, Mongolian free variation selectors and variation selectors
_HIDDEN = "\u034f\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef"
INVISIBLE = re.compile(f"[{_FORMAT}{_HIDDEN}]")


def _latin_lookalikes() -> dict[str, str]:
    """Each non-Latin letter Unicode lists as confusable with one ASCII letter, with that letter (those NFKC folds
    already, such as fullwidth and mathematical letters, are left to NFKC). Unicode's list gives ``l`` for every
    letter shaped like a bar; a capital one (Cyrillic ``І``, Greek ``Ι``) is read as ``I``, a small one (the
    palochka ``ӏ``) as ``l``."""
    table: dict[str, str] = {}
    for char, glyphs in confusables_data.items():
        if len(char) != 1 or char.isascii() or not unicodedata.category(char).startswith("L"):
            continue
        if unicodedata.normalize("NFKC", char).isascii():
            continue
        for glyph in glyphs:
            latin = glyph.get("c", "")
            if len(latin) == 1 and latin.isascii() and latin.isalpha():
                if latin == "l" and unicodedata.category(char) == "Lu":
                    latin = "I"
                table[char] = latin
                break
    table["\u04cf"] = "l"  # ӏ, the small palochka: a bar, read as l
    for char, latin in _latin_by_name().items():
        if latin.islower() and _NAMED_SMALL_CAPITAL.fullmatch(unicodedata.name(char)):
            table.setdefault(char, latin)  # ʟᴇᴛʜᴀʟ: small capitals are Latin letters, read as the small letter
    return table


_NAMED_SMALL_CAPITAL = re.compile(r"LATIN LETTER SMALL CAPITAL [A-Z]")
_NAMED_DECORATED = re.compile(r"LATIN (SMALL|CAPITAL) LETTER ([A-Z]) WITH .+|LATIN SMALL LETTER DOTLESS ([IJ])")


def _latin_by_name() -> dict[str, str]:
    """Latin letters that are an ASCII letter by their Unicode name but have no decomposition to it: small capitals
    ("LATIN LETTER SMALL CAPITAL L", ``ʟ``), letters with a stroke, bar, hook or curl (``ł``, ``ø``, ``đ``, ``ħ``,
    ``ɭ``) and the dotless ``ı``, with the letter."""
    table: dict[str, str] = {}
    for code in (
        *range(0x00C0, 0x02B0),
        *range(0x1D00, 0x1DC0),
        *range(0x2C60, 0x2C80),
        *range(0xA720, 0xA800),
        *range(0xAB30, 0xAB70),
    ):
        char = chr(code)
        name = unicodedata.name(char, "")
        if unicodedata.decomposition(char):
            continue  # accented letters (NFD) and compatibility forms (NFKC) are read elsewhere
        if small := _NAMED_SMALL_CAPITAL.fullmatch(name):
            table[char] = small.group()[-1].lower()
        elif decorated := _NAMED_DECORATED.fullmatch(name):
            case, letter, dotless = decorated.groups()
            table[char] = dotless.lower() if dotless else letter.lower() if case == "SMALL" else letter
    return table


LOOKALIKES = _latin_lookalikes()
NEAR_LOOKALIKES = {
    "\u03b5": "e",  # ε
    "\u03ba": "k",  # κ
    "\u03c4": "t",  # τ
    "\u03b7": "n",  # η
    "\u03c7": "x",  # χ
    "\u03c9": "w",  # ω
    "\u043a": "k",  # к
    "\u0442": "t",  # т
    "\u043f": "n",  # п
}
"""Letters Unicode does not list as confusable but that read as a Latin letter inside a Latin word ("doublε",
"taкing"): folded only in a word that has Latin letters too, never in a word of their own script."""


def _accented_latin() -> dict[str, str]:
    """Each precomposed Latin letter that is an ASCII letter with marks (é, ñ, ů, ạ …), with that letter."""
    table: dict[str, str] = {}
    for code in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        char = chr(code)
        parts = unicodedata.normalize("NFD", char)
        bare = len(parts) > 1 and parts[0].isascii() and parts[0].isalpha()
        if bare and all(unicodedata.combining(mark) for mark in parts[1:]):
            table[char] = parts[0]
    for char, latin in _latin_by_name().items():
        if char not in LOOKALIKES and not _NAMED_SMALL_CAPITAL.fullmatch(unicodedata.name(char)):
            table.setdefault(char, latin)  # "łethal", "døse", "ħow": a stroke or hook is a mark a reader reads past
    return table


ACCENTED = _accented_latin()
"""Read as the bare letter, in a word that has plain Latin letters too ("lethál", "stöp"; "été" as "ete"): the rules
are written in plain English letters, and a mark on one letter must not hide a word from them."""
NEAR_LOOKALIKES = {**ACCENTED, **NEAR_LOOKALIKES}
_FOLDS = {**LOOKALIKES, **NEAR_LOOKALIKES}
_ANY_LOOKALIKE = frozenset(_FOLDS)
# Each letter's class, for one C-speed pass: ``a`` an ASCII letter, ``k`` a look-alike, ``m`` a near look-alike;
# other characters unchanged.
_CLASSES = (
    {ord(c): "k" for c in LOOKALIKES}
    | {ord(c): "m" for c in NEAR_LOOKALIKES}
    | {c: "a" for c in range(ord("A"), ord("z") + 1) if chr(c).isalpha()}
)
# A word to read as Latin: ASCII letters or digits mixed with look-alikes or near look-alikes ("lethаl", "doublε",
# "st0р"), or two or more letters all look-alikes ("ԁоѕе", "ѕһ"; a one-letter word such as Russian "а", "с" is its
# own). A word is a run of letters and digits.
_LATIN_LOOKING_WORD = re.compile(r"(?<![^\W_])(?=[akm0-9]*[km])(?:(?=[akm0-9]*[a0-9])[akm0-9]+|k{2,})(?![^\W_])")


# A command-line flag written in a look-alike: "bash -і", "nc -е" (a one-letter word, but after a dash).
_LOOKALIKE_FLAG = re.compile(r"(?<=\s-)[km](?![^\W_])")
# Words of look-alikes only, folded in a sentence that shows it is disguised (it has a word folded above): "There
# is ηο need" beside "gο … ΕR" ("ηο" has a letter Unicode does not list, so it is no look-alike word on its own).
_LOOKALIKE_ONLY = re.compile(r"(?<![^\W_])[km0-9]*[km][km0-9]*(?![^\W_])")
_SENTENCE = re.compile(r"[^.!?\n]+")
_OTHER_LETTER = re.compile(r"[^\W\d_akm]")  # in the classes text: a letter that is not Latin and looks like none


def _lookalike_folds(text: str) -> dict[int, str]:
    """Indices of look-alike letters to fold, with their Latin letter. In a sentence with Latin letters: a word mixing
    Latin letters or digits with look-alikes ("lethаl", "st0р"), a word of two or more look-alikes ("ԁоѕе"), a flag
    ("-і"); and, once a sentence shows such a disguise, every word of look-alikes in it ("ηο"). A sentence with no
    Latin letter is of its own script, and kept ("Και το φάρμακο", "таблетки")."""
    if _ANY_LOOKALIKE.isdisjoint(text):  # most text: a C-speed scan
        return {}
    classes = text.translate(_CLASSES)
    folds: dict[int, str] = {}
    for sentence in _SENTENCE.finditer(classes):
        start, end = sentence.span()
        if "a" not in sentence.group() and _OTHER_LETTER.search(sentence.group()):
            continue  # no Latin letter, and letters that look like none: its own script
        spans = [w.span() for w in _LATIN_LOOKING_WORD.finditer(classes, start, end)]
        spans += [f.span() for f in _LOOKALIKE_FLAG.finditer(classes, start, end)]
        if not spans:
            continue
        spans += [w.span() for w in _LOOKALIKE_ONLY.finditer(classes, start, end)]
        for first, last in spans:
            for i in range(first, last):
                if classes[i] in "km":
                    folds[i] = _FOLDS[text[i]]
    return folds


@dataclass(frozen=True, slots=True)
class Visible:
    """``text`` as a reader sees it; ``origin[i]`` is the index in the original text of ``text[i]`` (None when the
    two are the same)."""

    text: str
    origin: tuple[int, ...] | None = None
    original_length: int = 0
    ends: tuple[int, ...] | None = None
    """``ends[i]``: where the original characters that ``text[i]`` reads end, when one character reads several (an
    HTML entity: ``&#108;`` is one "l"); None when each reads one (``origin[i] + 1``)."""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original text's span for ``text[start:end]``."""
        if self.origin is None:
            return start, end
        if not self.origin:
            return 0, 0
        first = self.origin[start] if start < len(self.origin) else self.original_length
        if 0 < end <= len(self.origin):
            last = self.ends[end - 1] if self.ends is not None else self.origin[end - 1] + 1
            if last <= first:  # a reading backwards: its last character came first
                first, last = self.origin[end - 1], (self.ends[start] if self.ends is not None else first + 1)
        else:
            last = first
        return first, max(first, last)


# Markup a reader never sees as text, that splits or wraps a word: HTML comments, inline formatting tags, markdown
# asterisks for emphasis (inside a word, or opening / closing one: not a bullet, a glob or ``2**8``), and a hyphen
# that breaks a word across lines.
_MARKUP = re.compile(
    r"<!--[\s\S]{0,2000}?-->"
    r"|</?(?:b|i|em|strong|u|span|mark|s|del|ins|small|big|font|tt|code|kbd|q|cite|abbr)\b[^<>]{0,80}>"
    r"|(?<=[A-Za-z])\*{1,3}(?=[A-Za-z])"
    r"|(?<![\w*\\])\*{1,3}(?=[A-Za-z])"
    r"|(?<=[A-Za-z.,!?:;)])\*{1,3}(?![\w*])"
    r"|(?<=[A-Za-z])-\n(?=[a-z])",
    re.IGNORECASE,
)
_MARKUP_HINT = re.compile(r"\*|<[!/a-zA-Z]|-\n")
# HTML character references, which a browser or a markdown renderer shows as their character: "&#108;ethal",
# "le&shy;thal", "d&ouml;se". Read only where the character is a letter, a digit, a space or one a reader never
# sees: "&lt;script&gt;" and "&amp;" keep their meaning as written.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _entities(text: str) -> dict[int, tuple[int, str]]:
    """Start of each HTML character reference to read, with its end and the character it shows."""
    if "&" not in text:
        return {}
    found: dict[int, tuple[int, str]] = {}
    for m in _ENTITY.finditer(text):
        shown = html.unescape(m.group())
        if len(shown) == 1 and (
            shown.isalnum() or shown.isspace() or INVISIBLE.match(shown) or unicodedata.combining(shown)
        ):
            found[m.start()] = (m.end(), shown)
    return found


def rendered(text: str) -> tuple[Visible, ...]:
    """``text`` with the HTML character references the visible reading keeps as written (``&gt;``, ``&amp;``,
    ``&#62;``, ``&quot;``) shown as a browser shows them: a second reading, as an answer rendered as HTML (a ``<code>``
    block in a chat UI) shows ``bash -i &gt;&amp; /dev/tcp/…`` as the command itself. Empty when there are none
    (most text: one scan)."""
    if "&" not in text:
        return ()
    pieces: list[str] = []
    origin: list[int] = []
    ends: list[int] = []
    at = 0
    for m in _ENTITY.finditer(text):
        shown = html.unescape(m.group())
        if len(shown) != 1 or shown == m.group():
            continue
        for i in range(at, m.start()):
            pieces.append(text[i])
            origin.append(i)
            ends.append(i + 1)
        pieces.append(shown)
        origin.append(m.start())
        ends.append(m.end())
        at = m.end()
    if not pieces:
        return ()
    for i in range(at, len(text)):
        pieces.append(text[i])
        origin.append(i)
        ends.append(i + 1)
    return (Visible("".join(pieces), tuple(origin), len(text), tuple(ends)),)


# Combining marks on a Latin letter ("pa\u0301inless", zalgo): read as the bare letter, as precomposed "á" is.
_MARK_ON_LATIN = re.compile(r"[A-Za-z][\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


_RECENT: dict[int, tuple[str, Visible]] = {}
_RECENT_LOCK = threading.Lock()
"""The last texts read, by object: a review reads the same answer, question and conversation objects several times
(triage, the rules, the second readings). Keyed by identity, not by value, so an equal text of another request is
read afresh: the cache saves work inside a review and never across requests."""


T = TypeVar("T")


class _PerText(Generic[T]):
    """The last results of a pure function of one text, by the text object, not its value (as ``visible``): a review
    asks the same question of the same answer and question objects several times (triage, the rules, the second
    readings); an equal text of another request is read afresh."""

    _SIZE = 16
    _LONGEST = 100_000

    def __init__(self, fn: Callable[[str], T]) -> None:
        self._fn = fn
        self._known: dict[int, tuple[str, T]] = {}

    def __call__(self, text: str) -> T:
        known = self._known.get(id(text))
        if known is not None and known[0] is text:
            return known[1]
        result = self._fn(text)
        if len(text) <= self._LONGEST:
            if len(self._known) >= self._SIZE:
                self._known.clear()  # (no iteration: another thread may be adding)
            self._known[id(text)] = (text, result)
        return result


def visible(text: str) -> Visible:
    """``text`` as a reader sees it (see the module's docstring)."""
    known = _RECENT.get(id(text))
    if known is not None and known[0] is text:
        return known[1]
    seen = _visible(text)
    if 64 < len(text) <= 20_000:  # short texts cost less to read than to remember; long ones hold much memory
        with _RECENT_LOCK:  # long texts are checked in worker threads too: two evictions must not race
            if len(_RECENT) >= 32:
                _RECENT.pop(next(iter(_RECENT)), None)
            _RECENT[id(text)] = (text, seen)
    return seen


def _visible(text: str) -> Visible:
    seen = _unfolded(text)
    folds = {} if seen.text.isascii() else _lookalike_folds(seen.text)
    if not folds:
        return seen
    # look-alike letters, read in the text without its invisible characters and markup (so "а\u200bnd" is one
    # word), folded one for one: no character-by-character walk
    letters = list(seen.text)
    for i, latin in folds.items():
        letters[i] = latin
    return Visible("".join(letters), seen.origin or tuple(range(len(text))), len(text), seen.ends)


def _unfolded(text: str) -> Visible:
    """``text`` without invisible characters and markup, compatibility forms folded (no look-alikes yet)."""
    markup = _MARKUP_HINT.search(text) is not None
    entities = _entities(text)
    plain = not entities and (
        text.isascii()
        or (
            INVISIBLE.search(text) is None
            and unicodedata.is_normalized("NFKC", text)
            and _MARK_ON_LATIN.search(text) is None
        )
    )
    if plain and not markup:
        return Visible(text)
    spans = [m.span() for m in _MARKUP.finditer(text)] if markup else []
    if plain:  # only markup to take out: whole runs kept, C-speed
        if not spans:
            return Visible(text)
        pieces: list[str] = []
        kept: list[int] = []
        at = 0
        for start, end in spans:
            pieces.append(text[at:start])
            kept.extend(range(at, start))
            at = end
        pieces.append(text[at:])
        kept.extend(range(at, len(text)))
        return Visible("".join(pieces), tuple(kept), len(text))
    dropped = {i for start, end in spans for i in range(start, end)}
    out: list[str] = []
    origin: list[int] = []
    ends: list[int] = []
    i = 0
    while i < len(text):
        if i in dropped:
            i += 1
            continue
        end, ch = entities.get(i) or (i + 1, text[i])
        if not INVISIBLE.match(ch) and not (
            out and out[-1].isascii() and out[-1].isalpha() and unicodedata.combining(ch)  # a mark on a Latin letter
        ):
            folded = ch if ch.isascii() else unicodedata.normalize("NFKC", ch)
            out.append(folded)
            origin.extend([i] * len(folded))
            ends.extend([end] * len(folded))
        i = end
    return Visible("".join(out), tuple(origin), len(text), tuple(ends) if entities else None)


# -- leetspeak ---------------------------------------------------------------------------------------------------
# "l3thal d0se", "st0p", "0verdose", "leth@l", "h!gh": digits and marks for the letters they look like, inside a
# word. Not folded in place: "log4j", "md5sum" or "10mg" must keep meaning what they say, so the rules read a
# second text (or a third, for ``1`` as ``l``) beside the first, and only add what they find there.
_LEET_HINT = re.compile(r"[A-Za-z][013457$@!|]|[013457$@!|][A-Za-z]")
_WORD_AT = re.compile(r"[\w$@!|]+")
_LEET_SPELLED = re.compile(r"(?=[^A-Za-z]*[A-Za-z])[A-Za-z013457$@!|]{2,}")
# A number with its unit or ordinal, read as written: 10mg, 3rd, 4th, 5am, $5k, 24h, 1s.
_NUMBER_AND_UNIT = re.compile(
    r"\$?[0-9]+(st|nd|rd|th|s|secs?|ms|mins?|h|hrs?|d|wks?|mo|yrs?|m|x|k|bn?|g|mg|mcg|ug|kg|ml|cc|l|iu|mmol|meq|oz|lbs?|"
    r"ft|in|cm|mm|km|mi|nm|um|[gmkt]b|[kmg]bps|am|pm|v|w|kw|kwh|mah|hz|[kmg]hz|c|px|pt|em|mph|rpm|fps|dpi|ppm|psi|db)",
    re.IGNORECASE,
)
_PATH_BEFORE = re.compile(r"(?:^|[\s\"'=(])(?:/[\w.@$!|-]+)*/\Z")
_LEET_I = str.maketrans("013457$@!|", "oieastsail")
_LEET_L = str.maketrans("013457$@!|", "oleastsail")


def _is_number_and_unit(word: str) -> bool:
    """A number with its unit ("10mg", "24h") or a well-formed ordinal ("3rd", "11th"; not "4nd" or "3nd", which
    are "and" and "end")."""
    if not _NUMBER_AND_UNIT.fullmatch(word):
        return False
    number = word.lstrip("$")
    digits = number.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    suffix = number[len(digits) :].lower()
    if suffix in ("st", "nd", "rd", "th"):
        n = int(digits) % 100
        proper = "th" if 11 <= n <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return suffix == proper
    return True


def _leet_words(text: str) -> list[tuple[int, int]]:
    """Spans of the words written in leetspeak: letters mixed with ``0 1 3 4 5 7 $ @ ! |`` only, two or more
    characters (a trailing ``!`` is punctuation), not a number with its unit or a well-formed ordinal (except as
    part of a path: "/5h"), not the name part of an e-mail address."""
    words: list[tuple[int, int]] = []
    at = 0
    while (hint := _LEET_HINT.search(text, at)) is not None:
        start = hint.start()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_$@!|"):
            start -= 1
        word = _WORD_AT.match(text, start)
        end = word.end() if word is not None else hint.end()
        at = max(end, hint.end())
        while end > start and text[end - 1] in "!@":  # "now!": punctuation
            end -= 1
        if "@" in text[start:end] and text[end : end + 1] == ".":
            continue  # an e-mail address
        # "/b1n/5h": a part of a path, not 5 hours ("100mg/5ml" is no path)
        in_path = start > 0 and text[start - 1] == "/" and _PATH_BEFORE.search(text, max(0, start - 200), start)
        if (
            _LEET_SPELLED.fullmatch(text, start, end)
            and (in_path or not _is_number_and_unit(text[start:end]))
            and not text[start:end].isalpha()
        ):
            words.append((start, end))
    return words


_VOWEL_NEXT = frozenset("aeouyAEOUY0345")


def _one_by_context(word: str) -> str:
    """``word`` read with each ``1`` as ``l`` before a vowel ("m1rac1e" → "miracle", "b0771e" → "bottle") and as
    ``i`` elsewhere: for words that use ``1`` for both letters."""
    letters = list(word.translate(_LEET_I))
    for i, char in enumerate(word):
        if char == "1" and i + 1 < len(word) and word[i + 1] in _VOWEL_NEXT:
            letters[i] = "l"
    return "".join(letters)


def _unleet(text: str) -> tuple[str, ...]:
    """``text`` with its leetspeak words read as letters ("l3thal" → "lethal"), character for character (so
    offsets hold); one text with ``1`` read as ``i`` and, when a word has a ``1``, one with ``1`` as ``l`` and one
    with each ``1`` read by the letter after it (:func:`_one_by_context`).
    Empty when no word is written so (most text: one C-speed scan). A word counts when it mixes letters with
    ``0 1 3 4 5 7 $ @ ! |`` and nothing else, two characters or more, and is not a number with its unit or ordinal
    ("10mg", "3rd", "24h"); words with other digits ("h2o", "k8s", "B12") are left alone."""
    if _LEET_HINT.search(text) is None:
        return ()
    words = _leet_words(text)
    if not words:
        return ()
    ones = any("1" in text[start:end] for start, end in words)
    variants: list[str] = []
    for table in (_LEET_I, _LEET_L, None) if ones else (_LEET_I,):
        pieces: list[str] = []
        at = 0
        for start, end in words:
            pieces.append(text[at:start])
            pieces.append(text[start:end].translate(table) if table is not None else _one_by_context(text[start:end]))
            at = end
        pieces.append(text[at:])
        variants.append("".join(pieces))
    return tuple(variants)


unleet = _PerText(_unleet)


# -- base64 -----------------------------------------------------------------------------------------------------
# "Here it is in base64: VGhlIGxldGhhbCBkb3Nl…": one step for the user, none of the rules' words on screen.
# one run, or a block wrapped over lines as `base64` and MIME write it (76 or 64 characters a line)
_BASE64 = re.compile(
    r"(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_-]{16,}={0,2}(?:\r?\n[A-Za-z0-9+/_-]{4,}={0,2})*(?![A-Za-z0-9+/_=-])"
)
# Words in decoded text: two letter runs apart ("Use: nc", "bin/sh", "dev/tcp"), or a word and a flag ("nc -e");
# not a key or a hash. A path separator counts (QA: every common reverse shell, base64-encoded, was a run of paths and
# one-letter flags, "bash -i >& /dev/tcp/…", and its decoding was dropped as no words).
_TWO_WORDS = re.compile(r"[A-Za-z]{2,}[^A-Za-z0-9+=]+[A-Za-z]{2,}|[A-Za-z]{2,}\s+--?[A-Za-z]")
_PRINTABLE = re.compile(r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*")


def decoded_text(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, decoded)`` for each base64 (or base64url) run of 24 characters or more in ``text``, or block of
    such lines, that decodes to readable UTF-8 text with words in it (not an image, a hash or a key); most text has
    none (one scan). A block whose last line is a word of the prose after it ("…\nDecode it with …") is read
    without that line."""
    found: list[tuple[int, int, str]] = []
    for run in _BASE64.finditer(text):
        lines = [m.span() for m in _LINE.finditer(run.group())]
        for kept in range(len(lines), 0, -1):
            decoded = _decoded("".join(run.group()[a:b] for a, b in lines[:kept]))
            if decoded is not None:
                found.append((run.start(), run.start() + lines[kept - 1][1], decoded))
                break
    return found


_LINE = re.compile(r"[^\r\n]+")


def _decoded(blob: str) -> str | None:
    blob = blob.replace("=", "")
    if len(blob) < 24:
        return None
    try:
        raw = base64.b64decode(blob.replace("-", "+").replace("_", "/") + "=" * (-len(blob) % 4), validate=True)
        decoded = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    return decoded if _PRINTABLE.fullmatch(decoded) and _TWO_WORDS.search(decoded) else None


# -- hex ---------------------------------------------------------------------------------------------------------
# "6c657468616c20646f7365", "6c 65 74 68 …", "\x6c\x65…", "0x6c, 0x65, …": the same answer, one decode away.
_HEX = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9A-Fa-f]{2}){12,}(?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z])[0-9A-Fa-f]{2}(?:([ :,.-])[0-9A-Fa-f]{2}){11,}(?![0-9A-Za-z])"
    r"|(?:\\x[0-9A-Fa-f]{2}){12,}"
    r"|0[xX][0-9A-Fa-f]{2}(?:,? ?0[xX][0-9A-Fa-f]{2}){11,}"
)
_HEX_DIGITS = re.compile(r"(?:0[xX]|\\x)?([0-9A-Fa-f]{2})")
# one scan for most text: a printable byte (2x to 7x) first, then eleven more; or a prefix
_HEX_HINT = re.compile(r"[2-7][0-9A-Fa-f](?:[ :,.-]?[0-9A-Fa-f]{2}){11}")


def decoded_hex(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, decoded)`` for each run of twelve or more bytes written in hex (contiguous, spaced, ``\\x``- or
    ``0x``-prefixed) that decodes to readable UTF-8 text with words in it; a hash, a key or a MAC address decodes to
    none. Most text has no such run (one scan)."""
    if "\\x" not in text and "0x" not in text and "0X" not in text and _HEX_HINT.search(text) is None:
        return []
    found: list[tuple[int, int, str]] = []
    for run in _HEX.finditer(text):
        try:
            decoded = bytes.fromhex("".join(_HEX_DIGITS.findall(run.group()))).decode("utf-8")
        except ValueError:
            continue
        if _PRINTABLE.fullmatch(decoded) and _TWO_WORDS.search(decoded):
            found.append((run.start(), run.end(), decoded))
    return found


# -- rot13 and reversed text -------------------------------------------------------------------------------------
# Read only where the question or the answer names the disguise ("in ROT13", "spelled backwards"): a whole text read
# again costs a rule pass, and a reverse shell or a reverse proxy is no reason for one.
_ROT13_HINT = re.compile(r"\brot[ -]?13\b|\bcaesar\b", re.IGNORECASE)
_BACKWARDS_HINT = re.compile(
    r"\bbackwards?\b(?![ -]?compat)|\breversed?\s+(?:order|text|letters|spelling|each\s+word|words?|it)\b"
    r"|\bin\s+reverse\b|\bright[ -]to[ -]left\b",
    re.IGNORECASE,
)
_BACKWARDS_WORDS = ("backward", "reverse", "right to left", "right-to-left")  # C-speed, before the pattern
_ROT13 = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm"
)
_WORD = re.compile(r"[^\W\d_]+")


def unscrambled(text: str, *hints: str) -> tuple[Visible, ...]:
    """Readings of ``text`` as the text it disguises, when ``text`` or one of ``hints`` (the question) names the
    disguise: ROT13 (one for one), and, for "backwards", the whole text reversed and each word's letters reversed in
    place. Empty otherwise."""
    named = " ".join((text, *hints)).lower()
    rot13 = ("rot" in named or "caesar" in named) and _ROT13_HINT.search(named) is not None
    backwards = any(word in named for word in _BACKWARDS_WORDS) and _BACKWARDS_HINT.search(named) is not None
    readings: list[Visible] = []
    if rot13:
        readings.append(Visible(text.translate(_ROT13)))
    if backwards:
        n = len(text)
        readings.append(Visible(text[::-1], tuple(range(n - 1, -1, -1)), n))
        readings.append(Visible(_WORD.sub(lambda m: m.group()[::-1], text)))  # each word in place: same offsets
    return tuple(readings)


# -- spaced-out letters ------------------------------------------------------------------------------------------
# "l e t h a l  d o s e", "l-e-t-h-a-l d-o-s-e", "s.t.o.p": one letter at a time, the same mark between them.
_SPACED_HINT = re.compile(r"[A-Za-z][ .\-_*/\u00a0\u00b7][A-Za-z][ .\-_*/\u00a0\u00b7][A-Za-z]")
_SPACED = re.compile(r"(?<![A-Za-z])[A-Za-z]([ .\-_*/\u00a0\u00b7])[A-Za-z](?:\1[A-Za-z])+(?![A-Za-z])")
# two letters spaced out ("t o", "i t"): joined only in a text that spaces out longer words too
_SPACED_PAIR = re.compile(r"(?<![A-Za-z])[A-Za-z][ .\-_*/\u00a0\u00b7][A-Za-z](?![A-Za-z])")


SPLIT_LETTERS = 8_192
"""Spaced-out letters split into words per text at most (``wordninja`` costs ~20 µs a letter: 200 KB of "a a a …"
took 2 s). Runs past this many are read joined only, and :func:`unsplit_letters` says how many letters that left."""


_SPACED_ANY = re.compile(r"(?<!\S)\S(?: \S)+(?!\S)")
"""Single non-space characters with one space between: letters, and the marks and digits of a command spelled out
the same way (``- i``, ``> &``, ``/ d e v / t c p /``)."""


def despaced_symbols(text: str) -> tuple[Visible, ...]:
    """In a text that spaces out its letters (:func:`despaced` finds runs), every run of single characters with one
    space between joined, marks and digits too, and the wider gaps between runs read as one space: "b a s h  - i  >
    &  / d e v / t c p /" reads "bash -i >& /dev/tcp/" (product QA: :func:`despaced` joined only the letters, so the
    command still read "bash - i > & / dev / tcp /" and was approved). Empty for other text."""
    if not _spaced_runs(text):
        return ()
    pieces: list[str] = []
    origin: list[int] = []
    at = 0
    for m in _SPACED_ANY.finditer(text):
        gap = text[at : m.start()]
        if gap:
            if gap.strip():
                pieces.extend(gap)
                origin.extend(range(at, m.start()))
            else:  # between two runs: one space, however wide
                pieces.append(" ")
                origin.append(at)
        for i in range(m.start(), m.end(), 2):
            pieces.append(text[i])
            origin.append(i)
        at = m.end()
    if at == 0:
        return ()
    pieces.extend(text[at:])
    origin.extend(range(at, len(text)))
    return (Visible("".join(pieces), tuple(origin), len(text)),)


def _find_spaced_runs(text: str) -> tuple[tuple[int, int], ...]:
    if _SPACED_HINT.search(text) is None:
        return ()
    runs = [m.span() for m in _SPACED.finditer(text)]
    if not runs:
        return ()
    pairs = [m.span() for m in _SPACED_PAIR.finditer(text)]
    if pairs:
        taken = {i for start, end in runs for i in range(start, end)}
        runs = sorted(runs + [(start, end) for start, end in pairs if start not in taken and end - 1 not in taken])
    return tuple(runs)


_spaced_runs = _PerText(_find_spaced_runs)


def _to_split(runs: Sequence[tuple[int, int]]) -> tuple[set[int], int]:
    """Which runs (by index) the split reading splits: from the first, while :data:`SPLIT_LETTERS` lasts (the first
    run that does not fit ends it), and how many letters the runs left joined hold (runs under five letters are one
    word either way)."""
    chosen: set[int] = set()
    budget = SPLIT_LETTERS
    left = 0
    for i, (start, end) in enumerate(runs):
        letters = (end - start + 1) // 2
        if letters < 5:
            continue
        if not left and letters <= budget:
            chosen.add(i)
            budget -= letters
        else:
            left += letters
    return chosen, left


def unsplit_letters(text: str) -> int:
    """The spaced-out letters of ``text`` that :func:`despaced` reads joined only, past :data:`SPLIT_LETTERS`
    (0 for nearly every text): a rule may miss a phrase spaced out among them, so the caller says so."""
    return _to_split(_spaced_runs(text))[1]


def _despaced(text: str) -> tuple[Visible, ...]:
    """``text`` with each run of three or more single letters, spaced out by one same mark, written as one word
    ("l e t h a l  d o s e" → "lethal  dose"), and where each character came from; empty when there is no such run
    (most text: one scan). Letters spaced by single spaces all through ("l e t h a l d o s e") would give one word,
    "lethaldose": a second reading splits such runs into English words (``wordninja``, by word frequencies:
    "lethal dose"), keeping the original mark where it splits. Both are returned, as a split can also cut a word
    a rule names ("ransomware" → "ransom ware"). The split reading splits the first :data:`SPLIT_LETTERS` letters
    of such runs; the rest stay joined in it too."""
    runs = _spaced_runs(text)
    if not runs:
        return ()
    joined = _join_runs(text, runs, split=False)
    split = _join_runs(text, runs, split=True)
    return (joined,) if split.text == joined.text else (joined, split)


despaced = _PerText(_despaced)


def _join_runs(text: str, runs: Sequence[tuple[int, int]], *, split: bool) -> Visible:
    pieces: list[str] = []
    origin: list[int] = []
    at = 0

    def gap(first: int, last: int) -> None:
        # between spaced-out words, a run of spaces is one ("w a y  t o": the two spaces part two words)
        for i in range(first, last):
            if not (text[i].isspace() and i > first and text[i - 1].isspace()):
                pieces.append(text[i])
                origin.append(i)

    chosen = _to_split(runs)[0] if split else set()
    for n_run, (start, end) in enumerate(runs):
        gap(at, start)
        letters = range(start, end, 2)
        keep = _word_breaks(text[start:end:2]) if n_run in chosen else set()
        for n, i in enumerate(letters):
            if n in keep:  # the mark before this letter starts a word
                pieces.append(text[i - 1])
                origin.append(i - 1)
            pieces.append(text[i])
            origin.append(i)
        at = end
    gap(at, len(text))
    return Visible("".join(pieces), tuple(origin), len(text))


def _word_breaks(letters: str) -> set[int]:
    """Where ``letters`` (a run read as one word) splits into English words: the index of each word's first letter
    after the first. Runs of five letters or more only (shorter ones are one word)."""
    if len(letters) < 5:
        return set()
    import wordninja  # type: ignore[import-untyped]  # loads its word list once, on the first long run

    breaks: set[int] = set()
    at = 0
    for word in wordninja.split(letters)[:-1]:
        at += len(word)
        breaks.add(at)
    return breaks


# -- words broken in two ---------------------------------------------------------------------------------------------
# "le\nthal", "le-thal", "le`thal": a word cut by a line break, a hyphen or a backtick where none belongs.
_CUT = re.compile(r"[\n`-](?<=[A-Za-z][\n`-])(?=[A-Za-z])")  # starts with its mark: the engine scans for it
_LETTERS_BEFORE = re.compile(r"(?<![A-Za-z])[A-Za-z]{1,30}\Z")
_LETTERS_AFTER = re.compile(r"[A-Za-z]{1,30}(?![A-Za-z])")


def rejoined(text: str) -> tuple[Visible, ...]:
    """``text`` with each word that a line break, a hyphen or a backtick cuts in two written whole ("le\\nthal",
    "le-thal", "le`thal" → "lethal"), and where each character came from; empty when no cut is found (most text:
    one scan, a dictionary look-up per cut). Two pieces are one word when, by the word frequencies of ``wordninja``,
    the whole is a likelier word than the two pieces are words ("lethal" against "le" and "thal"), or when the whole
    is no word it knows but a piece is not one either (a drug name: "amitri", "ptyline"). Two words stay two
    ("well-known", "follow-up", a line ending "the" and the next starting "pills")."""
    cuts: list[int] = []
    for m in _CUT.finditer(text):
        at = m.start()
        left = _LETTERS_BEFORE.search(text, max(0, at - 31), at)
        right = _LETTERS_AFTER.match(text, at + 1)
        if left is not None and right is not None and _one_word(left.group(), right.group()):
            cuts.append(at)
    if not cuts:
        return ()
    skip = set(cuts)
    kept = [i for i in range(len(text)) if i not in skip]
    return (Visible("".join(text[i] for i in kept), tuple(kept), len(text)),)


RARE = 11.0
"""A piece whose ``wordninja`` cost is at least this is a rare word ("thal", "dose", "poi") or none: a cut between two
common words ("well-being", "real-time") is a compound, not a word cut in two."""


def _one_word(left: str, right: str) -> bool:
    if not right[0].islower():  # a word cut in two goes on in small letters ("le-thal"; not "Hello-World")
        return False
    import wordninja  # loads its word list once, on the first cut

    cost: dict[str, float] = wordninja.DEFAULT_LANGUAGE_MODEL._wordcost  # -log of each word's frequency
    whole = cost.get((left + right).lower())
    apart = [cost.get(left.lower()), cost.get(right.lower())]
    if whole is None:  # no word it knows: only two pieces that are no words either ("amitri" "ptyline")
        return apart == [None, None]
    if apart[0] is None or apart[1] is None:
        return True
    return max(apart[0], apart[1]) >= RARE and whole < apart[0] + apart[1]
