"""Known-value tests for service.stats (Wilson 1927, Newcombe 1998a/b, Holm 1979, BH 1995)."""

from __future__ import annotations

import math
import random

import pytest

from service.stats import (
    Z95,
    benjamini_hochberg,
    bernoulli_cusum_arl,
    bh_adjusted,
    design_bernoulli_cusum,
    holm_adjusted,
    holm_bonferroni,
    normal_sf,
    two_proportion_test,
    wilson_interval,
)


def _r4(pair: tuple[float, float]) -> tuple[float, float]:
    return (round(pair[0], 4), round(pair[1], 4))


@pytest.mark.parametrize(
    ("x", "n", "expected"),
    [
        (0, 10, (0.0, 0.2775)),
        (5, 10, (0.2366, 0.7634)),
        # Newcombe (1998a), Table II, method 3 (score, no continuity correction)
        (81, 263, (0.2553, 0.3662)),
        (15, 148, (0.0624, 0.1605)),
        (0, 20, (0.0, 0.1611)),
        (1, 29, (0.0061, 0.1718)),
    ],
)
def test_wilson_known_values(x: int, n: int, expected: tuple[float, float]) -> None:
    assert _r4(wilson_interval(x, n)) == expected


def test_wilson_edges_and_symmetry() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert wilson_interval(0, 7)[0] == 0.0
    assert wilson_interval(7, 7)[1] == 1.0
    lo, hi = wilson_interval(3, 17)
    lo2, hi2 = wilson_interval(14, 17)
    assert math.isclose(lo, 1 - hi2) and math.isclose(hi, 1 - lo2)
    # wider at higher confidence
    assert wilson_interval(5, 50, 2.576)[0] < wilson_interval(5, 50, Z95)[0]
    with pytest.raises(ValueError):
        wilson_interval(11, 10)
    with pytest.raises(ValueError):
        wilson_interval(-1, 10)


def test_two_proportion_hand_computed() -> None:
    # 56/70 vs 48/80: pooled p = 104/150; se0 = sqrt(p(1-p)(1/70 + 1/80)) = 0.0754667; z = 0.2/se0
    r = two_proportion_test(56, 70, 48, 80)
    pooled = 104 / 150
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / 70 + 1 / 80))
    assert r.diff == pytest.approx(0.2)
    assert r.z == pytest.approx(0.2 / se0)
    assert r.z == pytest.approx(2.6502, abs=1e-4)
    assert r.p_value == pytest.approx(2 * normal_sf(r.z))
    assert r.p_value == pytest.approx(0.008045, abs=1e-6)
    # Newcombe (1998b) method 10 worked example (a): 0.0524 to 0.3339
    assert _r4(r.ci) == (0.0524, 0.3339)


@pytest.mark.parametrize(
    ("counts", "ci"),
    [
        ((9, 10, 3, 10), (0.1705, 0.8090)),  # Newcombe (1998b) example (b)
        ((5, 56, 0, 29), (-0.0381, 0.1926)),  # example (d)
        ((0, 10, 0, 20), (-0.1611, 0.2775)),  # example (e)
        ((0, 10, 0, 10), (-0.2775, 0.2775)),  # example (f)
    ],
)
def test_newcombe_interval_examples(counts: tuple[int, int, int, int], ci: tuple[float, float]) -> None:
    assert _r4(two_proportion_test(*counts).ci) == ci


def test_two_proportion_degenerate_and_antisymmetric() -> None:
    r = two_proportion_test(0, 50, 0, 80)
    assert (r.diff, r.z, r.p_value) == (0.0, 0.0, 1.0)
    a = two_proportion_test(30, 200, 12, 190)
    b = two_proportion_test(12, 190, 30, 200)
    assert a.z == pytest.approx(-b.z) and a.p_value == pytest.approx(b.p_value)
    assert a.ci[0] == pytest.approx(-b.ci[1]) and a.ci[1] == pytest.approx(-b.ci[0])
    with pytest.raises(ValueError):
        two_proportion_test(1, 0, 1, 1)


def test_holm_step_down_order() -> None:
    # sorted: 0.005 <= 0.05/4, 0.01 <= 0.05/3, 0.03 > 0.05/2 -> stop
    assert holm_bonferroni([0.01, 0.04, 0.03, 0.005]) == [True, False, False, True]
    # step-down stops at the first failure even though 0.04 <= 0.05/1 would pass on its own
    assert holm_bonferroni([0.04, 0.001, 0.03]) == [False, True, False]
    assert holm_bonferroni([]) == []
    assert holm_bonferroni([0.05], alpha=0.05) == [True]
    with pytest.raises(ValueError):
        holm_bonferroni([1.5])


def test_holm_adjusted_matches_rejections_and_bh() -> None:
    rng = random.Random(7)
    for _ in range(200):
        ps = [rng.random() ** 3 for _ in range(rng.randint(1, 12))]
        for alpha in (0.01, 0.05, 0.2):
            assert [q <= alpha for q in holm_adjusted(ps)] == holm_bonferroni(ps, alpha)
            assert [q <= alpha for q in bh_adjusted(ps)] == benjamini_hochberg(ps, alpha)
            # BH is never more conservative than Holm
            holm, bh = holm_bonferroni(ps, alpha), benjamini_hochberg(ps, alpha)
            assert all(b or not h for h, b in zip(holm, bh, strict=True))
    assert holm_adjusted([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005]) == [True, True, True, True]
    assert benjamini_hochberg([0.02, 0.9, 0.04]) == [False, False, False]


def test_cusum_arl_exact_small_cases() -> None:
    # threshold 1 with up >= 1: the first success signals -> geometric, ARL = 1/p
    assert bernoulli_cusum_arl(0.25, 3, 1, 1) == pytest.approx(4.0)
    # up=1, down=1, threshold=2: L0 = 1 + p L1 + q L0, L1 = 1 + q L0  ->  L0 = (1 + p) / p^2
    p = 0.3
    assert bernoulli_cusum_arl(p, 1, 1, 2) == pytest.approx((1 + p) / p**2)


def test_cusum_arl_matches_simulation() -> None:
    rng = random.Random(11)
    p, up, down, h = 0.08, 29, 3, 120
    runs, total = 6000, 0
    for _ in range(runs):
        c = t = 0
        while c < h:
            t += 1
            c = c + up if rng.random() < p else max(0, c - down)
        total += t
    exact = bernoulli_cusum_arl(p, up, down, h)
    assert total / runs == pytest.approx(exact, rel=0.05)


def test_cusum_design_meets_target_minimally() -> None:
    d = design_bernoulli_cusum(0.08, 0.11, 100_000.0)
    assert d.arl0 >= 100_000.0
    assert d.arl(d.p0) == pytest.approx(d.arl0)
    assert bernoulli_cusum_arl(d.p0, d.up, d.down, d.threshold - 1) < 100_000.0
    # the rounded reference value is within 1 % of the LLR one
    gamma = math.log(0.92 / 0.89) / math.log(0.11 * 0.92 / (0.08 * 0.89))
    assert abs(d.reference - gamma) / gamma <= 0.01
    # detects the design shift much faster than the in-control run length
    assert d.arl(0.11) < d.arl0 / 100
    assert d.arl(0.18) < d.arl(0.11)
    with pytest.raises(ValueError):
        design_bernoulli_cusum(0.2, 0.1, 1000.0)
