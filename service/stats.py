"""Small, dependency-free statistics for drift alerts and audit reports.

Everything here is pure Python (``math`` only), deterministic and side-effect free.

Contents
--------
- :func:`wilson_interval` — Wilson score interval for one proportion.
- :func:`two_proportion_test` — pooled two-sided z test for ``p1 - p2`` with a Newcombe
  (hybrid score, "method 10") confidence interval for the difference.
- :func:`holm_bonferroni`, :func:`holm_adjusted` — family-wise error control (any dependence).
- :func:`benjamini_hochberg`, :func:`bh_adjusted` — false-discovery-rate control (independent or PRDS tests).
- :func:`bernoulli_cusum_arl`, :func:`design_bernoulli_cusum` — a Bernoulli CUSUM in log-likelihood-ratio
  form, with the decision threshold chosen from an *exact* average-run-length computation (Markov chain).

References
----------
- E. B. Wilson (1927), "Probable inference, the law of succession, and statistical inference", JASA 22.
- R. G. Newcombe (1998a), "Two-sided confidence intervals for the single proportion: comparison of seven
  methods", Statistics in Medicine 17:857-872 (worked examples 81/263, 15/148, 0/20, 1/29).
- R. G. Newcombe (1998b), "Interval estimation for the difference between independent proportions:
  comparison of eleven methods", Statistics in Medicine 17:873-890 (method 10, worked examples).
- S. Holm (1979), "A simple sequentially rejective multiple test procedure", Scand. J. Statist. 6.
- Y. Benjamini, Y. Hochberg (1995), "Controlling the false discovery rate", JRSS B 57.
- M. R. Reynolds, M. D. Stoumbos (1999), "A CUSUM chart for monitoring a proportion when inspecting
  continuously", J. Quality Technology 31:87-108 (integer-scaled Bernoulli CUSUM, exact ARL by Markov chain).
- D. Brook, D. A. Evans (1972), "An approach to the probability distribution of CUSUM run length",
  Biometrika 59.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "Z95",
    "BernoulliCusumDesign",
    "TwoProportionResult",
    "benjamini_hochberg",
    "bernoulli_cusum_arl",
    "bh_adjusted",
    "design_bernoulli_cusum",
    "holm_adjusted",
    "holm_bonferroni",
    "normal_sf",
    "two_proportion_test",
    "wilson_interval",
]

#: Two-sided 95 % standard-normal quantile, Φ⁻¹(0.975).
Z95 = 1.959963984540054


def normal_sf(z: float) -> float:
    """Upper tail of the standard normal, ``P(Z > z) = ½·erfc(z/√2)`` (accurate far into the tail)."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


