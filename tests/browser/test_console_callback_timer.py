"""Two gaps reviewers noticed in the console, in a real browser (Playwright driving Debian's Chromium).

The callback to the caller's system: after a reviewer resolves an item, its page says whether a real receiver on
loopback got the final decision (delivered, waiting for its next try, failed with the reason), never its URL; an
admin can send a failed one again. The time limit: the item's line and the inbox's due column count down while the
page stays open (the page's clock is moved with Playwright's clock API, never waited for), say when it has passed,
and once the time limit closed the item an answer meets the conflict and Reload shows it closed.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.main import create_app
from service.settings import Settings
from tests.api._helpers import URGENT, CallbackReceiver
from tests.browser.test_console import _acme_keys, serving
from tests.browser.test_console import chromium as chromium  # the fixture
from tests.browser.test_console_qa import Live, _console, _escalate

# when it arrived, in the reader's locale ("Dec 4, 2026, 11:02 PM")
DELIVERED = re.compile(r"^Callback: delivered on .*\d.* \(1 attempt\)\. The caller's system has this decision\.$")

pytestmark = pytest.mark.browser

WAIT = 30_000  # ms: generous, for a callback's round trip and the page's next question to the service


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    """A real HTTP server on loopback that records the callbacks it gets (``statuses`` scripts its answers)."""
    server = CallbackReceiver().start()
    yield server
    server.stop()


@contextlib.contextmanager
def _live(tmp_path: Path, **changes: Any) -> Iterator[Live]:
    """The service on a loopback port, sending callbacks to loopback (the receiver) with no back-off by default."""
    values: dict[str, Any] = {"callback_allow_private": True, "callback_backoff_s": 0.0, **changes}
    settings = Settings(data_dir=tmp_path / "data", audit_seed=0, **values)
    app = create_app(settings)
    with serving(app) as url:
        yield Live(url, app)


def _resolve_on_the_page(page: Any, key: str) -> None:
    """Approve (``a``) or block (``b``) the open item, confirmed with Enter."""
    from playwright.sync_api import expect

    expect(page.locator("section.resolve")).to_be_visible()
    page.keyboard.press(key)
    page.keyboard.press("Enter")
    expect(page.locator(".outcome")).to_be_visible()


# -- the callback ------------------------------------------------------------------------------------------------
def test_a_resolved_items_callback_shows_delivered_once_the_receiver_has_it(
    chromium: str, tmp_path: Path, receiver: CallbackReceiver
) -> None:
    # Before: the page said "the caller has the final decision" and nothing about the callback.
    from playwright.sync_api import expect

    with _live(tmp_path) as live, httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client, {**URGENT, "callback_url": receiver.url})
        with _console(chromium, live.url, reviewer, hash=f"#/e/{decision['escalation_id']}") as page:
            expect(page.get_by_role("heading", name="Health · answer")).to_be_visible()
            expect(page.locator(".callback")).to_have_count(0)  # nothing is sent while it is pending
            _resolve_on_the_page(page, "a")
            expect(page.locator(".outcome h3")).to_have_text("Approved")
            state = page.locator(".callback-state")
            expect(state).to_have_attribute("aria-live", "polite")
            expect(state).to_have_text(DELIVERED, timeout=WAIT)
            expect(page.locator(".callback-next")).to_be_hidden()
            expect(page.locator("#app")).not_to_contain_text("127.0.0.1")  # in words, never the URL
            expect(page.get_by_role("button", name="Send again")).to_have_count(0)
            # the same after a reload of the page
            page.reload()
            expect(state).to_have_text(DELIVERED)

    deliveries = receiver.wait_for(1)
    assert len(deliveries) == 1
    body = deliveries[0].body.decode()
    assert decision["review_id"] in body and '"verdict":"approve"' in body


def test_a_failed_callback_says_why_and_an_admin_can_send_it_again(
    chromium: str, tmp_path: Path, receiver: CallbackReceiver
) -> None:
    from playwright.sync_api import expect

    failed = re.compile(
        r"^Callback failed on .+ after 2 attempts: the receiver answered HTTP 503\. "
        r"The caller's system has not been told of this decision\.$"
    )
    receiver.statuses.extend([503, 503])  # down for both tries, then up
    # the second try takes its time: the page asks while it is in flight, when the service gives the end of the try's
    # claim (two minutes away) as the next try; the page then waited 30 s to show that the try had failed
    receiver.pauses.extend([0.0, 6.0])
    with _live(tmp_path, callback_max_attempts=2) as live, httpx.Client(timeout=30, base_url=live.url) as http:
        admin, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client, {**URGENT, "callback_url": receiver.url})
        item = f"#/e/{decision['escalation_id']}"
        # the reviewer who blocks it sees the callback fail, and that only an admin can send it again
        with _console(chromium, live.url, reviewer, hash=item) as page:
            _resolve_on_the_page(page, "b")
            expect(page.locator(".callback-state")).to_have_text(failed, timeout=WAIT)
            expect(page.locator(".callback")).to_contain_text("An admin can send it again from this page.")
            expect(page.get_by_role("button", name="Send again")).to_have_count(0)
        assert len(receiver.wait_for(2)) == 2

        # an admin opens it, sends it again, and watches it arrive (the page asks the service by itself)
        with _console(chromium, live.url, admin, hash=item) as page:
            expect(page.locator(".callback-state")).to_have_text(failed)
            # console QA: "the caller has the final decision" stood right above "has not been told"
            expect(page.locator(".outcome")).not_to_contain_text("the caller has the final decision")
            expect(page.locator(".outcome")).to_contain_text("the final decision is recorded")
            page.get_by_role("button", name="Send again").click()
            expect(page.locator(".callback-result")).to_contain_text("Queued to be sent again at ")
            expect(page.locator(".callback-state")).to_have_text(DELIVERED, timeout=WAIT)
            expect(page.get_by_role("button", name="Send again")).to_have_count(0)
            expect(page.locator("#app")).not_to_contain_text("127.0.0.1")

    deliveries = receiver.wait_for(3)
    assert len(deliveries) == 3
    assert len({d.headers["x-oversight-delivery"] for d in deliveries}) == 1  # the same delivery, sent again


def test_a_callback_waiting_for_its_next_try_says_when(
    chromium: str, tmp_path: Path, receiver: CallbackReceiver
) -> None:
    from playwright.sync_api import expect

    receiver.statuses.append(503)  # the first try fails; the next is 5 minutes later
    with (
        _live(tmp_path, callback_backoff_s=300.0, callback_max_attempts=3) as live,
        httpx.Client(timeout=30, base_url=live.url) as http,
    ):
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client, {**URGENT, "callback_url": receiver.url})
        with _console(chromium, live.url, reviewer, hash=f"#/e/{decision['escalation_id']}") as page:
            _resolve_on_the_page(page, "b")
            expect(page.locator(".callback-state")).to_have_text(
                "Callback: waiting, not delivered yet (1 attempt failed, the last because the receiver answered "
                "HTTP 503).",
                timeout=WAIT,
            )
            countdown = page.locator(".callback-next")
            expect(countdown).to_have_text(re.compile(r"^Next try in (5 min|4 min \d+ s)\.$"))
            shown = countdown.text_content()
            expect(countdown).not_to_have_text(shown or "")  # it counts down by itself
            expect(countdown).to_have_text(re.compile(r"^Next try in 4 min \d+ s\.$"))
            expect(countdown).not_to_have_attribute("aria-live", "polite")  # not read out every second


# -- the time limit ----------------------------------------------------------------------------------------------
def _expires(http: httpx.Client, key: str, escalation_id: str) -> float:
    """The escalation's time limit, as Unix time in seconds (what ``page.clock`` takes)."""
    item = http.get(f"/v1/escalations/{escalation_id}", headers={"authorization": f"Bearer {key}"}).json()
    return datetime.fromisoformat(item["expires_at"]).timestamp()


