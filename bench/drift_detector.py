"""Drift detector benchmark: detection delay and false alarms on synthetic streams with known change points.

Scenario ("version change"): a domain is served by ``fast@1`` (disagreement 8 %, response classes 3 % refusal,
2 % safe_completion, 5 % over_caveated) for a warm-up period, then traffic switches to ``fast@2`` whose
disagreement rate is 8 % + shift. The monitor auto-pins ``fast@1`` as the baseline of ``fast@2``. Arrivals are
Poisson at 2,000 or 20,000 decisions/day; the clock is the simulated one (``ts``), nothing sleeps.

Reported, per volume and shift, over many seeds: detection delay of the first ``two_proportion`` and the first
``cusum`` alert on (``fast@2``, ``disagreement``), median and p90, in hours and in ``fast@2`` events; and on
stationary streams the false alarms per series-day (any metric, either detector), separately for the
incumbent (previous-window / learned baselines) and for the new version (pinned baseline).
Also: the median cost of ``DriftMonitor.observe``.

    .venv/bin/python bench/drift_detector.py            # default, ~1 min on one core
    .venv/bin/python bench/drift_detector.py --quick    # a few seconds
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.drift import DriftConfig, DriftMonitor

DAY = 86400.0
HOUR = 3600.0
BASE = 0.08


OVERRIDES: dict[str, Any] = {}


def config_for(per_day: int) -> DriftConfig:
    """1-hour windows at 20k/day; 6-hour windows at 2k/day (so a window holds >= 2.5 x min_samples)."""
    if per_day >= 10_000:
        return DriftConfig(window_s=HOUR, bucket_s=60.0, **OVERRIDES)
    return DriftConfig(window_s=6 * HOUR, bucket_s=360.0, **OVERRIDES)


@dataclass
class Run:
    delay_h: dict[str, float]
    delay_ev: dict[str, float]
    fa_v1: int
    fa_v2: int
    v1_days: float
    v2_days: float


def simulate(per_day: int, shift: float, seed: int, warmup_days: float, horizon_days: float, stop: bool) -> Run:
    cfg = config_for(per_day)
    events: list[dict[str, Any]] = []
    mon = DriftMonitor(cfg, on_alert=events.append)
    rng = random.Random(seed)
    rate = per_day / DAY
    change = warmup_days * DAY
    end = change + horizon_days * DAY
    t = 0.0
    v2_events = 0
    found: dict[str, tuple[float, int]] = {}
    seen = 0
    rnd = rng.random
    expo = rng.expovariate
    observe = mon.observe
    p2 = BASE + shift
    while True:
        t += expo(rate)
        if t >= end:
            break
        u = rnd()
        cls = (
            "refusal"
            if u < 0.03
            else "safe_completion"
            if u < 0.05
            else "over_caveated"
            if u < 0.10
            else "full_compliance"
        )
        if t < change:
            observe("health", "fast@1", disagreement=rnd() < BASE, response_class=cls, ts=t)
        else:
            v2_events += 1
            observe("health", "fast@2", disagreement=rnd() < p2, response_class=cls, ts=t)
            if len(events) != seen:
                for e in events[seen:]:
                    if (
                        e["state"] == "open"
                        and e["series"] == "health/fast@2"
                        and e["metric"] == "disagreement"
                        and e["kind"] not in found
                    ):
                        found[e["kind"]] = (e["detected_at"], v2_events)
                seen = len(events)
                if stop and len(found) == 2:
                    break
    opened = [e for e in events if e["state"] == "open"]
    learn_h = 2 * cfg.window_s  # the first two windows of fast@1 cannot be tested yet: not counted
    fa_v1 = sum(1 for e in opened if e["series"] == "health/fast@1" and e["detected_at"] >= learn_h)
    fa_v2 = sum(1 for e in opened if e["series"] == "health/fast@2")
    delay_h = {k: (found[k][0] - change) / HOUR if k in found else math.inf for k in ("two_proportion", "cusum")}
    delay_ev = {k: float(found[k][1]) if k in found else math.inf for k in ("two_proportion", "cusum")}
    return Run(delay_h, delay_ev, fa_v1, fa_v2, warmup_days - learn_h / DAY, horizon_days)


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(q * len(s)) - 1))
    return s[k]


def fmt(v: float, digits: int = 1) -> str:
    return "n/d" if math.isinf(v) else f"{v:.{digits}f}" if digits else f"{v:,.0f}"


def observe_cost(n: int = 200_000) -> tuple[float, float]:
    rng = random.Random(0)
    mon = DriftMonitor()
    ts, dis, cls = [], [], []
    t = 0.0
    classes = ["full_compliance"] * 90 + ["refusal"] * 3 + ["safe_completion"] * 2 + ["over_caveated"] * 5
    for _ in range(n):
        t += rng.expovariate(20_000 / DAY)
        ts.append(t)
        dis.append(rng.random() < BASE)
        cls.append(rng.choice(classes))
    batch = 1000
    per_call: list[float] = []
    observe = mon.observe
    for start in range(0, n, batch):
        t0 = time.perf_counter_ns()
        for i in range(start, start + batch):
            observe("health", "fast@1", disagreement=dis[i], response_class=cls[i], ts=ts[i])
        per_call.append((time.perf_counter_ns() - t0) / batch / 1000.0)
    return statistics.median(per_call), max(per_call)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a few-second run (fewer seeds, shorter streams)")
    ap.add_argument("--seeds", type=int, default=None, help="seeds per (volume, shift)")
    ap.add_argument("--alpha", type=float, default=None, help="override DriftConfig.alpha")
    ap.add_argument("--arl0-days", type=float, default=None, help="override DriftConfig.cusum_arl0_days")
    ap.add_argument("--delta", type=float, default=None, help="override DriftConfig.cusum_delta")
    args = ap.parse_args()
    for key, value in (("alpha", args.alpha), ("cusum_arl0_days", args.arl0_days), ("cusum_delta", args.delta)):
        if value is not None:
            OVERRIDES[key] = value
    quick = args.quick
    seeds = args.seeds or (3 if quick else 20)
    started = time.perf_counter()

    med, worst = observe_cost(50_000 if quick else 200_000)
    print(f"observe(): median {med:.2f} µs/call (batches of 1000), worst batch {worst:.2f} µs/call")
    print()

    volumes = {20_000: (1.0, 2.0), 2_000: (1.5, 4.0)}  # per_day -> (warm-up days, horizon days)
    if quick:
        volumes = {20_000: (1.0, 1.0), 2_000: (1.5, 2.0)}
    header = (
        f"{'volume/day':>10} {'window':>6} {'shift':>6} {'detector':>14} {'detected':>9} "
        f"{'median h':>9} {'p90 h':>7} {'median ev':>10} {'p90 ev':>8}"
    )
    print("Detection delay after a version change (fast@2 vs pinned fast@1, disagreement 8 % + shift)")
    print(header)
    print("-" * len(header))
    for per_day, (warm, horizon) in volumes.items():
        win = f"{config_for(per_day).window_s / HOUR:.0f}h"
        for shift in (0.02, 0.05, 0.10):
            runs = [simulate(per_day, shift, 1000 + s, warm, horizon, stop=True) for s in range(seeds)]
            for kind in ("two_proportion", "cusum"):
                hours = [r.delay_h[kind] for r in runs]
                evs = [r.delay_ev[kind] for r in runs]
                det = sum(1 for h in hours if not math.isinf(h))
                print(
                    f"{per_day:>10,} {win:>6} {f'+{shift * 100:.0f}pt':>6} {kind:>14} {f'{det}/{len(runs)}':>9} "
                    f"{fmt(statistics.median(hours), 2):>9} {fmt(pct(hours, 0.9), 2):>7} "
                    f"{fmt(statistics.median(evs), 0):>10} {fmt(pct(evs, 0.9), 0):>8}"
                )
    print(
        f"(n/d: not detected within the horizon: {', '.join(f'{v[1]:g} d at {k:,}/day' for k, v in volumes.items())})"
    )
    print()

    stat_cfg = {20_000: (5.0, 5.0, 12), 2_000: (20.0, 20.0, 20)}
    if quick:
        stat_cfg = {20_000: (1.0, 1.0, 2), 2_000: (3.0, 3.0, 2)}
    print("False alarms on stationary streams (no shift at the version change), all 4 metrics, both detectors")
    header2 = f"{'volume/day':>10} {'series':>28} {'series-days':>11} {'alarms':>6} {'per series-day':>15}"
    print(header2)
    print("-" * len(header2))
    for per_day, (d1, d2, n) in stat_cfg.items():
        runs = [simulate(per_day, 0.0, 5000 + s, d1, d2, stop=False) for s in range(n)]
        v1_days = sum(r.v1_days for r in runs)
        v2_days = sum(r.v2_days for r in runs)
        fa1 = sum(r.fa_v1 for r in runs)
        fa2 = sum(r.fa_v2 for r in runs)
        print(f"{per_day:>10,} {'incumbent (prev. window)':>28} {v1_days:>11.1f} {fa1:>6} {fa1 / v1_days:>15.3f}")
        print(f"{per_day:>10,} {'new version (pinned)':>28} {v2_days:>11.1f} {fa2:>6} {fa2 / v2_days:>15.3f}")
    print()
    cfg = DriftConfig(**OVERRIDES)
    print(
        f"config: alpha={cfg.alpha:g} per evaluation every {cfg.eval_every_s:g}s, min_samples={cfg.min_samples}, "
        f"min_events={cfg.min_events}, cusum delta={cfg.cusum_delta:g}, ARL0={cfg.cusum_arl0_days:g} days, "
        f"p0 = Wilson upper bound z={cfg.cusum_p0_z:g} of >= {cfg.cusum_min_baseline} baseline events"
    )
    print(f"total {time.perf_counter() - started:.1f} s, {seeds} seeds per (volume, shift)")


if __name__ == "__main__":
    main()
