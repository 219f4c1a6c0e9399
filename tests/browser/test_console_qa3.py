"""A third QA pass on the console, each finding reproduced in a real browser (Playwright driving Debian's Chromium):
invisible characters in an agent action's arguments, its goal and the findings' quotes; a tab whose session another
tab replaced (Log out, then sign in with another key)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.api._helpers import URGENT
from tests.browser.test_console import CHROMIUM_ARGS, _acme_keys
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
    with httpx.Client(timeout=30, base_url=live.url) as http:
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


# -- 2: another key signed in in another tab -------------------------------------------------------------------
def _beta_keys(live: Live) -> tuple[str, str]:
    """Tenant beta's admin ("betalead") and client keys, straight in the running service's keystore."""
    from service.auth import new_key

    keys = []
    for role, name in (("admin", "betalead"), ("client", "betashop")):
        key, record = new_key("beta", role, name)  # type: ignore[arg-type]
        live.call(live.app.state.authenticator.keystore.add_key(record))
        keys.append(key)
    return keys[0], keys[1]


@contextlib.contextmanager
def _two_tabs(chromium: str, url: str, key: str, *, hash: str = "") -> Iterator[tuple[Any, Any]]:
    """Two tabs of one browser (one cookie jar), the first signed in with ``key`` at ``hash``, the browser's clock
    installed and paused (the inbox's refresh is moved forward, never waited for); the second on the console, signed
    in by the cookie."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            first = context.new_page()
            first.clock.install()
            first.goto(f"{url}/console{hash}")
            first.get_by_label("API key").fill(key)
            first.keyboard.press("Enter")
            expect(first.get_by_label("API key")).to_have_count(0)
            # the clock stands still (the inbox's refresh, an item's status checks): each test says when the tab looks
            # (a check between the other tab's Log out and its sign-in would find no session at all, and rightly
            # bring the sign-in form back)
            first.clock.pause_at(first.evaluate("Date.now()") / 1000 + 1)
            second = context.new_page()
            second.goto(f"{url}/console")
            expect(second.get_by_role("heading", name="Inbox")).to_be_visible()
            yield first, second
        finally:
            browser.close()


def _sign_in_as_another_key(tab: Any, key: str) -> None:
    """In ``tab``: Log out, then sign in with ``key`` through the form."""
    from playwright.sync_api import expect

    tab.get_by_role("button", name="Log out").click()
    tab.get_by_label("API key").fill(key)
    tab.keyboard.press("Enter")
    expect(tab.get_by_role("heading", name="Inbox")).to_be_visible()


def test_a_tab_whose_session_another_tab_replaced_stops_instead_of_listing_another_tenant(
    chromium: str, live: Live
) -> None:
    # Tab 1 said "ana · tenant acme · reviewer" and, after its own 10 s refresh, listed tenant beta's items.
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        _escalate(http, client, URGENT)
        beta_admin, beta_client = _beta_keys(live)
        beta_item = _escalation_id(_escalate(http, beta_client, {**URGENT, "output": "Beta: just rest, nothing serious."}))

    with _two_tabs(chromium, live.url, reviewer) as (first, second):
        expect(first.locator("tr.row")).to_have_count(1)
        acme_item = first.locator("tr.row").first.get_attribute("data-id")
        _sign_in_as_another_key(second, beta_admin)
        expect(second.locator("#who")).to_have_text("betalead · tenant beta · admin")
        expect(second.locator(f'tr.row[data-id="{beta_item}"]')).to_have_count(1)

        first.clock.fast_forward(11_000)  # tab 1's own refresh
        expect(first.get_by_role("heading", name="Signed in as another key")).to_be_visible()
        expect(first.get_by_role("alert")).to_contain_text(
            "You signed in as another key in another tab: betalead (tenant beta · admin)."
        )
        expect(first.get_by_role("alert")).to_contain_text("This tab was ana's (tenant acme · reviewer)")
        expect(first.locator("tr.row")).to_have_count(0)
        expect(first.locator("#who")).to_have_text("")
        expect(first.get_by_role("button", name="Continue as betalead")).to_be_focused()
        assert first.title() == "Signed in elsewhere · Oversight"
        # nothing of beta's was drawn under acme's name, also later
        first.clock.fast_forward(30_000)
        expect(first.locator(f'tr.row[data-id="{beta_item}"]')).to_have_count(0)

        # going on as the new key: its header, its items
        first.get_by_role("button", name="Continue as betalead").click()
        expect(first.locator("#who")).to_have_text("betalead · tenant beta · admin")
        expect(first.locator(f'tr.row[data-id="{beta_item}"]')).to_have_count(1)
        expect(first.locator(f'tr.row[data-id="{acme_item}"]')).to_have_count(0)


@pytest.mark.parametrize("looks", ["on resolving", "back in view"])
def test_an_open_item_whose_session_was_replaced_says_so(chromium: str, live: Live, looks: str) -> None:
    # Tab 1, on an acme item, answered Block with "missing or wrong CSRF token" once another tab had signed in as
    # tenant beta's admin; nothing said what had happened.
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        escalation_id = _escalation_id(_escalate(http, client, URGENT))
        beta_admin, _ = _beta_keys(live)

        with _two_tabs(chromium, live.url, reviewer, hash=f"#/e/{escalation_id}") as (first, second):
            expect(first.get_by_role("heading", name="Health · answer")).to_be_visible()
            _sign_in_as_another_key(second, beta_admin)
            if looks == "on resolving":  # the reviewer answers in tab 1, which has not looked at its session since
                first.keyboard.press("b")
                first.keyboard.press("Enter")
            else:  # the reviewer comes back to tab 1
                first.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
            expect(first.get_by_role("alert")).to_contain_text(
                "You signed in as another key in another tab: betalead (tenant beta · admin)."
            )
            expect(first.locator("#app")).not_to_contain_text("CSRF")
            expect(first.locator("section.resolve")).to_have_count(0)
            expect(first.locator("#who")).to_have_text("")
            still = http.get(f"/v1/escalations/{escalation_id}", headers={"authorization": f"Bearer {reviewer}"})
            assert still.json()["status"] == "pending"


def test_the_same_key_signed_in_again_in_another_tab_goes_on(chromium: str, live: Live) -> None:
    # Signing in again with the same key (another tab: Log out, sign in) gives a new CSRF token: tab 1's next
    # answer was refused as "missing or wrong CSRF token". It takes the new token and says to send again.
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        escalation_id = _escalation_id(_escalate(http, client, URGENT))
        with _two_tabs(chromium, live.url, reviewer, hash=f"#/e/{escalation_id}") as (first, second):
            expect(first.get_by_role("heading", name="Health · answer")).to_be_visible()
            _sign_in_as_another_key(second, reviewer)
            first.keyboard.press("b")
            first.keyboard.press("Enter")
            expect(first.get_by_role("alert")).to_contain_text("You signed in again as ana in another tab")
            expect(first.locator("#who")).to_have_text("ana · tenant acme · reviewer")
            first.keyboard.press("b")
            first.keyboard.press("Enter")
            expect(first.locator(".outcome h3")).to_have_text("Blocked")


# -- 3: an open item closed by someone else, or by the time limit ----------------------------------------------
def _resolve_by_api(http: httpx.Client, key: str, escalation_id: str, action: str) -> None:
    answer = http.post(
        f"/v1/escalations/{escalation_id}/resolve", json={"action": action}, headers={"authorization": f"Bearer {key}"}
    )
    assert answer.status_code == 200, answer.text


def _tick_until(page: Any, selector: str, seconds: int = 30) -> None:
    """Move the page's paused clock on a second at a time until ``selector`` is on the page. The page's status poll
    fires on the page's clock but its request is answered in real time: a single jump (run_for(6000)) could end
    before the answer came, and a timer the answer then set never fired under a paused clock (a flake under load)."""
    import time

    for _ in range(seconds):
        page.clock.run_for(1000)
        if page.locator(selector).count():
            return
        time.sleep(0.1)


def test_an_open_item_notices_another_reviewer_closed_it_and_keeps_the_note(chromium: str, live: Live) -> None:
    # Bob's page said "pending", with the buttons, until he answered; Reload then dropped his note without a word.
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        admin, reviewer, client = _acme_keys(http, "shop")
        escalation_id = _escalation_id(_escalate(http, client, URGENT))
        with _console(chromium, live.url, reviewer, clock=True, hash=f"#/e/{escalation_id}") as page:
            expect(page.locator("section.resolve")).to_be_visible()
            page.locator("#note").fill("Checked the history: a known condition, but still urgent.")
            _resolve_by_api(http, admin, escalation_id, "approve")  # "ops" answers first
            _tick_until(page, ".outcome h3")  # the page asks for its status every few seconds
            outcome = page.locator(".outcome")
            expect(outcome.locator("h3")).to_have_text("Approved")
            expect(outcome).to_contain_text("This item closed while you had it open:")
            expect(outcome).to_contain_text("by ops")
            expect(page.locator("section.resolve")).to_have_count(0)
            expect(page.locator(".head .pill")).to_have_text("resolved")
            kept = page.get_by_label("Your unsent note")
            expect(kept).to_have_value("Checked the history: a known condition, but still urgent.")
            expect(kept).to_be_focused()  # the reviewer was typing there
            expect(page.locator("#toast")).to_contain_text("Closed while open: Approved by ops.")


def test_a_conflict_then_reload_keeps_the_unsent_note(chromium: str, live: Live) -> None:
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        admin, reviewer, client = _acme_keys(http, "shop")
        escalation_id = _escalation_id(_escalate(http, client, URGENT))
        with _console(chromium, live.url, reviewer, clock=True, hash=f"#/e/{escalation_id}") as page:
            expect(page.locator("section.resolve")).to_be_visible()
            page.locator("#note").fill("Sent to emergency care.")
            page.keyboard.press("Escape")
            _resolve_by_api(http, admin, escalation_id, "block")
            page.keyboard.press("a")  # before the page's next look at its status
            page.keyboard.press("Enter")
            expect(page.get_by_role("alert")).to_contain_text("already resolved by ops")
            page.get_by_role("button", name="Reload").click()
            expect(page.locator(".outcome h3")).to_have_text("Blocked")
            expect(page.get_by_label("Your unsent note")).to_have_value("Sent to emergency care.")
            expect(page.locator(".unsent")).to_contain_text("Not sent: the item closed before your answer.")


def test_an_open_item_notices_the_time_limit_closed_it(chromium: str, live: Live) -> None:
    # The page said "An answer sent before then still counts." for as long as it stayed open after the time limit
    # had closed the item; the reviewer's answer then met the conflict, and Reload dropped the note.
    from datetime import UTC, datetime, timedelta

    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client, URGENT)
        escalation_id = _escalation_id(decision)
        item = http.get(f"/v1/escalations/{escalation_id}", headers={"authorization": f"Bearer {reviewer}"}).json()
        expires = datetime.fromisoformat(item["expires_at"]).timestamp()
        with _console(chromium, live.url, reviewer, clock=True, hash=f"#/e/{escalation_id}") as page:
            expect(page.locator("section.resolve")).to_be_visible()
            page.locator("#note").fill("looking at it")
            page.keyboard.press("Escape")
            page.clock.pause_at(expires + 2)
            due = page.locator("p.due")
            expect(due).to_have_text(
                "The time limit has passed: it will be blocked automatically at the next check, unless an answer "
                "gets there first. This page shows it as soon as it has closed."
            )
            expect(due).not_to_contain_text("still counts")
            swept = live.call(live.app.state.escalations.sweep(datetime.now(UTC) + timedelta(hours=25)))
            assert [d.review_id for d in swept] == [decision["review_id"]]
            _tick_until(page, ".outcome h3")
            expect(page.locator(".outcome h3")).to_have_text("Blocked by the time limit")
            expect(page.locator("section.resolve, p.due")).to_have_count(0)
            expect(page.get_by_label("Your unsent note")).to_have_value("looking at it")


