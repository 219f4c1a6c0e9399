"""The gauges reach OTLP too: a team that watches Oversight through an OTLP metrics pipeline only (no scrape of
/metrics) sees a drift alert open, escalations waiting and a reviewer circuit open, with the values /metrics shows.

The service pushes to a real OTLP/HTTP receiver on loopback, configured by ``OTEL_EXPORTER_OTLP_METRICS_ENDPOINT``
as in production. Nothing waits for the push interval (set to an hour): each check takes the figures the service
keeps for its gauges (``OtlpGaugeFeed.refresh``, what its own task does every few seconds) and forces a push
(``MeterProvider.force_flush``), then reads /metrics for the same figures.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from service.main import create_app
from service.settings import Settings
from tests.api.test_metrics_drift import MarkerReviewer as DriftReviewer
from tests.api.test_metrics_drift import burst
from tests.fakes.fixtures import model_server, model_server_session
from tests.fakes.model_server import FakeModelServer, Reply
from tests.integration.test_tracing import ESCALATE, SAFE, HttpReceiver, MarkerReviewer, _value, receiver, review
from tests.reliability.test_circuit_breaker import VENDOR, App, _circuit_gauge, _clock, _review, app

__all__ = ["app", "model_server", "model_server_session", "receiver"]  # fixtures

Attributes = tuple[tuple[str, Any], ...]


@dataclass
class Pushed:
    """One metric as the collector last received it."""

    unit: str
    points: dict[Attributes, float]  # value by sorted attributes
    resource: dict[str, Any]


def pushed(receiver: HttpReceiver) -> dict[str, Pushed]:
    """Every metric of the receiver's exports, by OTLP name, as the last export that carried it has it."""
    out: dict[str, Pushed] = {}
    for request in receiver.metrics:
        for rm in request.resource_metrics:
            resource = {kv.key: _value(kv.value) for kv in rm.resource.attributes}
            for sm in rm.scope_metrics:
                for metric in sm.metrics:
                    data = metric.gauge.data_points or metric.sum.data_points
                    points = {
                        tuple(sorted((kv.key, _value(kv.value)) for kv in p.attributes)): p.as_double or p.as_int
                        for p in data
                    }
                    out[metric.name] = Pushed(metric.unit, points, resource)
    return out


def push(client: TestClient, receiver: HttpReceiver) -> dict[str, Pushed]:
    """What the next push carries: the gauges' figures taken now (on the event loop), then one push, forced."""
    state: Any = client.app.state  # type: ignore[attr-defined]
    feed = getattr(state, "otlp_gauges", None)  # absent before the gauges reached OTLP
    assert client.portal is not None
    if feed is not None:
        client.portal.call(feed.refresh, state.runtime.store)
    provider = getattr(state, "meter_provider", None)
    if provider is not None:
        assert provider.force_flush()
    return pushed(receiver)


def scraped(client: TestClient) -> dict[str, dict[Attributes, float]]:
    """/metrics: value by sorted labels, per sample name."""
    out: dict[str, dict[Attributes, float]] = {}
    for family in text_string_to_metric_families(client.get("/metrics").text):
        for s in family.samples:
            out.setdefault(s.name, {})[tuple(sorted(s.labels.items()))] = s.value
    return out


def gauge(metrics: dict[str, Pushed], name: str) -> Pushed:
    assert name in metrics, f"{name} was not pushed (pushed: {sorted(metrics)})"
    return metrics[name]


@pytest.fixture
def otlp(receiver: HttpReceiver, monkeypatch: pytest.MonkeyPatch) -> HttpReceiver:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", f"{receiver.url}/v1/metrics")
    monkeypatch.setenv("OTEL_METRIC_EXPORT_INTERVAL", "3600000")  # only the pushes the test forces (and the last)
    return receiver