def test_an_open_items_time_limit_counts_down_and_says_when_it_has_passed(chromium: str, tmp_path: Path) -> None:
    # Before: "(in 24 h)" was computed once, and stayed so however long the page was open.
    from playwright.sync_api import expect

    with _live(tmp_path) as live, httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client, URGENT)
        escalation_id = decision["escalation_id"]
        expires = _expires(http, reviewer, escalation_id)
        with _console(chromium, live.url, reviewer, clock=True, hash=f"#/e/{escalation_id}") as page:
            due = page.locator("p.due")
            expect(due).to_contain_text("If nobody answers, it will be blocked automatically on ")
            expect(due).to_contain_text("(in 23 h)")  # 23 h 59 min and some seconds: rounded down
            # the reviewer keeps the page open until 5 minutes before the time limit (the page's clock is paused
            # there, and moved on below)
            page.clock.pause_at(expires - 302.5)
            expect(due).to_have_text(re.compile(r"\(in 5 min [1-3] s\)\.$"))
            expect(page.locator(".sr-only")).to_have_text("")  # far from the limit: nothing said aloud
            before = due.text_content()
            page.clock.run_for(2000)
            expect(due).not_to_have_text(before or "")
            expect(due).to_have_text(re.compile(r"\(in (5 min( \d+ s)?|4 min \d+ s)\)\.$"))
            # a whole minute passes: said once, aloud
            page.clock.pause_at(expires - 250)
            expect(due).to_have_text(re.compile(r"\(in 4 min \d+ s\)\.$"))
            expect(page.locator(".sr-only")).to_have_text(
                "5 minutes left: if nobody answers, it will be blocked automatically."
            )
            expect(page.locator(".sr-only")).to_have_attribute("aria-live", "polite")
            expect(due).not_to_have_attribute("aria-live", "polite")
            # the time limit passes while the page is open
            page.clock.pause_at(expires + 2)
            passed = (
                "The time limit has passed: it will be blocked automatically at the next check, unless an answer "
                "gets there first. This page shows it as soon as it has closed."
            )
            expect(due).to_have_text(passed)
            expect(page.locator(".sr-only")).to_have_text(passed)

            # the time limit's check closes it; the reviewer's answer then meets the conflict, and Reload shows it
            swept = live.call(live.app.state.escalations.sweep(datetime.now(UTC) + timedelta(hours=25)))
            assert [d.review_id for d in swept] == [decision["review_id"]]
            page.keyboard.press("a")
            page.keyboard.press("Enter")
            expect(page.get_by_role("alert")).to_contain_text("closed by the time limit (blocked automatically)")
            page.get_by_role("button", name="Reload").click()
            expect(page.locator(".outcome h3")).to_have_text("Blocked by the time limit")
            expect(page.locator("p.due")).to_have_count(0)
            page.keyboard.press("u")
            expect(page.get_by_text("Nothing is waiting for a human.")).to_be_visible()


def test_the_inbox_due_column_counts_down_between_refreshes(chromium: str, tmp_path: Path) -> None:
    # Before: a row's "auto-block in …" changed only when the list was fetched again (every 10 s).
    from playwright.sync_api import expect

    with _live(tmp_path) as live, httpx.Client(timeout=30, base_url=live.url) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client, URGENT)
        expires = _expires(http, reviewer, decision["escalation_id"])
        with _console(chromium, live.url, reviewer, clock=True) as page:
            due = page.locator("tr.row").filter(has_text="health.urgent_symptoms_dismissed").locator(".due")
            expect(due).to_have_text("auto-block in 23 h")
            # 3 s before the limit, paused there: the list is fetched again on the way (its 10 s refresh fires once)
            page.clock.pause_at(expires - 3)
            expect(due).to_have_text("auto-block in less than a minute")
            # 5 s on, the list's next refresh still 10 s away: the row moves on by itself
            page.clock.run_for(5000)
            expect(due).to_have_text("auto-block due now")