# -- 4: time left, rounded down; a note's length in characters ------------------------------------------------
def test_time_left_is_rounded_down_never_overstated(chromium: str, live: Live) -> None:
    # A tool-use item just created (its time limit: 1 h) read "auto-block in 60 min", and 90 to 119 s "2 min".
    from datetime import datetime

    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "agent")
        action = {"action": {"tool": "read_file", "input": {"path": "/home/dev/.pgpass"}}}
        escalation_id = _escalation_id(_escalate(http, client, action, "/v1/actions/reviews"))
        item = http.get(f"/v1/escalations/{escalation_id}", headers={"authorization": f"Bearer {reviewer}"}).json()
        expires = datetime.fromisoformat(item["expires_at"]).timestamp()
        assert item["default_action"] == "block" and item["domain"] == "tool_use"

    with _console(chromium, live.url, reviewer, clock=True) as page:
        due = page.locator(f'tr.row[data-id="{escalation_id}"] .due')
        expect(due).to_have_text("auto-block in 59 min")
        page.clock.pause_at(expires - 119.5)
        expect(due).to_have_text("auto-block in 1 min")
        page.goto(f"{live.url}/console#/e/{escalation_id}")  # to the second there, whole seconds rounded down
        expect(page.locator("p.due")).to_contain_text("(in 1 min 59 s)")


