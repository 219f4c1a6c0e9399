"""DriftMonitor behaviour on seeded synthetic streams (time is injected, runs are deterministic)."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

import pytest

from service.drift import METRICS, OVERFLOW_MODEL, DriftConfig, DriftMonitor

DAY = 86400.0
HOUR = 3600.0


def _classes(rng: random.Random) -> str:
    u = rng.random()
    if u < 0.03:
        return "refusal"
    if u < 0.05:
        return "safe_completion"
    if u < 0.10:
        return "over_caveated"
    return "full_compliance"


def _stream(
    monitor: DriftMonitor,
    seed: int,
    *,
    per_day: float,
    until: float,
    model: Callable[[float], str],
    p_dis: Callable[[float], float],
    domain: str = "health",
    start: float = 0.0,
) -> float:
    rng = random.Random(seed)
    t = start
    rate = per_day / DAY
    while True:
        t += rng.expovariate(rate)
        if t >= until:
            return t
        monitor.observe(
            domain,
            model(t),
            disagreement=rng.random() < p_dis(t),
            response_class=_classes(rng),
            ts=t,
        )


def _fired(events: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {(e["series"], e["metric"], e["kind"]) for e in events if e["state"] == "open"}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_version_change_with_ten_point_shift_fires(seed: int) -> None:
    events: list[dict[str, Any]] = []
    m = DriftMonitor(on_alert=events.append)
    change = 1.0 * DAY
    _stream(
        m,
        seed,
        per_day=20_000,
        until=change + 6 * HOUR,
        model=lambda t: "fast@1" if t < change else "fast@2",
        p_dis=lambda t: 0.08 if t < change else 0.18,
    )
    fired = _fired(events)
    assert ("health/fast@2", "disagreement", "two_proportion") in fired
    assert ("health/fast@2", "disagreement", "cusum") in fired
    # nothing else moved, and the detection came within two hours of the change
    assert {f for f in fired if f[0] == "health/fast@2"} <= {
        ("health/fast@2", "disagreement", "two_proportion"),
        ("health/fast@2", "disagreement", "cusum"),
    }
    first = min(e["detected_at"] for e in events if e["series"] == "health/fast@2")
    assert change < first < change + 2 * HOUR
    snap = m.snapshot(change + 6 * HOUR)
    json.dumps(snap)  # JSON-ready
    assert snap["pins"] == {"health": {"fast": {"fast_model": "fast@1", "source": "auto"}}}
    opened = {(a["series"], a["metric"], a["kind"]) for a in snap["alerts"]}
    assert ("health/fast@2", "disagreement", "two_proportion") in opened
    alert = next(a for a in snap["alerts"] if a["kind"] == "two_proportion")
    assert alert["baseline"] == "pinned:fast@1"
    assert alert["baseline_rate"] == pytest.approx(0.08, abs=0.01)
    assert alert["current_rate"] > 0.13
    assert alert["p_value"] < 1e-6


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_stationary_stream_same_volume_stays_quiet(seed: int) -> None:
    events: list[dict[str, Any]] = []
    m = DriftMonitor(on_alert=events.append)
    change = 1.0 * DAY
    _stream(
        m,
        seed,
        per_day=20_000,
        until=change + 6 * HOUR,
        model=lambda t: "fast@1" if t < change else "fast@2",
        p_dis=lambda t: 0.08,
    )
    snap = m.snapshot(change + 6 * HOUR)
    assert events == []
    assert snap["alerts"] == []
    series = {s["series"]: s for s in snap["series"]}
    dis = series["health/fast@2"]["metrics"]["disagreement"]
    assert dis["tested"] and dis["p_value"] > 0.001
    assert dis["cusum"]["state"] == "monitoring" and dis["cusum"]["baseline"] == "pinned:fast@1"
    lo, hi = dis["ci95"]
    assert lo <= dis["rate"] <= hi


def test_manual_pin_compares_concurrent_versions() -> None:
    cfg = DriftConfig(auto_pin=False)
    for pin in (False, True):
        events: list[dict[str, Any]] = []
        m = DriftMonitor(cfg, on_alert=events.append)
        if pin:
            m.pin_baseline("finance", "fast@1")
        rng = random.Random(42)
        t = 0.0
        while t < 8 * HOUR:  # a canary: both versions live, v2 disagrees 10 points more
            t += rng.expovariate(40_000 / DAY)
            v2 = rng.random() < 0.5
            m.observe(
                "finance",
                "fast@2" if v2 else "fast@1",
                disagreement=rng.random() < (0.18 if v2 else 0.08),
                response_class=None,
                ts=t,
            )
        fired = _fired(events)
        if pin:
            assert ("finance/fast@2", "disagreement", "two_proportion") in fired
            assert ("finance/fast@2", "disagreement", "cusum") in fired
            assert not any(f[0] == "finance/fast@1" for f in fired)
            snap = m.snapshot(t)
            s2 = next(s for s in snap["series"] if s["fast_model"] == "fast@2")
            assert s2["baseline"] == "pinned:fast@1"
            # no response classes were given: those metrics have no denominator and are not tested
            assert s2["metrics"]["refusal"]["n"] == 0 and not s2["metrics"]["refusal"]["tested"]
        else:
            # each version against its own previous window: stable, so nothing fires
            assert fired == set()
        m.unpin_baseline("finance")
        assert m.snapshot(t)["pins"] == {}


def test_minimum_sample_sizes_respected() -> None:
    # 150 events per hour-window: below min_samples=200, a 40-point jump must not be tested
    events: list[dict[str, Any]] = []
    m = DriftMonitor(DriftConfig(auto_pin=False), on_alert=events.append)
    m.pin_baseline("cyber", "fast@1")
    _stream(m, 5, per_day=3_600, until=DAY, model=lambda t: "fast@1", p_dis=lambda t: 0.08, domain="cyber")
    _stream(
        m, 6, per_day=150 * 24, until=DAY + 3 * HOUR, start=DAY, model=lambda t: "fast@2",
        p_dis=lambda t: 0.5, domain="cyber",
    )  # fmt: skip
    assert not any(e["kind"] == "two_proportion" for e in events)
    snap = m.snapshot(DAY + 3 * HOUR)
    s2 = next(s for s in snap["series"] if s["fast_model"] == "fast@2")
    assert s2["metrics"]["disagreement"]["not_tested_reason"] == "insufficient_samples"
    assert s2["metrics"]["disagreement"]["p_value"] is None

    # enough events per window but fewer than min_events positives in both samples together
    m2 = DriftMonitor(DriftConfig(auto_pin=False, min_events=10))
    for i in range(600):
        m2.observe("general", "fast@1", disagreement=i % 150 == 0, response_class=None, ts=i * 12.0)
    snap2 = m2.snapshot(2 * HOUR)
    dis = snap2["series"][0]["metrics"]["disagreement"]
    assert dis["n"] >= 200 and dis["baseline_n"] >= 200
    assert dis["not_tested_reason"] == "insufficient_events"


def test_memory_bounded_after_many_hours() -> None:
    cfg = DriftConfig()
    m = DriftMonitor(cfg)
    rng = random.Random(9)
    t = 0.0
    max_cells = 0
    per_window = int(cfg.window_s / cfg.bucket_s)
    while t < 72 * HOUR:  # three days, a new version every 6 hours in two domains
        t += rng.expovariate(30_000 / DAY)
        version = int(t // (6 * HOUR))
        for domain in ("health", "tool_use"):
            m.observe(domain, f"fast@{version}", disagreement=rng.random() < 0.08, response_class=None, ts=t)
        max_cells = max(max_cells, m.memory_cells())
    m.evaluate(t)
    keys = list(m.series_keys())
    # stale versions are evicted; only the live version and the pinned incumbent per domain remain
    assert len(keys) <= 4
    # each live series keeps at most two windows of buckets, plus one for the bucket in progress
    assert max_cells <= 2 * 3 * (2 * per_window + 1)
    assert m.memory_cells() <= len(keys) * (2 * per_window + 1)
    assert len(m.snapshot(t)["recently_closed"]) <= cfg.max_closed_alerts


def test_on_alert_errors_are_swallowed(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[str] = []

    def broken(alert: dict[str, Any]) -> None:
        calls.append(alert["id"])
        raise RuntimeError("webhook down")

    m = DriftMonitor(on_alert=broken)
    change = 1.0 * DAY
    with caplog.at_level(logging.ERROR, logger="service.drift"):
        _stream(
            m,
            3,
            per_day=20_000,
            until=change + 3 * HOUR,
            model=lambda t: "fast@1" if t < change else "fast@2",
            p_dis=lambda t: 0.08 if t < change else 0.18,
        )
    assert calls, "callback was called"
    assert m.open_alerts(), "alerts are still recorded"
    assert "on_alert callback failed" in caplog.text


def test_alerts_close_when_condition_clears() -> None:
    # same version, no pin: a step change is detected against the previous window / learned p0, then
    # becomes the new normal and every alert closes.
    events: list[dict[str, Any]] = []
    m = DriftMonitor(on_alert=events.append)
    change = 1.0 * DAY
    end = _stream(
        m, 8, per_day=20_000, until=change + 8 * HOUR, model=lambda t: "fast@1",
        p_dis=lambda t: 0.08 if t < change else 0.18,
    )  # fmt: skip
    opened = [e for e in events if e["state"] == "open"]
    closed = [e for e in events if e["state"] == "closed"]
    assert any(e["metric"] == "disagreement" and e["kind"] == "two_proportion" for e in opened)
    assert {e["id"] for e in opened} == {e["id"] for e in closed}
    assert m.snapshot(end)["alerts"] == []


def test_deterministic_and_json_ready() -> None:
    def run() -> str:
        m = DriftMonitor()
        _stream(m, 12, per_day=5_000, until=DAY, model=lambda t: "fast@1", p_dis=lambda t: 0.1)
        return json.dumps(m.snapshot(DAY), sort_keys=True)

    a, b = run(), run()
    assert a == b
    snap = json.loads(a)
    assert set(snap["series"][0]["metrics"]) == set(METRICS)


def test_unknown_response_class_rejected() -> None:
    m = DriftMonitor()
    with pytest.raises(ValueError):
        m.observe("health", "fast@1", disagreement=False, response_class="banana", ts=0.0)


class _HeldExecutor(Executor):
    """Queues submitted work until ``run_all``: the test decides when a design 'finishes'."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self.jobs.append((future, fn, args))
        return future

    def run_all(self) -> None:
        for future, fn, args in self.jobs:
            future.set_result(fn(*args))
        self.jobs.clear()


