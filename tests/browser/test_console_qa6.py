"""A sixth QA pass on the console (Playwright driving Debian's Chromium): an agent action's evidence highlighted in the
proposed command itself."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

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
    with httpx.Client(base_url=live.url) as http:
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
    with httpx.Client(base_url=live.url) as http:
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
