"""A sixth QA pass on the console (Playwright driving Debian's Chromium): an agent action's evidence highlighted in the
proposed command itself, and an answer's code and tables shown in monospace, as text."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.api._helpers import URGENT
from tests.browser.test_console import _acme_keys
from tests.browser.test_console import chromium as chromium  # the fixture
from tests.browser.test_console_qa import Live, _console, _escalate, _escalation_id
from tests.browser.test_console_qa import live as live  # the fixture

pytestmark = pytest.mark.browser


def _proposed(page: Any) -> Any:
    return page.locator("section").filter(has=page.get_by_role("heading", name="Proposed action"))


def _numbers(dd: Any) -> list[str]:
    """The findings' numbers shown after their evidence in an argument's value (drawn by the stylesheet)."""
    return list(dd.evaluate("dd => [...dd.querySelectorAll('mark sup')].map((s) => getComputedStyle(s, '::after').content)"))


def _marked(dd: Any) -> list[str]:
    """The highlighted text of an argument's value, without the findings' numbers."""
    return list(
        dd.evaluate(
            "dd => [...dd.querySelectorAll('mark')].map((m) => [...m.querySelectorAll('.evidence')]"
            ".map((s) => s.textContent).join(''))"
        )
    )


# -- 1: an action's evidence in the command ----------------------------------------------------------------------
def test_an_actions_evidence_is_highlighted_in_the_argument_that_holds_it(chromium: str, live: Live) -> None:
    # console QA: the finding quoted "cat ~/.ssh/id_rsa", but the command above it was plain text: the reviewer had to
    # find the quote in a long command by eye
    from playwright.sync_api import expect

    command = "ls -la <b>x</b> && cat ~/.ssh/id_rsa && echo done"
    rc = {"tool": "write_file", "input": {"path": "/home/dev/.bashrc", "content": "alias ll='ls -la'\n"}, "cwd": "/home/dev"}
    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "agent")
        shell = _escalate(http, client, {"action": {"tool": "shell", "input": {"command": command}, "cwd": "/w"}},
                          "/v1/actions/reviews")
        write = _escalate(http, client, {"action": rc}, "/v1/actions/reviews")
    quote = shell["findings"][0]["evidence"]
    assert quote["source"] == "action" and quote["start"] is None and quote["text"] in command  # no offsets: by quote

    with _console(chromium, live.url, reviewer, hash=f"#/e/{_escalation_id(shell)}") as page:
        values = _proposed(page).locator("dd")
        expect(values.nth(2).locator("mark")).to_have_count(1)
        assert _marked(values.nth(2)) == [quote["text"]]
        assert _numbers(values.nth(2)) == ['"1"']  # the finding's number right after its evidence
        # the command is the text as sent (copied, it has no number in it), and no markup from it
        assert values.nth(2).text_content() == command
        expect(_proposed(page).locator("b, img")).to_have_count(0)
        expect(values.nth(0).locator("mark")).to_have_count(0)  # not the tool, not the cwd
        expect(values.nth(1).locator("mark")).to_have_count(0)
        # hovering the finding lights its evidence in the command
        page.locator("ol.findings li").first.hover()
        expect(values.nth(2).locator("mark .evidence.active")).to_have_text(quote["text"])

        # a file write: its evidence is the path, highlighted there and not in the content
        page.goto(f"{live.url}/console#/e/{_escalation_id(write)}")
        values = _proposed(page).locator("dd")
        expect(values.nth(2)).to_have_text(rc["input"]["path"])
        assert _marked(values.nth(2)) == [rc["input"]["path"]]
        expect(values.nth(3).locator("mark")).to_have_count(0)


def test_an_actions_evidence_uses_its_offsets_and_finds_a_shortened_quote(chromium: str, live: Live) -> None:
    # a reviewer's evidence with offsets points at the second of two equal stretches of the command: that one is
    # highlighted, not the first; a quote the service shortened ("…") is found by what it kept; a quote of the
    # transcript is not looked for in the action
    from playwright.sync_api import expect

    command = "cat ~/.ssh/id_rsa && echo " + "x" * 30 + " && cat ~/.ssh/id_rsa"
    second = command.rindex("cat ~/.ssh/id_rsa")
    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "agent")
        body = {"action": {"tool": "shell", "input": {"command": command}}}
        escalation_id = _escalation_id(_escalate(http, client, body, "/v1/actions/reviews"))
    extra = [
        {"rule": "reviewer.second_read", "severity": "high", "message": "Reads the key a second time.",
         "evidence": {"text": "cat ~/.ssh/id_rsa", "source": "output", "start": second, "end": second + 17}},
        {"rule": "reviewer.long", "severity": "medium", "message": "A long echo.",
         "evidence": {"text": "echo " + "x" * 10 + "…", "source": "action", "start": None, "end": None}},
        {"rule": "reviewer.asked", "severity": "low", "message": "Not asked for.",
         "evidence": {"text": "echo", "source": "transcript", "start": None, "end": None}},
    ]

    def with_reviewer_findings(route: Any) -> None:
        response = route.fetch()
        item = response.json()
        item["decision"]["findings"] = item["decision"]["findings"][:1] + extra
        route.fulfill(response=response, body=json.dumps(item))

    with _console(chromium, live.url, reviewer) as page:
        page.route(f"**/v1/escalations/{escalation_id}", with_reviewer_findings)
        page.goto(f"{live.url}/console#/e/{escalation_id}")
        command_dd = _proposed(page).locator("dd").nth(1)
        expect(command_dd.locator("mark")).to_have_count(3)
        # the policy's quote (no offsets) is the first occurrence, the reviewer's (offsets) the second
        assert _numbers(command_dd) == ['"1"', '"3"', '"2"']
        assert _marked(command_dd) == ["cat ~/.ssh/id_rsa", "echo " + "x" * 10, "cat ~/.ssh/id_rsa"]
        spans = command_dd.evaluate(
            "dd => [...dd.querySelectorAll('mark')].map((m) => { const r = document.createRange(); r.setStart(dd, 0);"
            " r.setEndBefore(m); return r.toString().length; })"
        )
        assert spans == [0, command.index("echo"), second]
        assert command_dd.text_content() == command


def _unnumbered(node: Any) -> str:
    """The text of ``node`` without the findings' numbers after their evidence."""
    return str(
        node.evaluate("n => { const c = n.cloneNode(true); c.querySelectorAll('sup').forEach((s) => s.remove());"
                      " return c.textContent; }")
    )


