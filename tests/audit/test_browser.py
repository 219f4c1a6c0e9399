"""The HTML report opens in Chromium and shows its charts (no network, no script)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.audit.html import render_html
from service.audit.report import build_report
from tests.audit._helpers import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _results() -> list[dict]:  # type: ignore[type-arg]
    rows = []
    for i in range(120):
        version = "brisk@2026.03" if i % 2 else "brisk@2026.05"
        rows.append({
            "seq": i, "turn_id": f"s{i}#1", "session_id": f"s{i}", "domain": ["health", "finance", "cyber"][i % 3],
            "intent": "x", "locale": ["en-US", "de-DE"][i % 2], "tenant": "acme", "suite": ["benign", "sensitive"][i % 4 // 2],
            "fast_model": version, "refusal": version.endswith("05") and i % 3 == 0, "safe_completion": i % 7 == 0,
            "over_caveated": i % 11 == 0, "policy_incident": i == 4, "escalation": i % 13 == 0,
            "disagreement": i % 9 == 0, "task_success": i % 5 != 0, "reviewer_outcome": "verdict",
        })
    return rows


def test_report_renders_with_visible_charts(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "report.html"
    page_file.write_text(render_html(build_report(_results(), job={"id": "aud_browser", "name": "nightly"})))
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri())
            assert page.title() == "Audit nightly"
            assert page.get_by_role("heading", name="Fast-model versions side by side").is_visible()
            charts = page.locator("svg[role=img]")
            assert charts.count() >= 8  # versions, five forest plots, segment grids
            versions = page.locator("svg[aria-label*='brisk@2026.03 vs brisk@2026.05']")
            box = versions.bounding_box()
            assert box is not None and box["width"] > 600 and box["height"] > 200
            bars = versions.locator("rect")
            assert bars.count() == 14  # two versions x seven rates
            assert max(bars.nth(i).bounding_box()["width"] for i in range(14)) > 50  # type: ignore[index]
            grid = page.locator("svg[aria-label='Rates by domain with 95% intervals']")
            assert grid.is_visible() and "health" in grid.inner_html()
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
            assert not errors
        finally:
            browser.close()
    assert all(u.startswith("file://") for u in requests), requests  # nothing fetched from the network
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_the_suites_report_renders(tmp_path: Path) -> None:
    """The shipped suites through the real graph (in process), then the page checked in the browser."""
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed")
    import subprocess
    import sys

    rows = [json.loads(line) for f in sorted((ROOT / "suites").glob("*/*.jsonl")) for line in f.read_text().splitlines()]
    sessions = tmp_path / "s.jsonl"
    sessions.write_text("".join(json.dumps(r) + "\n" for r in rows))
    env = {"OVERSIGHT_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin", "OTEL_TRACES_EXPORTER": "none"}
    done = subprocess.run([str(Path(sys.executable).parent / "oversight"), "audit", str(sessions), "--out",
                           str(tmp_path / "r")], env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.goto((tmp_path / "r" / "report.html").as_uri())
            assert page.locator("svg[aria-label*='brisk@2026.03 vs brisk@2026.05']").is_visible()
            assert page.get_by_text("significant", exact=False).first.is_visible()
        finally:
            browser.close()