def test_a_note_is_counted_in_characters_as_the_service_counts_them(chromium: str, live: Live) -> None:
    # 2,100 emoji (2,100 characters for the service, whose limit is 4,000) read "4200 characters: 200 over the
    # limit of 4000" and were refused by the page.
    from playwright.sync_api import expect

    note = "👍" * 2100
    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client, URGENT)
        with _console(chromium, live.url, reviewer, hash=f"#/e/{_escalation_id(decision)}") as page:
            page.locator("#note").fill(note)
            expect(page.locator(".count")).to_have_text("2100 / 4000")
            page.keyboard.press("Escape")
            page.keyboard.press("b")
            page.keyboard.press("Enter")
            expect(page.locator(".outcome h3")).to_have_text("Blocked")
        final = http.get(f"/v1/reviews/{decision['review_id']}", headers={"authorization": f"Bearer {client}"}).json()
    assert final["escalation"]["note"] == note


# -- 5: the keyboard and screen-reader flow keeps its place ----------------------------------------------------
def test_the_keyboard_flow_moves_the_focus_and_says_where_it_is(chromium: str, live: Live) -> None:
    # j / k only changed a CSS class (no aria, the focus on <body>); opening an item, resolving, Next and a conflict
    # all left the focus on <body>; the title was always "Oversight · Escalations".
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        admin, reviewer, client = _acme_keys(http, "shop")
        ids = [
            _escalation_id(_escalate(http, client, {**URGENT, "output": f"Probably nothing, just rest ({n})."}))
            for n in range(27)
        ]
        with _console(chromium, live.url, reviewer) as page:
            rows = page.locator("tr.row")
            expect(rows).to_have_count(25)
            expect(rows.nth(0)).to_be_focused()  # arrived: the list has the focus
            expect(rows.nth(0)).to_have_attribute("aria-current", "true")
            assert page.title() == "Inbox (Pending) · Oversight"
            page.keyboard.press("j")
            expect(rows.nth(1)).to_be_focused()
            expect(rows.nth(1)).to_have_attribute("aria-current", "true")
            expect(rows.nth(0)).not_to_have_attribute("aria-current", "true")
            page.keyboard.press("k")
            expect(rows.nth(0)).to_be_focused()
            page.keyboard.press("j")

            # open it: the item's heading has the focus, the title names it
            page.keyboard.press("Enter")
            heading = page.get_by_role("heading", name="Health · answer")
            expect(heading).to_be_focused()
            assert page.title() == f"Item {ids[1]} · Oversight"
            # resolve it: the outcome has the focus
            page.keyboard.press("b")
            page.keyboard.press("Enter")
            expect(page.locator(".outcome h3")).to_have_text("Blocked")
            expect(page.locator(".outcome h3")).to_be_focused()
            # back to the inbox: the list has the focus again, on the row now in the handled one's place (console QA:
            # it was always row 1, so the reviewer lost their place)
            page.keyboard.press("u")
            expect(rows.nth(1)).to_be_focused()
            # Next, pressed with Enter: the next page's list has the focus
            page.get_by_role("button", name="Next →").focus()
            page.keyboard.press("Enter")
            expect(page.locator(".pager")).to_contain_text("26–26")
            expect(rows.first).to_be_focused()
            assert page.title() == "Inbox (Pending, from 26) · Oversight"

            # a conflict: the focus goes to Reload
            page.goto(f"{live.url}/console#/e/{ids[5]}")
            expect(page.get_by_role("heading", name="Health · answer")).to_be_focused()
            _resolve_by_api(http, admin, ids[5], "approve")
            page.keyboard.press("b")
            page.keyboard.press("Enter")
            expect(page.get_by_role("alert")).to_contain_text("already resolved by ops")
            expect(page.get_by_role("button", name="Reload")).to_be_focused()
            page.keyboard.press("Enter")
            expect(page.locator(".outcome h3")).to_be_focused()