# -- 2: code and tables in an answer ---------------------------------------------------------------------------
TABLE_ANSWER = (
    "Probably nothing to worry about, just rest. Compare with `ibuprofen --max 3`:\n"
    "| drug      | dose   |\n"
    "|-----------|--------|\n"
    "| ibuprofen | 400 mg |\n"
    "| <b>x</b>  | 1 g    |\n"
    "Then:\n"
    "```sh\n"
    "echo 'a    b'\n"
    "```\n"
    "Name     Times\n"
    "morning  8:00\n"
    "See how you feel."
)


def test_code_and_tables_in_an_answer_are_shown_in_monospace_as_text(chromium: str, live: Live) -> None:
    # console QA: a markdown table's columns and a code block read in a proportional font, their alignment lost
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client, {**URGENT, "output": TABLE_ANSWER})
    evidence = [f["evidence"] for f in decision["findings"] if f["evidence"] and f["evidence"]["source"] == "output"]
    assert "400 mg" in [e["text"] for e in evidence], evidence  # evidence inside the table

    with _console(chromium, live.url, reviewer, hash=f"#/e/{_escalation_id(decision)}") as page:
        answer = page.locator("#answer")
        blocks = answer.locator(".mono-block")
        expect(blocks).to_have_count(3)
        # each block as sent (without the findings' numbers)
        assert [_unnumbered(blocks.nth(n)) for n in range(3)] == [
            TABLE_ANSWER[TABLE_ANSWER.index("| drug"):TABLE_ANSWER.index("Then:")],
            "```sh\necho 'a    b'\n```\n",
            "Name     Times\nmorning  8:00\n",
        ]
        expect(answer.locator("code.mono")).to_have_text(["`ibuprofen --max 3`"])
        expect(answer.locator("b")).to_have_count(0)  # text, never markup
        # the evidence is still highlighted, also inside the table, and the answer reads as sent
        expect(answer.locator("mark").first).to_contain_text("Probably nothing")
        expect(blocks.nth(0).locator("mark")).to_contain_text("400 mg")
        assert _unnumbered(answer) == TABLE_ANSWER

        # monospace: the table's pipes line up, row under row (also in the row whose evidence has its number after
        # it); prose is not monospace
        pipes = blocks.nth(0).evaluate(
            "b => { const rows = new Map(); const walk = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);"
            " for (let t = walk.nextNode(); t; t = walk.nextNode()) { if (t.parentElement.closest('sup')) continue;"
            " for (let i = 0; i < t.data.length; i++) { if (t.data[i] !== '|') continue;"
            " const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + 1); const box = r.getBoundingClientRect();"
            " const y = Math.round(box.top); rows.set(y, [...(rows.get(y) || []), Math.round(box.left)]); } }"
            " return [...rows.values()]; }"
        )
        assert len(pipes) == 4 and all(row == pipes[0] for row in pipes), pipes
        fonts = page.evaluate(
            "[getComputedStyle(document.querySelector('#answer .mono-block')).fontFamily,"
            " getComputedStyle(document.querySelector('#answer')).fontFamily]"
        )
        assert "monospace" in fonts[0] and "monospace" not in fonts[1], fonts
        # a block keeps its spaces and does not wrap
        assert blocks.nth(1).evaluate("b => getComputedStyle(b).whiteSpace") == "pre"

        # the rewrite editor holds the answer as text, in monospace too, and an edit still resolves
        page.keyboard.press("e")
        editor = page.get_by_label("Replacement answer")
        expect(editor).to_be_focused()
        expect(editor).to_have_value(TABLE_ANSWER)
        assert "monospace" in editor.evaluate("t => getComputedStyle(t).fontFamily")



def test_on_a_phone_a_wide_table_scrolls_in_its_own_box(chromium: str, live: Live) -> None:
    # the table's columns stay aligned (no wrapping) and the page does not grow sideways: the block scrolls
    from playwright.sync_api import expect

    wide = "| " + " | ".join(f"column {n:02d}" for n in range(12)) + " |"
    answer = f"Probably nothing to worry about, just rest.\n{wide}\n|{'---|' * 12}\n{wide}\nSee how you feel."
    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        escalation_id = _escalation_id(_escalate(http, client, {**URGENT, "output": answer}))
    with _console(chromium, live.url, reviewer, hash=f"#/e/{escalation_id}") as page:
        page.set_viewport_size({"width": 390, "height": 844})
        block = page.locator("#answer .mono-block")
        expect(block).to_have_count(1)
        expect(block).to_be_visible()
        width, shown = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width <= shown, (width, shown)
        lines, inner, outer = block.evaluate(
            "b => [b.getClientRects().length && Math.round(b.getBoundingClientRect().height"
            " / parseFloat(getComputedStyle(b).lineHeight)), b.scrollWidth, b.clientWidth]"
        )
        assert inner > outer, (inner, outer)  # it scrolls sideways
        assert lines <= 4, lines  # three lines (and its padding), not wrapped
        box = block.bounding_box()
        assert box is not None and box["x"] + box["width"] <= shown, box
