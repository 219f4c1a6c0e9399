"""An eighth QA pass on the console (Playwright driving Debian's Chromium): a finding whose evidence quotes all of an
agent action's arguments at once (the JSON of its whole input) highlighted in the arguments it quotes, and an
answer's indented code found under its introduction ("Run this:") or a heading while indented prose that starts in
lower case stays text."""

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
from tests.browser.test_console_qa6 import _marked, _numbers, _proposed, _unnumbered
from tests.browser.test_console_qa7 import _copied, _pretty, _value

pytestmark = pytest.mark.browser


def _shown(value: Any) -> str:
    """An argument's value as the console shows it: a string as sent, anything else pretty-printed JSON."""
    return value if isinstance(value, str) else _pretty(value)


def _lit(page: Any) -> list[str]:
    """The highlighted stretches lit while a finding is hovered, in the page's order."""
    return list(page.evaluate("[...document.querySelectorAll('mark .evidence.active')].map((s) => s.textContent)"))


# -- 1: a quote of all of a tool's arguments -----------------------------------------------------------------------
DELETE = {
    "tool": "mcp:github/delete_repo",
    "input": {"owner": "acme", "repo": "shop", "options": {"archive_first": False, "teams": ["ops", "dev"]}},
}
PUSH = {  # a long message: the policy check's quote of the whole input is cut at 300 characters, inside it
    "tool": "mcp:github/push_files",
    "input": {
        "owner": "acme",
        "repo": "shop",
        "branch": "main",
        "force": True,
        "message": "release notes <img src=x onerror=alert(1)>: " + "fixed a bug; " * 30,
    },
}


def test_the_policy_checks_quote_of_a_whole_mcp_call_highlights_each_argument(chromium: str, live: Live) -> None:
    # console QA: the policy check quotes an MCP call it judges as a whole by the tool's name and its input as compact
    # JSON ('delete_repo {"owner": "acme", "repo": "shop"}'), which no one argument shows: nothing was highlighted
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "agent")
        deleted = _escalate(http, client, {"action": DELETE}, "/v1/actions/reviews")
        pushed = _escalate(http, client, {"action": PUSH}, "/v1/actions/reviews")
    quote = deleted["findings"][0]["evidence"]
    assert quote["text"] == f"delete_repo {json.dumps(DELETE['input'])}", quote  # Python's ", " and ": "
    cut = pushed["findings"][0]["evidence"]["text"]
    assert cut.startswith("push_files {") and len(cut) < len(json.dumps(PUSH["input"])), cut  # cut short

    with _console(chromium, live.url, reviewer, hash=f"#/e/{_escalation_id(deleted)}") as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
        # each argument's value highlighted whole; the finding's number after the last one only (the quote goes on
        # from one to the next), drawn, so that each reads and copies as sent
        expect(_proposed(page).locator("mark")).to_have_count(3)
        expect(_value(page, "tool").locator("mark")).to_have_count(0)
        for name, value in DELETE["input"].items():
            dd = _value(page, name)
            assert _marked(dd) == [_shown(value)], name
            assert _numbers(dd) == (['"1"'] if name == "options" else []), name
            assert dd.text_content() == _shown(value), name
        assert _copied(page, _value(page, "options")) == _pretty(DELETE["input"]["options"])
        # hovering the finding lights the three
        page.locator("ol.findings li").first.hover()
        assert _lit(page) == [_shown(v) for v in DELETE["input"].values()]

        # cut short: every argument before the cut whole, the message up to where the quote stops
        page.goto(f"{live.url}/console#/e/{_escalation_id(pushed)}")
        message = _value(page, "message")
        expect(message.locator("mark")).to_have_count(1)
        kept = cut[cut.index('"message": "') + len('"message": "') :]
        assert PUSH["input"]["message"].startswith(kept) and len(kept) > 20, kept
        assert _marked(message) == [kept]
        assert _numbers(message) == ['"1"']
        for name in ("owner", "repo", "branch", "force"):
            assert _marked(_value(page, name)) == [_shown(PUSH["input"][name])], name
            assert _numbers(_value(page, name)) == [], name
        assert message.text_content() == PUSH["input"]["message"]
        expect(_proposed(page).locator("img, b")).to_have_count(0)  # text, never markup


