"""A fifth QA pass on the console (Playwright driving Debian's Chromium): an answer with Windows line endings is no
"unsent edit" when the reviewer only looked at it, and an edit of it keeps its line endings."""

from __future__ import annotations

import httpx
import pytest

from tests.api._helpers import URGENT
from tests.browser.test_console import _acme_keys
from tests.browser.test_console import chromium as chromium  # the fixture
from tests.browser.test_console_qa import Live, _console, _escalate, _escalation_id
from tests.browser.test_console_qa import live as live  # the fixture

pytestmark = pytest.mark.browser

CRLF_ANSWER = "Probably nothing to worry about, just rest.\r\nDrink some water.\r\nSee how you feel tomorrow."


def test_an_answer_with_windows_line_endings_is_no_unsent_edit(chromium: str, live: Live) -> None:
    # console QA: a textarea turns CR LF into LF, so the editor never equalled the answer as sent: typing in the note
    # and taking it out left "Your unsent edit is back", a "Leave site?" prompt, and a bogus unsent edit on close
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client, {**URGENT, "output": CRLF_ANSWER})
        escalation_id = _escalation_id(decision)

    with _console(chromium, live.url, reviewer, hash=f"#/e/{escalation_id}") as page:
        note = page.locator("#note")
        note.fill("x")
        note.fill("")  # nothing typed after all
        page.keyboard.press("Escape")
        page.goto(f"{live.url}/console#/")
        page.goto(f"{live.url}/console#/e/{escalation_id}")
        expect(page.locator("#answer")).to_contain_text("See how you feel tomorrow.")
        expect(page.locator(".draft")).to_have_count(0)  # no "Your unsent edit is back."

        # an edit of one word goes back with the answer's own CR LF line ends
        page.keyboard.press("e")
        editor = page.get_by_label("Replacement answer")
        expect(editor).to_be_focused()
        safe = ("Chest pain with trouble breathing can be an emergency: call 911 now.\nDrink some water.\n"
                "See how you feel tomorrow.")
        editor.fill(safe)
        page.get_by_role("button", name="Save edit & resolve").click()
        expect(page.locator(".outcome")).to_contain_text("Edited and released")

    with httpx.Client(timeout=30, base_url=live.url, headers={"authorization": f"Bearer {client}"}) as http:
        final = http.get(f"/v1/reviews/{decision['review_id']}").json()
    assert final["verdict"] == "rewrite" and final["output"] == safe.replace("\n", "\r\n"), final["output"]


def test_a_filtered_empty_inbox_does_not_say_nothing_is_waiting(chromium: str, live: Live) -> None:
    # console QA: with a domain filter and nothing in that domain, "Nothing is waiting for a human." while items were
    # pending in another domain
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        _escalate(http, client, URGENT)  # a health item is pending
    with _console(chromium, live.url, reviewer, hash="#/?domain=finance") as page:
        expect(page.get_by_text("No pending escalations match these filters.")).to_be_visible()
        expect(page.get_by_text("Nothing is waiting for a human.")).to_have_count(0)


def test_the_joiners_inside_an_emoji_are_not_marked_as_hidden_text(chromium: str, live: Live) -> None:
    # console QA: a family emoji (four people joined by U+200D) raised "holds 3 invisible characters" and showed
    # ⟦U+200D⟧ between the people; a zero-width space in a word is still marked
    from playwright.sync_api import expect

    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466"
    answer = f"{family}\U0001F691 Probably nothing to worry about, just rest. \u2764\ufe0f Take care of your\u200bself."
    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        escalation_id = _escalation_id(_escalate(http, client, {**URGENT, "output": answer}))
    with _console(chromium, live.url, reviewer, hash=f"#/e/{escalation_id}") as page:
        expect(page.locator("#answer .invisible")).to_have_text(["⟦U+200B⟧"])
        expect(page.get_by_role("note").filter(has_text="invisible")).to_contain_text("holds 1 invisible character,")
        expect(page.locator("#answer")).to_contain_text(family)


def test_back_from_an_item_the_inbox_keeps_the_place(chromium: str, live: Live) -> None:
    # console QA: back from an item (u), row 1 was selected again, so j went to row 2, not to the row after the one
    # just handled; and the inbox's filters were dropped
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        for n in range(4):
            _escalate(http, client, {**URGENT, "output": f"Probably nothing to worry about, just rest ({n})."})
    with _console(chromium, live.url, reviewer, hash="#/?domain=health") as page:
        rows = page.locator("tr.row")
        expect(rows).to_have_count(4)
        page.keyboard.press("j")
        page.keyboard.press("j")
        third = rows.nth(2).get_attribute("data-id")
        page.keyboard.press("Enter")
        expect(page.locator("#answer")).to_be_visible()
        page.keyboard.press("u")
        expect(rows).to_have_count(4)
        assert page.url.endswith("#/?domain=health"), page.url  # the same inbox page, filters kept
        expect(page.locator("tr.row.selected")).to_have_attribute("data-id", third or "")


def test_on_a_phone_the_finding_and_answer_take_the_whole_width(chromium: str, live: Live) -> None:
    # console QA: at 390 px the finding/answer column was the narrowest (79 px), rule names broken every few letters;
    # a message's name was shown in capitals, not as sent
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        named = {**URGENT, "messages": [{"role": "user", "name": "triage-bot", "content": URGENT["messages"][0]["content"]}]}
        escalation_id = _escalation_id(_escalate(http, client, named))
    with _console(chromium, live.url, reviewer) as page:
        page.set_viewport_size({"width": 390, "height": 844})
        finding = page.locator("tr.row td:nth-child(4)").first
        expect(finding).to_be_visible()
        box = finding.bounding_box()
        assert box is not None and box["width"] > 300, box
        width, shown = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width <= shown, (width, shown)
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(f"{live.url}/console#/e/{escalation_id}")
        expect(page.locator(".conversation .role-name")).to_have_text("triage-bot")
        shown_name = page.locator(".conversation .role-name").evaluate("n => n.innerText")
        assert shown_name == "triage-bot", shown_name