# --------------------------------------------------------------------------------------------------------
# One proportion
# --------------------------------------------------------------------------------------------------------


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (no continuity correction).

    With ``p̂ = x/n``::

        centre    = (p̂ + z²/(2n)) / (1 + z²/n)
        halfwidth = z / (1 + z²/n) · sqrt( p̂(1-p̂)/n + z²/(4n²) )
        (low, high) = (centre - halfwidth, centre + halfwidth)

    ``low`` is exactly 0 when ``x = 0`` and ``high`` exactly 1 when ``x = n``. ``n = 0`` gives the
    uninformative ``(0.0, 1.0)``.

    >>> tuple(round(v, 4) for v in wilson_interval(81, 263))  # Newcombe (1998a), example (a)
    (0.2553, 0.3662)
    """
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"need 0 <= successes <= n, got successes={successes}, n={n}")
    if z <= 0:
        raise ValueError("z must be positive")
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denom
    half = (z / denom) * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return (low, high)


# --------------------------------------------------------------------------------------------------------
# Two proportions
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TwoProportionResult:
    """Result of :func:`two_proportion_test` for ``diff = p1 - p2``.

    ``z`` and ``p_value`` come from the *pooled* z test (two-sided); ``ci`` is the Newcombe hybrid score
    interval (unpooled) for the difference at the requested confidence.
    """

    diff: float
    z: float
    p_value: float
    ci: tuple[float, float]


def two_proportion_test(x1: int, n1: int, x2: int, n2: int, z_ci: float = Z95) -> TwoProportionResult:
    """Compare two independent binomial proportions ``p1 = x1/n1`` and ``p2 = x2/n2``.

    **Test (pooled, two-sided)** — under H0: p1 = p2 the common rate is estimated by pooling::

        p̄  = (x1 + x2) / (n1 + n2)
        se0 = sqrt( p̄(1-p̄) · (1/n1 + 1/n2) )
        z   = (p1 - p2) / se0
        p   = 2·(1 - Φ(|z|)) = erfc(|z|/√2)

    If ``se0 = 0`` (both samples all-0 or all-1) the samples are identical: ``z = 0``, ``p = 1``.

    **Interval (unpooled, Newcombe 1998b method 10, "hybrid score")** — with Wilson intervals
    ``(l1, u1)`` for p1 and ``(l2, u2)`` for p2 at the same ``z_ci``::

        low  = (p1 - p2) - sqrt( (p1 - l1)² + (u2 - p2)² )
        high = (p1 - p2) + sqrt( (u1 - p1)² + (p2 - l2)² )

    Unlike the Wald interval it stays inside [-1, 1], behaves at 0 % / 100 % and has near-nominal
    coverage for small counts. The test and the interval can disagree at the margin (different
    standard errors); decisions in this project use the p-value.

    Raises ``ValueError`` if either ``n`` is 0 or a count is out of range.
    """
    if n1 <= 0 or n2 <= 0:
        raise ValueError("both samples need n > 0")
    if not (0 <= x1 <= n1 and 0 <= x2 <= n2):
        raise ValueError("need 0 <= x <= n in both samples")
    p1 = x1 / n1
    p2 = x2 / n2
    diff = p1 - p2
    pooled = (x1 + x2) / (n1 + n2)
    var0 = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)
    if var0 <= 0.0:
        z, p_value = 0.0, 1.0
    else:
        z = diff / math.sqrt(var0)
        p_value = min(1.0, math.erfc(abs(z) / math.sqrt(2.0)))
    l1, u1 = wilson_interval(x1, n1, z_ci)
    l2, u2 = wilson_interval(x2, n2, z_ci)
    low = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return TwoProportionResult(diff=diff, z=z, p_value=p_value, ci=(max(-1.0, low), min(1.0, high)))


# --------------------------------------------------------------------------------------------------------
# Multiple comparisons
# --------------------------------------------------------------------------------------------------------


def _check_p(p_values: Sequence[float]) -> None:
    for p in p_values:
        if not (0.0 <= p <= 1.0) or math.isnan(p):
            raise ValueError(f"p-values must be in [0, 1], got {p!r}")


def holm_bonferroni(p_values: Sequence[float], alpha: float = 0.05) -> list[bool]:
    """Holm's step-down procedure; returns, in input order, which hypotheses are rejected.

    Sort ascending ``p(1) <= … <= p(m)``; find the first ``k`` (1-based) with ``p(k) > alpha/(m - k + 1)``;
    reject ``H(1) … H(k-1)`` and nothing after. Controls the family-wise error rate at ``alpha`` under
    any dependence between the tests. Ties keep their input order (stable sort), which does not change
    the outcome because tied p-values are rejected or kept together.
    """
    _check_p(p_values)
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    rejected = [False] * m
    for rank, i in enumerate(order):
        if p_values[i] <= alpha / (m - rank):
            rejected[i] = True
        else:
            break
    return rejected


def holm_adjusted(p_values: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values, in input order: ``p̃(k) = max_{j<=k} min(1, (m - j + 1)·p(j))``.

    ``holm_adjusted(p)[i] <= alpha`` exactly when ``holm_bonferroni(p, alpha)[i]``.
    """
    _check_p(p_values)
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    out = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        out[i] = running
    return out


def benjamini_hochberg(p_values: Sequence[float], alpha: float = 0.05) -> list[bool]:
    """Benjamini–Hochberg step-up procedure; returns, in input order, which hypotheses are rejected.

    Sort ascending; find the largest ``k`` with ``p(k) <= k·alpha/m``; reject ``H(1) … H(k)``. Controls the
    false discovery rate at ``alpha`` for independent (or positively dependent, PRDS) tests.
    """
    _check_p(p_values)
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    k_max = 0
    for rank, i in enumerate(order, start=1):
        if p_values[i] <= rank * alpha / m:
            k_max = rank
    rejected = [False] * m
    for i in order[:k_max]:
        rejected[i] = True
    return rejected


