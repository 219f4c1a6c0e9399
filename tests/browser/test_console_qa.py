"""The reviewer console's QA defects, each reproduced in a real browser (Playwright driving Debian's Chromium).

An agent action's arguments on its page, a late answer for a page the reviewer already left, shortcuts on a
focused button or link, the focus across the inbox's refresh, a draft across the end of a session, a long
unbroken word, the wrong-key message, the closed rows' wording and an unreachable service.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from service.main import create_app
from service.settings import Settings
from tests.api._helpers import SAFE_EDIT, URGENT
from tests.browser.test_console import CHROMIUM_ARGS, _acme_keys, serving
from tests.browser.test_console import chromium as chromium  # the fixture

pytestmark = pytest.mark.browser

T = TypeVar("T")
UNREACHABLE = re.compile("cannot reach the service", re.IGNORECASE)


@dataclass
class Live:
    """The service on a loopback port, and its app (to run a coroutine on the service's own event loop)."""

    url: str
    app: Any

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        loop = self.app.state.escalation_sweeper.get_loop()
        return asyncio.run_coroutine_threadsafe(coro, loop).result(30)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    app = create_app(Settings(data_dir=tmp_path / "data", audit_seed=0))
    with serving(app) as url:
        yield Live(url, app)


@contextlib.contextmanager
def _console(chromium: str, url: str, key: str | None, *, clock: bool = False, hash: str = "") -> Iterator[Any]:
    """A Chromium page on the console (at ``hash``), signed in with ``key`` unless None; ``clock``: Playwright's
    clock is installed first, so the inbox's 10 s refresh can be moved forward instead of waited for."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            if clock:
                page.clock.install()
            page.goto(f"{url}/console{hash}")
            if key is not None:
                page.get_by_label("API key").fill(key)
                page.keyboard.press("Enter")
                expect(page.get_by_label("API key")).to_have_count(0)
            yield page
        finally:
            browser.close()


def _escalate(http: httpx.Client, client: str, body: dict[str, Any], path: str = "/v1/reviews") -> dict[str, Any]:
    decision: dict[str, Any] = http.post(path, json=body, headers={"authorization": f"Bearer {client}"}).json()
    assert decision["verdict"] == "escalate", decision
    return decision


def _escalation_id(decision: dict[str, Any]) -> str:
    return str(decision.get("escalation_id") or decision["review_id"].replace("rev_", "esc_", 1))


def _wait_for(page: Any, held: list[Any]) -> None:
    deadline = time.monotonic() + 10
    while not held:
        assert time.monotonic() < deadline, "the request was not made"
        page.wait_for_timeout(20)


# -- 1: an agent action's arguments -------------------------------------------------------------------------
def test_an_agent_actions_arguments_are_shown_as_text(chromium: str, live: Live) -> None:
    from playwright.sync_api import expect

    actions = [
        {"tool": "shell", "input": {"command": "case x in *) echo hi;; esac"}, "cwd": "/w"},
        {
            "tool": "edit_file",
            "input": {"path": "/etc/ssh/sshd_config", "old": "PermitRootLogin no", "new": "PermitRootLogin yes"},
            "cwd": "/home/dev/shop",
        },
        {
            "tool": "write_file",
            "input": {"path": "/etc/cron.d/<img src=x onerror=alert(9)>", "content": "<b>x</b>\n* * * * * root sh"},
            "cwd": "/home/dev/shop",
        },
    ]
    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "agent")
        ids = [_escalation_id(_escalate(http, client, {"action": a}, "/v1/actions/reviews")) for a in actions]

    with _console(chromium, live.url, reviewer) as page:
        for action, escalation_id in zip(actions, ids, strict=True):
            page.goto(f"{live.url}/console#/e/{escalation_id}")
            section = page.locator("section").filter(has=page.get_by_role("heading", name="Proposed action"))
            expect(section.locator("dl")).to_be_visible()
            # every argument, as text: name and value in order, nothing turned into markup
            shown = section.locator("dl").evaluate("dl => [...dl.children].map((n) => [n.tagName, n.textContent])")
            expected = [["DT", "tool"], ["DD", action["tool"]], ["DT", "cwd"], ["DD", action["cwd"]]]
            for name, value in action["input"].items():
                expected += [["DT", name], ["DD", value]]
            assert shown == expected
            expect(section).not_to_contain_text("[object")
            expect(section.locator("img, b")).to_have_count(0)
            for value in action["input"].values():
                expect(section.locator("dd").filter(has_text=value.split("\n")[0])).to_be_visible()


# -- 2: leaving an item before it loads --------------------------------------------------------------------
def test_leaving_an_item_before_it_loads_keeps_the_inbox(chromium: str, live: Live) -> None:
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        _escalate(http, client, URGENT)

    with _console(chromium, live.url, reviewer) as page:
        expect(page.locator("tr.row.selected")).to_be_visible()
        held: list[Any] = []

        def hold(route: Any) -> None:  # answered when the test says so
            held.append(route)

        page.route(re.compile(r"/v1/escalations/esc_[A-Za-z0-9_-]+$"), hold)
        for leave in ("back", "u"):
            page.keyboard.press("Enter")  # open the selected item; its details do not arrive yet
            _wait_for(page, held)
            expect(page.locator(".loading")).to_be_visible()
            if leave == "back":
                page.go_back()
            else:
                page.keyboard.press("u")
            expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
            # now the details arrive, for a page the reviewer has left: they must not be shown
            with page.expect_response(re.compile(r"/v1/escalations/esc_")):
                held.pop().continue_()
            page.wait_for_timeout(300)
            expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
            expect(page.locator(".resolve")).to_have_count(0)
            expect(page.get_by_role("button", name="Approve")).to_have_count(0)
            assert page.url.endswith("#/")
            expect(page.locator("tr.row.selected")).to_be_visible()


# -- 3: shortcuts on a focused button or link ----------------------------------------------------------------
def test_inbox_shortcuts_leave_a_focused_button_or_link_alone(chromium: str, live: Live) -> None:
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        _escalate(http, client, URGENT)
        _escalate(http, client, {**URGENT, "output": "Probably nothing, just sleep it off."})

    with _console(chromium, live.url, reviewer) as page:
        rows = page.locator("tr.row")
        expect(rows).to_have_count(2)
        first = rows.nth(0).get_attribute("data-id")
        expect(rows.nth(0)).to_have_class(re.compile(r"\bselected\b"))
        for control in (page.get_by_role("button", name="Pending"), page.locator("a.brand")):
            for key in ("Enter", " "):  # the control's own activation keys: never "open the selected item"
                control.focus()
                page.keyboard.press(key)
                page.wait_for_timeout(150)
                expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
                assert page.url.endswith("#/"), (key, page.url)
                expect(page.locator("tr.row.selected")).to_have_attribute("data-id", first or "")
        # letter shortcuts still work with a control focused
        page.get_by_role("button", name="Pending").focus()
        page.keyboard.press("j")
        expect(rows.nth(1)).to_have_class(re.compile(r"\bselected\b"))
        page.keyboard.press("k")
        expect(rows.nth(0)).to_have_class(re.compile(r"\bselected\b"))

        # with nothing focused the shortcuts work, also after the help was opened and closed with the mouse
        page.get_by_role("button", name="Shortcuts").click()
        page.get_by_role("button", name="Close").click()
        page.keyboard.press("j")
        expect(rows.nth(1)).to_have_class(re.compile(r"\bselected\b"))
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Health · answer")).to_be_visible()
        # on the page, the confirm button has the focus, and the other shortcuts still apply there
        page.keyboard.press("a")
        expect(page.locator("#confirm")).to_be_focused()
        page.keyboard.press("b")
        expect(page.locator(".confirm")).to_contain_text("Block?")
        page.keyboard.press("Escape")
        expect(page.locator(".confirm")).to_have_count(0)


# -- 4: the inbox's refresh keeps the focus --------------------------------------------------------------------
def test_the_inbox_refresh_keeps_the_focus_on_a_toolbar_button(chromium: str, live: Live) -> None:
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        _escalate(http, client, URGENT)
        with _console(chromium, live.url, reviewer, clock=True) as page:
            expect(page.locator("tr.row")).to_have_count(1)
            page.get_by_role("button", name="Expired").focus()
            _escalate(http, client, {**URGENT, "output": "Probably nothing, just sleep it off."})
            page.clock.fast_forward(11_000)
            expect(page.locator("tr.row")).to_have_count(2)  # the inbox refreshed by itself
            expect(page.get_by_role("button", name="Expired")).to_be_focused()
            page.keyboard.press("Tab")
            expect(page.get_by_role("button", name="All")).to_be_focused()


# -- 5: a draft survives the end of the session ----------------------------------------------------------------
def test_an_unsent_edit_and_note_survive_the_end_of_the_session(chromium: str, live: Live) -> None:
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        admin, _, client = _acme_keys(http, "shop")
        as_admin = {"authorization": f"Bearer {admin}"}
        ana = http.post("/v1/keys", json={"role": "reviewer", "name": "ana2"}, headers=as_admin).json()
        bo = http.post("/v1/keys", json={"role": "reviewer", "name": "bo"}, headers=as_admin).json()["key"]
        decision = _escalate(http, client, URGENT)
        escalation_id = _escalation_id(decision)

        with _console(chromium, live.url, ana["key"], hash=f"#/e/{escalation_id}") as page:
            expect(page.get_by_role("heading", name="Health · answer")).to_be_visible()
            page.keyboard.press("e")
            page.get_by_label("Replacement answer").fill(SAFE_EDIT)
            page.get_by_label("Note (optional)").fill("Sent to emergency care.")
            # the key is revoked while the reviewer writes: the session ends with it
            assert http.delete(f"/v1/keys/{ana['key_id']}", headers=as_admin).status_code == 204
            page.keyboard.press("Control+Enter")
            expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
            expect(page.get_by_role("alert")).to_contain_text("Your session has ended")
            expect(page.locator("form.login")).to_contain_text("Your unsent note and edit are kept")
            # signing in again brings the page back with the draft
            page.get_by_label("API key").fill(bo)
            page.keyboard.press("Enter")
            expect(page.get_by_role("heading", name="Health · answer")).to_be_visible()
            editor = page.get_by_label("Replacement answer")
            expect(editor).to_be_visible()
            expect(editor).to_have_value(SAFE_EDIT)
            expect(editor).to_be_focused()
            expect(page.get_by_label("Note (optional)")).to_have_value("Sent to emergency care.")
            expect(page.locator(".resolve")).to_contain_text("Your unsent note and edit are back.")
            assert http.get(f"/v1/escalations/{escalation_id}", headers=as_admin).json()["status"] == "pending"
            page.get_by_role("button", name="Save edit & resolve").click()
            expect(page.locator(".outcome")).to_contain_text("Edited and released")
            expect(page.locator(".outcome")).to_contain_text("by bo")

        final = http.get(f"/v1/reviews/{decision['review_id']}", headers={"authorization": f"Bearer {client}"}).json()
    assert final["output"] == SAFE_EDIT and final["escalation"]["note"] == "Sent to emergency care."


# -- 6: a long unbroken word ------------------------------------------------------------------------------
def test_a_long_unbroken_word_does_not_widen_the_page(chromium: str, live: Live) -> None:
    from playwright.sync_api import expect

    word = "A" * 5000
    body = {
        **URGENT,
        "messages": [{"role": "user", "content": f"I have chest pain and can't breathe {word}"}],
        "output": f"Probably nothing to worry about, just rest. {word} rest.",
    }
    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        escalation_id = _escalation_id(_escalate(http, client, body))

    fits = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    with _console(chromium, live.url, reviewer) as page:
        expect(page.locator("tr.row")).to_have_count(1)
        assert page.evaluate(fits), "the inbox is wider than the window"
        table, main = page.locator("table.inbox").bounding_box(), page.locator("main").bounding_box()
        assert table and main and table["width"] <= main["width"]
        page.goto(f"{live.url}/console#/e/{escalation_id}")
        expect(page.locator("#answer")).to_contain_text("AAAA")
        assert page.evaluate(fits), "the escalation's page is wider than the window"
        for sel in ("#answer", ".conversation .msg", ".critique"):
            assert page.locator(sel).first.evaluate("e => e.scrollWidth <= e.clientWidth"), sel


# -- 7a: a wrong key at the first sign-in --------------------------------------------------------------------
def test_a_wrong_key_at_sign_in_says_it_was_not_accepted(chromium: str, live: Live) -> None:
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _acme_keys(http, "shop")  # a key exists: the console asks for one

    with _console(chromium, live.url, None) as page:
        page.get_by_label("API key").fill("ovs_a5bf17b20209d68f_wrongsecret")
        page.keyboard.press("Enter")
        expect(page.get_by_role("alert")).to_have_text("That key was not accepted.")
        expect(page.locator("#app")).not_to_contain_text("Your session has ended")
        expect(page.get_by_label("API key")).to_be_visible()


# -- 7b: closed rows say how they closed, as the page does ------------------------------------------------------
def test_closed_rows_say_how_they_closed_in_the_pages_words(chromium: str, live: Live) -> None:
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, agent = _acme_keys(http, "codex-ci")
        timed_out = _escalate(http, agent, URGENT)
        held = {"action": {"tool": "read_file", "input": {"path": "/home/dev/.netrc"}}, "hold_ms": 600_000}
        withdrawn = _escalate(http, agent, held, "/v1/actions/reviews")
        gone = http.post(
            f"/v1/actions/reviews/{withdrawn['review_id']}/withdraw",
            json={"note": "hook held 600 s"},
            headers={"authorization": f"Bearer {agent}"},
        )
        assert gone.status_code == 200
    # the health item outlives its domain's time limit
    swept = live.call(live.app.state.escalations.sweep(datetime.now(UTC) + timedelta(days=2)))
    assert [d.review_id for d in swept] == [timed_out["review_id"]]

    with _console(chromium, live.url, reviewer, hash="#/?status=expired") as page:
        by_timeout = page.locator("tr.row").filter(has_text="health.urgent_symptoms_dismissed").locator(".due")
        expect(by_timeout).to_have_text("Blocked by the time limit")
        by_agent = page.locator("tr.row").filter(has_text="/home/dev/.netrc").locator(".due")
        expect(by_agent).to_contain_text("Blocked: the agent stopped waiting")
        expect(by_agent).to_contain_text("by codex-ci")
        expect(page.locator("table.inbox")).not_to_contain_text("system:timeout")
        # the item's page says the same
        page.locator("tr.row").filter(has_text="health.urgent_symptoms_dismissed").click()
        expect(page.locator(".outcome h3")).to_have_text("Blocked by the time limit")
        expect(page.locator(".outcome")).not_to_contain_text("system:timeout")


# -- 7c: the service cannot be reached -------------------------------------------------------------------------
def test_an_unreachable_service_is_said_plainly_and_the_inbox_keeps_its_list(chromium: str, live: Live) -> None:
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        _escalate(http, client, URGENT)

    def down(route: Any) -> None:
        route.abort("connectionrefused")

    with _console(chromium, live.url, reviewer, clock=True) as page:
        row = page.locator("tr.row").filter(has_text="health.urgent_symptoms_dismissed")
        expect(row).to_be_visible()
        page.route("**/v1/**", down)
        # the refresh fails: a plain message, and the list stays (and can still be used)
        page.clock.fast_forward(11_000)
        expect(page.get_by_role("alert")).to_contain_text(UNREACHABLE)
        expect(page.locator("#app")).not_to_contain_text("Failed to fetch")
        expect(row).to_be_visible()
        page.keyboard.press("r")
        page.wait_for_timeout(300)
        expect(page.get_by_role("alert")).to_contain_text(UNREACHABLE)
        expect(row).to_be_visible()
        # back up: the next refresh clears the message
        page.unroute("**/v1/**", down)
        page.clock.fast_forward(11_000)
        expect(page.get_by_role("alert")).to_have_count(0)
        expect(row).to_be_visible()

        # an answer while the service is down says so, and can be sent again once it is back
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Health · answer")).to_be_visible()
        page.route("**/v1/**", down)
        page.keyboard.press("a")
        page.keyboard.press("Enter")
        expect(page.get_by_role("alert")).to_contain_text(UNREACHABLE)
        expect(page.locator("aside")).not_to_contain_text("Failed to fetch")
        page.unroute("**/v1/**", down)
        page.locator("#confirm").click()
        expect(page.locator(".outcome")).to_contain_text("Approved")