def _with_findings(page: Any, escalation_id: str, action: dict[str, Any], findings: list[dict[str, Any]]) -> None:
    """The escalation's API answer with ``action`` and ``findings`` in place of its own (a Playwright route)."""

    def swap(route: Any) -> None:
        response = route.fetch()
        item = response.json()
        item["action"] = action
        item["decision"]["findings"] = findings
        route.fulfill(response=response, body=json.dumps(item))

    page.route(f"**/v1/escalations/{escalation_id}", swap)


def _finding(rule: str, text: str) -> dict[str, Any]:
    return {"rule": rule, "severity": "high", "message": rule, "evidence": {"text": text, "source": "output"}}


def test_a_reviewers_json_quote_of_the_arguments_in_any_spelling(chromium: str, live: Live) -> None:
    # a reviewer quotes the arguments as JSON too, in JSON.stringify's spelling ({"command":"rm -rf ~"}) or with its
    # keys sorted: the same values in another spelling or order are highlighted; other values, or more text after
    # the arguments' JSON, are not
    from playwright.sync_api import expect

    shell = {"tool": "shell", "input": {"command": 'echo "<b>hi</b>" && rm -rf ~'}, "cwd": "/srv"}
    query = {
        "tool": "mcp:db/query",
        "input": {"sql": "DROP TABLE users; -- <img src=x>", "params": {"schema": "public", "cascade": True, "n": 2}},
    }
    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "agent")
        ids = [
            _escalation_id(
                _escalate(http, client, {"action": {"tool": "shell", "input": {"command": c}}}, "/v1/actions/reviews")
            )
            for c in ("cat ~/.ssh/id_rsa", "cat ~/.ssh/id_ed25519")
        ]
    compact = json.dumps(shell["input"], separators=(",", ":"))
    assert compact == '{"command":"echo \\"<b>hi</b>\\" && rm -rf ~"}'
    spelt_otherwise = json.dumps(  # keys sorted, 2.0 for 2, "<" escaped as \u003c
        {**query["input"], "params": {**query["input"]["params"], "n": 2.0}}, sort_keys=True
    ).replace("<", "\\u003c")
    with _console(chromium, live.url, reviewer) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
        _with_findings(page, ids[0], shell, [_finding("reviewer.whole", compact)])
        _with_findings(
            page,
            ids[1],
            query,
            [
                _finding("reviewer.sorted", spelt_otherwise),
                _finding("reviewer.other_value", '{"sql": "DROP TABLE orders"}'),
                _finding("reviewer.more_text", json.dumps({"sql": query["input"]["sql"]}) + " and then it ran"),
            ],
        )
        page.goto(f"{live.url}/console#/e/{ids[0]}")
        command = _value(page, "command")
        expect(command.locator("mark")).to_have_count(1)
        assert _marked(command) == [shell["input"]["command"]]
        assert _numbers(command) == ['"1"']
        expect(_proposed(page).locator("mark")).to_have_count(1)  # not the working folder nor the tool
        assert _copied(page, command) == shell["input"]["command"]
        expect(_proposed(page).locator("b, img")).to_have_count(0)

        page.goto(f"{live.url}/console#/e/{ids[1]}")
        sql, params = _value(page, "sql"), _value(page, "params")
        expect(_proposed(page).locator("mark")).to_have_count(2)  # finding 1's only
        assert _marked(sql) == [query["input"]["sql"]] and _numbers(sql) == []
        assert _marked(params) == [_pretty(query["input"]["params"])] and _numbers(params) == ['"1"']
        assert params.text_content() == _pretty(query["input"]["params"])
        expect(_proposed(page).locator("b, img")).to_have_count(0)
        findings = page.locator("ol.findings li")
        findings.nth(0).hover()
        assert _lit(page) == [query["input"]["sql"], _pretty(query["input"]["params"])]
        for n in (1, 2):
            findings.nth(n).hover()
            assert _lit(page) == [], n