def test_cusum_designs_run_on_the_designer_and_observe_never_waits_for_them() -> None:
    held = _HeldExecutor()
    events: list[dict[str, Any]] = []
    m = DriftMonitor(DriftConfig(auto_pin=False), on_alert=events.append, designer=held)
    rng = random.Random(7)
    t = 0.0
    while t < 6 * HOUR:  # enough to learn a baseline on every chart
        t += rng.expovariate(20_000 / DAY)
        m.observe("health", "fast@1", disagreement=rng.random() < 0.08, response_class=_classes(rng), ts=t)
    assert held.jobs, "learning finished, so designs were handed to the designer"
    cusum = m.snapshot(t)["series"][0]["metrics"]["disagreement"]["cusum"]
    assert cusum["state"] == "designing" and cusum["threshold"] is None

    held.run_all()
    t += 1.0
    m.observe("health", "fast@1", disagreement=False, response_class="full_compliance", ts=t)
    cusum = m.snapshot(t)["series"][0]["metrics"]["disagreement"]["cusum"]
    assert cusum["state"] == "monitoring" and cusum["threshold"] > 0  # the next event installed the design
    # A shift to 30 % now raises a CUSUM alarm (designs keep finishing as a worker thread would finish them).
    while t < 12 * HOUR:
        t += rng.expovariate(20_000 / DAY)
        m.observe("health", "fast@1", disagreement=rng.random() < 0.30, response_class=_classes(rng), ts=t)
        held.run_all()
    assert ("health/fast@1", "disagreement", "cusum") in _fired(events)


