"""A fourth QA pass on the inbox (the QA report's items 4 to 11), each reproduced in a real browser (Playwright
driving Debian's Chromium): a closed item's note and released answer with their invisible characters shown,
control characters (a terminal's escapes, BEL, CR) marked, overlapping evidence each finding's own, relative times
kept current, absolute times with their zone, the inbox's selection when its item leaves the list, and an inbox
link whose filters are not valid."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.api._helpers import SAFE_EDIT, URGENT
from tests.browser.test_console import CHROMIUM_ARGS, _acme_keys
from tests.browser.test_console import chromium as chromium  # the fixture
from tests.browser.test_console_qa import Live, _console, _escalate, _escalation_id
from tests.browser.test_console_qa import live as live  # the fixture

pytestmark = pytest.mark.browser

HOLD = {"action": {"tool": "read_file", "input": {"path": "/home/dev/.aws/credentials"}}, "hold_ms": 600_000}


def _auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def _resolve(http: httpx.Client, key: str, escalation_id: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = http.post(f"/v1/escalations/{escalation_id}/resolve", json=body, headers=_auth(key))
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


# -- 4: a closed item's note and released answer ----------------------------------------------------------------
def test_a_closed_items_note_and_released_answer_show_their_invisible_characters(chromium: str, live: Live) -> None:
    # An agent's withdraw note "Approved by lead \u202eNOT\u202c: safe" read "Approved by lead TON: safe" (a live
    # right-to-left override), and a released edit's zero-width characters were not shown at all.
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "agent")
        held = _escalate(http, client, HOLD, "/v1/actions/reviews")
        withdrawn = http.post(
            f"/v1/actions/reviews/{held['review_id']}/withdraw",
            json={"note": "Approved by lead \u202eNOT\u202c: safe"},
            headers=_auth(client),
        )
        assert withdrawn.status_code == 200, withdrawn.text
        edited = _escalation_id(_escalate(http, client, URGENT))
        release = SAFE_EDIT.replace("emergency number", "emer\u200bgency\u2060 number")
        _resolve(http, reviewer, edited, {"action": "edit", "output": release, "note": "zero\u200bwidth"})

    with _console(chromium, live.url, reviewer, hash=f"#/e/{_escalation_id(held)}") as page:
        note = page.locator(".outcome p").filter(has_text="Note:")
        expect(note).to_have_text("Note: Approved by lead ⟦U+202E⟧NOT⟦U+202C⟧: safe")
        expect(note.locator(".invisible")).to_have_count(2)

        page.goto(f"{live.url}/console#/e/{edited}")
        expect(page.locator(".outcome h3")).to_have_text("Edited and released")
        released = page.locator(".outcome .answer")
        expect(released.locator(".invisible")).to_have_text(["⟦U+200B⟧", "⟦U+2060⟧"])
        expect(released).to_contain_text("Call your local emer⟦U+200B⟧gency⟦U+2060⟧ number")
        expect(page.locator(".outcome p").filter(has_text="Note:")).to_have_text("Note: zero⟦U+200B⟧width")


# -- 11: control characters --------------------------------------------------------------------------------------
def test_control_characters_are_marked_and_tab_and_newline_stay_layout(chromium: str, live: Live) -> None:
    # ESC and BEL showed as a font's missing-glyph box, CR as a space: "[31mRED[0m ]8;;http://evillink". A CR that
    # ends a line (Windows line endings) is layout, as the line feed is: it was marked at every line's end.
    from playwright.sync_api import expect

    tail = "\x1b[31mRED\x1b[0m \x1b]8;;http://evil\x07link\x1b]8;;\x07 \rend\tcolumn\r\nnext line\r\nlast"
    answer = f"Probably nothing to worry about, just rest. {tail}"
    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        escalation_id = _escalation_id(_escalate(http, client, {**URGENT, "output": answer}))

    with _console(chromium, live.url, reviewer) as page:
        excerpt = page.locator(f'tr.row[data-id="{escalation_id}"] .excerpt')
        expect(excerpt.locator(".invisible").first).to_have_text("⟦U+001B⟧")  # the inbox's excerpt, too
        page.goto(f"{live.url}/console#/e/{escalation_id}")
        marks = page.locator("#answer .invisible")
        expect(marks).to_have_text(
            ["⟦U+001B⟧", "⟦U+001B⟧", "⟦U+001B⟧", "⟦U+0007⟧", "⟦U+001B⟧", "⟦U+0007⟧", "⟦U+000D⟧"]
        )
        expect(marks.first).to_have_attribute("title", "A control character (U+001B, ESC) is here in the text")
        # as sent, each control character in its place (the findings' numbers left out), tab and line feed as such
        shown = page.locator("#answer").evaluate(
            "a => { const c = a.cloneNode(true); c.querySelectorAll('sup').forEach((s) => s.remove()); return c.textContent; }"
        )
        assert shown.endswith(
            "⟦U+001B⟧[31mRED⟦U+001B⟧[0m ⟦U+001B⟧]8;;http://evil⟦U+0007⟧link⟦U+001B⟧]8;;⟦U+0007⟧ ⟦U+000D⟧end\tcolumn\r\nnext line\r\nlast"
        ), shown
        expect(page.get_by_role("note")).to_contain_text("7 invisible or control characters")
        # a finding's quote that stops between a CR and its line feed: that CR ends a line, as in the answer
        quote = page.locator(".findings blockquote").filter(has_text="column").text_content() or ""
        assert quote.endswith("end\tcolumn\r") and quote.count("⟦U+000D⟧") == 1, quote


# -- 5: overlapping evidence ---------------------------------------------------------------------------------------
def _with_numbers(answer: str, ends: dict[int, list[int]]) -> str:
    """``answer`` with each finding's number (1-based, comma-separated when several end there) after its evidence."""
    out, at = [], 0
    for end in sorted(ends):
        out += [answer[at:end], ",".join(str(n) for n in sorted(ends[end]))]
        at = end
    return "".join([*out, answer[at:]])


