"""A seventh QA pass on the console (Playwright driving Debian's Chromium): an agent action's evidence highlighted in
arguments shown as JSON (nested objects, a string that holds JSON, a list of words), an answer's indented code shown
in monospace while indented prose and list items stay text, and code copied from an answer as sent."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from tests.api._helpers import URGENT
from tests.browser.test_console import _acme_keys
from tests.browser.test_console import chromium as chromium  # the fixture
from tests.browser.test_console_qa import Live, _console, _escalate, _escalation_id
from tests.browser.test_console_qa import live as live  # the fixture
from tests.browser.test_console_qa6 import TABLE_ANSWER, _marked, _numbers, _proposed, _unnumbered

pytestmark = pytest.mark.browser


def _pretty(value: Any) -> str:
    """A JSON argument as the console shows it (JSON.stringify(value, null, 2))."""
    return json.dumps(value, indent=2, ensure_ascii=False)


def _value(page: Any, name: str) -> Any:
    """The shown value (dd) of the proposed action's argument ``name``."""
    return _proposed(page).locator("dt", has_text=re.compile(f"^{name}$")).locator("xpath=following-sibling::dd[1]")


def _spelt(text: str, times: int = 1) -> str:
    """``text`` as a JSON string spells it inside its quotes, ``times`` over (a JSON string inside a JSON string)."""
    for _ in range(times):
        text = json.dumps(text, ensure_ascii=False)[1:-1]
    return text


def _copied(page: Any, dd: Any) -> str:
    """What the reviewer gets by selecting an argument's value and pressing Ctrl+C: the clipboard's text."""
    dd.evaluate(
        "dd => { const r = document.createRange(); r.selectNodeContents(dd); const s = getSelection();"
        " s.removeAllRanges(); s.addRange(r); }"
    )
    page.keyboard.press("Control+c")
    return str(page.evaluate("navigator.clipboard.readText()"))


# -- 1: an action's evidence in its JSON arguments ---------------------------------------------------------------
ACTIONS = {
    # the policy check quotes the tool's name and the value ("query: DROP TABLE users")
    "sql": {"tool": "mcp:db/query", "input": {"query": {"sql": "DROP TABLE users"}}},
    # a string that holds JSON, shown as sent: the quote (cat "$HOME/…") is spelt with \" there
    "payload": {"tool": "mcp:runner/run", "input": {"payload": json.dumps({"command": 'cat "$HOME/.ssh/id_rsa"'})}},
    # a nested object, pretty-printed: the command's line break is \n there and its quotes \"
    "job": {
        "tool": "mcp:runner/run",
        "input": {"job": {"command": 'cd /srv\ncat "$HOME/.ssh/id_rsa"', "note": "<b>x</b>"}, "dry_run": False},
    },
    # a list of words, read joined ("kubectl delete ns prod")
    "argv": {"tool": "mcp:kubernetes/kubectl", "input": {"args": ["delete", "ns", "prod"]}},
}
SHOWN = {  # the highlight as the reviewer sees it in the argument
    "sql": ("query", "DROP TABLE users"),
    "payload": ("payload", 'cat \\"$HOME/.ssh/id_rsa\\"'),
    "job": ("job", 'cat \\"$HOME/.ssh/id_rsa\\"'),
    "argv": ("args", 'delete",\n  "ns",\n  "prod'),
}