def test_an_open_drift_alert_and_the_drift_rates_reach_otlp(
    tmp_path: Path, otlp: HttpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small-sample drift settings (as tests/api/test_metrics_drift.py): a hundred reviews raise an alert.
    monkeypatch.setenv("OVERSIGHT_DRIFT_MIN_SAMPLES", "40")
    monkeypatch.setenv("OVERSIGHT_DRIFT_MIN_EVENTS", "5")
    monkeypatch.setenv("OVERSIGHT_DRIFT_EVAL_EVERY_S", "0.001")
    settings = Settings(data_dir=tmp_path / "data", audit_seed=0)
    with TestClient(create_app(settings, reviewer=DriftReviewer())) as client:
        before = push(client, otlp)
        burst(client, "v1", 60, unsafe_every=10)  # 10 % disagreement
        burst(client, "v2", 60, unsafe_every=2)  # 50 % after the fast model changed
        deadline = time.monotonic() + 30  # a bounded poll for the monitor (it follows the store), as the drift test
        while not client.get("/v1/drift").json()["alerts"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.portal is not None
        client.portal.call(client.app.state.drift_announcer.drain)  # type: ignore[attr-defined]
        metrics = scraped(client)
        after = push(client, otlp)

    assert gauge(before, "oversight.drift.alerts.open").points == {(): 0}
    # What on-call notices over OTLP: the alert is open, the same count /metrics shows.
    open_now = gauge(after, "oversight.drift.alerts.open")
    assert open_now.points == {(): 1} == metrics["oversight_drift_alerts_open"]
    assert open_now.unit == "1"
    # Every worker pushes under its own service.instance.id: a collector can tell the processes apart (max over it).
    assert open_now.resource["service.instance.id"] and open_now.resource["service.name"] == "oversight"

    # Which series alert, labelled as on /metrics (oversight_drift_alert_open): the fast model that drifted.
    alerting = gauge(after, "oversight.drift.alert.open")
    assert alerting.points == metrics["oversight_drift_alert_open"]
    assert [dict(labels)["fast_model"] for labels in alerting.points] == ["fast-chat@v2"]
    assert list(alerting.points.values()) == [1]
    assert "oversight.drift.alert.open" not in before or not before["oversight.drift.alert.open"].points

    # The window rates and their denominators, series for series and value for value as on /metrics.
    series = (("domain", "health"), ("fast_model", "fast-chat@v2"), ("metric", "disagreement"))
    rate = gauge(after, "oversight.drift.rate")
    assert rate.points[series] == pytest.approx(0.5)
    assert rate.points == pytest.approx(metrics["oversight_drift_rate"])
    samples = gauge(after, "oversight.drift.window.samples")
    assert samples.points[series] == 60
    assert samples.points == metrics["oversight_drift_window_samples"]

    # The feed's health: when it last read (seconds, as /metrics), and its read errors (a counter).
    read_at = gauge(after, "oversight.drift.feed.read.timestamp")
    assert read_at.unit == "s"
    assert read_at.points[()] >= metrics["oversight_drift_feed_read_timestamp_seconds"][()]  # read again since
    assert gauge(after, "oversight.drift.feed.errors").points == {(): 0}


def test_an_escalation_waiting_shows_in_the_pushed_backlog_and_drops_when_resolved(
    tmp_path: Path, otlp: HttpReceiver
) -> None:
    settings = Settings(data_dir=tmp_path / "data", audit_seed=0)
    with TestClient(create_app(settings, reviewer=MarkerReviewer())) as client:
        review(client, SAFE)
        escalated = review(client, ESCALATE)
        assert escalated["verdict"] == "escalate"
        waiting, waiting_scraped = push(client, otlp), scraped(client)
        runtime: Any = client.app.state.runtime  # type: ignore[attr-defined]
        assert client.portal is not None
        client.portal.call(runtime.resume, escalated["review_id"], {"action": "block", "by": "nurse@example.org"})
        resolved, resolved_scraped = push(client, otlp), scraped(client)

    health = (("domain", "health"),)
    pending = gauge(waiting, "oversight.escalations.pending")
    assert pending.points[health] == 1 == waiting_scraped["oversight_escalations_pending"][health]
    # every domain, 0 when none waits: the same series as /metrics
    assert pending.points == waiting_scraped["oversight_escalations_pending"]
    age = gauge(waiting, "oversight.escalation.oldest.pending.age")
    assert age.unit == "s"
    assert set(age.points) == set(waiting_scraped["oversight_escalation_oldest_pending_age_seconds"])
    assert age.points[health] > 0 and age.points[(("domain", "finance"),)] == 0

    # A human resolved it: the pushed backlog drops, as /metrics does.
    assert gauge(resolved, "oversight.escalations.pending").points[health] == 0
    assert resolved_scraped["oversight_escalations_pending"][health] == 0
    assert gauge(resolved, "oversight.escalation.oldest.pending.age").points[health] == 0


def test_a_reviewer_circuit_that_opens_shows_1_for_that_provider_and_model(
    otlp: HttpReceiver,  # first: the receiver outlives the app, whose last push at shutdown it takes
    app: App,
    model_server: FakeModelServer,
) -> None:
    model_server.script(*[Reply.server_error(500) for _ in range(20)])  # the vendor is down for good
    client = app(failures=3)
    _clock(client)
    reviewer = (("model", VENDOR[1]), ("provider", VENDOR[0]))

    def circuit(metrics: dict[str, Pushed]) -> float:
        return gauge(metrics, "oversight.reviewer.circuit.open").points[reviewer]

    assert _review(client)["reviewer_outcome"]["error"] == "reviewer_unavailable"
    assert circuit(push(client, otlp)) == 0 == _circuit_gauge(client)  # one failure: still closed

    for _ in range(2):
        assert _review(client)["reviewer_outcome"]["error"] == "reviewer_unavailable"
    opened = push(client, otlp)
    assert circuit(opened) == 1 == _circuit_gauge(client)  # three outages in a row: open, on both sides
    assert gauge(opened, "oversight.reviewer.circuit.open").unit == "1"
    assert _review(client)["reviewer_outcome"]["error"] == "reviewer_circuit_open"