def test_overlapping_evidence_is_each_findings_own(chromium: str, live: Live) -> None:
    # On the chest-pain escalation, finding 1's evidence (0-16) lies inside finding 2's (0-43): only finding 1 was
    # marked, and hovering finding 2 lit nothing.
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client, URGENT)
    answer = URGENT["output"]
    spans = {
        i: (f["evidence"]["start"], f["evidence"]["end"], f["evidence"]["text"])
        for i, f in enumerate(decision["findings"])
        if f["evidence"] and f["evidence"]["source"] == "output" and f["evidence"]["start"] is not None
    }
    overlapping = [(i, j) for i in spans for j in spans if i < j and spans[i][0] < spans[j][1] and spans[j][0] < spans[i][1]]
    assert overlapping, decision["findings"]  # what this test is about
    ends: dict[int, list[int]] = {}
    for i, (_, end, _) in spans.items():
        ends.setdefault(end, []).append(i + 1)
    lit = (
        "() => [...document.querySelectorAll('#answer .active')].map((e) => {"
        " const c = e.cloneNode(true); c.querySelectorAll('sup').forEach((s) => s.remove()); return c.textContent;"
        " }).join('')"
    )

    with _console(chromium, live.url, reviewer, hash=f"#/e/{_escalation_id(decision)}") as page:
        expect(page.get_by_role("heading", name="Health · answer")).to_be_visible()
        # every finding's number follows its own evidence, and the answer reads as sent otherwise
        assert page.locator("#answer").evaluate("a => a.textContent") == _with_numbers(answer, ends)
        items = page.locator("ol.findings > li")
        for i, (start, end, text) in spans.items():
            items.nth(i).hover()
            assert page.evaluate(lit) == answer[start:end], f"finding {i + 1}"
            assert answer[start:end].startswith(text)
        page.mouse.move(0, 0)
        assert page.evaluate(lit) == ""
        # said in words too, for a reader who does not see the shading
        first, second = overlapping[0]
        expect(items.nth(second).locator(".overlaps")).to_contain_text(f"overlaps that of finding {first + 1}")
        expect(page.locator("#answer .evidence.overlap")).not_to_have_count(0)