def test_an_actions_evidence_is_highlighted_in_its_json_arguments(chromium: str, live: Live) -> None:
    # console QA: an MCP tool's arguments are shown pretty-printed, where the quote is spelt otherwise (escaped
    # quotes and line breaks, one word a line, the tool's name before it): nothing was highlighted
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "agent")
        decisions = {k: _escalate(http, client, {"action": a}, "/v1/actions/reviews") for k, a in ACTIONS.items()}
    quotes = {k: d["findings"][0]["evidence"] for k, d in decisions.items()}
    assert quotes["sql"]["text"] == "query: DROP TABLE users", quotes
    assert quotes["payload"]["text"] == quotes["job"]["text"] == 'cat "$HOME/.ssh/id_rsa"', quotes
    assert quotes["argv"]["text"] == "kubectl delete ns prod", quotes
    assert all(q["source"] == "action" and q["start"] is None for q in quotes.values()), quotes

    with _console(chromium, live.url, reviewer) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
        for key, action in ACTIONS.items():
            page.goto(f"{live.url}/console#/e/{_escalation_id(decisions[key])}")
            name, shown = SHOWN[key]
            dd = _value(page, name)
            expect(dd.locator("mark")).to_have_count(1)
            assert _marked(dd) == [shown], key
            assert _numbers(dd) == ['"1"'], key  # its number, right after it
            # in that argument only, and the argument reads (and copies) as sent: no number, no markup
            expect(_proposed(page).locator("mark")).to_have_count(1)
            value = action["input"][name]
            sent = value if isinstance(value, str) else _pretty(value)
            assert dd.text_content() == sent, key
            assert _copied(page, dd) == sent, key
            expect(_proposed(page).locator("b, img")).to_have_count(0)
            # hovering the finding lights it
            page.locator("ol.findings li").first.hover()
            expect(dd.locator("mark .evidence.active")).to_have_text(shown)


def test_a_json_arguments_evidence_by_its_quote_and_the_first_place(chromium: str, live: Live) -> None:
    # escapes of every kind (a tab, ESC, a backslash, an emoji before it) in a value nested two levels down, and a JSON
    # string inside a nested object (escaped twice); a shortened quote ("…") found by what it kept; a quote found as
    # it is in an argument goes there first, before another argument's JSON
    from playwright.sync_api import expect

    inner = json.dumps({"command": 'printf "\\t" && rm -rf "$HOME/old"'})
    action = {
        "tool": "mcp:runner/run",
        "input": {
            "plan": {"steps": [{"run": 'echo 😀 \t\x1b[31m \\ "x"'}], "payload": inner},
            "literal": 'rm -rf "$HOME/old"',
        },
    }
    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "agent")
        escalation_id = _escalation_id(
            _escalate(
                http,
                client,
                {"action": {"tool": "shell", "input": {"command": "cat ~/.ssh/id_rsa"}}},
                "/v1/actions/reviews",
            )
        )
    extra = [
        {
            "rule": "reviewer.escapes",
            "severity": "high",
            "message": "Escapes.",
            "evidence": {"text": '😀 \t\x1b[31m \\ "x"', "source": "action", "start": None, "end": None},
        },
        {
            "rule": "reviewer.twice",
            "severity": "high",
            "message": "A JSON string in JSON.",
            "evidence": {"text": 'printf "\\t" && rm', "source": "action", "start": None, "end": None},
        },
        {
            "rule": "reviewer.short",
            "severity": "medium",
            "message": "Shortened.",
            "evidence": {"text": 'echo 😀 \t\x1b[31m \\ "…', "source": "action", "start": None, "end": None},
        },
        {
            "rule": "reviewer.literal",
            "severity": "medium",
            "message": "As it is, in the other argument.",
            "evidence": {"text": 'rm -rf "$HOME/old"', "source": "action", "start": None, "end": None},
        },
    ]

    def as_this_action(route: Any) -> None:
        response = route.fetch()
        item = response.json()
        item["action"] = action
        item["decision"]["findings"] = extra
        route.fulfill(response=response, body=json.dumps(item))

    with _console(chromium, live.url, reviewer) as page:
        page.route(f"**/v1/escalations/{escalation_id}", as_this_action)
        page.goto(f"{live.url}/console#/e/{escalation_id}")
        plan = _value(page, "plan")
        expect(plan.locator("mark")).to_have_count(2)
        shown = _pretty(action["input"]["plan"])
        assert plan.text_content() == shown
        assert '\\t\\u001b[31m \\\\ \\"x\\"' in shown  # as JSON.stringify spells it
        # the shortened quote (3: what it kept) and finding 1's overlap: one highlight over both, each number after
        # its own evidence; the JSON string inside the JSON (2) is found through both its spellings
        assert _marked(plan) == [_spelt('echo 😀 \t\x1b[31m \\ "x"'), _spelt('printf "\\t" && rm', 2)]
        assert _numbers(plan) == ['"3"', '"1"', '"2"']
        expect(page.locator("ol.findings li").first).to_contain_text("overlaps that of finding 3")
        page.locator("ol.findings li").first.hover()
        lit = plan.evaluate("dd => [...dd.querySelectorAll('.evidence.active')].map((s) => s.textContent).join('')")
        assert lit == _spelt('😀 \t\x1b[31m \\ "x"')
        literal = _value(page, "literal")
        assert _marked(literal) == [action["input"]["literal"]]
        assert _numbers(literal) == ['"4"']


