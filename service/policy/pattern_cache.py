"""What reading a rule pattern tells, kept on disk between processes.

Every process that loads the policies used to parse each of the ~840 shipped patterns about ten times (to validate
it, to fold it to its case-sensitive twin, to find its prefilter strings, to drop its leading ``\\b``, to look for
unbounded repeats) and compile it three times: about 4 s of CPU before the first review on a 2-core machine, paid
again by every ``oversight review`` run, every worker and every restart. None of that depends on anything but the
pattern's text and this code, so the results are written once to a JSON file and read back by later processes:

- ``<cache dir>/patterns-<key>.json`` maps a pattern's text to its ``PatternFacts``. ``<key>`` is a hash of the
  source of the modules that compute the facts and of the Python version, so any change to them starts a new file.
- The cache dir is ``OVERSIGHT_CACHE_DIR``, else ``$XDG_CACHE_HOME/oversight``, else ``~/.cache/oversight``. An
  empty ``OVERSIGHT_CACHE_DIR`` (or ``off``) turns the cache off.
- A pattern is only written after it was read and compiled without error, so a pattern found in the file is one
  that compiles: start-up does not parse it again (``model._pattern_problem``), and its regexes are compiled on
  first use (``model.RulePattern``).
- A missing, unreadable, corrupt or foreign file is ignored (the patterns are read again and the file rewritten);
  a folder that cannot be written only means the next process reads the patterns again. Writes go to a temporary
  file renamed into place, so concurrent processes (test workers, service workers) never see half a file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT = 1

MAX_ENTRIES = 5_000
"""Past this many patterns (old policy versions, test patterns), a save keeps only the ones this process used."""

_SOURCES = ("model.py", "casefold.py", "prefilter.py", "bounds.py", "pattern_cache.py")
"""The modules whose code decides a pattern's facts (this folder)."""


@dataclass(frozen=True, slots=True)
class PatternFacts:
    """What ``RulePattern._read`` found in one pattern. ``folded`` and ``tail`` are regex sources compiled with
    ``model.PATTERN_FLAGS``; ``needs`` and ``also`` are the prefilter's strings (``prefilter.required_literals``,
    ``also_required_literals``)."""

    unbounded: bool
    folded: str | None = None
    tail: str | None = None
    needs: tuple[str, ...] | None = None
    also: tuple[tuple[str, ...], ...] = ()

    def to_json(self) -> list[object]:
        return [
            self.unbounded,
            self.folded,
            self.tail,
            list(self.needs) if self.needs is not None else None,
            [list(a) for a in self.also],
        ]

    @classmethod
    def from_json(cls, raw: object) -> PatternFacts:
        if not isinstance(raw, list) or len(raw) != 5:
            raise ValueError("not a pattern entry")
        unbounded, folded, tail, needs, also = raw
        if not isinstance(unbounded, bool) or not all(isinstance(s, str | None) for s in (folded, tail)):
            raise ValueError("not a pattern entry")
        return cls(
            unbounded,
            folded,
            tail,
            tuple(_strings(needs)) if needs is not None else None,
            tuple(tuple(_strings(a)) for a in _list(also)),
        )


def _list(raw: object) -> list[object]:
    if not isinstance(raw, list):
        raise ValueError("not a list")
    return raw


def _strings(raw: object) -> list[str]:
    items = _list(raw)
    if not all(isinstance(s, str) for s in items):
        raise ValueError("not a list of strings")
    return items  # type: ignore[return-value]


def code_key() -> str:
    """The hash that names the cache file: the fact-finding code and the Python that runs it."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version_info[:2]}".encode())
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:20]


CACHE_DIR_ENV = "OVERSIGHT_CACHE_DIR"


def default_dir() -> Path | None:
    """Where the cache lives (module docstring); None when it is turned off."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured is not None:
        return None if configured.strip() in ("", "off") else Path(configured).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "oversight"
    try:
        return Path.home() / ".cache" / "oversight"
    except RuntimeError:  # no home folder known (no HOME, no passwd entry): no cache
        return None


class PatternCache:
    """The facts of the patterns read in this process and earlier ones (one file, read on first use)."""

    def __init__(self, folder: Path | None) -> None:
        self._lock = threading.Lock()
        self._path = folder / f"patterns-{code_key()}.json" if folder is not None else None
        self._facts: dict[str, PatternFacts] | None = None  # read lazily
        self._new = 0
        self._used: set[str] = set()

    @property
    def path(self) -> Path | None:
        return self._path

    def _loaded(self) -> dict[str, PatternFacts]:
        if self._facts is None:
            with self._lock:
                if self._facts is None:
                    self._facts = self._read()
        return self._facts

    def _read(self) -> dict[str, PatternFacts]:
        if self._path is None:
            return {}
        try:
            raw = json.loads(self._path.read_bytes())
            entries = _list(raw.get("patterns") if isinstance(raw, dict) else None)
            facts: dict[str, PatternFacts] = {}
            for entry in entries:
                pattern, found = _list(entry)
                if not isinstance(pattern, str):
                    raise ValueError("not a pattern")
                facts[pattern] = PatternFacts.from_json(found)
            return facts
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, TypeError, AttributeError) as exc:  # a corrupt file is read again from scratch
            log.warning("pattern cache %s ignored (%s); the patterns are read again", self._path, exc)
            return {}

    def get(self, pattern: str) -> PatternFacts | None:
        facts = self._loaded().get(pattern)
        if facts is not None:
            self._used.add(pattern)
        return facts

    def put(self, pattern: str, facts: PatternFacts) -> None:
        facts_now = self._loaded()
        with self._lock:
            self._used.add(pattern)
            if pattern not in facts_now:
                facts_now[pattern] = facts
                self._new += 1

    def save(self) -> None:
        """Write the file if this process read patterns it did not hold (atomically; errors only logged)."""
        if self._path is None or not self._new:
            return
        with self._lock:
            facts = dict(self._facts or {})
            if len(facts) > MAX_ENTRIES:
                facts = {p: f for p, f in facts.items() if p in self._used}
            self._new = 0
        body = json.dumps({"format": FORMAT, "patterns": [[p, f.to_json()] for p, f in sorted(facts.items())]})
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".patterns-", dir=self._path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(body)
                os.chmod(tmp, 0o644)  # facts about public patterns: readable by a service running as another user
                os.replace(tmp, self._path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            log.info("pattern cache not written to %s: %s", self._path, exc)


CACHE = PatternCache(default_dir())
"""The process's cache (``RulePattern.compile`` reads and fills it; ``loader.load_policies`` saves it)."""