# -- 2: indented code under its introduction or a heading ----------------------------------------------------------
INTRODUCED_ANSWER = (
    "Probably nothing to worry about, just rest. To keep a log, run this:\n"
    "    mkdir   log\n"
    "    make install\n"
    "\n"
    "## Then\n"
    "    sudo apt update\n"
    "\n"
    "Notes\n"
    "\n"
    "    and then the pain went away after a while, so we stopped.\n"
    "\n"
    "Symptoms:\n"
    "    fever, cough\n"
    "\n"
    "Ingredients:\n"
    "    flour\n"
    "    sugar\n"
    "\n"
    "Or, with tabs:\n"
    "\n"
    "\tcurl -s https://example.org/rest?q=<b>a</b> | tee " + "x" * 200 + ".log\n"
    "\t\techo   done\n"
    "\n"
    "Rest well."
)


def test_indented_code_under_its_introduction_or_a_heading_is_monospace(chromium: str, live: Live) -> None:
    # console QA: "run this:" with the command indented on the next line (as chat answers set it) and code right
    # under a heading read in a proportional font, their spaces collapsed; an indented paragraph in lower case was
    # taken for code
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client, {**URGENT, "output": INTRODUCED_ANSWER})
    with _console(chromium, live.url, reviewer, hash=f"#/e/{_escalation_id(decision)}") as page:
        answer = page.locator("#answer")
        blocks = answer.locator(".mono-block")
        expect(blocks).to_have_count(3)
        tabbed = INTRODUCED_ANSWER[INTRODUCED_ANSWER.index("\tcurl") : INTRODUCED_ANSWER.index("\nRest")]
        assert [_unnumbered(blocks.nth(n)) for n in range(3)] == [
            "    mkdir   log\n    make install\n",
            "    sudo apt update\n",
            tabbed,
        ]
        assert _unnumbered(answer) == INTRODUCED_ANSWER  # as sent, never as markup
        expect(answer.locator("b")).to_have_count(0)
        for n in range(3):
            style = blocks.nth(n).evaluate(
                "b => [getComputedStyle(b).fontFamily, getComputedStyle(b).whiteSpace, getComputedStyle(b).overflowX]"
            )
            assert "monospace" in style[0] and style[1] == "pre" and style[2] == "auto", (n, style)
        # each character as wide as the next, its spaces kept: "mkdir   log" is eleven times as wide as its "m"
        widths = blocks.nth(0).evaluate(
            "b => { const t = b.firstChild; const r = document.createRange(); const w = (s, e) => {"
            " r.setStart(t, s); r.setEnd(t, e); return r.getBoundingClientRect().width; };"
            " const at = t.data.indexOf('mkdir'); return [w(at, at + 11), w(at, at + 1)]; }"
        )
        assert abs(widths[0] - 11 * widths[1]) < widths[1] / 2, widths
        # the long tabbed line scrolls in its block, and the page is no wider than its window
        wide = blocks.nth(2).evaluate("b => [b.scrollWidth, b.clientWidth]")
        assert wide[0] > wide[1], wide
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # the indented paragraph in lower case and the lists of words are prose: not in a block, not monospace
        for prose in ("and then the pain went away", "fever, cough", "flour", "sugar"):
            expect(blocks.filter(has_text=prose)).to_have_count(0)
            family = answer.evaluate(
                "(a, p) => { const w = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);"
                " for (let t = w.nextNode(); t; t = w.nextNode()) if (t.data.includes(p))"
                " return getComputedStyle(t.parentElement).fontFamily; return null; }",
                prose,
            )
            assert family is not None and "monospace" not in family, (prose, family)
        assert re.search(r"monospace", answer.evaluate("a => getComputedStyle(a).fontFamily")) is None