# -- 2: indented code in an answer -------------------------------------------------------------------------------
INDENTED_ANSWER = (
    "Probably nothing to worry about, just rest. If it hurts, take:\n"
    "\n"
    "    ibuprofen --dose 400 mg --every 8h\n"
    '    echo "rest" > ~/today.txt\n'
    "\n"
    "Dear patient,\n"
    "\n"
    "    Thank you for writing. Rest and drink water,\n"
    "    and call us if it gets worse.\n"
    "\n"
    "1. Rest for a day.\n"
    "\n"
    "    More about resting: lie down and breathe slowly.\n"
    "\n"
    "2. Or, on a computer:\n"
    "\n"
    "        sleep 8h\n"
    "\n"
    "- Drink water\n"
    "    every hour, even at night.\n"
    "See how you feel.\n"
    "    <b>and</b> this line wraps the one above it."
)


def test_indented_code_in_an_answer_is_monospace_and_indented_prose_is_not(chromium: str, live: Live) -> None:
    # console QA: a command indented by four spaces (markdown's code) read in a proportional font; but a letter's
    # indented paragraph, a list item's indented text and an indented line that wraps the one above are not code
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client, {**URGENT, "output": INDENTED_ANSWER})
    evidence = [f["evidence"]["text"] for f in decision["findings"] if f["evidence"]]
    assert "400 mg" in evidence, evidence  # evidence inside the indented code

    with _console(chromium, live.url, reviewer, hash=f"#/e/{_escalation_id(decision)}") as page:
        answer = page.locator("#answer")
        blocks = answer.locator(".mono-block")
        expect(blocks).to_have_count(2)
        assert [_unnumbered(blocks.nth(n)) for n in range(2)] == [
            '    ibuprofen --dose 400 mg --every 8h\n    echo "rest" > ~/today.txt\n',
            "        sleep 8h\n",  # under a list item, indented four past its text
        ]
        # the evidence is highlighted in the block, with its number; the answer reads as sent, never as markup
        expect(blocks.nth(0).locator("mark")).to_have_text("400 mg")
        assert _numbers(blocks.nth(0)) == ['"3"']
        assert _unnumbered(answer) == INDENTED_ANSWER
        expect(answer.locator("b")).to_have_count(0)
        style = blocks.nth(0).evaluate("b => [getComputedStyle(b).fontFamily, getComputedStyle(b).whiteSpace]")
        assert "monospace" in style[0] and style[1] == "pre", style
        # the editor is monospace too, as for any answer with code
        page.keyboard.press("e")
        editor = page.get_by_label("Replacement answer")
        expect(editor).to_have_value(INDENTED_ANSWER)
        assert "monospace" in editor.evaluate("t => getComputedStyle(t).fontFamily")


def test_code_copied_from_an_answer_is_the_code_as_sent(chromium: str, live: Live) -> None:
    # console QA: a finding's number after its evidence was text in the answer's code too: a table row or a command
    # copied from a block read "400 mg3"; in code it is drawn now, as in an action's arguments (prose keeps its text)
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client, {**URGENT, "output": TABLE_ANSWER})
    with _console(chromium, live.url, reviewer, hash=f"#/e/{_escalation_id(decision)}") as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
        table = page.locator("#answer .mono-block").first
        expect(table.locator("mark")).to_have_text("400 mg")
        assert _numbers(table) == ['"3"']  # still numbered, after its evidence
        rows = TABLE_ANSWER[TABLE_ANSWER.index("| drug") : TABLE_ANSWER.index("\nThen:")]
        assert _copied(page, table) == rows  # (the block's last line feed ends the block)
        # the prose's evidence keeps its number as text
        expect(page.locator("#answer > mark").first.locator("sup").first).to_have_text("1")