def test_a_design_that_fails_disables_its_chart_instead_of_breaking_observe(caplog: pytest.LogCaptureFixture) -> None:
    held = _HeldExecutor()
    m = DriftMonitor(DriftConfig(auto_pin=False), designer=held)
    rng = random.Random(3)
    t = 0.0
    while not held.jobs:
        t += 1.0
        m.observe("health", "fast@1", disagreement=rng.random() < 0.1, response_class=_classes(rng), ts=t)
    for future, _fn, _args in held.jobs:
        future.set_exception(ArithmeticError("singular"))
    held.jobs.clear()
    with caplog.at_level(logging.ERROR, logger="service.drift"):
        m.observe("health", "fast@1", disagreement=True, response_class="refusal", ts=t + 1)
    assert "CUSUM design failed" in caplog.text
    assert m.snapshot(t + 1)["series"][0]["metrics"]["disagreement"]["cusum"]["state"] == "disabled"


def test_fast_models_past_the_cap_are_counted_in_their_domains_other_series() -> None:
    # The caller names the fast model: a client sending a new version on every request must not grow the
    # monitor (and /metrics) without bound. Later versions are still counted, in the domain's ``other`` series.
    m = DriftMonitor(DriftConfig(max_fast_models=3, auto_pin=False))
    for i in range(10):
        for domain in ("health", "finance"):
            m.observe(domain, f"fast@{i}", disagreement=i % 2 == 0, response_class="refusal", ts=100.0 + i)
    series = {(s["domain"], s["fast_model"]): s for s in m.snapshot(200.0)["series"]}
    assert set(series) == {(d, f) for d in ("health", "finance") for f in ("fast@0", "fast@1", "fast@2", OVERFLOW_MODEL)}
    other = series[("health", OVERFLOW_MODEL)]["metrics"]["disagreement"]
    assert other["n"] == 7 and other["count"] == 3  # versions 3..9, the even ones disagreed
    # a version already tracked in one domain is tracked by name in another
    m.observe("cyber", "fast@1", disagreement=False, response_class=None, ts=300.0)
    assert ("cyber", "fast@1") in m.series_keys()
    # once the old versions are evicted, new ones get their own series again
    m.evaluate(10 * HOUR)
    m.observe("health", "fast@10", disagreement=False, response_class=None, ts=10 * HOUR)
    assert ("health", "fast@10") in m.series_keys()