def bh_adjusted(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values ("q-values"): ``q(k) = min_{j>=k} min(1, m·p(j)/j)``."""
    _check_p(p_values)
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    out = [1.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, min(1.0, m * p_values[i] / rank))
        out[i] = running
    return out


# --------------------------------------------------------------------------------------------------------
# Bernoulli CUSUM
# --------------------------------------------------------------------------------------------------------


def bernoulli_cusum_arl(p: float, up: int, down: int, threshold: int) -> float:
    """Exact average run length of the integer Bernoulli CUSUM, started at 0.

    The chart moves ``C_t = max(0, C_{t-1} + up)`` on a success (``X_t = 1``) and
    ``C_t = max(0, C_{t-1} - down)`` on a failure, with ``X_t ~ Bernoulli(p)`` i.i.d.; it signals at the
    first ``t`` with ``C_t >= threshold``. The transient states are ``0 … threshold-1``;
    the ARL vector solves ``(I - Q)·L = 1`` (Brook & Evans 1972) where ``Q[i, i+up] = p`` (if still
    below the threshold) and ``Q[i, max(0, i-down)] += 1-p``. ``I - Q`` is a banded M-matrix (lower
    bandwidth ``down``, upper ``up``), so banded Gaussian elimination without pivoting is stable; the cost
    is ``O(threshold · up · down)``.
    """
    if not (0.0 <= p <= 1.0):
        raise ValueError("p must be in [0, 1]")
    if up <= 0 or down <= 0 or threshold <= 0:
        raise ValueError("up, down and threshold must be positive integers")
    n = threshold
    lo, hi = down, up  # bandwidths
    width = lo + hi + 1
    q = 1.0 - p
    # rows[i][k] holds A[i, i - lo + k]
    rows = [[0.0] * width for _ in range(n)]
    rhs = [1.0] * n
    for i in range(n):
        row = rows[i]
        row[lo] += 1.0
        if i + up < n:
            row[lo + up] -= p
        j = i - down if i >= down else 0
        row[lo + (j - i)] -= q
    # forward elimination (no fill-in outside the band without pivoting)
    for i in range(n):
        piv_row = rows[i]
        piv = piv_row[lo]
        if piv == 0.0:
            raise ArithmeticError("singular CUSUM chain (p = 0 or 1 with an absorbing loop)")
        last = min(n - 1, i + lo)
        for r in range(i + 1, last + 1):
            rr = rows[r]
            off = i - r + lo  # column i in row r
            f = rr[off]
            if f == 0.0:
                continue
            f /= piv
            rr[off] = 0.0
            # columns i+1 … i+hi of the pivot row: piv_row[lo+1 …]; in row r they sit at off+1 …
            for k in range(1, hi + 1):
                v = piv_row[lo + k]
                if v != 0.0:
                    rr[off + k] -= f * v
            rhs[r] -= f * rhs[i]
    # back substitution
    sol = [0.0] * n
    for i in range(n - 1, -1, -1):
        row = rows[i]
        acc = rhs[i]
        for k in range(1, hi + 1):
            c = i + k
            if c >= n:
                break
            v = row[lo + k]
            if v != 0.0:
                acc -= v * sol[c]
        sol[i] = acc / row[lo]
    return sol[0]


@dataclass(frozen=True, slots=True)
class BernoulliCusumDesign:
    """A Bernoulli CUSUM tuned to detect ``p0 → p1`` (``p1 > p0``) with a target in-control ARL.

    The log-likelihood-ratio CUSUM ``S_t = max(0, S_{t-1} + W_t)`` has per-event increments
    ``W = ln(p1/p0)`` on a success and ``W = ln((1-p1)/(1-p0))`` on a failure. Dividing by
    ``ln(p1/p0) - ln((1-p1)/(1-p0))`` gives ``max(0, S' + X - γ)`` with the reference value
    ``γ = ln((1-p0)/(1-p1)) / ln(p1(1-p0) / (p0(1-p1)))``. Following Reynolds & Stoumbos (1999), ``γ`` is
    rounded to a fraction ``down/scale`` so the chart runs on integers (``up = scale - down``) and its ARL
    can be computed exactly; ``nats_per_unit`` converts the integer statistic back to the LLR scale.
    """

    p0: float
    p1: float
    scale: int
    up: int
    down: int
    threshold: int
    nats_per_unit: float
    arl0: float
    target_arl0: float

    @property
    def h(self) -> float:
        """Decision threshold on the log-likelihood-ratio scale (nats)."""
        return self.threshold * self.nats_per_unit

    @property
    def reference(self) -> float:
        """The (rounded) reference value γ = down/scale: the chart drifts up when the rate exceeds it."""
        return self.down / self.scale

    def arl(self, p: float) -> float:
        """Exact ARL of this chart when the true rate is ``p`` (in-control: ``p = p0``)."""
        return bernoulli_cusum_arl(p, self.up, self.down, self.threshold)


def _rational(gamma: float, max_scale: int, tol: float) -> tuple[int, int]:
    best: tuple[float, int, int] | None = None
    for m in range(2, max_scale + 1):
        a = round(gamma * m)
        if a < 1 or a >= m:
            continue
        err = abs(a / m - gamma) / gamma
        if err <= tol:
            return a, m
        if best is None or err < best[0]:
            best = (err, a, m)
    if best is None:
        raise ValueError(f"cannot represent reference value {gamma!r}")
    return best[1], best[2]


@lru_cache(maxsize=512)
def design_bernoulli_cusum(
    p0: float, p1: float, target_arl0: float, *, max_scale: int = 200, tol: float = 0.01
) -> BernoulliCusumDesign:
    """Design an upward Bernoulli CUSUM for ``p0 → p1`` whose exact in-control ARL is ``>= target_arl0``.

    How the threshold is chosen: the reference value γ (see :class:`BernoulliCusumDesign`) is rounded
    to the smallest-denominator fraction within ``tol`` (relative), then the *smallest* integer threshold
    ``H`` with ``bernoulli_cusum_arl(p0, up, down, H) >= target_arl0`` is found: a first guess from
    ``h ≈ ln(target_arl0)`` nats, a secant step on ``ln ARL`` (which is close to linear in ``H``), then
    integer bisection on a bracket. No simulation and no asymptotic approximation is involved; the
    achieved ``arl0`` is reported. Results are cached (the arguments are usually quantised by the caller).
    """
    if not (0.0 < p0 < p1 < 1.0):
        raise ValueError(f"need 0 < p0 < p1 < 1, got p0={p0!r}, p1={p1!r}")
    if target_arl0 <= 1.0:
        raise ValueError("target_arl0 must exceed 1")
    w1 = math.log(p1 / p0)
    w0 = math.log((1.0 - p1) / (1.0 - p0))
    span = w1 - w0
    gamma = -w0 / span
    down, scale = _rational(gamma, max_scale, tol)
    up = scale - down
    unit = span / scale

    cache: dict[int, float] = {}

    def arl(h_int: int) -> float:
        if h_int not in cache:
            cache[h_int] = bernoulli_cusum_arl(p0, up, down, h_int)
        return cache[h_int]

    target = float(target_arl0)
    h_a = max(1, math.ceil(math.log(target) / unit))
    h_b = h_a + max(1, scale // 2)
    la, lb = math.log(arl(h_a)), math.log(arl(h_b))
    slope = (lb - la) / (h_b - h_a) if lb > la else unit
    guess = max(1, round(h_b + (math.log(target) - lb) / slope))
    lo_h, hi_h = guess, guess
    step = max(1, scale // 4)
    while arl(lo_h) >= target and lo_h > 1:  # move down until below target
        lo_h = max(1, lo_h - step)
        step *= 2
    step = max(1, scale // 4)
    while arl(hi_h) < target:  # move up until at or above target
        hi_h += step
        step *= 2
    if arl(lo_h) >= target:  # lo_h == 1 already meets the target
        hi_h = lo_h
    while hi_h - lo_h > 1:
        mid = (lo_h + hi_h) // 2
        if arl(mid) >= target:
            hi_h = mid
        else:
            lo_h = mid
    return BernoulliCusumDesign(
        p0=p0,
        p1=p1,
        scale=scale,
        up=up,
        down=down,
        threshold=hi_h,
        nats_per_unit=unit,
        arl0=arl(hi_h),
        target_arl0=target,
    )
