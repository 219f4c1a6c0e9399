"""A third QA pass on the console, each finding reproduced in a real browser (Playwright driving Debian's Chromium):
invisible characters in an agent action's arguments, its goal and the findings' quotes."""

from __future__ import annotations

import httpx
import pytest

from tests.browser.test_console import _acme_keys
from tests.browser.test_console import chromium as chromium  # the fixture
from tests.browser.test_console_qa import Live, _console, _escalate, _escalation_id
from tests.browser.test_console_qa import live as live  # the fixture

pytestmark = pytest.mark.browser


# -- 1: invisible characters in what an agent would run ------------------------------------------------------
def test_invisible_characters_in_an_actions_arguments_goal_and_quotes_are_shown(chromium: str, live: Live) -> None:
    # The command read "cat ~/.ssh/id_rsa # out < /tmp.log" (a right-to-left override reordered it), the goal
    # "Tidy up logs.txt", and the finding's quote hid its zero-width space; no notice said so.
    from playwright.sync_api import expect

    body = {
        "goal": "Tidy up \u202etxt.sgol",
        "action": {
            "tool": "shell",
            "input": {"command": "cat ~/.ssh/id_\u200brsa # \u202egol.pmt/ > tuo", "description": "show profile\u200b info"},
        },
    }
    with httpx.Client(base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "agent")
        escalation_id = _escalation_id(_escalate(http, client, body, "/v1/actions/reviews"))

    with _console(chromium, live.url, reviewer, hash=f"#/e/{escalation_id}") as page:
        section = page.locator("section").filter(has=page.get_by_role("heading", name="Proposed action"))
        dl = section.locator("dl")
        expect(dl).to_be_visible()
        values = dl.locator("dd")
        expect(values.nth(1).locator(".invisible")).to_have_text(["⟦U+200B⟧", "⟦U+202E⟧"])
        assert values.nth(1).text_content() == "cat ~/.ssh/id_⟦U+200B⟧rsa # ⟦U+202E⟧gol.pmt/ > tuo"
        assert values.nth(2).text_content() == "show profile⟦U+200B⟧ info"
        goal = page.locator(".conversation .goal")
        expect(goal.locator(".invisible")).to_have_text(["⟦U+202E⟧"])
        quote = page.locator("ol.findings blockquote")
        expect(quote).to_have_text("cat ~/.ssh/id_⟦U+200B⟧rsa")
        # counted once each: the goal's 1, the command's 2, the description's 1 (the quote is part of the command)
        expect(section.get_by_role("note")).to_have_text(
            "This text holds 4 invisible characters, shown as ⟦U+…⟧: what a reader sees differs from what was sent."
        )
