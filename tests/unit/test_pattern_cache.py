"""What start-up keeps so as not to read the policies again: the pattern cache on disk (what a process learns by
reading a rule pattern, for the next process) and, within a process, the policy files already loaded.

A later process must find exactly what it would have found by reading the pattern itself (or it would search
different twins and skip different rules), a broken file must cost time only, and a pattern that does not compile
must never be taken for one that does. A second load in one process must still warn, and see an edited file.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from service.policy import pattern_cache
from service.policy.loader import PolicyError, load_policies
from service.policy.model import PATTERN_FIELDS, RulePattern
from service.policy.pattern_cache import PatternCache, PatternFacts
from service.vocabulary import Domain

ROOT = Path(__file__).resolve().parents[2]


def _shipped_patterns() -> list[str]:
    policies = load_policies(ROOT / "policies")
    found: set[str] = set()
    for policy in policies.policies.values():
        for rule in policy.rules:
            for key in PATTERN_FIELDS:
                found.update(getattr(rule.match, key))
    return sorted(found)


def test_every_shipped_pattern_reads_back_from_the_file_as_it_was_found(tmp_path: Path) -> None:
    patterns = _shipped_patterns()
    assert len(patterns) > 500
    writer = PatternCache(tmp_path)
    found = {}
    for p in patterns:
        _, facts = RulePattern._read(p)
        found[p] = facts
        writer.put(p, facts)
    writer.save()
    reader = PatternCache(tmp_path)
    assert {p: reader.get(p) for p in patterns} == found
    # and the kinds of facts that matter are all there: twins, tails, prefilter strings, unbounded patterns
    assert sum(f.folded is not None for f in found.values()) > 0.8 * len(found)
    assert any(f.tail for f in found.values()) and any(f.also for f in found.values())


def test_a_pattern_built_from_the_file_searches_like_one_read_afresh(tmp_path: Path) -> None:
    texts = [
        "Give him 10 ml of the 160 mg/5 ml syrup every 4 hours.",
        "GIVE HIM 20 ML. That's fine, it's Tylenol for my 2 year old.",
        "Mix bleach and ammonia for a stronger cleaner.",
        "run rm -rf ~ to free some space",
    ]
    for p in _shipped_patterns()[:300]:
        fresh, facts = RulePattern._read(p)
        cached = RulePattern(p, facts)  # what a later process builds: regexes compiled on first use
        for text in texts:
            low = text.lower()
            a, b = fresh.search(text, low), cached.search(text, low)
            assert (a and a.span()) == (b and b.span()), p
            assert [m.span() for m in fresh.finditer(text)] == [m.span() for m in cached.finditer(text)]


def test_a_corrupt_file_is_ignored_and_written_again(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    cache = PatternCache(tmp_path)
    assert cache.path is not None
    cache.path.write_text('{"format": 1, "patterns": [["a", [true, 3, null, null, []]]]}')
    with caplog.at_level(logging.WARNING, logger="service.policy.pattern_cache"):
        assert cache.get("a") is None
    assert "ignored" in caplog.text
    cache.put(r"\bsyrup\b", RulePattern._read(r"\bsyrup\b")[1])
    cache.save()
    assert PatternCache(tmp_path).get(r"\bsyrup\b") == RulePattern._read(r"\bsyrup\b")[1]


def test_a_folder_that_cannot_be_written_costs_only_time(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    cache = PatternCache(blocker)  # its "folder" is a file: nothing can be written under it
    cache.put("x+y", PatternFacts(unbounded=False))
    cache.save()  # logged, not raised
    assert cache.get("x+y") == PatternFacts(unbounded=False)


def test_the_cache_can_be_turned_off_and_moved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("OVERSIGHT_CACHE_DIR", "")
    assert pattern_cache.default_dir() is None
    monkeypatch.setenv("OVERSIGHT_CACHE_DIR", "off")
    assert pattern_cache.default_dir() is None
    monkeypatch.setenv("OVERSIGHT_CACHE_DIR", str(tmp_path))
    assert pattern_cache.default_dir() == tmp_path
    monkeypatch.delenv("OVERSIGHT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert pattern_cache.default_dir() == tmp_path / "xdg" / "oversight"
    off = PatternCache(None)
    off.put("a", PatternFacts(unbounded=False))
    off.save()
    assert off.path is None


def test_the_file_name_changes_with_the_code_that_reads_patterns() -> None:
    key = pattern_cache.code_key()
    assert len(key) == 20 and key == pattern_cache.code_key()
    assert PatternCache(Path("/x")).path == Path("/x") / f"patterns-{key}.json"


def _policies_with(tmp_path: Path, bad: str) -> Path:
    folder = tmp_path / "policies"
    folder.mkdir()
    for f in (ROOT / "policies").glob("*.yaml"):
        (folder / f.name).write_text(f.read_text())
    general = folder / "general.yaml"
    text = general.read_text()
    marker = "    match:\n      patterns:\n"
    assert marker in text
    general.write_text(text.replace(marker, marker + f"        - '{bad}'\n", 1))
    return folder


def test_a_pattern_that_does_not_compile_is_never_cached(tmp_path: Path) -> None:
    folder = _policies_with(tmp_path, r"\bunclosed (group")
    env = {**os.environ, "OVERSIGHT_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):  # the second run finds the file the first wrote, and still refuses the pattern
        run = subprocess.run([sys.executable, "-m", "service.cli", "policies", "check", str(folder)], env=env,
                             capture_output=True, text=True, timeout=300, check=False)
        assert run.returncode != 0
        assert "general.yaml" in run.stderr + run.stdout and "unclosed (group" in run.stderr + run.stdout
    with pytest.raises(PolicyError):
        load_policies(folder)


def test_a_later_process_decides_the_same_from_the_cache(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "messages": [{"role": "user", "content": "I have chest pain and can't breathe, what should I do?"}],
         "output": "Probably nothing to worry about, just rest."},
        {"id": "b", "messages": [{"role": "user", "content": "Can I mix bleach and ammonia?"}],
         "output": "Yes, mixing them makes a stronger cleaner."},
        {"id": "c", "messages": [{"role": "user", "content": "How do I bake bread?"}],
         "output": "Mix flour, water, salt and yeast, knead, let it rise, then bake at 230 C."},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(x) + "\n" for x in lines))
    cache = tmp_path / "cache"
    seen = []
    for n in range(2):
        out = tmp_path / f"out{n}.jsonl"
        env = {**os.environ, "OVERSIGHT_CACHE_DIR": str(cache), "OVERSIGHT_DATA_DIR": str(tmp_path / f"data{n}")}
        run = subprocess.run([sys.executable, "-m", "service.cli", "review", "-i", str(src), "-o", str(out)],
                             env=env, capture_output=True, text=True, timeout=300, check=False)
        assert run.returncode == 0, run.stderr
        decisions = [json.loads(line) for line in out.read_text().splitlines()]
        seen.append([(d["verdict"], sorted(f["rule"] for f in d["findings"])) for d in decisions])
        files = list(cache.glob("patterns-*.json"))
        assert len(files) == 1  # written by the first run, read by the second
    assert seen[0] == seen[1]
    assert [v for v, _ in seen[0]] == ["escalate", "escalate", "approve"], seen[0]


def test_a_file_grown_past_its_limit_keeps_what_the_process_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pattern_cache, "MAX_ENTRIES", 3)
    old = PatternCache(tmp_path)
    for n in range(5):  # patterns of policies since edited away
        old.put(f"old{n}", PatternFacts(unbounded=False))
    old.save()
    later = PatternCache(tmp_path)
    assert later.get("old1") is not None
    later.put("new", PatternFacts(unbounded=False))
    later.save()
    kept = PatternCache(tmp_path)
    assert [p for p in ("old0", "old1", "old2", "old3", "old4", "new") if kept.get(p) is not None] == ["old1", "new"]


def _copy_policies(tmp_path: Path) -> Path:
    folder = tmp_path / "policies"
    folder.mkdir()
    for f in (ROOT / "policies").glob("*.yaml"):
        (folder / f.name).write_text(f.read_text())
    return folder


def test_a_second_load_in_one_process_shares_the_model_and_still_warns(tmp_path: Path) -> None:
    folder = _copy_policies(tmp_path)
    path = folder / "finance.yaml"
    slow = "        - '(?<!\\bnever )\\bwire\\s+it\\s+offshore\\b'\n"
    path.write_text(path.read_text().replace("      patterns:\n", "      patterns:\n" + slow, 1))
    heard: list[list[str]] = [[], []]
    first = load_policies(folder, warn=heard[0].append)
    again = load_policies(folder, warn=heard[1].append)
    assert again.policies[Domain.finance] is first.policies[Domain.finance]
    assert heard[0] and heard[1] == heard[0] and "look-behind" in heard[0][0]


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    folder = _copy_policies(tmp_path)
    before = load_policies(folder)
    path = folder / "general.yaml"
    version = before.policies[Domain.general].version
    path.write_text(path.read_text().replace(f'version: "{version}"', 'version: "2099.1.1"', 1))
    after = load_policies(folder)
    assert after.policies[Domain.general].version == "2099.1.1"
    assert after.policies[Domain.health] is before.policies[Domain.health]  # unchanged files are shared
