"""An open drift alert survives a restart: shown as open (``/v1/drift``, ``/metrics``) under the id and time it was
announced with, not posted again, not closed as "abandoned" by the ledger's sweep, and closed (one post) only when
it is re-tested and the drift is gone.

Before, an open alert the restarted process did not detect again in its refill (replay off, a CUSUM chart that
re-learns, a series too quiet to re-test) vanished from ``/v1/drift`` and the gauge at the restart, and ten minutes
later the sweep posted it closed ("abandoned") although nothing had recovered.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

import tests.api.test_metrics_drift as md
from service.drift import DriftConfig, DriftMonitor
from service.drift_pins import ABANDONED_S, open_pin_store
from service.settings import Settings

KEY = "health/fast-chat@v2|disagreement|two_proportion"


def gauge(text: str, name: str, **labels: str) -> float:
    return sum(
        s.value
        for f in text_string_to_metric_families(text)
        for s in f.samples
        if s.name == name and set(labels.items()) <= set(s.labels.items())
    )


def open_series(text: str) -> dict[tuple[str, str, str, str], float]:
    """``oversight_drift_alert_open`` by (domain, fast_model, metric, kind)."""
    return {
        (s.labels["domain"], s.labels["fast_model"], s.labels["metric"], s.labels["kind"]): s.value
        for f in text_string_to_metric_families(text)
        for s in f.samples
        if s.name == "oversight_drift_alert_open"
    }


def wait_for_alert(client: TestClient) -> dict[str, Any]:
    """The disagreement alert once the monitor has it and the announcer has posted and recorded it."""
    deadline = time.monotonic() + 30
    while True:
        alerts = [a for a in client.get("/v1/drift").json()["alerts"] if a["key"] == KEY]
        if alerts or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert client.portal is not None
    client.portal.call(client.app.state.drift_announcer.drain)  # type: ignore[attr-defined]
    assert len(alerts) == 1
    return alerts[0]


@pytest.fixture
def drifted(tmp_path: Path, drift_env: md.WebhookReceiver) -> dict[str, Any]:
    """A process that saw fast-chat@v2 drift and announced it, then stopped."""
    with md.make_client(tmp_path) as client:
        md.burst(client, "v1", 60, unsafe_every=10)
        md.burst(client, "v2", 60, unsafe_every=2)
        alert = wait_for_alert(client)
        text = client.get("/metrics").text
    # Which series alerts, on /metrics: one labelled sample per open alert (the disagreement one, and any other the
    # same burst raised), the count gauge agreeing with it.
    opened = open_series(text)
    assert opened[("health", "fast-chat@v2", "disagreement", "two_proportion")] == 1
    assert set(opened.values()) == {1} and len(opened) == gauge(text, "oversight_drift_alerts_open")
    return alert


drift_env = md.drift_env
webhook = md.webhook


def test_an_alert_the_refill_does_not_detect_again_stays_open_after_a_restart_and_is_not_abandoned(
    tmp_path: Path, drift_env: md.WebhookReceiver, drifted: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVERSIGHT_DRIFT_REPLAY_MAX", "0")  # the restarted monitor does not see the evidence again
    with md.make_client(tmp_path) as client:
        after = [a for a in client.get("/v1/drift").json()["alerts"] if a["key"] == KEY]
        text = client.get("/metrics").text
        announcer = client.app.state.drift_announcer  # type: ignore[attr-defined]
        assert client.portal is not None
        # The minute sweep, once the alert would have been abandoned: this process holds it, nothing is closed.
        assert client.portal.call(announcer.sweep, time.time() + ABANDONED_S + 60.0) == []
        client.portal.call(announcer.drain)
        still = [a for a in client.get("/v1/drift").json()["alerts"] if a["key"] == KEY]

    assert [(a["id"], a["detected_at"], a["state"]) for a in after] == [
        (drifted["id"], pytest.approx(drifted["detected_at"]), "open")
    ]
    assert (after[0]["direction"], after[0]["baseline"], after[0]["current_rate"]) == (
        "up", "pinned:fast-chat@v1", pytest.approx(drifted["current_rate"]))
    assert [a["id"] for a in still] == [drifted["id"]]
    assert gauge(text, "oversight_drift_alerts_open") == 1
    assert open_series(text) == {("health", "fast-chat@v2", "disagreement", "two_proportion"): 1}
    assert gauge(text, "oversight_drift_alerts_total") == 0  # announced before the restart: not counted again
    # One post, the opening: no second page, no "closed (abandoned)" for an alert nothing showed had recovered.
    posted = [(p["alert"]["id"], p["alert"]["state"]) for p in drift_env.posts if p["alert"]["metric"] == "disagreement"]
    assert posted == [(drifted["id"], "open")]


def test_a_held_alert_closes_once_when_a_re_test_no_longer_finds_the_drift() -> None:
    cfg = DriftConfig(window_s=60, bucket_s=1, eval_every_s=1000, alpha=0.01, min_samples=20, min_events=2)
    stored = {
        "id": "drift-local-000009", "key": KEY, "series": "health/fast-chat@v2", "domain": "health",
        "fast_model": "fast-chat@v2", "metric": "disagreement", "kind": "two_proportion", "direction": "up",
        "baseline": "previous_window", "baseline_rate": 0.1, "current_rate": 0.5, "detected_at": 90.0,
        "detected_at_iso": "1970-01-01T00:01:30Z", "updated_at": 95.0, "n": 40, "baseline_n": 40, "alarms": 2,
        "state": "open",
    }
    emitted: list[dict[str, Any]] = []
    monitor = DriftMonitor(cfg, on_alert=emitted.append)
    assert monitor.restore_alert(stored, alert_id="drift-announced-000001", detected_at=80.0)
    assert not monitor.restore_alert(stored, alert_id="drift-announced-000001", detected_at=80.0)  # held already
    [held] = monitor.open_alerts()
    assert (held["id"], held["detected_at"], held["alarms"]) == ("drift-announced-000001", 80.0, 2)
    assert emitted == []  # announced before: not announced again

    monitor.evaluate(160.0)  # no traffic since the restart: cannot be re-tested, so it stays open and says why
    assert [a["not_retested_reason"] for a in monitor.open_alerts()] == ["insufficient_samples"]
    assert emitted == []
    for t in range(160, 280):  # two windows of the same 10 % rate: the re-test runs and finds no drift
        monitor.observe("health", "fast-chat@v2", disagreement=t % 10 == 0, response_class=None, ts=float(t))
    monitor.evaluate(280.0)
    assert monitor.open_alerts() == []
    assert [(a["id"], a["state"], a["close_reason"]) for a in emitted] == [
        ("drift-announced-000001", "closed", "not_significant")
    ]


async def test_the_ledger_keeps_each_open_alert_as_last_refreshed_for_the_next_start(any_settings: Settings) -> None:
    other = "cyber/coder@1|refusal|cusum"
    async with open_pin_store(any_settings) as one, open_pin_store(any_settings) as two:
        body = {"id": "drift-a-1", "key": KEY, "alarms": 1, "current_rate": 0.4}
        assert await one.claim_alert_open(KEY, "drift-a-1", now=1000.0, quiet_s=60, body=body) is None
        assert await one.claim_alert_open(other, "drift-a-2", now=1000.0, quiet_s=60) is None  # an older writer
        assert await two.open_alert_bodies() == {KEY: body}
        later = {**body, "alarms": 3, "current_rate": 0.5}
        await one.refresh_alerts([KEY], now=1060.0, bodies={KEY: later})
        assert await two.open_alert_bodies() == {KEY: later}
        assert await two.claim_alert_close(KEY, now=1100.0) == "drift-a-1"
        assert await two.open_alert_bodies() == {}


def test_the_labelled_alert_gauge_has_a_sample_per_open_alert_and_none_once_it_closes() -> None:
    from prometheus_client import CollectorRegistry, generate_latest

    from service.api.observability import _DriftCollector

    cfg = DriftConfig(window_s=60, bucket_s=1, eval_every_s=1000, alpha=0.01, min_samples=20, min_events=2)
    monitor = DriftMonitor(cfg)
    now = [0.0]
    registry = CollectorRegistry()
    registry.register(_DriftCollector(monitor, lambda: now[0]))

    def scrape() -> dict[tuple[str, str, str, str], float]:
        return open_series(generate_latest(registry).decode())

    assert scrape() == {}
    monitor.pin_baseline("health", "m@1")
    for i in range(40):
        monitor.observe("health", "m@1", disagreement=i % 10 == 0, response_class=None, ts=100 + i * 0.01)
        monitor.observe("health", "m@2", disagreement=i % 2 == 0, response_class=None, ts=101 + i * 0.01)
    monitor.evaluate(102.0)
    now[0] = 102.0
    assert scrape() == {("health", "m@2", "disagreement", "two_proportion"): 1}
    for t in range(103, 300):  # m@2 back at m@1's rate for three windows: re-tested, no drift, closed
        monitor.observe("health", "m@2", disagreement=t % 10 == 0, response_class=None, ts=float(t))
    monitor.evaluate(300.0)
    now[0] = 300.0
    assert monitor.open_alerts() == []
    assert scrape() == {}