def test_j_and_k_go_on_to_the_next_and_previous_page(chromium: str, live: Live) -> None:
    # j on a page's last row did nothing: with 300 items waiting, a keyboard reviewer had to Tab to "Next →".
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        for n in range(27):
            _escalate(http, client, {**URGENT, "output": f"Probably nothing, just rest ({n})."})
        with _console(chromium, live.url, reviewer) as page:
            rows = page.locator("tr.row")
            expect(rows).to_have_count(25)
            last = rows.nth(24).get_attribute("data-id")
            for _ in range(24):
                page.keyboard.press("j")
            expect(rows.nth(24)).to_be_focused()
            page.keyboard.press("j")  # past the last row: the next page, its first row
            expect(page.locator(".pager")).to_contain_text("26–27")
            expect(rows.first).to_be_focused()
            page.keyboard.press("k")  # before the first row: the previous page, its last row
            expect(page.locator(".pager")).to_contain_text("1–25")
            expect(rows.nth(24)).to_be_focused()
            assert rows.nth(24).get_attribute("data-id") == last
            page.keyboard.press("k")  # and within a page, as before
            expect(rows.nth(23)).to_be_focused()


def test_closed_items_are_listed_newest_first_with_how_many_there_are(chromium: str, live: Live) -> None:
    # The Resolved tab listed the oldest first, so what the team closed last was on the last page; no page said how
    # many items there were.
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        admin, reviewer, client = _acme_keys(http, "shop")
        ids = [
            _escalation_id(_escalate(http, client, {**URGENT, "output": f"Probably nothing, just rest ({n})."}))
            for n in range(3)
        ]
        for escalation_id in ids:
            _resolve_by_api(http, admin, escalation_id, "block")
        _escalate(http, client, URGENT)  # one still pending
        with _console(chromium, live.url, reviewer, hash="#/?status=resolved") as page:
            rows = page.locator("tr.row")
            expect(rows).to_have_count(3)
            assert [rows.nth(i).get_attribute("data-id") for i in range(3)] == ids[::-1]
            expect(page.locator(".pager")).to_contain_text("1–3 of 3")
            expect(page.get_by_text("newest first")).to_be_visible()
            page.get_by_role("button", name="Pending").click()
            expect(rows).to_have_count(1)
            expect(page.locator(".pager")).to_contain_text("1–1 of 1")


# -- 6: a narrow screen ----------------------------------------------------------------------------------------
def test_on_a_narrow_screen_the_inbox_fits_and_the_top_bar_reads_across(chromium: str, live: Live) -> None:
    # At 390 px the inbox was 456 px wide (its State column cut off) and "bob · tenant acme · reviewer" stood in a
    # column one or two letters wide.
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "agent")
        _escalate(http, client, URGENT)
        held = {"action": {"tool": "read_file", "input": {"path": "/home/dev/.aws/credentials"}}, "hold_ms": 300_000}
        _escalate(http, client, held, "/v1/actions/reviews")

    with _console(chromium, live.url, reviewer) as page:
        page.set_viewport_size({"width": 390, "height": 844})
        expect(page.locator("tr.row")).to_have_count(2)
        expect(page.locator("tr.row .waiting")).to_have_text(re.compile("^agent waiting · "))
        width, shown = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert width <= shown, (width, shown)
        for cell in page.locator("tr.row td:last-child").all():  # the State column, whole on screen
            box = cell.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= shown, box
        who = page.locator("#who")
        expect(who).to_have_text("ana · tenant acme · reviewer")
        box = who.bounding_box()
        assert box is not None and box["height"] < 30 and box["width"] > 200, box  # one line across