# -- 6: relative times kept current -----------------------------------------------------------------------------
def test_escalated_ago_and_the_agents_time_left_stay_current_on_an_open_page(chromium: str, live: Live) -> None:
    # "escalated less than a minute ago" (and "stops waiting in 9 min") were drawn once and never changed.
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        admin, reviewer, client = _acme_keys(http, "agent")
        held = _escalation_id(_escalate(http, client, HOLD, "/v1/actions/reviews"))
        closed = _escalation_id(_escalate(http, client, URGENT))
        _resolve(http, admin, closed, {"action": "block"})

    with _console(chromium, live.url, reviewer, clock=True, hash=f"#/e/{held}") as page:
        meta = page.locator(".head .meta")
        waiting = page.locator("p.waiting")
        expect(meta).to_contain_text("escalated less than a minute ago")
        expect(waiting).to_contain_text("it stops waiting in 9 min")
        page.clock.fast_forward("03:00")
        expect(meta).to_contain_text("escalated 3 min ago")
        expect(waiting).to_contain_text("it stops waiting in 6 min")
        page.clock.fast_forward("07:30")  # past the agent's hold
        expect(meta).to_contain_text("escalated 10 min ago")
        expect(waiting).to_contain_text("The agent stopped waiting at ")

        page.goto(f"{live.url}/console#/e/{closed}")  # a closed item's page, too
        expect(page.locator(".outcome h3")).to_have_text("Blocked")
        expect(meta).to_contain_text("escalated less than a minute ago")
        page.clock.fast_forward("02:00")
        expect(meta).to_contain_text("escalated 2 min ago")


