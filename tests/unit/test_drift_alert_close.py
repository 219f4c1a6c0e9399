"""A drift alert closes on evidence that the shift is gone, not because the series became too quiet to test.

QA (on-call M2): after ``fast-chat@2026-12`` alerted at 46 % vs 10 %, its traffic dropped below ``min_samples`` per
window and the alert closed (``insufficient_samples``), resolving the page while the drifted version still served.
"""

from __future__ import annotations

from typing import Any

from service.drift import DriftConfig, DriftMonitor

WINDOW = 600.0
CFG = DriftConfig(
    window_s=WINDOW, bucket_s=60, eval_every_s=60, min_samples=30, min_events=3, alert_idle_close_s=6 * WINDOW
)


def _feed(m: DriftMonitor, fast_model: str, n: int, bad_every: int, t0: float, step: float) -> float:
    t = t0
    for i in range(n):
        m.observe("health", fast_model, disagreement=i % bad_every == 0, response_class=None, ts=t)
        t += step
    return t


def _drifted() -> tuple[DriftMonitor, list[dict[str, Any]], float]:
    events: list[dict[str, Any]] = []
    m = DriftMonitor(CFG, on_alert=events.append)
    t = _feed(m, "fast-chat@1", 300, 10, 0.0, 1.0)  # 10 %
    t = _feed(m, "fast-chat@2", 200, 2, t, 1.0)  # 50 % against the automatic pin fast-chat@1
    m.evaluate(t)
    assert any(e["state"] == "open" and e["kind"] == "two_proportion" for e in events)
    return m, events, t


def _open_batch_alert(m: DriftMonitor) -> dict[str, Any] | None:
    return next((a for a in m.open_alerts() if a["kind"] == "two_proportion"), None)


def test_an_alert_whose_series_is_too_quiet_to_test_stays_open_and_says_why() -> None:
    m, events, t = _drifted()
    # The drifted version keeps serving, a trickle: 5 decisions per window, far below min_samples.
    for _ in range(4):
        t = _feed(m, "fast-chat@2", 5, 2, t + 1, WINDOW / 5)
        m.evaluate(t)
    alert = _open_batch_alert(m)
    assert alert is not None, [e.get("close_reason") for e in events if e["state"] == "closed"]
    assert alert["not_retested_reason"] == "insufficient_samples"
    assert alert["not_retested_since"] is not None
    assert not any(e["state"] == "closed" and e["close_reason"] == "insufficient_samples" for e in events)
    snap = m.snapshot(t)
    assert any(a["id"] == alert["id"] for a in snap["alerts"])


def test_an_alert_closes_when_a_test_no_longer_finds_the_shift() -> None:
    m, events, t = _drifted()
    for _ in range(3):  # the version recovers, with enough traffic to test it
        t = _feed(m, "fast-chat@2", 100, 10, t + 1, WINDOW / 100)
        m.evaluate(t)
    closed = [e for e in events if e["state"] == "closed" and e["kind"] == "two_proportion"]
    assert [e["close_reason"] for e in closed] == ["not_significant"]
    assert _open_batch_alert(m) is None


def test_an_alert_whose_series_stopped_closes_after_the_documented_idle_time() -> None:
    m, events, t = _drifted()
    stop = t
    for k in range(1, 6):  # no traffic for 5 windows (< alert_idle_close_s): still open
        m.evaluate(stop + k * WINDOW)
    assert _open_batch_alert(m) is not None
    m.evaluate(stop + CFG.alert_idle_close_s + 1)
    closed = [e for e in events if e["state"] == "closed" and e["kind"] == "two_proportion"]
    assert [e["close_reason"] for e in closed] == ["no_traffic"]
