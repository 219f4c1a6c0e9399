"""A human reviewer's QA pass on the inbox, each defect reproduced in a real browser (Playwright driving Debian's
Chromium): a later page that emptied, invisible characters, a long answer, a note over the limit, a draft lost to
a reload, rows out of reach of the Tab key, and a time limit's conflict message in internal names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.main import create_app
from service.settings import Settings
from tests.api._helpers import URGENT
from tests.browser.test_console import _acme_keys, _signed_in, serving
from tests.browser.test_console import chromium as chromium  # the fixture

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with serving(create_app(Settings(data_dir=tmp_path / "data", audit_seed=0))) as url:
        yield url


def _escalate(http: httpx.Client, client: str, **changes: Any) -> dict[str, Any]:
    decision: dict[str, Any] = http.post(
        "/v1/reviews", json={**URGENT, **changes}, headers={"authorization": f"Bearer {client}"}
    ).json()
    assert decision["verdict"] == "escalate", decision
    return decision


def test_a_later_page_that_emptied_goes_back_to_the_first(chromium: str, server: str) -> None:
    # Page 2 of the inbox, emptied by other reviewers (or opened from an old link), said "Nothing is waiting for a
    # human." with no pager, while the first page still held items.
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=server) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        for n in range(3):
            _escalate(http, client, output=f"Probably nothing to worry about, just rest ({n}).")
        with _signed_in(chromium, server, reviewer) as page:
            expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
            page.goto(f"{server}/console#/?status=pending&offset=25")
            expect(page.locator("tr.row")).to_have_count(3)
            expect(page.locator(".empty")).to_have_count(0)
            assert "offset=25" not in page.url


def test_invisible_characters_are_shown_where_they_are(chromium: str, server: str) -> None:
    # "Open \u202etxt.exe" showed as "Open exe.txt", and a zero-width space inside a word showed nothing at all.
    from playwright.sync_api import expect

    answer = "Probably nothing to worry about, just rest. Open \u202etxt.exe\u202c now. ze\u200bro"
    with httpx.Client(timeout=30, base_url=server) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client, output=answer)
        with _signed_in(chromium, server, reviewer) as page:
            row = page.locator("tr.row").first
            expect(row.locator(".invisible")).to_have_count(3)  # the excerpt, too
            page.goto(f"{server}/console#/e/{decision['escalation_id']}")
            marks = page.locator("#answer .invisible")
            expect(marks).to_have_text(["⟦U+202E⟧", "⟦U+202C⟧", "⟦U+200B⟧"])
            expect(page.get_by_role("note")).to_contain_text("3 invisible characters")
            shown = page.locator("#answer").evaluate("a => a.textContent")
            assert "ze⟦U+200B⟧ro" in shown


def test_an_answer_without_invisible_characters_gets_no_notice(chromium: str, server: str) -> None:
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=server) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client, output="Probably nothing to worry about, just rest. Café 👍🏽")
        with _signed_in(chromium, server, reviewer) as page:
            page.goto(f"{server}/console#/e/{decision['escalation_id']}")
            expect(page.locator("#answer")).to_contain_text("Café 👍🏽")
            expect(page.locator(".invisible, .invisible-notice")).to_have_count(0)


def test_on_a_long_answer_the_resolve_panel_stays_on_screen(chromium: str, server: str) -> None:
    # A 145,000-character answer made a page 36,000 px tall, the Resolve panel far above the findings.
    from playwright.sync_api import expect

    answer = "Probably nothing to worry about, just rest.\n" + "This line is filler text for length.\n" * 3000
    with httpx.Client(timeout=30, base_url=server) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client, output=answer)
        with _signed_in(chromium, server, reviewer) as page:
            page.set_viewport_size({"width": 1280, "height": 800})
            page.goto(f"{server}/console#/e/{decision['escalation_id']}")
            findings = page.get_by_role("heading", name="Findings")
            expect(findings).to_be_visible()
            height = page.evaluate("document.documentElement.scrollHeight")
            assert height < 4000, height  # the answer scrolls in its own box
            findings.scroll_into_view_if_needed()
            box = page.locator("section.resolve").bounding_box()
            assert box is not None and 0 <= box["y"] < 800  # and the panel is still in view


def test_a_note_over_the_limit_is_counted_and_not_cut_short(chromium: str, server: str) -> None:
    # A pasted note of 4,030 characters kept 4,000 of them, without a word.
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=server) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client)
        with _signed_in(chromium, server, reviewer) as page:
            page.goto(f"{server}/console#/e/{decision['escalation_id']}")
            note = page.locator("#note")
            note.fill("x" * 4030)
            assert note.input_value() == "x" * 4030
            expect(page.locator(".count")).to_have_text("4030 characters: 30 over the limit of 4000")
            page.keyboard.press("Escape")
            page.keyboard.press("b")
            page.keyboard.press("Enter")
            expect(page.get_by_role("alert")).to_contain_text("the limit is 4000")
            still = http.get(
                f"/v1/escalations/{decision['escalation_id']}", headers={"authorization": f"Bearer {reviewer}"}
            ).json()
            assert still["status"] == "pending"
            note.fill("x" * 3990)
            expect(page.locator(".count")).to_have_text("3990 / 4000")


def test_leaving_with_an_unsent_note_asks_first(chromium: str, server: str) -> None:
    # Reloading or closing the tab mid-edit lost the note and the edit without a warning. The browser asks when
    # the page's beforeunload handler cancels the event: it does with an unsent draft, and only then.
    leaving = "() => { const e = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(e); return e.defaultPrevented; }"
    with httpx.Client(timeout=30, base_url=server) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client)
        with _signed_in(chromium, server, reviewer) as page:
            page.goto(f"{server}/console#/e/{decision['escalation_id']}")
            page.locator("#note").click()
            assert page.evaluate(leaving) is False  # nothing typed yet
            page.keyboard.type("Called the user back.")
            assert page.evaluate(leaving) is True
            page.locator("#note").fill("")
            assert page.evaluate(leaving) is False


def test_inbox_rows_can_be_reached_and_opened_with_the_tab_key(chromium: str, server: str) -> None:
    from playwright.sync_api import expect

    with httpx.Client(timeout=30, base_url=server) as http:
        _, reviewer, client = _acme_keys(http, "shop")
        decision = _escalate(http, client)
        with _signed_in(chromium, server, reviewer) as page:
            expect(page.locator("tr.row")).to_have_count(1)
            for _ in range(30):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.classList.contains('headline')"):
                    break
            else:
                pytest.fail("Tab never reached an inbox row")
            page.keyboard.press("Enter")
            expect(page).to_have_url(f"{server}/console#/e/{decision['escalation_id']}")


def test_a_conflict_with_the_time_limit_is_said_in_words(tmp_path: Path) -> None:
    # "escalation already expired by system:timeout": the resolver's internal name
    from datetime import UTC, datetime, timedelta

    from fastapi.testclient import TestClient

    from tests.api._helpers import bearer, call, make_key, state

    with TestClient(create_app(Settings(data_dir=tmp_path / "data", audit_seed=0))) as client:
        admin = make_key(client, "acme", "admin")
        reviewer = make_key(client, "acme", "reviewer", "ana")
        decision = client.post("/v1/reviews", json=URGENT, headers=bearer(admin)).json()
        escalation_id = decision["escalation_id"]
        call(client, state(client).escalations.sweep, datetime.now(UTC) + timedelta(hours=25))
        r = client.post(
            f"/v1/escalations/{escalation_id}/resolve", json={"action": "approve"}, headers=bearer(reviewer)
        )
        assert r.status_code == 409
        message = r.json()["error"]["message"]
        assert "system:timeout" not in message and message.endswith("closed by the time limit (blocked automatically)")