# -- 7: absolute times name their zone ----------------------------------------------------------------------------
@contextlib.contextmanager
def _console_in(chromium: str, url: str, key: str, timezone: str, hash: str) -> Iterator[Any]:
    """A Chromium page in ``timezone`` (locale en-US) on the console at ``hash``, signed in with ``key``."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(timezone_id=timezone, locale="en-US")
            page.goto(f"{url}/console{hash}")
            page.get_by_label("API key").fill(key)
            page.keyboard.press("Enter")
            expect(page.get_by_label("API key")).to_have_count(0)
            yield page
        finally:
            browser.close()


def _utc(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_absolute_times_name_their_zone_with_the_utc_time_in_a_tooltip(chromium: str, live: Live) -> None:
    # "Dec 5, 2026, 5:10 PM": Kolkata's time, with nothing to say so to a colleague in Berlin or to the API's UTC.
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        pending = _escalation_id(_escalate(http, client, URGENT))
        closed = _escalation_id(_escalate(http, client, URGENT))
        _resolve(http, reviewer, closed, {"action": "approve"})
        item = http.get(f"/v1/escalations/{closed}", headers=_auth(reviewer)).json()
        due = http.get(f"/v1/escalations/{pending}", headers=_auth(reviewer)).json()["expires_at"]

    with _console_in(chromium, live.url, reviewer, "Asia/Kolkata", f"#/e/{closed}") as page:
        created = page.locator(".head .meta time")
        expect(created).to_have_attribute("title", f"{_utc(item['created_at'])} (UTC)")
        expect(created).to_have_text(_kolkata(item["created_at"]))
        resolved = page.locator(".outcome time")
        expect(resolved).to_have_attribute("title", f"{_utc(item['decision']['escalation']['resolved_at'])} (UTC)")
        expect(resolved).to_have_text(_kolkata(item["decision"]["escalation"]["resolved_at"]))

        page.goto(f"{live.url}/console#/e/{pending}")
        expect(page.locator("section.resolve")).to_be_visible()
        limit = page.locator("p.due time")
        expect(limit).to_have_attribute("title", f"{_utc(due)} (UTC)")
        expect(limit).to_have_text(_kolkata(due))
        expect(page.locator("p.due")).to_contain_text(f"automatically on {_kolkata(due)} (in ")


def _kolkata(iso: str) -> str:
    """``iso`` as en-US writes it in Asia/Kolkata (UTC+5:30, no daylight saving): "Dec 5, 2026, 5:10 PM GMT+5:30"."""
    from datetime import timedelta, timezone

    at = datetime.fromisoformat(iso).astimezone(timezone(timedelta(hours=5, minutes=30)))
    return f"{at:%b} {at.day}, {at.year}, {(at.hour - 1) % 12 + 1}:{at:%M} {'AM' if at.hour < 12 else 'PM'} GMT+5:30"


# -- 8: the inbox's selection when its item leaves the list --------------------------------------------------------
def test_the_selection_stays_on_its_item_and_never_moves_to_another_when_it_leaves(chromium: str, live: Live) -> None:
    # The 3rd row selected, another reviewer closed it, r: the selection jumped to the 1st row, so Enter opened the
    # oldest item instead of the one the reviewer had chosen.
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        admin, reviewer, client = _acme_keys(http, "shop")
        ids = [
            _escalation_id(_escalate(http, client, {**URGENT, "output": f"Probably nothing to worry about, just rest ({n})."}))
            for n in range(5)
        ]
        with _console(chromium, live.url, reviewer) as page:
            rows = page.locator("tr.row")
            selected = page.locator("tr.row[aria-current='true']")
            expect(rows).to_have_count(5)
            page.keyboard.press("j")
            page.keyboard.press("j")
            expect(selected).to_have_attribute("data-id", ids[2])

            # an item above it is closed: the selection stays on the same item, now one row up
            _resolve(http, admin, ids[0], {"action": "approve"})
            page.keyboard.press("r")
            expect(rows).to_have_count(4)
            expect(selected).to_have_attribute("data-id", ids[2])

            # the selected item itself is closed: nothing is selected, and the page says so
            _resolve(http, admin, ids[2], {"action": "block"})
            page.keyboard.press("r")
            expect(rows).to_have_count(3)
            expect(selected).to_have_count(0)
            note = page.locator(".selection-note")
            expect(note).to_have_attribute("role", "status")
            expect(note).to_contain_text("is no longer in this list")
            expect(note).to_be_focused()  # the row that had the focus is gone
            page.keyboard.press("Enter")  # opens nothing
            expect(note).to_contain_text("nothing was opened")
            page.keyboard.press("j")  # the row now in its place
            expect(selected).to_have_attribute("data-id", ids[3])
            assert "#/e/" not in page.url
            expect(note).to_have_text("")
            page.keyboard.press("k")
            expect(selected).to_have_attribute("data-id", ids[1])


# -- 9: an inbox link with filters that are not valid ---------------------------------------------------------------
def test_an_inbox_link_with_bad_filters_names_them_and_links_to_a_valid_inbox(chromium: str, live: Live) -> None:
    # "#/?status=bogus&domain=zzz&offset=-5&age=weird" read "Inbox (bogus, from -4)", "newest first" and the API's
    # raw message; "#/?offset=abc" an empty table without a word.
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        _escalate(http, client, URGENT)
        with _console(chromium, live.url, reviewer, hash="#/?status=bogus&domain=zzz&offset=-5&age=weird") as page:
            alert = page.locator(".bad-filters")
            expect(alert.locator("li")).to_have_text([
                'status "bogus" is not one of pending, resolved, expired, all.',
                'domain "zzz" is not one of health, finance, cyber, tool_use, general.',
                'offset "-5" is not a whole number from 0.',
                'age "weird" is not one of older1h, older24h, newer1h.',
            ])
            expect(page).to_have_title("Inbox (link not valid) · Oversight")
            expect(page.locator("body")).not_to_contain_text("newest first")
            expect(page.locator("tr.row")).to_have_count(0)
            page.get_by_role("link", name="Open the inbox (Pending, no filters)").click()
            expect(page.locator("tr.row")).to_have_count(1)
            expect(page).to_have_title("Inbox (Pending) · Oversight")

            page.goto(f"{live.url}/console#/?offset=abc")
            expect(alert).to_contain_text('offset "abc" is not a whole number from 0.')
            page.goto(f"{live.url}/console#/?status=resolved&offset=1.5&statuss=all")
            expect(alert.locator("li")).to_have_text([
                'offset "1.5" is not a whole number from 0.',
                '"statuss" is not one of the inbox\'s filters (status, domain, age, offset).',
            ])
            page.get_by_role("link", name="Open the inbox with the valid filters only").click()
            expect(page).to_have_title("Inbox (Resolved) · Oversight")
            expect(page.locator(".empty")).to_contain_text("No escalations match these filters.")


# -- the conversation's parts that are not text ---------------------------------------------------------------------
def test_the_conversation_names_an_image_a_tool_call_and_who_spoke(chromium: str, live: Live) -> None:
    # Only the text of each message was shown: the image the user sent, the assistant's tool call and its name
    # vanished, and a turn that was only an image was left out.
    from playwright.sync_api import expect

    messages = [
        {"role": "assistant", "content": None, "name": "triage-bot", "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": "{}"}}
        ]},
        {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://img.example/ecg.png"}}]},
        *URGENT["messages"],
    ]
    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        escalation_id = _escalation_id(_escalate(http, client, {**URGENT, "messages": messages}))

    with _console(chromium, live.url, reviewer, hash=f"#/e/{escalation_id}") as page:
        shown = page.locator(".conversation .msg")
        expect(shown).to_have_count(3)
        expect(shown.nth(0).locator(".role")).to_have_text("assistant · triage-bot")
        expect(shown.nth(0)).to_contain_text('[tool_calls: [{"id":"call_1"')
        expect(shown.nth(1)).to_contain_text("[image_url part: https://img.example/ecg.png]")
        expect(page.locator(".conversation img")).to_have_count(0)  # named, never fetched