def test_the_overflow_series_takes_no_slot_of_the_cap() -> None:
    # With a cap of 2 and `other` live, evicting one tracked version leaves a slot for the next new one.
    m = DriftMonitor(DriftConfig(max_fast_models=2, auto_pin=False))
    m.observe("health", "a@1", disagreement=False, response_class=None, ts=1.1 * HOUR)
    for name in ("b@1", "c@1", "d@1"):  # c and d are past the cap
        m.observe("health", name, disagreement=False, response_class=None, ts=3 * HOUR)
    assert ("health", OVERFLOW_MODEL) in m.series_keys() and ("health", "a@1") in m.series_keys()
    m.evaluate(3.2 * HOUR)  # a@1 has had no event for two windows: evicted
    assert ("health", "a@1") not in m.series_keys()
    m.observe("health", "e@1", disagreement=False, response_class=None, ts=3.2 * HOUR + 20)
    assert ("health", "e@1") in m.series_keys()
    m.observe("health", "f@1", disagreement=False, response_class=None, ts=3.2 * HOUR + 30)  # the cap again
    assert ("health", "f@1") not in m.series_keys()


def test_the_snapshot_shows_the_counts_its_p_value_was_computed_on() -> None:
    # count / n are now's; the p-value and interval are those of the last evaluation, on older counts: an on-call
    # engineer could not reproduce the p-value from the numbers shown beside it.
    from service.stats import two_proportion_test

    m = DriftMonitor(DriftConfig(window_s=3600, bucket_s=60, eval_every_s=600, min_samples=20, min_events=2,
                                 auto_pin=False))
    m.pin_baseline("health", "fast@1")
    for i in range(200):
        m.observe("health", "fast@1", disagreement=i % 10 == 0, response_class=None, ts=float(i))
    for i in range(100):
        m.observe("health", "fast@2", disagreement=i % 4 == 0, response_class=None, ts=200.0 + i)
    m.evaluate(300.0)
    for i in range(50):  # more traffic after the test
        m.observe("health", "fast@2", disagreement=i % 2 == 0, response_class=None, ts=301.0 + i)
    metric = next(s for s in m.snapshot(360.0)["series"] if s["fast_model"] == "fast@2")["metrics"]["disagreement"]
    assert (metric["count"], metric["n"]) == (50, 150)  # now
    assert (metric["tested_count"], metric["tested_n"]) == (25, 100)  # what the test saw
    tested = two_proportion_test(25, 100, metric["baseline_rate"] * metric["baseline_n"], metric["baseline_n"])
    assert metric["p_value"] == pytest.approx(tested.p_value)


