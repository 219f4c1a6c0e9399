"""The literal prefilter skips only rule searches that would find nothing (``service.policy.prefilter``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.policy.casefold import lowered
from service.policy.loader import load_policies
from service.policy.model import RulePattern
from service.policy.prefilter import LITERALS, LiteralIndex, also_required_literals, required_literals

SHIPPED = sorted(
    {
        p
        for policy in load_policies().policies.values()
        for rule in policy.rules
        for p in (*rule.match.patterns, *rule.match.all_of, *rule.match.prompt_patterns, *rule.match.prompt_all_of, *rule.match.either_all_of)
    }
)
FILTERED = [p for p in SHIPPED if RulePattern.compile(p).needs is not None]
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def _needed(source: str) -> frozenset[str] | None:
    return required_literals(re.compile(source, re.MULTILINE | re.DOTALL))


def test_most_shipped_patterns_are_prefiltered() -> None:
    # the review's cost: a pattern without a prefilter is searched in every text of every review
    assert len(FILTERED) >= 0.85 * len(SHIPPED), (len(FILTERED), len(SHIPPED))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"\bkill(ing)? (myself|me)\b", {"kill myself", "killing myself", "kill me", "killing me"}),
        (r"(?:rm|del)\s+-rf\s+/", {"-rf"}),
        (r"n(c|cat|etcat)\b", {"nc", "ncat", "netcat"}),
        (r"n(c|cat|etcat)\b[^\n]{0,80}\s-e\s", {"-e"}),  # as long as "nc" and one string instead of three
        (r"\d+(\.\d+)?\s*(mg|ml)\b", {"mg", "ml"}),
        (r"bash\s+-i\s*>&\s*/dev/tcp/", {"/dev/tcp/"}),
        (r"(overdose|lethal dose)", {"overdose", "lethal dose"}),
        (r"(?:stop|quit)\w{0,3} (taking|your)", {" taking", " your"}),
        (r"(take|swallow)(ing)? (all|every)", {"take all", "take every", "takeing all", "takeing every", "swallow all",
                                             "swallow every", "swallowing all", "swallowing every"}),
    ],
)
def test_the_strings_a_pattern_needs(source: str, expected: set[str] | None) -> None:
    got = _needed(source)
    assert (set(got) if got is not None else None) == expected


@pytest.mark.parametrize(
    "source",
    [
        r"(?:abc)?x",  # an optional part needs nothing, and one letter is in nearly every text
        r"abc|d",  # one branch with nothing long enough
        r"(?i:abc)def",  # a case-insensitive part: its letters are not what the text holds (and "def" is kept)
        r"[a-z]{3,9}",
        r"(abc|)",  # an empty branch matches anywhere
    ],
)
def test_what_a_pattern_does_not_promise_is_not_required(source: str) -> None:
    got = _needed(source)
    if source == r"(?i:abc)def":
        assert got == {"def"}
    else:
        assert got is None


def test_a_case_insensitive_pattern_is_never_prefiltered() -> None:
    assert required_literals(re.compile("abcdef", re.IGNORECASE)) is None
    assert required_literals(re.compile("(?i)abcdef")) is None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data())
def test_every_match_of_a_shipped_pattern_holds_one_of_its_strings(data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(FILTERED))
    pattern = RulePattern.compile(source)
    assert pattern.folded is not None and pattern.needs is not None
    text = data.draw(st.from_regex(pattern.folded))
    m = pattern.folded.search(text)
    if m is None:  # the generator's text may hold a match only under a look-around it did not honour
        return
    held = LITERALS.present(m.group())
    assert not pattern.needs.isdisjoint(held), (source, m.group())
    for also in pattern.also_needs:  # every further set a match needs is in it too
        assert not also.isdisjoint(held), (source, m.group())
    assert pattern.search(text, text) is not None


def test_a_pattern_needs_each_part_of_its_sequence_not_only_the_best_one() -> None:
    # "through" is in many answers; "through" and a fake invoice in few: a text lacking either is not searched
    source = r"\b(run|put)\s+the\s+(cash|money)\s+through\b[^.\n]{0,80}\b(fake|bogus)\s+(sales|invoices)\b"
    folded = re.compile(source, re.MULTILINE | re.DOTALL)
    assert required_literals(folded) == {"through"}
    also = also_required_literals(folded)
    assert [set(a) for a in also] == [{"sales", "invoices"}, {"fake", "bogus"}]  # the two that filter best
    pattern = RulePattern.compile(source)
    assert pattern.also_needs
    text = "Run the money through the company's account."  # "through" alone: not searched, and no match
    assert pattern.search(text, text.lower()) is None
    hit = "Run the cash through the shop with fake invoices."
    assert pattern.search(hit, hit.lower()) is not None


def test_a_further_set_of_three_character_strings_is_kept() -> None:
    # "use" is in most answers, a roommate's SSN in few: the sets beside the best one may hold three-character strings
    source = r"\b(use|take)\s+(your\s+)?roommate's\s+(ssn|sin)\b[^.\n]{0,80}\b(get|apply)\b"
    folded = re.compile(source, re.MULTILINE | re.DOTALL)
    assert required_literals(folded) == {"roommate's"}
    also = [set(a) for a in also_required_literals(folded)]
    assert len(also) == 2 and {"ssn", "sin"} in also
    pattern = RulePattern.compile(source)
    assert len(pattern.also_needs) == 2
    hit = "Use your roommate's SSN to apply for the card."
    assert pattern.search(hit, hit.lower()) is not None


def _development_texts() -> list[str]:
    texts: list[str] = []
    for path in sorted(SHARED.glob("*/dev.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            for key in ("prompt", "response"):
                if isinstance(record.get(key), str):
                    texts.append(record[key])
    return texts


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared data not found under {SHARED}")
def test_on_the_development_sets_every_shipped_pattern_finds_what_it_found_without_the_prefilter() -> None:
    texts = _development_texts()
    assert len(texts) > 500
    compiled = [RulePattern.compile(s) for s in FILTERED]
    skipped = 0
    for text in texts:
        low = lowered(text)
        if low is None:
            continue
        held = LITERALS.present(low)
        for pattern in compiled:
            assert pattern.folded is not None and pattern.needs is not None
            expected = pattern.folded.search(low)
            got = pattern.search(text, low)
            assert (got.span() if got else None) == (expected.span() if expected else None), (
                pattern.folded.pattern,
                text[:200],
            )
            skipped += pattern.needs.isdisjoint(held)
    assert skipped > 0.5 * len(texts) * len(compiled)  # the prefilter does skip most searches


def test_a_new_pattern_is_found_in_a_text_scanned_before_it_was_added() -> None:
    index = LiteralIndex()
    first = index.register(frozenset({"lethal dose"}))
    assert first is not None and not first.isdisjoint(index.present("a lethal dose of it"))
    second = index.register(frozenset({"of it"}))
    assert second is not None and not second.isdisjoint(index.present("a lethal dose of it"))
    assert second.isdisjoint(index.present("a lethal dose"))


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared data not found under {SHARED}")
def test_on_the_development_sets_every_domain_finds_the_same_rules_as_without_the_prefilter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from service.policy.engine import check_rules

    policies = load_policies().policies.values()
    pairs = []
    for path in sorted(SHARED.glob("*/dev.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if isinstance(record.get("prompt"), str) and isinstance(record.get("response"), str):
                pairs.append((record["prompt"], record["response"]))
    assert len(pairs) > 300

    def findings() -> list[list[tuple[str, int | None]]]:
        # one turn, and two turns (the question gate also reads every question asked, the conversation targets both)
        earlier = [pairs[-1][0], *(q for q, _ in pairs[:-1])]
        return [
            [(f.rule, f.evidence.start if f.evidence else None) for f in check_rules(p, output=out, prompt=q, **more)]
            for (q, out), before in zip(pairs, earlier, strict=True)
            for more in ({"conversation": q}, {"conversation": f"{before}\n{q}", "asked": f"{before}\n{q}"})
            for p in policies
        ]

    with_prefilter = findings()
    everything = frozenset(range(10_000))
    monkeypatch.setattr(LITERALS, "present", lambda text: everything)  # every string held: nothing is skipped
    without = findings()
    assert with_prefilter == without
    assert sum(map(len, without)) >= 10  # the sets do hold answers the rules fire on