def test_a_series_not_tested_since_its_baseline_changed_says_so() -> None:
    # Right after a pin, /v1/drift showed the series "pinned:…" while each metric had baseline null, tested false
    # and no reason, until the next evaluation up to ten minutes later.
    m = DriftMonitor(DriftConfig(auto_pin=False, eval_every_s=600))
    for i in range(300):
        m.observe("health", "fast@1", disagreement=i % 10 == 0, response_class=None, ts=i * 1.0)
        m.observe("health", "fast@2", disagreement=i % 5 == 0, response_class=None, ts=i * 1.0)
    first = {s["fast_model"]: s for s in m.snapshot(300.0)["series"]}
    assert first["fast@2"]["metrics"]["disagreement"]["not_tested_reason"] == "not_evaluated_yet"
    m.evaluate(301.0)
    tested = {s["fast_model"]: s for s in m.snapshot(301.0)["series"]}
    assert tested["fast@2"]["metrics"]["disagreement"]["baseline"] == "previous_window"
    m.pin_baseline("health", "fast@1")
    pinned = {s["fast_model"]: s for s in m.snapshot(302.0)["series"]}
    dis = pinned["fast@2"]["metrics"]["disagreement"]
    assert pinned["fast@2"]["baseline"] == "pinned:fast@1"
    assert dis["baseline"] is None and dis["not_tested_reason"] == "not_evaluated_yet"  # not the old test's figures
    m.evaluate(303.0)
    again = {s["fast_model"]: s for s in m.snapshot(303.0)["series"]}
    assert again["fast@2"]["metrics"]["disagreement"]["baseline"] == "pinned:fast@1"


def test_an_alert_carries_readable_utc_times_and_the_baselines_n() -> None:
    # QA L5: an alert's times were epoch floats only (detected_at 1796461803.2) and it had the current window's n
    # but not the baseline's. Each time now has an ISO-8601 UTC copy next to it, and baseline_n says what the
    # baseline rate stands on; the epoch fields stay for receivers that read them.
    from datetime import UTC, datetime

    events: list[dict[str, Any]] = []
    m = DriftMonitor(on_alert=events.append)
    start = datetime(2026, 12, 5, tzinfo=UTC).timestamp()
    change = start + DAY
    _stream(
        m,
        1,
        per_day=20_000,
        start=start,
        until=change + 6 * HOUR,
        model=lambda t: "fast@1" if t < change else "fast@2",
        p_dis=lambda t: 0.08 if t < change else 0.18,
    )
    snap = m.snapshot(change + 6 * HOUR)
    batch = next(a for a in snap["alerts"] if a["kind"] == "two_proportion" and a["metric"] == "disagreement")
    cusum = next(a for a in snap["alerts"] if a["kind"] == "cusum" and a["metric"] == "disagreement")
    for alert in (batch, cusum):
        for name in ("detected_at", "updated_at"):
            assert isinstance(alert[name], float)  # kept
            iso = alert[f"{name}_iso"]
            assert iso.startswith("2026-12-06T") and iso.endswith("Z") and len(iso) == len("2026-12-06T01:02:03Z")
            assert datetime.fromisoformat(iso).timestamp() == pytest.approx(alert[name], abs=1)
        assert alert["closed_at_iso"] is None and alert["not_retested_since_iso"] is None
    fast2 = next(s for s in snap["series"] if s["fast_model"] == "fast@2")["metrics"]["disagreement"]
    assert batch["baseline_n"] == fast2["baseline_n"] > 15_000  # the pinned fast@1's day of decisions
    assert cusum["baseline_n"] >= DriftConfig().cusum_min_baseline  # the events the chart's p0 was designed from
    assert cusum["change_started_at_iso"] == datetime.fromtimestamp(cusum["change_started_at"], UTC).isoformat(
        timespec="seconds"
    ).replace("+00:00", "Z")
    posted = next(e for e in events if e["id"] == batch["id"])
    assert posted["baseline_n"] > 0 and posted["detected_at_iso"] == batch["detected_at_iso"]
